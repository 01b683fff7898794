/** Helpers the format modules share: cutting off the original message, reading DSN parts. */
import type { ParsedMail } from "../mime.ts";
import { deliveryStatusParts, originalPart, readDeliveryStatus } from "../rfc3464.ts";
import type { DeliveryRecord, FormatResult, LhostModule } from "../types.ts";

/** Split text at the first line matching one of the markers: [before, after-marker]. */
export function splitAt(text: string, markers: RegExp[]): [string, string] {
  let best = -1;
  let len = 0;
  for (const re of markers) {
    const m = re.exec(text);
    if (m && (best < 0 || m.index < best)) {
      best = m.index;
      len = m[0].length;
    }
  }
  if (best < 0) return [text, ""];
  return [text.slice(0, best), text.slice(best + len).replace(/^\s*\n/, "")];
}

/** The standard original-message markers in a flattened body. */
export const RFC822_MARKERS = [/^Content-Type:[ \t]*(message\/rfc822|text\/rfc822-headers|message\/partial)[^\n]*\n/im];

/** Original message: the MIME part if there is one, else what follows one of the markers. */
export function originalOf(mail: ParsedMail, markers: RegExp[] = []): string {
  const part = originalPart(mail);
  if (part) return part;
  if (markers.length === 0) return "";
  return splitAt(mail.body, markers)[1];
}

/** Records from the message's delivery-status parts (may be empty). */
export function dsnRecords(mail: ParsedMail): DeliveryRecord[] {
  const parts = deliveryStatusParts(mail);
  return parts.length ? readDeliveryStatus(parts.join("\n\n")) : [];
}

/** Merge text-derived records into DSN records by recipient (DSN fields win when present). */
export function mergeRecords(dsn: DeliveryRecord[], text: DeliveryRecord[]): DeliveryRecord[] {
  if (dsn.length === 0) return text;
  for (const d of dsn) {
    const t = text.find((x) => x.recipient.toLowerCase() === d.recipient.toLowerCase()) ?? (text.length === 1 && dsn.length === 1 ? text[0] : undefined);
    if (!t) continue;
    if (t.diagnosticCode && (!d.diagnosticCode || t.diagnosticCode.length > d.diagnosticCode.length * 1.5)) d.diagnosticCode = t.diagnosticCode;
    d.smtpCommand ||= t.smtpCommand;
    d.remoteMta ||= t.remoteMta;
    d.replyCode ||= t.replyCode;
    d.status ||= t.status;
  }
  return dsn;
}

/** Squeeze white space of a multi-line message into one line. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

export function headerOf(mail: ParsedMail, name: string): string {
  return mail.headers.get(name)?.[0] ?? "";
}

/**
 * The common shape of plain-text bounces: a recipient line, then indented or following
 * lines with the error, until a blank line or the next recipient. `match` returns the
 * address when a line starts a recipient block.
 */
export function textBlocks(
  head: string,
  match: (line: string) => string | undefined,
  opts: { stopAtBlank?: boolean; keepFirstLine?: boolean } = {},
): DeliveryRecord[] {
  const out: DeliveryRecord[] = [];
  let cur: DeliveryRecord | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (cur) cur.diagnosticCode = oneLine(lines.join(" "));
    lines = [];
  };
  for (const line of head.split("\n")) {
    const addr = match(line);
    if (addr) {
      flush();
      const existing = out.find((r) => r.recipient === addr);
      cur = { recipient: addr };
      out.push(cur);
      if (existing) {
        out.pop();
        cur = existing;
      }
      if (opts.keepFirstLine) lines.push(line);
      continue;
    }
    if (!cur) continue;
    if (line.trim() === "") {
      if (opts.stopAtBlank !== false && lines.length > 0) {
        flush();
        cur = undefined;
      }
      continue;
    }
    lines.push(line.trim());
  }
  flush();
  return out;
}

/**
 * The JSON document in a text (a provider's webhook or notification payload, saved or mailed):
 * from the first `{` or `[` to the last matching bracket; undefined when it does not parse.
 */
export function jsonIn(text: string): unknown {
  const obj = text.indexOf("{");
  const arr = text.indexOf("[");
  const start = arr >= 0 && (obj < 0 || arr < obj) ? arr : obj;
  if (start < 0) return undefined;
  const end = text.lastIndexOf(text[start] === "[" ? "]" : "}");
  if (end < start) return undefined;
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
}

/** A JSON timestamp (seconds since the epoch, or an ISO string) as a date string, or undefined. */
export function jsonTime(v: unknown): string | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return new Date(v * 1000).toUTCString();
  if (typeof v === "string" && v) return /^\d+(?:\.\d+)?$/.test(v) ? new Date(Number(v) * 1000).toUTCString() : v;
  return undefined;
}

/**
 * A format whose report another reader already understands (a standard DSN, Exim's or qmail's
 * text): its own detection names it, the shared reader reads it.
 */
export function readBy(name: string, detect: (mail: ParsedMail) => boolean, read: (mail: ParsedMail) => FormatResult | undefined): LhostModule {
  return { name, detect, parse: read };
}

/** The Received fields of the bounce, joined (for "was it relayed by X" signs). */
export function receivedOf(mail: ParsedMail): string {
  return (mail.headers.get("received") ?? []).join("\n");
}
