/** Gmail's own plain-text notices (before Google moved to RFC 3464 reports). */
import { findAddress, isAddress } from "../smtp.ts";
import type { LhostModule } from "../types.ts";
import { oneLine, originalOf, splitAt } from "./common.ts";

const MARKERS = [/^-+ ?Original message ?-+\s*$/im, /^Content-Type:[ \t]*(message\/rfc822|text\/rfc822-headers)[^\n]*$/im];

export const gmail: LhostModule = {
  name: "gmail",
  detect: (mail) =>
    /mailer-daemon@(googlemail|gmail)\.com/i.test(mail.from) &&
    /Delivery to the following recipients? (failed|has been delayed)|Technical details of (permanent|temporary) failure/i.test(mail.text),
  parse(mail) {
    const [head] = splitAt(mail.body, MARKERS);
    const m = /Delivery to the following recipients? (failed permanently|has been delayed|failed)[^\n]*\n([\s\S]*?)\n\s*\n(?=\S)/i.exec(head);
    if (!m) return undefined;
    const recipients = m[2].split("\n").map((l) => findAddress(l.trim())).filter((a) => isAddress(a));
    const details = oneLine(head.slice(m.index + m[0].length).replace(/^Technical details of (permanent|temporary) failure:\s*/im, ""));
    const delayed = /has been delayed|temporary failure/i.test(head);
    const host = /by\s+([A-Za-z0-9.-]+\.[A-Za-z]{2,})\.?\s*\[/.exec(details)?.[1] ?? "";
    const records = recipients.map((recipient) => ({ recipient, diagnosticCode: details, remoteMta: host, action: delayed ? "delayed" : "failed" }));
    return { records, original: originalOf(mail, MARKERS) };
  },
};
