/** PowerMTA: "Delivery report" DSNs, or its X-PowerMTA-BounceCategory field in the report; a standard DSN. */
import type { ParsedMail } from "../mime.ts";
import { parseRfc3464 } from "../rfc3464.ts";
import { readBy } from "./common.ts";

const isPowerMta = (mail: ParsedMail) => /^X-PowerMTA-BounceCategory:/im.test(mail.body) || (mail.subject.trim() === "Delivery report" && /^Content-Type: message\/delivery-status/im.test(mail.body));

export const powermta = readBy("powermta", isPowerMta, parseRfc3464);
