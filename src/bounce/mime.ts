/**
 * Turns one raw mail into the pieces a bounce reader needs, using postal-mime for MIME.
 * We walk postal-mime's part tree ourselves (its public result merges text parts and hides
 * text/rfc822-headers), and patch two gaps of it here rather than writing a MIME parser:
 *  - its content decoders join chunks through a Blob, which is slow in Node; we join bytes;
 *  - parts with a wrong or missing charset (ISO-2022-JP sent as us-ascii, bare Shift_JIS or
 *    EUC-JP) are decoded by sniffing, see decodeText.
 */
import { isAscii as nativeIsAscii } from "node:buffer";
import PostalMime, { addressParser, decodeWords } from "postal-mime";

/** One leaf part of the message: its type and decoded text. */
export interface MailPart {
  type: string;
  text: string;
}

export interface ParsedMail {
  /** Header fields of the bounce itself, lower-case names, values unfolded. */
  headers: Map<string, string[]>;
  subject: string;
  from: string;
  to: string;
  date: string;
  /** Leaf parts in document order (text, delivery-status, rfc822 and so on). */
  parts: MailPart[];
  /** The human-readable text: text/plain parts (html converted) joined. */
  text: string;
  /** Every part joined; non-text parts are preceded by a "Content-Type: x" line. */
  body: string;
}

/** Largest mail we read; anything beyond is cut (bounces carrying huge attachments). */
export const MAX_MAIL_BYTES = 4 * 1024 * 1024;

const MIME_READ_TYPES = /^(text\/|message\/(delivery-status|global-delivery-status|feedback-report|rfc822|global|partial|disposition-notification|global-headers)|multipart\/)/;

/**
 * A pass-through part's content is its lines, each followed by "\n". When those lines lie one
 * after another in the mail, each ended by LF or CRLF (nearly always), that is a slice of the
 * mail itself: one copy instead of one per line. (CRLFs are kept; text is normalized later.)
 */
function sourceSpan(chunks: unknown[]): ArrayBuffer | undefined {
  if (chunks.length < 2) return undefined;
  const first = chunks[0];
  if (!(first instanceof Uint8Array)) return undefined;
  const buf = first.buffer;
  if (!(buf instanceof ArrayBuffer)) return undefined;
  const src = new Uint8Array(buf);
  let end = first.byteOffset;
  for (let i = 0; i < chunks.length; i += 2) {
    const c = chunks[i];
    if (!(c instanceof Uint8Array) || c.buffer !== buf || c.byteOffset !== end || chunks[i + 1] !== "\n") return undefined;
    end = c.byteOffset + c.byteLength;
    if (src[end] === 10) end += 1;
    else if (src[end] === 13 && src[end + 1] === 10) end += 2;
    else return undefined;
  }
  return buf.slice(first.byteOffset, end);
}

let patched = false;
/** Replace postal-mime's Blob-based chunk joining with a plain byte concatenation. */
function patchPostalMime(): void {
  if (patched) return;
  patched = true;
  const enc = new TextEncoder();
  const NEWLINE = new Uint8Array([10]);
  // biome-ignore lint/suspicious/noExplicitAny: reaching into postal-mime's part class
  const proto = Object.getPrototypeOf((new PostalMime() as any).root);
  const original = proto?.setupContentDecoder;
  if (typeof original !== "function") return; // layout changed: keep the library's own path
  proto.setupContentDecoder = function (this: { contentDecoder: Record<string, unknown> }, te: string) {
    original.call(this, te);
    const d = this.contentDecoder as {
      chunks?: unknown[];
      flushBuffer?: () => void;
      flushRemainder?: () => void;
      finalize: () => unknown;
    };
    if (!d || !Array.isArray(d.chunks)) return;
    d.finalize = () => {
      d.flushBuffer?.();
      d.flushRemainder?.();
      const same = sourceSpan(d.chunks as unknown[]);
      if (same) return same;
      const bytes = (d.chunks as unknown[]).map((c) =>
        typeof c === "string"
          ? c === "\n"
            ? NEWLINE
            : enc.encode(c)
          : c instanceof ArrayBuffer
            ? new Uint8Array(c)
            : new Uint8Array((c as Uint8Array).buffer, (c as Uint8Array).byteOffset, (c as Uint8Array).byteLength),
      );
      const out = Buffer.concat(bytes);
      return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
    };
  };
}

