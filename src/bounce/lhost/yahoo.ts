/**
 * Yahoo! Mail's own bounces ("Failure Notice": "Sorry, we were unable to deliver your message
 * to the following address." then `<addr>:` and "Remote host said: ... [RCPT_TO]"). The body
 * is qmail's shape, so qmail.ts reads it; this module names the provider, which the
 * X-YMailISG header or a Yahoo! sender tells.
 */
import type { ParsedMail } from "../mime.ts";
import type { LhostModule } from "../types.ts";
import { headerOf } from "./common.ts";
import { qmail } from "./qmail.ts";

function isYahoo(mail: ParsedMail): boolean {
  if (!/^\s*Sorry, we were unable to deliver your message/im.test(mail.text)) return false;
  if (mail.headers.has("x-ymailisg")) return true;
  return /\byahoo(?:inc)?\.(?:com|co\.jp|net)\b/i.test(`${headerOf(mail, "from")} ${(mail.headers.get("received") ?? []).join(" ")}`);
}

export const yahoo: LhostModule = {
  name: "yahoo",
  detect: isYahoo,
  parse: (mail) => qmail.parse(mail),
};
