/**
 * Trend Micro InterScan Messaging Security Suite (InterScan MSS) notifications. Two shapes:
 * the SMTP exchange with the next hop,
 *
 *   Sent <<< RCPT TO:<user@example.com>
 *   Received >>> 550 5.1.1 <user@example.com>... user unknown
 *
 * (the arrows point the other way in some localised versions), or the fixed sentence
 * "Unable to deliver message to <user@example.com> (and other recipients in the same
 * domain)." which InterScan writes when the next hop refused the address.
 */
import type { ParsedMail } from "../mime.ts";
import { findAddress, isAddress, normalizeCommand } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { headerOf, oneLine, originalOf, RFC822_MARKERS, splitAt } from "./common.ts";

function isInterScan(mail: ParsedMail): boolean {
  if (/^\s*"?InterScan/i.test(headerOf(mail, "from")) || /\("?InterScan/i.test(headerOf(mail, "from"))) return true;
  if (/InterScan/i.test(headerOf(mail, "content-type"))) return true;
  // Its notification subjects, in English and Japanese.
  if (/^\s*(?:Mail could not be delivered|メッセージを配信できません。|メール配信に失敗しました)\s*$/.test(mail.subject)) return true;
  return /\bInterScan (?:Messaging Security|MSS)\b/i.test(mail.text);
}

const UNABLE = /Unable to deliver (?:the )?message to\s*<([^<>\s]+@[^<>\s]+)>/i;

export const interscanmss: LhostModule = {
  name: "interscanmss",
  detect: isInterScan,
  parse(mail) {
    const [head] = splitAt(mail.body, RFC822_MARKERS);
    const records: DeliveryRecord[] = [];
    let cur: DeliveryRecord | undefined;
    const forAddress = (a: string): DeliveryRecord => {
      let r = records.find((x) => x.recipient.toLowerCase() === a.toLowerCase());
      if (!r) {
        r = { recipient: a, action: "failed" };
        records.push(r);
      }
      return r;
    };
    for (const raw of head.split("\n")) {
      const line = raw.trim();
      if (!line) continue;
      const unable = UNABLE.exec(line);
      if (unable && isAddress(unable[1])) {
        cur = forAddress(unable[1]);
        cur.diagnosticCode = oneLine(line.slice(unable.index));
        // InterScan's own sentence: the next hop did not accept this address.
        cur.reason = "userunknown";
        continue;
      }
      const arrow = /(?:<<<|>>>)\s*(.+)$/.exec(line);
      if (!arrow) continue;
      const said = arrow[1].trim();
      if (/^[2-5]\d\d\b/.test(said)) {
        // The reply of the next hop.
        const a = findAddress(said);
        if (!cur && a && isAddress(a)) cur = forAddress(a);
        if (cur) cur.diagnosticCode = said;
      } else {
        const command = normalizeCommand(said);
        if (!command) continue;
        if (command === "RCPT") {
          const a = findAddress(said);
          if (a && isAddress(a)) cur = forAddress(a);
        }
        if (cur) cur.smtpCommand = command;
      }
    }
    const usable = records.filter((r) => r.diagnosticCode);
    if (usable.length === 0) return undefined;
    return { records: usable, original: originalOf(mail, RFC822_MARKERS) };
  },
};
