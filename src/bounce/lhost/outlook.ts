/**
 * Outlook.com / Hotmail's own DSNs ("This is an automatically generated Delivery Status
 * Notification", from postmaster@hotmail.com or outlook.com). The report is a standard
 * multipart/report, read by rfc3464.ts; two of Microsoft's consumer-mail signs name the
 * provider. (Microsoft 365 / Exchange Online NDRs are exchange.ts.)
 */
import type { ParsedMail } from "../mime.ts";
import { parseRfc3464 } from "../rfc3464.ts";
import type { LhostModule } from "../types.ts";
import { headerOf } from "./common.ts";

function isOutlook(mail: ParsedMail): boolean {
  // Hotmail's own headers or sender are required: a Received line through hotmail.com alone is
  // also on any bounce delivered to an Outlook.com mailbox.
  const own = (mail.headers.has("x-message-delivery") ? 1 : 0) + (mail.headers.has("x-message-info") ? 1 : 0) +
    (/\b(?:postmaster|mailer-daemon)@(?:[\w-]+\.)*(?:hotmail|outlook)\.com\b/i.test(headerOf(mail, "from")) ? 1 : 0);
  if (own === 0) return false;
  let signs = own;
  if (mail.subject.includes("Delivery Status Notification")) signs++;
  if ((mail.headers.get("received") ?? []).some((r) => /\.hotmail\.com\b/i.test(r))) signs++;
  return signs >= 2;
}

export const outlook: LhostModule = {
  name: "outlook",
  detect: isOutlook,
  parse: (mail) => parseRfc3464(mail),
};
