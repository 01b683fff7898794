/** SurfControl E-mail Filter: X-SEF-Processed and its X-Mailer; a standard DSN. */
import type { ParsedMail } from "../mime.ts";
import { parseRfc3464 } from "../rfc3464.ts";
import { headerOf, readBy } from "./common.ts";

const isSurfControl = (mail: ParsedMail) => mail.headers.has("x-sef-processed") && headerOf(mail, "x-mailer").trim() === "SurfControl E-mail Filter";

export const surfcontrol = readBy("surfcontrol", isSurfControl, parseRfc3464);