const decoders = new Map<string, InstanceType<typeof TextDecoder> | null>();
function decoder(label: string, fatal: boolean): InstanceType<typeof TextDecoder> | null {
  const key = `${label}/${fatal}`;
  let d = decoders.get(key);
  if (d === undefined) {
    try {
      d = new TextDecoder(label, { fatal });
    } catch {
      d = null;
    }
    decoders.set(key, d);
  }
  return d;
}

function tryDecode(bytes: Uint8Array, label: string): string | undefined {
  const d = decoder(label, true);
  if (!d) return undefined;
  try {
    return d.decode(bytes);
  } catch {
    return undefined;
  }
}

function isAscii(bytes: Uint8Array): boolean {
  return nativeIsAscii(bytes);
}

function hasIso2022Escape(bytes: Uint8Array): boolean {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = b.indexOf(0x1b); i >= 0 && i + 2 < b.length; i = b.indexOf(0x1b, i + 1)) {
    if (b[i + 1] === 0x24 || b[i + 1] === 0x28) return true;
  }
  return false;
}

/**
 * Bytes to text. The declared charset is tried first; when it fails or is missing,
 * ISO-2022-JP escapes, UTF-8, Shift_JIS and EUC-JP are tried in that order, then Latin-1.
 */
export function decodeText(bytes: Uint8Array, charset?: string): string {
  const cs = (charset ?? "").toLowerCase().replace(/^["']|["']$/g, "");
  if (hasIso2022Escape(bytes)) {
    const s = tryDecode(bytes, "iso-2022-jp");
    if (s !== undefined) return s;
  }
  if (isAscii(bytes)) return decoder("latin1", false)!.decode(bytes);
  if (cs && cs !== "us-ascii" && cs !== "ascii") {
    const s = tryDecode(bytes, cs === "cp932" || cs === "windows-31j" ? "shift_jis" : cs);
    if (s !== undefined) return s;
  }
  for (const label of ["utf-8", "shift_jis", "euc-jp"]) {
    const s = tryDecode(bytes, label);
    if (s !== undefined) return s;
  }
  return decoder("latin1", false)!.decode(bytes);
}

/** Crude html-to-text: enough to read an NDR that only has an html part. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h\d|table)>/gi, "\n")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/gi, " ")
    .replace(/&lt;/gi, "<")
    .replace(/&gt;/gi, ">")
    .replace(/&quot;/gi, '"')
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/gi, "&")
    .replace(/[ \t]+/g, " ")
    .replace(/\n\s*\n+/g, "\n");
}

interface MimeNodeLike {
  contentType: { value: string; parsed: { value: string; params: Record<string, string> }; multipart: string | false };
  childNodes: MimeNodeLike[];
  content: ArrayBuffer | null;
  headers: { key: string; value: string }[];
}

/** The raw body of a message (everything after the first empty line). */
function rawBody(raw: string): string {
  const m = /\r?\n\r?\n/.exec(raw);
  return m ? raw.slice(m.index + m[0].length) : "";
}

/** The addresses of an address header (groups flattened), as postal-mime reads them. */
function addressesOf(value: string): string[] {
  const out: string[] = [];
  const visit = (a: { address?: string; group?: unknown[] }) => {
    if (a.address) out.push(a.address);
    for (const g of (a.group ?? []) as { address?: string }[]) visit(g);
  };
  for (const a of addressParser(value) as { address?: string; group?: unknown[] }[]) visit(a);
  return out;
}

interface PostalMimeInternals {
  resolveInput(buf: ArrayBuffer | Uint8Array): Promise<ArrayBuffer>;
  processLine(line: Uint8Array, done: boolean): Promise<void>;
  boundaries: unknown[];
  currentNode: { feed(line: Uint8Array): void };
  root: MimeNodeLike;
  buf: ArrayBuffer;
  av: Uint8Array;
  readPos: number;
  started: boolean;
}

/**
 * postal-mime's part tree of a mail. Its `parse()` also renders the text content, encodes the
 * attachments and builds a message object, none of which we read, and awaits every line: here
 * only lines that may be a boundary go through its (async) line handler, body lines are fed to
 * the open part directly. Should its internals ever change shape, `parse()` builds the tree.
 */
async function partTree(bytes: Uint8Array): Promise<MimeNodeLike> {
  const parser = new PostalMime({ forceRfc822Attachments: true, attachmentEncoding: "arraybuffer" });
  const p = parser as unknown as PostalMimeInternals;
  // Hand over the whole ArrayBuffer when we can: postal-mime copies a view, not a buffer.
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  const input = whole ? (bytes.buffer as ArrayBuffer) : bytes;
  if (typeof p.processLine !== "function" || typeof p.resolveInput !== "function" || !p.root) {
    await parser.parse(input);
    return p.root;
  }
  p.started = true;
  p.buf = await p.resolveInput(input);
  const av = (p.av = new Uint8Array(p.buf));
  const n = av.length;
  let pos = 0;
  // Lines as postal-mime's readLine cuts them (at LF, trailing CRs and LFs dropped), found natively.
  while (pos < n) {
    const lf = av.indexOf(10, pos);
    const next = lf < 0 ? n : lf + 1;
    let end = lf < 0 ? n : lf;
    while (end > pos && (av[end - 1] === 13 || av[end - 1] === 10)) end--;
    const line = new Uint8Array(p.buf, pos, end - pos);
    pos = p.readPos = next;
    const done = next >= n;
    if (!done && !(line.length > 2 && line[0] === 0x2d && line[1] === 0x2d && p.boundaries.length)) p.currentNode.feed(line);
    else await p.processLine(line, done);
  }
  return p.root;
}

/** A provider's webhook payload saved as a file (JSON, no mail header): its text as the body. */
function jsonDocument(bytes: Uint8Array): ParsedMail | undefined {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0xef || bytes[i] === 0xbb || bytes[i] === 0xbf)) i++;
  if (bytes[i] !== 0x7b && bytes[i] !== 0x5b) return undefined; // { or [
  const text = decodeText(bytes.subarray(i)).replace(/\r\n?/g, "\n");
  return { headers: new Map(), subject: "", from: "", to: "", date: "", parts: [{ type: "application/json", text }], text, body: text };
}

