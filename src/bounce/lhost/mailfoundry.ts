/**
 * MailFoundry gateways: Subject "Message delivery has failed", a Received header saying
 * "(MAILFOUNDRY) id", and
 *
 *   Unable to deliver message to: <user@example.org>
 *   Delivery failed for the following reason:
 *   Server mx.example.org[192.0.2.1] failed with: 550 <user@example.org> No such user here
 */
import type { ParsedMail } from "../mime.ts";
import { isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { oneLine, originalOf, RFC822_MARKERS, splitAt } from "./common.ts";

function isMailFoundry(mail: ParsedMail): boolean {
  return (mail.headers.get("received") ?? []).some((r) => /\(MAILFOUNDRY\) id/i.test(r));
}

export const mailfoundry: LhostModule = {
  name: "mailfoundry",
  detect: isMailFoundry,
  parse(mail) {
    const [head] = splitAt(mail.body, RFC822_MARKERS);
    const records: DeliveryRecord[] = [];
    let cur: DeliveryRecord | undefined;
    let reading = false;
    let lines: string[] = [];
    const flush = () => {
      if (cur && lines.length) cur.diagnosticCode = oneLine(lines.join(" "));
      lines = [];
      reading = false;
    };
    for (const raw of head.split("\n")) {
      const line = raw.trim();
      const to = /^Unable to deliver message to:\s*<([^<>\s]+)>/i.exec(line);
      if (to && isAddress(to[1])) {
        flush();
        cur = { recipient: to[1], action: "failed" };
        records.push(cur);
        continue;
      }
      if (!cur) continue;
      if (/^Delivery failed for the following reason:/i.test(line)) {
        reading = true;
        continue;
      }
      if (!reading) continue;
      if (!line) {
        if (lines.length) flush();
        continue;
      }
      lines.push(line);
      // "Server mx.example.org[192.0.2.1] failed with: ..." / "mx.example.org[...] responded with failure: ..."
      const host = /^(?:Server\s+)?([A-Za-z0-9.-]+\.[A-Za-z]{2,})\[[0-9A-Fa-f.:]+\]/.exec(line);
      if (host && !cur.remoteMta) cur.remoteMta = host[1];
    }
    flush();
    if (records.length === 0) return undefined;
    return { records, original: originalOf(mail, RFC822_MARKERS) };
  },
};
