/**
 * Microsoft Exchange 5.5 / 2000 / 2003 NDRs written by the Internet Mail Service or the
 * Internet Mail Connector (X-MS-Embedded-Report, X-Mailer "Internet Mail Service (5.5...)").
 *
 *   Your message
 *     To:      ...
 *     Subject: ...
 *     Sent:    ...
 *   did not reach the following recipient(s):
 *   user@example.com on Thu, 29 Apr 2010 00:00:00 -0000
 *       The recipient name is not recognized
 *       MSEXCH:IMS:ORG:SITE:SERVER 0 (000C05A6) Unknown Recipient
 *
 * The hexadecimal code in parentheses after "MSEXCH:" is Exchange's own fixed vocabulary
 * (a MAPI/X.400 diagnostic), so the reason for the codes we know is taken from it. The
 * compact Exchange 2003 form ("user@host #<host #5.1.1 smtp;550 ...> #SMTP#") is left to
 * the exchange2007 module, which reads it.
 */
import type { Reason } from "../reason.ts";
import type { ParsedMail } from "../mime.ts";
import { findAddress, isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { headerOf, oneLine, originalOf } from "./common.ts";

/** MSEXCH diagnostic codes -> reason. */
const MSEXCH_CODES: Record<string, Reason> = {
  "000C05A6": "userunknown", // Unknown Recipient
  "000C0595": "filtered", // Ambiguous Recipient
  "00010256": "systemerror", // too many recipients
  "000D06B5": "systemerror", // no proxy address for the recipient
  "00120270": "networkerror", // too many hops
  "00050311": "contenterror", // conversion to Internet format failed
  "000502CC": "contenterror", // conversion to Internet format failed
  "000B0981": "securityerror", // remote server does not support AUTH
  "000B099C": "onhold", // host unknown, size limit and others: the text alone is unclear
  "000B09AA": "onhold", // unable to relay, size limit and others
  "000B09B6": "onhold", // the remote MTA's own error text
};

/** The line that opens the list of failed recipients. */
const LIST_START = /^\s*(?:did not reach the following recipient\(s\)|The following recipient\(s\) (?:could not|cannot) be reached)\s*:?\s*$/im;

/** "user@example.com on <date>" or the X.400 form "...;cat:SMTP=USER@EXAMPLE.COM; on <date>". */
const RECIPIENT_LINE = /^\s*(\S.*?)\s+on\s+(\S.*?)\s*$/;

function isExchange2003(mail: ParsedMail): boolean {
  if (mail.headers.has("x-ms-embedded-report")) return true;
  const mailer = headerOf(mail, "x-mailer");
  if (/^\s*(?:Internet Mail Service \(|Microsoft Exchange Server Internet Mail Connector)/i.test(mailer)) return true;
  if (/^\s*Produced By Microsoft Exchange/i.test(headerOf(mail, "x-mimeole"))) return true;
  return (mail.headers.get("received") ?? []).some((r) => / with Internet Mail Service \(/i.test(r));
}

function recipientOf(left: string): string {
  const smtp = /SMTP=([^\s;]+@[^\s;]+)/i.exec(left);
  const a = smtp ? smtp[1] : findAddress(left);
  return a && isAddress(a) ? a : "";
}

/** The "Your message / To: / Subject: / Sent:" block as a header block, when no original is attached. */
function pseudoOriginal(head: string): string {
  const out: string[] = [];
  for (const [name, field] of [["To", "To"], ["Subject", "Subject"], ["Sent", "Date"]] as const) {
    const m = new RegExp(`^\\s+${name}:\\s*(.+)$`, "m").exec(head);
    if (m) out.push(`${field}: ${m[1].trim()}`);
  }
  return out.length ? `${out.join("\n")}\n` : "";
}

export const exchange2003: LhostModule = {
  name: "exchange2003",
  detect: isExchange2003,
  parse(mail) {
    const text = mail.text;
    // The list starts after its heading line or, in wordings we do not know (localised
    // servers), after the "Sent:" line of the "Your message" block.
    const start = LIST_START.exec(text) ?? /^Your message\b[\s\S]*?^\s+Sent:[^\n]*$/im.exec(text);
    if (!start) return undefined;
    const list = text.slice(start.index + start[0].length).split("\n");
    const records: DeliveryRecord[] = [];
    let cur: DeliveryRecord | undefined;
    let lines: string[] = [];
    let afterMsexch = false;
    // After a blank line only another recipient line continues the list.
    let gap = false;
    const flush = () => {
      if (!cur) return;
      cur.diagnosticCode = oneLine(lines.join(" "));
      const code = /MSEXCH:.*?\(([0-9A-F]{8})\)/i.exec(cur.diagnosticCode)?.[1]?.toUpperCase();
      const reason = code ? MSEXCH_CODES[code] : undefined;
      if (reason) cur.reason = reason;
      // Exchange 2003 SMTP failures: "<mx.example.com #5.1.1 smtp;550 5.1.1 User unknown>"
      const smtp = /<([A-Za-z0-9.-]+)\s+#([245]\.\d{1,3}\.\d{1,3})(?:\s+smtp;\s*(.*))?>/i.exec(cur.diagnosticCode);
      if (smtp) {
        cur.status = smtp[2];
        if (smtp[1].includes(".")) cur.remoteMta = smtp[1];
        if (smtp[3]?.trim()) cur.diagnosticCode = smtp[3].trim();
      }
    };
    for (const raw of list) {
      const line = raw.replace(/\s+$/, "");
      if (line.trim() === "") {
        if (cur && lines.length > 0) gap = true;
        continue;
      }
      const m = RECIPIENT_LINE.exec(line);
      // The address stands alone before " on " (or in an X.400 form with "SMTP="); an error
      // text that merely mentions an address and the word "on" is no recipient line.
      const addr = m && /@/.test(m[1]) && (!/\s/.test(m[1]) || /SMTP=/i.test(m[1])) ? recipientOf(m[1]) : "";
      if (addr) {
        flush();
        cur = { recipient: addr, action: "failed" };
        const t = Date.parse(m![2]);
        if (!Number.isNaN(t)) cur.date = m![2];
        records.push(cur);
        lines = [];
        afterMsexch = false;
        gap = false;
        continue;
      }
      if (!cur || gap) continue;
      if (/^\s/.test(line)) {
        const t = line.trim();
        // "The MTS-ID of the original message is: c=jp;a= ;p=...": an X.400 identifier, no error.
        if (/^The MTS-ID of the original message is:/i.test(t)) continue;
        lines.push(t);
        afterMsexch = /^MSEXCH:/i.test(t);
      } else if (afterMsexch) {
        // The MSEXCH line wrapped: "Unknown" / "Recipient" on the next, unindented line.
        lines.push(line.trim());
        afterMsexch = false;
      }
      // Other unindented lines continue a wrapped MTS-ID and carry no error text.
    }
    flush();
    if (records.length === 0) return undefined;
    const head = text.slice(0, start.index);
    return { records, original: originalOf(mail) || pseudoOriginal(head) };
  },
};
