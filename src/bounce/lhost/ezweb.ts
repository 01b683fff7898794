/**
 * au by KDDI's EZweb mail (ezweb.ne.jp, later au.com): "Mail System Error - Returned Mail"
 * from Postmaster@ezweb.ne.jp. A Japanese preamble, then English lines: either
 * "<addr>: 550 ..." or an indented "Recipient: <addr>" with the ">>> command" sent and the
 * "<<< reply" received. The sentences in the English part are a small fixed vocabulary
 * that states the reason ("The user(s) account is disabled." = suspended account), and an
 * "X-SPASIGN: NG" header marks a refusal by the recipient's own domain filter.
 */
import type { ParsedMail } from "../mime.ts";
import type { Reason } from "../reason.ts";
import { findCommand, isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { dsnRecords, headerOf, oneLine, originalOf, splitAt } from "./common.ts";

/** The original message follows a ruler of dashes or the MIME part. */
const MARKERS = [/^-{20,}[ \t]*$/m, /^Content-Type:[ \t]*message\/rfc822[^\n]*$/im];

/** English sentences of the bounce -> the reason they state. */
const VOCABULARY: Array<[RegExp, Reason]> = [
  [/The user\(s\) account is temporarily over quota/i, "mailboxfull"],
  [/The user\(s\) account is (disabled|temporarily limited)/i, "suspend"],
  [/Your message was not delivered within /i, "expired"],
];

function isEzweb(mail: ParsedMail): boolean {
  let score = 0;
  const from = headerOf(mail, "from");
  if (/Postmaster@(ezweb\.ne\.jp|au\.com)/i.test(from)) score++;
  if (mail.subject.trim() === "Mail System Error - Returned Mail") score++;
  if ((mail.headers.get("received") ?? []).some((r) => r.includes("ezweb.ne.jp (EZweb Mail) with") || r.includes(".au.com ("))) score++;
  if (/\.(ezweb\.ne\.jp|au\.com)>\s*$/i.test(headerOf(mail, "message-id"))) score++;
  return score >= 2;
}

const START = /^(The user\(s\) |Your message |Each of the following|<)/;

export const ezweb: LhostModule = {
  name: "ezweb",
  detect: isEzweb,
  parse(mail) {
    const [head] = splitAt(mail.text || mail.body, MARKERS);
    const records: DeliveryRecord[] = [];
    const texts = new Map<DeliveryRecord, string[]>();
    const preamble: string[] = [];
    let cur: DeliveryRecord | undefined;
    let reading = false;
    for (const raw of head.split("\n")) {
      const line = raw.replace(/\s+$/, "");
      if (!reading && START.test(line.trimStart())) reading = true;
      if (!reading || line.trim() === "") continue;
      // Japanese lines only repeat the English ones.
      if (/[^\x00-\x7f]/.test(line)) continue;
      const rcpt = /^<([^\s<>]+@[^\s<>]+)>:?(.*)$/.exec(line) ?? /^\s+Recipient:\s*<([^\s<>]+@[^\s<>]+)>/.exec(line);
      if (rcpt && isAddress(rcpt[1])) {
        cur = { recipient: rcpt[1] };
        records.push(cur);
        texts.set(cur, rcpt[2]?.trim() ? [rcpt[2].trim()] : []);
        continue;
      }
      const out = /^\s*>>>\s*(.*)$/.exec(line);
      if (out && cur) {
        cur.smtpCommand = /^(MAIL FROM|RCPT TO|DATA|HELO|EHLO)\b/i.exec(out[1])?.[1] ?? cur.smtpCommand;
        continue;
      }
      const inn = /^\s*<<<\s*(.*)$/.exec(line);
      const bucket = cur ? texts.get(cur)! : preamble;
      bucket.push(inn ? inn[1] : line.trim());
    }
    if (records.length === 0) return undefined;
    const filtered = headerOf(mail, "x-spasign").trim().toUpperCase() === "NG";
    const dsn = dsnRecords(mail);
    for (const r of records) {
      const own = texts.get(r) ?? [];
      const all = oneLine([...preamble, ...own].join(" "));
      r.diagnosticCode = oneLine(own.join(" ")) || all;
      r.smtpCommand ||= findCommand(all);
      r.action = "failed";
      const d = dsn.find((x) => x.recipient.toLowerCase() === r.recipient.toLowerCase()) ?? (dsn.length === 1 && records.length === 1 ? dsn[0] : undefined);
      if (d) {
        r.status = d.status;
        r.reportingMta = d.reportingMta;
        r.date = d.date;
        if (d.action) r.action = d.action;
      }
      if (filtered) r.reason = "filtered";
      else {
        const hit = VOCABULARY.find(([re]) => re.test(all));
        if (hit) {
          r.reason = hit[1];
          r.diagnosticCode = all;
        }
      }
    }
    return { records, original: originalOf(mail, MARKERS) };
  },
};
