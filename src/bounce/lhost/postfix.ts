/**
 * Postfix (bounce(5)): "This is the mail system at host ..." / "This is the Postfix program
 * at host ...", then per recipient "<addr>: text" (continued on indented lines), usually
 * followed by a message/delivery-status part, which the RFC 3464 reader handles. Older
 * Postfix versions and some relays send only the text part (multipart/mixed); then the
 * "<addr>: ..." lines are the report. "--- Delivery report unavailable ---" means Postfix
 * lost its log for the message: the only recipient left is the returned message's To:.
 */
import type { ParsedMail } from "../mime.ts";
import { parseRfc3464 } from "../rfc3464.ts";
import { findAddress, findCommand, isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { headerOf, oneLine, originalOf, RFC822_MARKERS, splitAt } from "./common.ts";

const INTRO = /^[ \t]*This is the (Postfix program|mail system)\b|^[ \t]*The (Postfix program|mail system)[ \t]*$/im;

function isPostfix(mail: ParsedMail): boolean {
  if (/^Undelivered Mail Returned to Sender\s*$/i.test(mail.subject.trim())) return true;
  if (/ SMTP server: errors from /i.test(mail.subject)) return true;
  return /MAILER-DAEMON/i.test(headerOf(mail, "from")) && INTRO.test(mail.text);
}

/** "<addr>: text" or "<addr> (expanded from <alias>): text" blocks. */
function textRecords(head: string): DeliveryRecord[] {
  const out: DeliveryRecord[] = [];
  let cur: DeliveryRecord | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (cur) cur.diagnosticCode = oneLine(lines.join(" "));
    cur = undefined;
    lines = [];
  };
  for (const line of head.split("\n")) {
    const m = /^<([^<>\s]+@[^<>\s]+)>(?:\s+\(expanded from <([^<>\s]+)>\))?:\s*(.*)$/.exec(line);
    if (m) {
      flush();
      cur = { recipient: m[1] };
      if (m[2] && isAddress(m[2])) cur.alias = m[2];
      out.push(cur);
      lines.push(m[3]);
      continue;
    }
    if (!cur) continue;
    if (/^[ \t]+\S/.test(line)) lines.push(line.trim());
    else flush();
  }
  flush();
  for (const r of out) {
    const d = r.diagnosticCode ?? "";
    const host = /\bhost\s+([A-Za-z0-9.-]+\.[A-Za-z]{2,})\[[^\]]*\]\s+said:/i.exec(d) ?? /\bconnect to\s+([A-Za-z0-9.-]+\.[A-Za-z]{2,})\[/i.exec(d);
    if (host) r.remoteMta = host[1];
    r.smtpCommand = findCommand(d);
    r.action = "failed";
  }
  return out;
}

function originalTo(original: string): string {
  const m = /^To:[ \t]*(.+)$/im.exec(original.split(/\n\s*\n/)[0] ?? "");
  const a = m ? findAddress(m[1]) : "";
  return isAddress(a) ? a : "";
}

export const postfix: LhostModule = {
  name: "postfix",
  detect: isPostfix,
  parse(mail) {
    const std = parseRfc3464(mail);
    if (std?.records.some((r) => isAddress(r.recipient))) return std;
    const original = originalOf(mail, RFC822_MARKERS);
    const [head] = splitAt(mail.text, RFC822_MARKERS);
    if (!INTRO.test(head)) return undefined;
    let records = textRecords(head);
    if (records.length === 0 && /---\s*Delivery report unavailable\s*---/i.test(mail.text)) {
      const to = originalTo(original);
      if (to) records = [{ recipient: to, action: "failed" }];
    }
    return records.length ? { records, original } : undefined;
  },
};
