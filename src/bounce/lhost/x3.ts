/**
 * Unknown MTA #3 (sisimai's "X3"): "Delivery status notification" from "Mail Delivery
 * System", boxed by lines of "=": "This is an automatically generated Delivery Status
 * Notification.", the recipients as "  * addr", and under "Technical details:" lines such
 * as "SMTP:RCPT host 192.0.2.8: 553 5.3.0 <addr>... No such user here" or "Routing: Could
 * not find a gateway for addr". Some versions add a message/delivery-status part.
 */
import type { ParsedMail } from "../mime.ts";
import { isAddress, normalizeCommand } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { dsnRecords, headerOf, oneLine, originalOf, RFC822_MARKERS, splitAt } from "./common.ts";

function isX3(mail: ParsedMail): boolean {
  if (!/^"?Mail Delivery System/i.test(headerOf(mail, "from"))) return false;
  if (!/^Delivery status notification/i.test(mail.subject.trim())) return false;
  return /This is an automatically generated Delivery Status Notification\./.test(mail.text);
}

export const x3: LhostModule = {
  name: "x3",
  detect: isX3,
  parse(mail) {
    const [head] = splitAt(mail.text, RFC822_MARKERS);
    const start = head.search(/This is an automatically generated Delivery Status Notification\./);
    if (start < 0) return undefined;
    const records: DeliveryRecord[] = [];
    const details: string[] = [];
    for (const raw of head.slice(start).split("\n")) {
      const line = raw.trim();
      const rcpt = /^\*\s+(\S+@\S+)$/.exec(line);
      if (rcpt && isAddress(rcpt[1])) {
        records.push({ recipient: rcpt[1], action: "failed" });
        continue;
      }
      if (/^(SMTP|Routing):/.test(line)) details.push(line);
    }
    for (const line of details) {
      const lower = line.toLowerCase();
      const owner = records.filter((r) => lower.includes(r.recipient.toLowerCase()));
      const targets = owner.length ? owner : records.filter((r) => !r.diagnosticCode);
      for (const r of targets.length ? targets : records.slice(-1)) {
        const smtp = /^SMTP:([A-Z]+)\s+host\s+(\S+?):\s*(.*)$/.exec(line);
        if (smtp) {
          r.smtpCommand = normalizeCommand(smtp[1]);
          r.remoteMta = smtp[2];
          r.diagnosticCode = oneLine(`${r.diagnosticCode ?? ""} ${smtp[3]}`);
        } else r.diagnosticCode = oneLine(`${r.diagnosticCode ?? ""} ${line}`);
      }
    }
    // Reports with a delivery-status part: its fields win, the text adds what it lacks.
    const dsn = dsnRecords(mail);
    for (const d of dsn) {
      const r = records.find((x) => x.recipient.toLowerCase() === d.recipient.toLowerCase());
      if (!r) {
        records.push(d);
        continue;
      }
      Object.assign(r, Object.fromEntries(Object.entries(d).filter(([, v]) => v)));
    }
    if (records.length === 0) return undefined;
    return { records, original: originalOf(mail, RFC822_MARKERS) };
  },
};
