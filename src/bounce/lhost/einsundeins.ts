/**
 * 1&1 (1und1, IONOS, kundenserver.de): Exim-derived text from "Mail Delivery System",
 * "Mail delivery failed: returning message to sender". The failed address stands alone on
 * a line (or ends with ":"), the reason follows either "For the following reason:" in 1&1's
 * own words ("Mail size limit exceeded") or as "SMTP error from remote server for TEXT
 * command, host: H (IP) reason: 550 ...". The original header follows
 * "--- The header of the original message is following. ---".
 */
import type { ParsedMail } from "../mime.ts";
import { isAddress, normalizeCommand } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { headerOf, oneLine, originalOf, splitAt } from "./common.ts";

const MARKERS = [/^-+ The header of the original message is following\. -+[ \t]*$/m, /^Content-Type:[ \t]*(message\/rfc822|text\/rfc822-headers)[^\n]*$/im];

function isEinsUndEins(mail: ParsedMail): boolean {
  if (mail.headers.has("x-gmx-antispam")) return false;
  if (!MARKERS[0].test(mail.body)) return false;
  const from = headerOf(mail, "from");
  return /^"?Mail Delivery System"?/i.test(from) || /^Mail delivery failed: returning message to sender/i.test(mail.subject.trim());
}

export const einsundeins: LhostModule = {
  name: "einsundeins",
  detect: isEinsUndEins,
  parse(mail) {
    const [head] = splitAt(mail.body, MARKERS);
    const start = head.search(/^This message was created automatically by mail delivery software/m);
    if (start < 0) return undefined;
    const records: DeliveryRecord[] = [];
    const texts = new Map<DeliveryRecord, string[]>();
    let cur: DeliveryRecord | undefined;
    for (const raw of head.slice(start).split("\n")) {
      const line = raw.trim();
      if (line === "") continue;
      if (/^<?[^\s<>@]+@[^\s<>@]+\.[^\s<>@:]+>?:?$/.test(line)) {
        const a = line.replace(/:$/, "").replace(/^<|>$/g, "");
        if (!isAddress(a)) continue;
        cur = { recipient: a, action: "failed" };
        records.push(cur);
        texts.set(cur, []);
        continue;
      }
      if (!cur || /^For the following reason:$/i.test(line)) continue;
      texts.get(cur)!.push(line);
    }
    for (const r of records) {
      let d = oneLine((texts.get(r) ?? []).join(" "));
      const smtp = /SMTP error from remote (?:server|mailer) (?:for|after) ([A-Z]+(?: [A-Z]+)?) command,?\s*host:\s*(\S+)(?:\s*\([^)]*\))?\s*reason:\s*(.*)$/i.exec(d);
      if (smtp) {
        r.smtpCommand = smtp[1].toUpperCase() === "TEXT" ? "DATA" : normalizeCommand(smtp[1]);
        r.remoteMta = smtp[2];
        d = smtp[3];
      }
      r.diagnosticCode = d;
      // 1&1's own sentence for a message over its size limit.
      if (/Mail size limit exceeded/i.test(d)) r.reason = "mesgtoobig";
    }
    return { records, original: originalOf(mail, MARKERS) };
  },
};
