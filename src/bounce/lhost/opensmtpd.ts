/**
 * OpenSMTPD (smtpd/bounce.c): "Subject: Delivery status notification: error|warning" from
 * "Mailer Daemon", text "This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.",
 * then one "addr: error" line per recipient and "Below is a copy of the original message:".
 * A warning ("A message is delayed for more than ...", "only a temporary failure report")
 * means the message is still queued. Newer versions send multipart/report, which the
 * RFC 3464 reader handles.
 */
import type { ParsedMail } from "../mime.ts";
import { parseRfc3464 } from "../rfc3464.ts";
import { findCommand, isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { headerOf, oneLine, originalOf, splitAt } from "./common.ts";

const INTRO = /^[ \t]*This is the MAILER-DAEMON, please DO NOT REPLY to this e-?mail\.?/im;
const MARKERS = [/^[ \t]*Below is a copy of the original message:?[ \t]*$/im, /^Content-Type:[ \t]*(message\/rfc822|text\/rfc822-headers)[^\n]*$/im];

function isOpenSmtpd(mail: ParsedMail): boolean {
  if (!/Delivery status notification/i.test(mail.subject)) return false;
  if (INTRO.test(mail.text)) return true;
  return (mail.headers.get("received") ?? []).some((r) => / \(OpenSMTPD\) with /.test(r)) && /mailer.daemon/i.test(headerOf(mail, "from"));
}

/** "addr: error" lines of the notice, one per recipient. */
function noticeRecords(text: string): DeliveryRecord[] {
  const delayed = /A message is delayed for|only a temporary failure report/i.test(text);
  const records: DeliveryRecord[] = [];
  for (const line of text.split("\n")) {
    const m = /^([^\s:<>@]+@[^\s:<>]+):\s+(.+)$/.exec(line);
    if (!m || !isAddress(m[1])) continue;
    const d = oneLine(m[2]);
    // An expired envelope is dropped from the queue, even when told in the warning template.
    const rec: DeliveryRecord = { recipient: m[1], diagnosticCode: d, action: delayed && !/^Envelope expired\b/i.test(d) ? "delayed" : "failed" };
    const cmd = findCommand(d);
    if (cmd) rec.smtpCommand = cmd;
    records.push(rec);
  }
  return records;
}

export const opensmtpd: LhostModule = {
  name: "opensmtpd",
  detect: isOpenSmtpd,
  parse(mail) {
    const std = parseRfc3464(mail);
    const dsn = std?.records.filter((r) => isAddress(r.recipient)) ?? [];
    const [head] = splitAt(mail.body, MARKERS);
    const intro = INTRO.exec(head);
    const records = intro ? noticeRecords(head.slice(intro.index)) : [];
    if (records.length === 0) return dsn.length ? std : undefined;
    // The notice lines carry the reply; OpenSMTPD's delivery-status part (newer versions)
    // only adds a class-level Status ("5.0.0", "4.0.0"), which is kept only when specific.
    for (const r of records) {
      const d = dsn.find((x) => x.recipient.toLowerCase() === r.recipient.toLowerCase());
      if (!d) continue;
      // A temporary code beside an expired (so dropped) envelope is the warning template's.
      const stale = r.action === "failed" && d.status?.startsWith("4");
      if (d.status && !/^\d\.0\.0$/.test(d.status) && !stale) r.status = d.status;
      r.reportingMta = d.reportingMta;
      r.remoteMta ??= d.remoteMta;
      r.date = d.date;
    }
    return { records, original: std?.original || originalOf(mail, MARKERS) };
  },
};
