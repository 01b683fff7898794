/**
 * au by KDDI (au one net, dion.ne.jp): a Japanese notice from no-reply@...dion.ne.jp, then
 * "Your mail sent on: DATE" and, indented, "Could not be delivered to: <addr>" followed by
 * one sentence from a small fixed set that states the reason ("As their mailbox is full.").
 * "X-SPASIGN: NG" marks a refusal by the recipient's own filter.
 */
import type { ParsedMail } from "../mime.ts";
import type { Reason } from "../reason.ts";
import { findCommand, isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { headerOf, oneLine, originalOf, RFC822_MARKERS, splitAt } from "./common.ts";

const VOCABULARY: Array<[RegExp, Reason]> = [
  [/As their mailbox is full/i, "mailboxfull"],
  [/Due to the following SMTP relay error/i, "norelaying"],
  [/As the remote domain doesn'?t exist/i, "hostunknown"],
];

function isKddi(mail: ParsedMail): boolean {
  if (/no-reply@\S*\.dion\.ne\.jp/i.test(headerOf(mail, "from"))) return true;
  if (/no-reply@app\.auone-net\.jp/i.test(headerOf(mail, "reply-to"))) return true;
  return (mail.headers.get("received") ?? []).some((r) => r.includes("ezweb.ne.jp (") || r.includes(".au.com ("));
}

export const kddi: LhostModule = {
  name: "kddi",
  detect: isKddi,
  parse(mail) {
    const [head] = splitAt(mail.text || mail.body, RFC822_MARKERS);
    const records: DeliveryRecord[] = [];
    const texts = new Map<DeliveryRecord, string[]>();
    let reading = false;
    let date = "";
    let cur: DeliveryRecord | undefined;
    for (const raw of head.split("\n")) {
      const line = raw.replace(/\s+$/, "");
      if (/^Your mail (sent|attempted to be delivered) on:/.test(line)) {
        reading = true;
        date = line.slice(line.indexOf(":") + 1).trim();
        cur = undefined;
        continue;
      }
      if (!reading || line === "") continue;
      const rcpt = /\sCould not be delivered to:\s*<([^\s<>]+@[^\s<>]+)>/.exec(line);
      if (rcpt && isAddress(rcpt[1])) {
        cur = { recipient: rcpt[1], action: "failed" };
        if (date) cur.date = date;
        records.push(cur);
        texts.set(cur, []);
        continue;
      }
      if (cur && /^\s/.test(line)) texts.get(cur)!.push(line.trim());
    }
    if (records.length === 0) return undefined;
    const filtered = headerOf(mail, "x-spasign").trim().toUpperCase() === "NG";
    for (const r of records) {
      const d = oneLine((texts.get(r) ?? []).join(" "));
      r.diagnosticCode = d;
      r.smtpCommand = findCommand(d);
      if (filtered) r.reason = "filtered";
      else if (r.smtpCommand !== "RCPT") {
        const hit = VOCABULARY.find(([re]) => re.test(d));
        if (hit) r.reason = hit[1];
      }
    }
    return { records, original: originalOf(mail, RFC822_MARKERS) };
  },
};
