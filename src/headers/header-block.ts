/**
 * Reading the header block of a message, or header text pasted from a mail client.
 * Pasted text is often damaged: continuation lines lose their leading white space (Outlook's
 * "Internet headers" box, web mail "show original" copied from a narrow window), lines end in
 * CRLF or bare CR, and blank lines appear inside the block. We keep each field's raw text,
 * and glue back a line that cannot be a new field onto the field before it.
 */
import { UserError } from "../core/errors.ts";

export interface HeaderField {
  /** Field name as written. */
  name: string;
  /** Lower-case name for lookups. */
  key: string;
  /** Value with folding kept (as read). */
  raw: string;
  /** Value unfolded to one line. */
  value: string;
  /** Position in the block, 0 = top (newest trace field first). */
  index: number;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** The header text that was read (after line-ending normalisation). */
  text: string;
  /** True when the input was longer than the cap and was cut. */
  truncated: boolean;
  /** How many continuation lines had lost their leading white space and were glued back. */
  repairedLines: number;
  /** The body offset in the normalised input, or -1 when there is no body. */
  bodyOffset: number;
}

/** The header block of a real message is rarely above 100 KiB; 1 MiB leaves room for long chains. */
export const MAX_HEADER_BYTES = 1024 * 1024;

const FIELD_LINE = /^([!-9;-~]{1,76}):[ \t]?(.*)$/;
/** URL schemes and similar "word:" starts that are not field names when a line was broken. */
const NOT_A_FIELD = /^(https?|mailto|urn|cid|ftp|file|ldap|tel|sip|data|ipv6|x-?dnsbl)$/i;
/** Fields that may follow a stray blank line in pasted header text. */
const TRACE_FIELD = /^(received|authentication-results|arc-[a-z-]+|dkim-signature|received-spf|return-path|delivered-to|x-[a-z0-9-]+|message-id|date|from|to|subject|mime-version|content-type|list-[a-z-]+|reply-to|cc|sender)$/i;

function isFieldLine(line: string): RegExpExecArray | null {
  const m = FIELD_LINE.exec(line);
  if (!m || NOT_A_FIELD.test(m[1])) return null;
  return m;
}

/** Split text into header fields. Throws UserError when nothing in it is a header field. */
export function readHeaderBlock(input: string, maxBytes = MAX_HEADER_BYTES): HeaderBlock {
  if (input.includes("\u0000")) throw new UserError("input is binary, not a mail message or header text");
  let text = input.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  // Leading blank lines and an mbox "From " line are common in saved or pasted mail.
  text = text.replace(/^\s*\n/, "").replace(/^From [^\n]*\n/, "");
  // Pasted text is sometimes indented as a whole.
  const lines = text.split("\n");
  const fields: HeaderField[] = [];
  let repairedLines = 0;
  let bytes = 0;
  let truncated = false;
  let bodyOffset = -1;
  let offset = 0;
  let current: { name: string; lines: string[] } | null = null;
  const flush = () => {
    if (!current) return;
    const raw = current.lines.join("\n");
    fields.push({
      name: current.name,
      key: current.name.toLowerCase(),
      raw,
      value: raw.replace(/\n[ \t]*/g, " ").replace(/[ \t]+/g, " ").trim(),
      index: fields.length,
    });
    current = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const lineStart = offset;
    offset += line.length + 1;
    bytes += Buffer.byteLength(line) + 1;
    if (bytes > maxBytes) { truncated = true; break; }
    if (line.trim() === "") {
      // A blank line ends the block, unless pasted text goes on with more trace fields.
      let j = i + 1;
      while (j < lines.length && lines[j].trim() === "") j++;
      const next = j < lines.length ? isFieldLine(lines[j]) : null;
      const stillHeaders = next && TRACE_FIELD.test(next[1]) && fields.length > 0 && !fields.some((f) => f.key === "content-type" || f.key === "mime-version");
      if (stillHeaders) continue;
      flush();
      bodyOffset = j < lines.length ? lineStart + line.length + 1 : -1;
      break;
    }
    if (/^[ \t]/.test(line)) {
      if (current) current.lines.push(line);
      else if (fields.length === 0) {
        // Indented pasted text: read the line without its indentation.
        const m = isFieldLine(line.trimStart());
        if (m) current = { name: m[1], lines: [m[2]] };
      }
      continue;
    }
    const m = isFieldLine(line);
    if (m && (!current || !looksLikeBrokenContinuation(current, line))) {
      flush();
      current = { name: m[1], lines: [m[2]] };
      continue;
    }
    if (current) {
      // A line that is not a field: a continuation whose leading white space was lost.
      current.lines.push(` ${line}`);
      repairedLines++;
      continue;
    }
    // Text before any field: not a header block at all.
    break;
  }
  flush();
  if (fields.length === 0) throw new UserError("no header fields found (expected lines such as \"Received: ...\")");
  return { fields, text, truncated, repairedLines, bodyOffset };
}

/**
 * "Name: value" lines inside a broken field: "cipher=X" cannot match, but a broken DKIM or
 * Authentication-Results line may start with "h=From:To:Subject" style words. A field name
 * never contains "=" and real fields are followed by a value.
 */
function looksLikeBrokenContinuation(current: { name: string; lines: string[] }, line: string): boolean {
  const name = line.slice(0, line.indexOf(":"));
  if (name.includes("=")) return true;
  const prev = current.lines[current.lines.length - 1] ?? "";
  // A header value that ends mid-list ("h=From:To:") continues on the next line.
  return /[:=,]$/.test(prev.trimEnd()) && !TRACE_FIELD.test(name);
}

/** All fields with this (case-insensitive) name, top first. */
export function fieldsNamed(block: HeaderBlock, name: string): HeaderField[] {
  const key = name.toLowerCase();
  return block.fields.filter((f) => f.key === key);
}
