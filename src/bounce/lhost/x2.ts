/**
 * "X2" in sisimai's names: an unnamed qmail-derived system ("Delivery failure" or "failed
 * delivery" from MAILER-DAEMON, "Unable to deliver message to the following address"); qmail.ts reads it.
 */
import type { ParsedMail } from "../mime.ts";
import { headerOf, readBy } from "./common.ts";
import { qmail } from "./qmail.ts";

const isX2 = (mail: ParsedMail) =>
  headerOf(mail, "from").includes("MAILER-DAEMON@") && /^(?:Delivery failure|fail(?:ure|ed) delivery)/.test(mail.subject) && /Unable to deliver message to the following address/i.test(mail.text);

export const x2 = readBy("x2", isX2, (mail) => qmail.parse(mail));
