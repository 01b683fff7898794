/**
 * Unknown MTA #1 (sisimai's "X1"): "Returned Mail: ..." from "Mail Deliver System",
 * "The original message was received at DATE from SENDER", then under
 * "---The following addresses had delivery errors---" one line per recipient:
 * "addr [error text]". The original message follows in a MIME part of its own.
 */
import type { ParsedMail } from "../mime.ts";
import { isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { headerOf, originalOf, RFC822_MARKERS, splitAt } from "./common.ts";

function isX1(mail: ParsedMail): boolean {
  const subject = mail.subject.trim();
  const from = headerOf(mail, "from");
  if (!subject.startsWith("Returned Mail: ") && !subject.startsWith("Mail Delivery Failure") && !/"Mail Deliver(y)? System"/.test(from)) return false;
  return /^The original message was received at /m.test(mail.text);
}

export const x1: LhostModule = {
  name: "x1",
  detect: isX1,
  parse(mail) {
    const [head] = splitAt(mail.text, [...RFC822_MARKERS, /^Received: from [^\n]*$/m]);
    const start = head.search(/^The original message was received at /m);
    if (start < 0) return undefined;
    const body = head.slice(start);
    const date = /^The original message was received at (.+?)\s*(?:\n\s*)?from\s/m.exec(body)?.[1]?.trim();
    const records: DeliveryRecord[] = [];
    for (const raw of body.split("\n")) {
      const m = /^\s*([^\s[\]]+@[^\s[\]]+)\s+\[(.+)\]\s*$/.exec(raw);
      if (!m || !isAddress(m[1])) continue;
      const r: DeliveryRecord = { recipient: m[1], diagnosticCode: m[2].trim(), action: "failed" };
      if (date) r.date = date;
      records.push(r);
    }
    if (records.length === 0) return undefined;
    let original = originalOf(mail, RFC822_MARKERS);
    if (!original) {
      // The returned header sometimes sits in a part without a Content-Type of its own.
      const i = mail.body.search(/^Received: from /m);
      original = i >= 0 ? mail.body.slice(i) : "";
    }
    return { records, original };
  },
};