export async function parseMail(input: Uint8Array): Promise<ParsedMail> {
  patchPostalMime();
  const bytes = input.byteLength > MAX_MAIL_BYTES ? input.subarray(0, MAX_MAIL_BYTES) : input;
  const json = jsonDocument(bytes);
  if (json) return json;
  const root = await partTree(bytes);

  const headers = new Map<string, string[]>();
  for (const h of root.headers) {
    const list = headers.get(h.key);
    if (list) list.push(h.value);
    else headers.set(h.key, [h.value]);
  }

  const parts: MailPart[] = [];
  const walk = (node: MimeNodeLike) => {
    const type = (node.contentType.parsed.value || "text/plain").toLowerCase();
    if (node.childNodes.length > 0) {
      for (const c of node.childNodes) walk(c);
      return;
    }
    if (!MIME_READ_TYPES.test(type) || !node.content) return;
    let text = decodeText(new Uint8Array(node.content), node.contentType.parsed.params.charset);
    if (type === "text/html") text = htmlToText(text);
    if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
    parts.push({ type: node.childNodes.length === 0 && type.startsWith("multipart/") ? "text/plain" : type, text });
  };
  walk(root);

  // A multipart whose boundary never shows up: postal-mime finds no parts, read the raw body.
  const hasText = parts.some((p) => p.text.trim() !== "");
  if (!hasText) {
    const raw = decodeText(bytes);
    parts.length = 0;
    parts.push({ type: "text/plain", text: rawBody(raw).replace(/\r\n?/g, "\n") });
  }

  const textParts = parts.filter((p) => p.type === "text/plain" || p.type === "text/html");
  const plain = textParts.filter((p) => p.type === "text/plain");
  const text = (plain.length > 0 ? plain : textParts).map((p) => p.text).join("\n");
  const body = parts
    .map((p) => (p.type === "text/plain" || p.type === "text/html" ? p.text : `Content-Type: ${p.type}\n\n${p.text}`))
    .join("\n");

  const subject = headers.get("subject")?.[0];
  const from = headers.get("from")?.[0];
  const toFields = headers.get("to") ?? [];
  let to: string | undefined;
  let fromAddress: string | undefined;
  return {
    headers,
    subject: subject ? decodeWords(subject) : "",
    get from() {
      fromAddress ??= (from ? addressesOf(from)[0] : "") || (from ?? "");
      return fromAddress;
    },
    // Address headers are parsed when asked (many mails never need them).
    get to() {
      to ??= toFields.flatMap(addressesOf).join(", ") || (toFields[0] ?? "");
      return to;
    },
    date: headers.get("date")?.[0] ?? "",
    parts,
    text,
    body,
  };
}

/** First value of a header of the bounce, or "". */
export function header(mail: ParsedMail, name: string): string {
  return mail.headers.get(name)?.[0] ?? "";
}
