/** Amazon WorkMail: sent through SES (X-SES-Outgoing) by the "Amazon WorkMail" mailer; a standard DSN. */
import type { ParsedMail } from "../mime.ts";
import { parseRfc3464 } from "../rfc3464.ts";
import { headerOf, readBy } from "./common.ts";

const isWorkMail = (mail: ParsedMail) =>
  mail.headers.has("x-ses-outgoing") && (headerOf(mail, "x-original-mailer") || headerOf(mail, "x-mailer")).trim() === "Amazon WorkMail";

export const amazonworkmail = readBy("amazonworkmail", isWorkMail, parseRfc3464);
