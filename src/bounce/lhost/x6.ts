/**
 * Unknown MTA #6 (sisimai's "X6"): "There was an error sending your mail", "We had trouble
 * delivering your message. Full details follow:", the quoted Subject/Date, "N error(s):" and
 * one paragraph per failure, e.g. "The following recipients returned permanent errors:
 * addr. Reason: SMTP Server <host> refused to accept your message (DATA), with the
 * following error message: [554 ...]" or "SMTP Server <host> rejected recipient <addr>
 * (Error following RCPT command). It responded as follows: [550 ...]". The original
 * header is attached ("The attachment contains the original mail headers").
 */
import { isAddress, normalizeCommand } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { oneLine, splitAt } from "./common.ts";

const MARKERS = [/^The attachment contains the original mail headers[^\n]*$/m];

export const x6: LhostModule = {
  name: "x6",
  detect: (mail) => /^There was an error sending your mail/i.test(mail.subject.trim()),
  parse(mail) {
    const first = mail.parts.find((p) => p.type === "text/plain")?.text ?? mail.text;
    const [head] = splitAt(first, MARKERS);
    const start = head.search(/^We had trouble delivering your message\. Full details follow:/m);
    if (start < 0) return undefined;
    const records: DeliveryRecord[] = [];
    let date = "";
    let cur: DeliveryRecord | undefined;
    for (const raw of head.slice(start).split("\n")) {
      const line = raw.replace(/\s+$/, "");
      if (line.trim() === "") {
        cur = undefined;
        continue;
      }
      const dm = /^Date: '(.*)'$/.exec(line);
      if (dm) {
        date = dm[1];
        continue;
      }
      let addr = "";
      const perm = /^The following recipients returned permanent errors: (\S+?)\.?(?:\s|$)/.exec(line);
      if (perm) addr = perm[1];
      else if (line.startsWith("SMTP Server <")) addr = /<([^<>\s]+@[^<>\s]+)>[^<]*$/.exec(line)?.[1] ?? "";
      if (addr && isAddress(addr)) {
        cur = { recipient: addr, diagnosticCode: line.trim(), action: "failed" };
        records.push(cur);
        continue;
      }
      if (cur && /^\s/.test(line)) cur.diagnosticCode = oneLine(`${cur.diagnosticCode} ${line}`);
    }
    if (records.length === 0) return undefined;
    for (const r of records) {
      const d = r.diagnosticCode ?? "";
      if (date) r.date = date;
      const host = /SMTP Server <([^<>@\s]+)>/.exec(d);
      if (host) r.remoteMta = host[1];
      const cmd = /\((?:Error following )?(HELO|EHLO|MAIL FROM|MAIL|RCPT TO|RCPT|DATA)(?: command)?\)/i.exec(d);
      if (cmd) r.smtpCommand = normalizeCommand(cmd[1]);
      // The remote reply is quoted in square brackets.
      const reply = /\[([245]\d\d[ -][^\]]*)\]/.exec(d);
      if (reply) r.diagnosticCode = reply[1].trim();
    }
    // The attached header block, when it came as a second text part.
    const attached = mail.parts.filter((p) => p.type === "text/plain" || p.type === "text/rfc822-headers" || p.type === "message/rfc822")[1]?.text ?? "";
    const original = /^(Received|From|Date|To|Subject|Message-ID):/im.test(attached) ? attached : splitAt(mail.body, MARKERS)[1];
    return { records, original };
  },
};
