/**
 * Sendmail 8 ("Returned mail: see transcript for details", "Warning: could not send message
 * for past 4 hours") from "Mail Delivery Subsystem". Usually a standard multipart/report,
 * read with the RFC 3464 reader. This module adds what Sendmail's own text gives when that
 * reader has nothing to go on:
 *  - "----- The following addresses had permanent fatal errors -----" (or "transient
 *    non-fatal errors" in warnings): "<addr>" lines, each with "(reason: ...)" below;
 *  - "----- Transcript of session follows -----": "... while talking to host.:",
 *    ">>> COMMAND", "<<< reply", "5xx 5.x.x <addr>... text";
 *  - a Final-Recipient without a local part ("rfc822; @example.org"), fixed from the text;
 *  - the whole bounce forwarded by a person ("Fwd: Returned mail: ..."), quoted with "> ".
 */
import type { ParsedMail } from "../mime.ts";
import { deliveryStatusParts, originalPart, parseRfc3464, readFields, sessionTranscript, transcriptFor, typedValue } from "../rfc3464.ts";
import { findAddress, isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { oneLine, splitAt } from "./common.ts";

const SENDMAIL_TEXT = /^[ \t]*-+ ?(Transcript of session follows|The following addresses had (permanent fatal|transient non-fatal) errors|Original message follows|Message header follows) ?-+/im;
const V5_MARK = /^[ \t]*-+ ?(Unsent message follows|No message was collected) ?-+/im;
const ORIGINAL_MARKERS = [/^Content-Type:[ \t]*(message\/rfc822|text\/rfc822-headers)[^\n]*$/im, /^[ \t]*-+ ?(Original message|Message header) follows ?-+[ \t]*$/im];

function forwarded(mail: ParsedMail): boolean {
  return /^\s*fwd?:/i.test(mail.subject);
}

function isSendmail(mail: ParsedMail): boolean {
  const subject = mail.subject.replace(/^\s*fwd?:\s*/i, "");
  const bySubject = /see transcript for details\s*$|^Warning: could not send message|^Returned mail: /i.test(subject);
  const byFrom = /Mail Delivery Subsystem/i.test(mail.headers.get("from")?.[0] ?? "");
  if (!bySubject && !byFrom) return false;
  if (V5_MARK.test(mail.body)) return false;
  return SENDMAIL_TEXT.test(forwarded(mail) ? unquote(mail.body) : mail.body);
}

/** A forwarded bounce: drop one level of "> " quoting where most lines carry it. */
function unquote(text: string): string {
  const lines = text.split("\n");
  const quoted = lines.filter((l) => l.startsWith(">")).length;
  if (quoted < 5) return text;
  return lines.map((l) => (l.startsWith("> ") ? l.slice(2) : l.startsWith(">") ? l.slice(1) : l)).join("\n");
}

/** The same mail seen through the unquoted text, so the standard readers can work on it. */
function unquotedView(mail: ParsedMail): ParsedMail {
  const text = unquote(mail.text);
  return { ...mail, text, body: unquote(mail.body), parts: [{ type: "text/plain", text }] };
}

/** "<addr>" lines of the error summary with their "(reason: ...)" lines. */
function summaryRecords(head: string): DeliveryRecord[] {
  const out: DeliveryRecord[] = [];
  const m = /^[ \t]*-+ ?The following addresses had (permanent fatal|transient non-fatal) errors ?-+[ \t]*$/im.exec(head);
  if (!m) return out;
  const delayed = m[1].startsWith("transient");
  for (const line of head.slice(m.index + m[0].length).split("\n").slice(1)) {
    if (/^[ \t]*-+ ?\S/.test(line)) break;
    const addr = /^<?([^<>\s]+@[^<>\s]+?)>?(?:\s+\(.*\))?\s*$/.exec(line.trim());
    if (addr && !/^[ \t]/.test(line)) {
      out.push({ recipient: addr[1], action: delayed ? "delayed" : "failed" });
      continue;
    }
    const why = /^\s*\(reason:\s*(.*?)\)?\s*$/i.exec(line);
    if (why && out.length > 0) out[out.length - 1].diagnosticCode ??= why[1];
  }
  return out;
}

/** Per-recipient blocks of the delivery-status fields, including ones without a usable address. */
function dsnBlocks(ds: string): DeliveryRecord[] {
  const out: DeliveryRecord[] = [];
  let reportingMta = "";
  for (const block of ds.split(/\n[ \t]*\n/)) {
    let cur: DeliveryRecord | undefined;
    for (const [name, value] of readFields(block)) {
      if (name === "reporting-mta") reportingMta = typedValue(value)[1];
      else if (name === "final-recipient") out.push((cur = { recipient: typedValue(value)[1].replace(/[<>]/g, "") }));
      else if (!cur) continue;
      else if (name === "action") cur.action = value.toLowerCase().split(/[\s(]/)[0];
      else if (name === "status") cur.status = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(value)?.[1] ?? "";
      else if (name === "remote-mta") cur.remoteMta = typedValue(value)[1];
      else if (name === "diagnostic-code") cur.diagnosticCode = typedValue(value)[1];
      else if (name === "last-attempt-date") cur.date = value;
    }
  }
  for (const r of out) r.reportingMta = reportingMta;
  return out;
}

/** Records from Sendmail's own text, with the delivery-status fields where they line up. */
function textRecords(mail: ParsedMail, head: string): DeliveryRecord[] {
  const summary = summaryRecords(head);
  const dsText = deliveryStatusParts(mail).join("\n\n") || head.slice(Math.max(0, head.search(/^Reporting-MTA:/im)));
  const blocks = /^Final-Recipient:/im.test(dsText) ? dsnBlocks(dsText) : [];
  const transcript = sessionTranscript(head);
  // Only the exchange itself: "... while talking to host.:" is Sendmail's heading.
  const exchange = transcript.filter((l) => !/^\.\.\. while talking to /i.test(l));
  let records: DeliveryRecord[];
  if (blocks.length > 0) {
    records = blocks.map((b, i) => {
      if (!isAddress(b.recipient)) {
        // "@example.org": the summary or the transcript names the whole address.
        const fromText = summary[i]?.recipient || findAddress(b.diagnosticCode ?? "") || transcript.map((l) => /<([^<>\s]+@[^<>\s]+)>\.\.\./.exec(l)?.[1]).find(Boolean) || "";
        b.recipient = fromText;
      }
      return b;
    });
  } else records = summary;
  records = records.filter((r) => isAddress(r.recipient));
  for (const r of records) {
    const said = exchange.length ? transcriptFor(exchange, r.recipient, records.length) : undefined;
    if (said?.text && (!r.diagnosticCode || said.text.length > r.diagnosticCode.length)) r.diagnosticCode = said.text;
    if (said?.command && !r.smtpCommand) r.smtpCommand = said.command;
    const talk = /\.\.\. while talking to ([^\s:]+?)\.?:/i.exec(transcript.join("\n"));
    if (talk && !r.remoteMta) r.remoteMta = talk[1];
    r.diagnosticCode = oneLine(r.diagnosticCode ?? "");
    r.action ||= "failed";
  }
  return records;
}

/** A forwarded copy has no marker: the returned headers follow the last status field. */
function inlineOriginal(body: string): string {
  const ds = body.search(/^Final-Recipient:/im);
  if (ds < 0) return "";
  const rest = body.slice(ds);
  const m = /^(Return-Path|Received):/im.exec(rest);
  return m ? rest.slice(m.index) : "";
}

export const sendmail: LhostModule = {
  name: "sendmail",
  detect: isSendmail,
  parse(raw) {
    const mail = forwarded(raw) ? unquotedView(raw) : raw;
    const [head, after] = splitAt(mail.body, ORIGINAL_MARKERS);
    const original = originalPart(raw) || after || (forwarded(raw) ? inlineOriginal(mail.body) : "");
    const std = parseRfc3464(mail);
    const records = std?.records.some((r) => isAddress(r.recipient)) ? std.records : textRecords(mail, head);
    if (records.length === 0) return undefined;
    // Replies in the transcript with no command sent before them answer the connection
    // itself (the greeting): the remote host refused us before any SMTP command.
    const transcript = sessionTranscript(head);
    if (transcript.some((l) => l.startsWith("<<<")) && !transcript.some((l) => l.startsWith(">>>"))) {
      for (const r of records) r.smtpCommand ||= "CONN";
    }
    return { records, original: std?.original || original };
  },
};
