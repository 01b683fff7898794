/**
 * Input readers: a path may be one .eml, an mbox, a Maildir, a directory of any of these,
 * or "-" for stdin. Each yields one raw mail at a time; sizes are capped.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { describeError } from "../core/errors.ts";

export interface RawMail {
  /** Where it came from: a file path, "path#3" for the 3rd mail of an mbox, "-" for stdin. */
  file: string;
  bytes?: Uint8Array;
  /** Set instead of bytes when the input could not be read. */
  error?: string;
}

/** Largest file we read whole (an mbox may hold many mails; each mail is capped later). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
/** Most files a directory walk visits. */
export const MAX_FILES = 1_000_000;

const MBOX_FROM = /^From \S+ .*\d{4}\s*$|^From \S+\s+\w{3} \w{3}\s+\d+ /;

/** An mbox starts with a "From " line; split at every "From " line that begins a message. */
export function isMbox(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0x46) return false; // "F"
  const head = Buffer.from(bytes.subarray(0, 200)).toString("latin1");
  return head.startsWith("From ") && MBOX_FROM.test(head.split("\n")[0]);
}

/** In-memory input (the web console's upload, a test): the same splitting as for a file. */
export function mailsOf(input: { file: string; bytes: Uint8Array }): RawMail[] {
  return named(input.file, splitMails(input.bytes));
}

export function splitMbox(bytes: Uint8Array): Uint8Array[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let start = -1;
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf(10, pos);
    if (nl < 0) nl = text.length;
    if (text[pos] === 0x46 && text.toString("latin1", pos, pos + 5) === "From ") {
      const line = text.toString("latin1", pos, Math.min(nl, pos + 200));
      if (MBOX_FROM.test(line)) {
        if (start >= 0) out.push(unescapeFrom(text.subarray(start, pos)));
        start = nl + 1;
      }
    }
    pos = nl + 1;
  }
  if (start >= 0 && start < text.length) out.push(unescapeFrom(text.subarray(start)));
  return out;
}

/**
 * The mails one file holds: an mbox split at its "From " lines; a saved mail with further
 * mails appended after an mbox "From " line (what mail clients' "save all" writes) split
 * likewise, but only where a header block follows that line; anything else is one mail.
 */
export function splitMails(bytes: Uint8Array): Uint8Array[] {
  if (isMbox(bytes)) return splitMbox(bytes);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (text.indexOf("\nFrom ") < 0) return [bytes];
  const out: Uint8Array[] = [];
  let start = 0;
  let pos = text.indexOf("\nFrom ");
  while (pos >= 0) {
    const lineStart = pos + 1;
    const nl = text.indexOf(10, lineStart);
    if (nl < 0) break;
    const line = text.toString("latin1", lineStart, Math.min(nl, lineStart + 200));
    const next = text.toString("latin1", nl + 1, Math.min(text.length, nl + 200)).split("\n")[0];
    if (MBOX_FROM.test(line) && /^[A-Za-z][A-Za-z0-9-]*:[ \t]/.test(next)) {
      out.push(unescapeFrom(text.subarray(start, lineStart)));
      start = nl + 1;
    }
    pos = text.indexOf("\nFrom ", nl);
  }
  if (out.length === 0) return [bytes];
  out.push(unescapeFrom(text.subarray(start)));
  return out;
}

/** Name each of several mails of one input "path#1", "path#2", ... */
function named(path: string, mails: Uint8Array[]): RawMail[] {
  return mails.length === 1 ? [{ file: path, bytes: mails[0] }] : mails.map((bytes, i) => ({ file: `${path}#${i + 1}`, bytes }));
}

/** mboxrd: ">From " at a line start was escaped on write. */
function unescapeFrom(b: Buffer): Uint8Array {
  if (b.indexOf("\n>From ") < 0) return b;
  return Buffer.from(b.toString("latin1").replace(/\n>(>*From )/g, "\n$1"), "latin1");
}

/** Files up to this size are read with one read into a scratch buffer, without a stat first. */
const SCRATCH_BYTES = 256 * 1024;
let scratch: Buffer | undefined;

/** Synchronous on purpose: thousands of small mails read much faster than through the pool. */
function readCapped(path: string): Uint8Array {
  const fd = openSync(path, "r");
  try {
    // Most mails are small: one read says the size too (a short read is the whole file).
    scratch ??= Buffer.allocUnsafeSlow(SCRATCH_BYTES);
    const first = readSync(fd, scratch, 0, SCRATCH_BYTES, 0);
    if (first < SCRATCH_BYTES) {
      const out = Buffer.allocUnsafeSlow(first);
      scratch.copy(out, 0, 0, first);
      return out;
    }
    const size = fstatSync(fd).size;
    if (size > MAX_FILE_BYTES) throw new Error(`${path}: file larger than ${MAX_FILE_BYTES} bytes`);
    const buf = Buffer.allocUnsafeSlow(size);
    let got = scratch.copy(buf, 0, 0, Math.min(first, size));
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === size ? buf : buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** The mails of one file, read now (synchronously); an unreadable file is one entry with an error. */
export function readFileMails(path: string): RawMail[] {
  let bytes: Uint8Array;
  try {
    bytes = readCapped(path);
  } catch (err) {
    return [{ file: path, error: describeError(err) }];
  }
  return named(path, splitMails(bytes));
}

/** A file to read, or a mail (or error) already read: what listInputs yields. */
export type InputEntry = { path: string } | RawMail;

async function* filesOf(path: string, budget: { left: number }): AsyncGenerator<InputEntry> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch (err) {
    yield { file: path, error: describeError(err) };
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Maildir: read cur/ and new/, skip tmp/ (mails still being written).
  for (const e of entries) {
    if (budget.left <= 0) return;
    if (e.name.startsWith(".") && e.isDirectory()) continue;
    const p = join(path, e.name);
    if (e.isDirectory()) {
      if (e.name === "tmp" && entries.some((x) => x.name === "cur")) continue;
      yield* filesOf(p, budget);
    } else if (e.isFile()) {
      budget.left--;
      yield { path: p };
    }
  }
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin) {
    size += c.length;
    if (size > MAX_FILE_BYTES) throw new Error(`stdin: more than ${MAX_FILE_BYTES} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The files under the given paths, in order, without reading them (so that another thread may);
 * stdin is read here, and a path that cannot be listed comes as an error.
 */
export async function* listInputs(paths: string[]): AsyncGenerator<InputEntry> {
  const budget = { left: MAX_FILES };
  for (const path of paths) {
    if (path === "-") {
      let bytes: Uint8Array;
      try {
        bytes = await readStdin();
      } catch (err) {
        yield { file: "-", error: describeError(err) };
        continue;
      }
      yield* named("-", splitMails(bytes));
      continue;
    }
    let isDir = false;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch (err) {
      yield { file: path, error: describeError(err) };
      continue;
    }
    if (isDir) yield* filesOf(path, budget);
    else yield { path };
  }
}

/** Every mail under the given paths, in order; unreadable ones come with an error. */
export async function* readInputs(paths: string[]): AsyncGenerator<RawMail> {
  for await (const entry of listInputs(paths)) {
    if ("path" in entry) yield* readFileMails(entry.path);
    else yield entry;
  }
}
