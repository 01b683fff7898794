/** Amazon SES receiving (inbound) bounces: "This message could not be delivered.", X-SES-Outgoing; a standard DSN. */
import type { ParsedMail } from "../mime.ts";
import { parseRfc3464 } from "../rfc3464.ts";
import { readBy } from "./common.ts";

const isReceivingSes = (mail: ParsedMail) => mail.headers.has("x-ses-outgoing") && /^\s*This message could not be delivered\./im.test(mail.text);

export const receivingses = readBy("receivingses", isReceivingSes, parseRfc3464);
