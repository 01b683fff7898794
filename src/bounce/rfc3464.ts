/**
 * The standard paths: RFC 3464/6522 delivery-status reports, RFC 5965 ARF feedback reports
 * and RFC 3834 automatic replies. Format modules reuse the field reader for their own
 * delivery-status parts.
 */
import type { ParsedMail } from "./mime.ts";
import { header } from "./mime.ts";
import { findAddress, findCommand, isAddress, normalizeCommand } from "./smtp.ts";
import type { DeliveryRecord, FormatResult } from "./types.ts";

/** Unfold "Name: value" lines (continuations start with white space) into [name, value]. */
export function readFields(block: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of block.split("\n")) {
    const c0 = line.charCodeAt(0);
    if ((c0 === 32 || c0 === 9) && out.length > 0) {
      out[out.length - 1][1] += ` ${line.trim()}`;
      continue;
    }
    // `Name[ \t]*:value`: a letter, then letters, digits and dashes (read by hand: every header line of every part comes here).
    if (!isLetter(c0)) continue;
    let i = 1;
    for (; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (!(isLetter(c) || (c >= 48 && c <= 57) || c === 45)) break;
    }
    let j = i;
    while (line.charCodeAt(j) === 32 || line.charCodeAt(j) === 9) j++;
    if (line.charCodeAt(j) !== 58) continue;
    out.push([line.slice(0, i).toLowerCase(), line.slice(j + 1).trim()]);
  }
  return out;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** "rfc822; user@example.jp" -> ["rfc822", "user@example.jp"]. */
export function typedValue(v: string): [string, string] {
  const i = v.indexOf(";");
  if (i < 0) return ["", v.trim()];
  return [v.slice(0, i).trim(), v.slice(i + 1).trim()];
}

function cleanRecipient(v: string): string {
  const [, value] = typedValue(v);
  const a = findAddress(value) || value.replace(/[<>\s]/g, "");
  return a;
}

/**
 * Delivery-status text -> one record per recipient block. Blocks are separated by blank
 * lines (RFC 3464 section 2.1); per-message fields are copied into each recipient.
 */
