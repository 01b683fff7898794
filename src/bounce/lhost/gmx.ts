/**
 * GMX (and mail.com, same platform): Exim-like wording, but each failed address is quoted
 * on its own line ("addr": or <addr>), followed by "SMTP error from remote server after
 * RCPT command:", "host: mx.example", and the remote reply; the original message's header
 * follows "--- The header of the original message is following. ---". Recognised by GMX's
 * own X-GMX-Antispam header.
 */
import type { LhostModule } from "../types.ts";
import type { DeliveryRecord } from "../types.ts";
import { findAddress, isAddress, normalizeCommand } from "../smtp.ts";
import { oneLine, originalOf, splitAt } from "./common.ts";

const MARKERS = [/^-+ The header of the original message is following\. -+[ \t]*$/m, /^Content-Type:[ \t]*(message\/rfc822|text\/rfc822-headers)[^\n]*$/im];

export const gmx: LhostModule = {
  name: "gmx",
  detect: (mail) => mail.headers.has("x-gmx-antispam") && MARKERS[0].test(mail.body),
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
      if (/^["<][^\s"<>]+@[^\s"<>]+[">]:?$/.test(line)) {
        const a = findAddress(`<${line.replace(/^["<]|[">]:?$/g, "")}>`);
        if (!isAddress(a)) continue;
        cur = { recipient: a, action: "failed" };
        records.push(cur);
        texts.set(cur, []);
        continue;
      }
      if (!cur) continue;
      const cmd = /^SMTP error from remote (?:server|mailer) (?:after|for) ([A-Z]+(?: [A-Z]+)?) command/i.exec(line);
      if (cmd) {
        cur.smtpCommand = cmd[1].toUpperCase() === "TEXT" ? "DATA" : normalizeCommand(cmd[1]);
        continue;
      }
      const host = /^host:\s*(\S+)/i.exec(line);
      if (host) {
        cur.remoteMta = host[1];
        continue;
      }
      // "Reason:" only introduces the next line.
      if (/^Reason:$/i.test(line)) continue;
      texts.get(cur)!.push(line);
    }
    for (const r of records) {
      r.diagnosticCode = oneLine((texts.get(r) ?? []).join(" "));
      // GMX's own words for giving up after retrying.
      if (/delivery retry timeout exceeded/i.test(r.diagnosticCode)) r.reason = "expired";
    }
    return { records, original: originalOf(mail, MARKERS) };
  },
};
