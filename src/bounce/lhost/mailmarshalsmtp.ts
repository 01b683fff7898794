/**
 * Trustwave (formerly Marshal) MailMarshal SMTP: Subject 'Undeliverable Mail: "..."', then
 *
 *   Your message:
 *      From:    sender@example.com
 *      Subject: ...
 *   Could not be delivered because of
 *   550 5.1.1 User unknown
 *   The following recipients were affected:
 *       user@example.com
 *   Additional Information
 *   ======================
 *   Original Sender:    <sender@example.com>
 *   Remote-MTA:         <192.0.2.1>
 *   Reporting-MTA:      <relay.example.com>
 */
import { findAddress, isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { oneLine, originalOf } from "./common.ts";

const BRACKETED = (text: string, name: string) => new RegExp(`^${name}:\\s*<([^<>]*)>`, "im").exec(text)?.[1]?.trim() ?? "";

export const mailmarshalsmtp: LhostModule = {
  name: "mailmarshalsmtp",
  detect: (mail) => /^\s*Undeliverable Mail:\s*"/i.test(mail.subject) && /^Could not be delivered because of\s*$/im.test(mail.text),
  parse(mail) {
    const text = mail.text;
    const records: DeliveryRecord[] = [];
    let state: "" | "error" | "rcpts" = "";
    const error: string[] = [];
    for (const raw of text.split("\n")) {
      const line = raw.trim();
      if (/^Could not be delivered because of$/i.test(line)) {
        state = "error";
        continue;
      }
      if (/^The following recipients were affected:$/i.test(line)) {
        state = "rcpts";
        continue;
      }
      if (/^Additional Information$/i.test(line) || /^\+{5,}$/.test(line)) break;
      if (!line) continue;
      if (state === "error") error.push(line);
      else if (state === "rcpts") {
        const a = findAddress(line);
        if (a && isAddress(a) && !records.some((r) => r.recipient === a)) records.push({ recipient: a, action: "failed" });
      }
    }
    if (records.length === 0) return undefined;
    const diag = oneLine(error.join(" "));
    const remote = BRACKETED(text, "Remote-MTA");
    const reporting = BRACKETED(text, "Reporting-MTA");
    const date = BRACKETED(text, "Last-Attempt-Date");
    for (const r of records) {
      r.diagnosticCode = diag;
      if (remote) r.remoteMta = remote;
      if (reporting) r.reportingMta = reporting;
      if (date && !Number.isNaN(Date.parse(date))) r.date = date;
    }
    // Without MIME the original follows a line of "+" signs.
    let original = originalOf(mail, [/^[ \t]*\+{5,}[ \t]*$/m]);
    if (!original) {
      // No original attached: the "Your message:" block and "Original Sender:" stand in for it.
      const lines: string[] = [];
      const sender = BRACKETED(text, "Original Sender");
      const from = sender || /^\s+From:\s*(.+)$/m.exec(text)?.[1]?.trim();
      const subject = /^\s+Subject:\s*(.+)$/m.exec(text)?.[1]?.trim();
      if (from) lines.push(`From: ${from}`);
      if (subject) lines.push(`Subject: ${subject}`);
      original = lines.length ? `${lines.join("\n")}\n` : "";
    }
    return { records, original };
  },
};