export function readDeliveryStatus(text: string): DeliveryRecord[] {
  const records: DeliveryRecord[] = [];
  let reportingMta = "";
  let arrival = "";
  for (const block of text.split(/\n[ \t]*\n/)) {
    const fields = readFields(block);
    let cur: DeliveryRecord | undefined;
    let original = "";
    for (const [name, value] of fields) {
      switch (name) {
        case "reporting-mta":
          reportingMta = typedValue(value)[1];
          break;
        case "arrival-date":
          arrival = value;
          break;
        case "final-recipient":
          if (cur?.recipient) {
            // Two recipients in one block (no blank line between them).
            records.push(cur);
          }
          cur = { ...(cur && !cur.recipient ? cur : {}), recipient: cleanRecipient(value) };
          break;
        case "original-recipient":
          original = cleanRecipient(value);
          break;
        case "x-actual-recipient": {
          cur ??= { recipient: "" };
          const r = cleanRecipient(value);
          if (isAddress(r)) cur.alias = r;
          break;
        }
        case "action":
          cur ??= { recipient: "" };
          cur.action = value.toLowerCase().split(/[\s(]/)[0];
          break;
        case "status":
          cur ??= { recipient: "" };
          cur.status = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(value)?.[1] ?? "";
          break;
        case "remote-mta":
          cur ??= { recipient: "" };
          cur.remoteMta = typedValue(value)[1];
          break;
        case "diagnostic-code": {
          cur ??= { recipient: "" };
          const [type, t] = typedValue(value);
          cur.diagnosticType = type.toUpperCase();
          cur.diagnosticCode = cur.diagnosticCode ? `${cur.diagnosticCode} ${t}` : t;
          break;
        }
        case "last-attempt-date":
          cur ??= { recipient: "" };
          cur.date = value;
          break;
      }
    }
    if (!cur) {
      if (original) cur = { recipient: original };
      else continue;
    }
    if (!cur.recipient || !isAddress(cur.recipient)) {
      if (original) cur.recipient = original;
      else if (!cur.recipient) continue;
    }
    if (original && original !== cur.recipient) cur.alias ??= original;
    cur.reportingMta ??= reportingMta;
    if (!cur.date && arrival) cur.date = arrival;
    records.push(cur);
  }
  for (const r of records) {
    if (!r.reportingMta && reportingMta) r.reportingMta = reportingMta;
    if (r.diagnosticCode && !r.smtpCommand) r.smtpCommand = findCommand(r.diagnosticCode);
  }
  return records.filter((r) => isAddress(r.recipient));
}

/** Text of the returned original message (message/rfc822, text/rfc822-headers), or "". */
export function originalPart(mail: ParsedMail): string {
  for (const p of mail.parts) {
    if (/^(message\/(rfc822|global|partial|global-headers)|text\/rfc822-headers?)$/.test(p.type)) return p.text;
  }
  return "";
}

export function deliveryStatusParts(mail: ParsedMail): string[] {
  return mail.parts.filter((p) => p.type === "message/delivery-status" || p.type === "message/global-delivery-status").map((p) => p.text);
}

/** Find delivery-status fields even when they were pasted into a text part. */
function inlineDeliveryStatus(text: string): string {
  const i = text.search(/^(Final-Recipient|Original-Recipient)\s*:/im);
  if (i < 0) return "";
  const before = text.lastIndexOf("\n\n", i);
  return text.slice(Math.max(before, 0));
}

/** RFC 3464: read the delivery-status part(s). */
export function parseRfc3464(mail: ParsedMail): FormatResult | undefined {
  let ds = deliveryStatusParts(mail).join("\n\n");
  let original = originalPart(mail);
  if (!ds) {
    // Broken reports: the fields sit in a text part, the original follows a marker.
    const cut = mail.body.search(/^(Content-Type:\s*(message\/rfc822|text\/rfc822-headers)|-+ ?(Original message|The header of the original message)[^\n]*)$/im);
    const head = cut >= 0 ? mail.body.slice(0, cut) : mail.body;
    ds = inlineDeliveryStatus(head);
    if (!original && cut >= 0) original = mail.body.slice(cut).replace(/^[^\n]*\n\n?/, "");
  }
  if (!ds) return undefined;
  const records = readDeliveryStatus(ds);
  if (records.length === 0) return undefined;
  // A missing Diagnostic-Code: the readable part often holds the server's words, in a
  // Sendmail-style session transcript or on a line beside the recipient's address.
  const transcript = sessionTranscript(`${mail.text}\n${ds}`);
  for (const r of records) {
    const said = transcript ? transcriptFor(transcript, r.recipient, records.length) : undefined;
    const line = findRecipientLine(mail.text, r.recipient);
    if (!r.diagnosticCode) r.diagnosticCode = said?.text || line;
    if (!r.smtpCommand) r.smtpCommand = said?.command || findCommand(line);
  }
  return { records, original };
}

/** The lines after "----- Transcript of session follows -----", up to a blank line. */
export function sessionTranscript(text: string): string[] {
  const m = /^[ \t]*-+ ?Transcript of (?:the )?session follows ?-+[ \t]*$/im.exec(text);
  if (!m) return [];
  const lines: string[] = [];
  for (const line of text.slice(m.index + m[0].length).replace(/^\n/, "").split("\n")) {
    if (line.trim() === "") {
      if (lines.length > 0) break;
      continue;
    }
    if (/^[A-Za-z-]+:\s/.test(line) && /^(Reporting-MTA|Final-Recipient|Content-Type):/i.test(line)) break;
    lines.push(line.trim());
  }
  return lines;
}

/**
 * What a transcript says about one recipient: the server's replies ("<<< 550 ...", or
 * "<addr>... Deferred: ..."), and the command we had sent (">>> RCPT TO:<addr>"). With
 * several recipients only lines that name this one (or follow its command) count.
 */
export function transcriptFor(lines: string[], recipient: string, recipients: number): { text: string; command: string } {
  const rcpt = recipient.toLowerCase();
  let command = "";
  let mine = recipients === 1;
  const said: string[] = [];
  for (const line of lines) {
    const sent = /^>>>\s*([A-Za-z]+(?:\s+(?:TO|FROM))?)(.*)$/.exec(line);
    if (sent) {
      const names = sent[2].toLowerCase().includes(rcpt);
      mine = recipients === 1 || names || (mine && !/^RCPT/i.test(sent[1]));
      if (mine) command = normalizeCommand(sent[1]);
      continue;
    }
    const reply = line.replace(/^<<<\s*/, "");
    if (recipients === 1 || mine || reply.toLowerCase().includes(rcpt)) {
      if (/^(?:Message could not be delivered|Message will be deleted|Warning: message still undelivered|Will keep trying)/i.test(reply)) continue;
      said.push(reply);
    }
  }
  return { text: said.join(" "), command };
}

/** The human text near the recipient's address in the readable part (a short window). */
export function findRecipientLine(text: string, recipient: string): string {
  if (!text || !recipient) return "";
  const i = text.toLowerCase().indexOf(recipient.toLowerCase());
  if (i < 0) return "";
  const end = text.indexOf("\n\n", i);
  const block = text.slice(i, end < 0 ? Math.min(text.length, i + 600) : end);
  const s = block.replace(/\s+/g, " ").trim();
  return s.length > recipient.length + 3 ? s : "";
}

// --- ARF (RFC 5965) --------------------------------------------------------------------------

export function isFeedbackReport(mail: ParsedMail): boolean {
  const ct = header(mail, "content-type").toLowerCase();
  if (/report-type\s*=\s*"?feedback-report/.test(ct)) return true;
  if (mail.parts.some((p) => p.type === "message/feedback-report")) return true;
  if (/complaint about message from /i.test(mail.subject) && /staff@hotmail\.com|complaints@email-abuse\.amazonses\.com/i.test(mail.from)) return true;
  return header(mail, "x-apple-unsubscribe").trim() === "true";
}

export function parseArf(mail: ParsedMail): FormatResult | undefined {
  if (!isFeedbackReport(mail)) return undefined;
  const report = mail.parts.find((p) => p.type === "message/feedback-report")?.text ?? "";
  const original = originalPart(mail);
  let feedbackType = "";
  let date = "";
  let source = "";
  let reportingMta = "";
  const extra: string[] = [];
  const recipients: string[] = [];
  for (const [name, value] of readFields(report)) {
    if (name === "original-rcpt-to" || name === "removal-recipient") {
      const a = findAddress(value) || value;
      if (isAddress(a) && !recipients.includes(a)) recipients.push(a);
    } else if (name === "feedback-type") feedbackType = value.toLowerCase();
    else if (name === "arrival-date" || name === "received-date") date = value;
    else if (name === "source-ip") source = value;
    else if (name === "reporting-mta") reportingMta = typedValue(value)[1];
    else if (name === "user-agent" || name === "original-mail-from" || name === "authentication-results") extra.push(`${name}: ${value}`);
  }
  const summary = mail.text.split("\n").find((l) => /this is an? .*(report|complaint)/i.test(l))?.trim() ?? "";
  const diagnosticCode = [summary, ...extra].filter(Boolean).join(" ");
  if (recipients.length === 0) {
    if (header(mail, "x-apple-unsubscribe").trim() === "true" && mail.from.includes("@")) {
      recipients.push(mail.from);
      feedbackType ||= "opt-out";
    } else {
      const to = /^To:[ \t]*(.*)$/im.exec(original)?.[1] ?? "";
      recipients.push(findAddress(to) || "undisclosed-recipients@unknown.invalid");
    }
  }
  const records: DeliveryRecord[] = recipients.map((recipient) => ({
    recipient,
    reason: "feedback",
    feedbackType: feedbackType || "abuse",
    diagnosticCode,
    diagnosticType: "",
    remoteMta: source,
    reportingMta,
    date,
  }));
  return { records, original };
}

// --- RFC 3834 automatic replies --------------------------------------------------------------

const AUTO_SUBJECT = /^(auto:|auto[- ]?reply|automatic reply|out of (the )?office|vacation|away from|i am away|i'm away|absence|abwesenheit|r[ée]ponse automatique|自動応答|不在)/i;

export function parseRfc3834(mail: ParsedMail): FormatResult | undefined {
  const auto = header(mail, "auto-submitted").toLowerCase();
  const precedence = header(mail, "precedence").toLowerCase();
  const isAuto =
    auto.startsWith("auto-replied") ||
    auto.startsWith("auto-generated") ||
    mail.headers.has("x-autoreply") ||
    mail.headers.has("x-autorespond") ||
    precedence === "auto_reply" ||
    AUTO_SUBJECT.test(mail.subject.trim());
  if (!isAuto) return undefined;
  // Bounces also carry Auto-Submitted: auto-replied; a DSN is not a vacation message.
  if (mail.parts.some((p) => p.type === "message/delivery-status")) return undefined;
  if (/mailer-daemon|postmaster/i.test(mail.from)) return undefined;
  const recipient = findAddress(mail.from) || mail.from;
  if (!isAddress(recipient)) return undefined;
  const words = mail.text.replace(/\s+/g, " ").trim().slice(0, 200);
  return {
    records: [{ recipient, reason: "vacation", diagnosticCode: words, diagnosticType: "" }],
    original: "",
  };
}

export { normalizeCommand };
