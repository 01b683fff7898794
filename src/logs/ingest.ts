/**
 * Ingestion: files (plain, gzip, or `-` for stdin) -> envelopes -> dialect facts -> correlator
 * -> store. Streams in large chunks and never holds a whole file; commits every BATCH_LINES
 * lines so a crash loses at most one batch (and a re-run restores it, since writes are
 * idempotent). Each commit records how far the file was read (file-mark.ts), so the next
 * ingest of a file reads on from there. One bad file is reported and the batch goes on.
 */
import { closeSync, createReadStream, fstatSync, openSync, statSync } from "node:fs";
import { createGunzip } from "node:zlib";
import { isAscii } from "node:buffer";
import { Readable } from "node:stream";
import { describeError } from "../core/errors.ts";
import type { FileMark, Store } from "../store/store.ts";
import { type FileHead, markOf, readHead } from "./file-mark.ts";
import { Correlator } from "./correlate.ts";
import { EnvelopeParser } from "./syslog.ts";
import type { Dialect, Fact } from "./dialects/types.ts";
import { dialectFor } from "./dialects/index.ts";

export interface IngestOptions {
  /** Year of the first year-less line of each file (default: inferred from the file's mtime). */
  year?: number;
  /** IANA zone for lines without an offset (default: local zone). */
  tz?: string;
  /** Called now and then with the bytes read of the current file (for a progress indicator). */
  onProgress?: (p: { path: string; bytes: number; total: number | undefined; lines: number }) => void;
  /** Called after each file, also on failure. */
  onFile?: (f: FileSummary) => void;
  /** Standard input for `-` (default: process.stdin). */
  stdin?: Readable;
  /**
   * Read every file from its first line, also the part an earlier ingest read (what is stored
   * stays once: ingest is idempotent). By default a file is read from where the last ingest of
   * it stopped (file-mark.ts), and a compressed file read whole before is passed over.
   */
  fromStart?: boolean;
  /**
   * Paths whose bytes are read from another name, while they are reported and marked under
   * their own: a followed log renamed by rotation, read on through `/proc/self/fd/N` (follow.ts).
   */
  readFrom?: ReadonlyMap<string, string>;
}

export interface FileSummary {
  path: string;
  /** Lines read this time. */
  lines: number;
  /** The byte at which reading started: where an earlier ingest of the file stopped (0: its start). */
  from: number;
  /** Nothing had been added since an earlier ingest read it. */
  unchanged: boolean;
  error?: string;
}

export interface IngestSummary {
  files: number;
  /** Lines read (all files). */
  lines: number;
  /** New events stored (0 when the same file is ingested again). */
  events: number;
  /** New messages stored (queue entries and refused attempts). */
  messages: number;
  /** Lines of a known MTA that were not understood (kept as events when they carry a queue ID). */
  unparsed: number;
  /** The first few of those lines, as logged (what `ingest --dry-run` shows). */
  unparsedSamples: string[];
  /** Lines without a syslog envelope or from programs no dialect knows. */
  otherPrograms: number;
  /** Files read from where an earlier ingest of them stopped. */
  resumed: number;
  /** Files with nothing added since an earlier ingest read them (not read again). */
  unchanged: number;
  errors: { path: string; message: string }[];
}

const BATCH_LINES = 200_000;
const CHUNK = 1 << 20;
/** Lines longer than this are cut (corrupt input must not exhaust memory). */
const MAX_LINE = 64 * 1024;

interface Input {
  stream: Readable;
  /** Bytes to read (undefined for stdin). */
  total: number | undefined;
  mtime: number;
  /** Where reading starts: 0, or where the earlier ingest of `mark` stopped. */
  from: number;
  /** The mark of an earlier ingest of this file (replaced by this one's). */
  mark: FileMark | undefined;
  /** Set for a file (not stdin): what the mark of this reading will say. */
  head: FileHead | undefined;
  size: number;
  /**
   * Whether a last line without a newline is read. A plain file changed within SETTLE_MS may be
   * being written: its last line may be cut, and is left for the next ingest, which reads on from
   * the mark. A file left alone longer, a compressed file or stdin is read to its last byte.
   */
  readTail: boolean;
}

const SETTLE_MS = 60_000;
const UNPARSED_SAMPLES = 5;

function openInput(path: string, stdin: Readable | undefined, marksOf: ((head: FileHead) => FileMark[]) | undefined): Input {
  if (path === "-") {
    return { stream: stdin ?? process.stdin, total: undefined, mtime: Date.now(), from: 0, mark: undefined, head: undefined, size: 0, readTail: true };
  }
  const st0 = statSync(path);
  if (st0.isDirectory()) throw Object.assign(new Error(`is a directory: ${path}`), { code: "EISDIR", path });
  // Only regular files can be read again from a byte: not a pipe or a device.
  if (!st0.isFile()) {
    const stream = createReadStream(path, { highWaterMark: CHUNK });
    return { stream, total: undefined, mtime: st0.mtimeMs, from: 0, mark: undefined, head: undefined, size: 0, readTail: true };
  }
  // One descriptor for the head, the size and the stream: all of one file, even if it is renamed meanwhile.
  const fd = openSync(path, "r");
  try {
    const st = fstatSync(fd);
    const head = readHead(fd);
    const mark = marksOf ? markOf(marksOf(head), head, st.size) : undefined;
    // A compressed file is read whole or not at all: a gzip stream cannot start in its middle.
    let from = mark ? (mark.gzip ? (mark.bytes === st.size ? st.size : 0) : mark.bytes) : 0;
    if (from > st.size) from = 0;
    const stream = from < st.size ? createReadStream(path, { fd, highWaterMark: CHUNK, start: from }) : undefined;
    if (!stream) closeSync(fd);
    return {
      stream: stream ?? Readable.from([]), total: st.size - from, mtime: st.mtimeMs, from, mark, head, size: st.size,
      readTail: head.gzip || Date.now() - st.mtimeMs >= SETTLE_MS,
    };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** What lineBatches saw of the bytes it read (for the file's mark). */
interface ReadTally {
  /** Bytes of the input read (compressed bytes for gzip). */
  bytes: number;
  /** Bytes after the last newline: a last line not ended (maybe still being written). */
  tailBytes: number;
}

/**
 * Where the last whole UTF-8 character of `buf` ends: before a multi-byte character that the
 * next chunk completes. (Bytes that are no UTF-8 at all become U+FFFD when decoded, as before.)
 */
export function utf8CompleteEnd(buf: Buffer): number {
  const n = buf.length;
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = buf[i];
    if (b < 0x80) return n;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return i + need > n ? i : n;
    }
  }
  return n;
}

/**
 * Yields arrays of lines; detects gzip by its magic bytes, not by the file name. A chunk of
 * ASCII (nearly every chunk of a mail log) is read as Latin-1, a plain copy, instead of going
 * through a UTF-8 decoder.
 */
async function* lineBatches(stream: Readable, tally: ReadTally, onBytes: (n: number) => void, sniffGzip = true, readTail = true): AsyncGenerator<string[]> {
  let carry: Buffer | undefined; // the start of a UTF-8 character cut by the chunk's end
  const decode = (chunk: Buffer): string => {
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = undefined;
    if (isAscii(buf)) return buf.toString("latin1");
    const end = utf8CompleteEnd(buf);
    if (end < buf.length) carry = Buffer.from(buf.subarray(end));
    return buf.toString("utf8", 0, end);
  };
  let rest = "";
  let source: AsyncIterable<Buffer> = stream;
  let first = true;
  const it = stream[Symbol.asyncIterator]();
  const head = await it.next();
  if (head.done) return;
  const firstChunk = head.value as Buffer;
  if (sniffGzip && firstChunk.length >= 2 && firstChunk[0] === 0x1f && firstChunk[1] === 0x8b) {
    const gunzip = createGunzip({ chunkSize: CHUNK });
    (async () => {
      try {
        gunzip.write(firstChunk);
        onBytes(firstChunk.length);
        for (let r = await it.next(); !r.done; r = await it.next()) {
          onBytes((r.value as Buffer).length);
          if (!gunzip.write(r.value)) await new Promise((res) => gunzip.once("drain", res));
        }
        gunzip.end();
      } catch (err) {
        gunzip.destroy(err as Error);
      }
    })();
    source = gunzip;
    first = false;
  } else {
    source = {
      async *[Symbol.asyncIterator]() {
        yield firstChunk;
        for (let r = await it.next(); !r.done; r = await it.next()) yield r.value as Buffer;
      },
    };
  }
  for await (const chunk of source) {
    if (first) onBytes((chunk as Buffer).length);
    const nl = (chunk as Buffer).lastIndexOf(10);
    tally.tailBytes = nl < 0 ? tally.tailBytes + (chunk as Buffer).length : (chunk as Buffer).length - nl - 1;
    const text = rest + decode(chunk as Buffer);
    const lines = text.split("\n");
    rest = lines.pop() ?? "";
    if (rest.length > MAX_LINE) rest = rest.slice(0, MAX_LINE);
    yield lines;
  }
  const last = rest + (carry ? carry.toString("utf8") : "");
  if (last && readTail) yield [last];
}

/**
 * The mark of a file read up to here (`atEnd`: to its end): the bytes up to the last newline
 * read, or for gzip the whole file. A last line without a newline is read (again) by the next
 * ingest: left unread while the file may be being written (Input.readTail), and if it was read,
 * found stored then. Before the end, the line after the last newline has not been read yet.
 */
function markAfter(path: string, input: Input, tally: ReadTally, lines: number, envelopes: EnvelopeParser, atEnd: boolean): FileMark {
  const head = input.head as FileHead;
  const tail = !head.gzip && tally.tailBytes > 0;
  const tailLines = tail && atEnd && input.readTail ? 1 : 0;
  return {
    head: head.hash, headBytes: head.bytes.length, path, bytes: head.gzip ? input.size : input.from + tally.bytes - tally.tailBytes,
    lines: lines - tailLines, year: envelopes.years.year, month: envelopes.years.lastMonth, gzip: head.gzip, time: Date.now(),
  };
}

/** Bytes of the named files (stdin and unreadable files count as nothing). */
function inputBytes(paths: readonly string[], readFrom: ReadonlyMap<string, string> | undefined): number {
  let n = 0;
  for (const p of paths) {
    try {
      if (p !== "-") n += statSync(readFrom?.get(p) ?? p).size;
    } catch {
      // reported when the file is opened
    }
  }
  return n;
}

/** Ingests files into the store; one failing file is recorded in `errors` and the others go on. */
export async function ingestFiles(store: Store, paths: readonly string[], opts: IngestOptions = {}): Promise<IngestSummary> {
  const summary: IngestSummary = { files: 0, lines: 0, events: 0, messages: 0, unparsed: 0, unparsedSamples: [], otherPrograms: 0, resumed: 0, unchanged: 0, errors: [] };
  const writer = store.writer({ expectedBytes: inputBytes(paths, opts.readFrom) });
  const correlator = new Correlator(writer);
  const dialectOf = new Map<string, Dialect | null>();
  let lastProgram = "";
  let lastDialect: Dialect | null = null;
  let sinceCommit = 0;
  try {
    for (const path of paths) {
      let lines = 0;
      let from = 0;
      try {
        const input = openInput(opts.readFrom?.get(path) ?? path, opts.stdin, opts.fromStart ? undefined : (head) => writer.fileMarks(path, head.hash));
        from = input.from;
        const envelopes = new EnvelopeParser({ year: opts.year, tz: opts.tz, referenceTime: input.mtime });
        // Resumed: the lines go on from where the last ingest stopped, and so does the year.
        const seqBase = from > 0 && input.mark ? input.mark.lines : 0;
        if (from > 0 && input.mark?.year !== undefined) {
          envelopes.years.year = input.mark.year;
          if (input.mark.month >= 0) envelopes.years.observe(input.mark.year, input.mark.month);
        }
        const tally: ReadTally = { bytes: 0, tailBytes: 0 };
        let mark = input.mark; // the file's mark in the store (this ingest's latest, once it has one)
        let lastReport = 0;
        const onBytes = (n: number) => {
          tally.bytes += n;
          if (opts.onProgress && tally.bytes - lastReport >= 8 * CHUNK) {
            lastReport = tally.bytes;
            opts.onProgress({ path, bytes: tally.bytes, total: input.total, lines });
          }
        };
        for await (const batch of lineBatches(input.stream, tally, onBytes, from === 0, input.readTail)) {
          for (let raw of batch) {
            if (raw.length === 0) continue;
            if (raw.charCodeAt(raw.length - 1) === 13) raw = raw.slice(0, -1);
            if (raw.length > MAX_LINE) raw = raw.slice(0, MAX_LINE);
            lines++;
            const env = envelopes.parse(raw);
            if (!env) {
              summary.otherPrograms++;
              continue;
            }
            // Most lines repeat a recent program (the same string, from the envelope parser):
            // an identity test beats a Map lookup.
            let dialect: Dialect | null | undefined = env.program === lastProgram ? lastDialect : dialectOf.get(env.program);
            if (dialect === undefined) {
              dialect = dialectFor(env.program) ?? null;
              dialectOf.set(env.program, dialect);
            }
            lastProgram = env.program;
            lastDialect = dialect;
            if (!dialect) {
              summary.otherPrograms++;
              continue;
            }
            const fact: Fact = dialect.parse(env);
            if (fact.kind === "noise") continue;
            if (fact.kind === "unparsed" && summary.unparsed++ < UNPARSED_SAMPLES) summary.unparsedSamples.push(raw);
            correlator.add(env, fact, raw, seqBase + lines);
          }
          sinceCommit += batch.length;
          if (sinceCommit >= BATCH_LINES) {
            correlator.flush();
            // A mark with the batch, so that a crash costs at most one batch read again: only where
            // every line read so far is in the store (a new head kept back, see Correlator.flush, is not).
            if (input.head && !input.head.gzip && correlator.allWritten()) {
              const m = markAfter(path, input, tally, seqBase + lines, envelopes, false);
              writer.markFile(m, mark);
              mark = m;
            }
            writer.commit();
            sinceCommit = 0;
          }
        }
        // Commit at each file's end too, so a file's chunks do not depend on what was ingested with it.
        // The file's mark goes into the same commit: it never says more was read than is stored.
        correlator.flush(true);
        const unchanged = input.mark !== undefined && from === input.size;
        if (input.head && !unchanged && input.size > 0) writer.markFile(markAfter(path, input, tally, seqBase + lines, envelopes, true), mark);
        writer.commit();
        sinceCommit = 0;
        summary.files++;
        summary.lines += lines;
        if (unchanged) summary.unchanged++;
        else if (from > 0) summary.resumed++;
        opts.onFile?.({ path, lines, from, unchanged });
      } catch (err) {
        summary.lines += lines;
        const message = describeError(err);
        summary.errors.push({ path, message });
        opts.onFile?.({ path, lines, from, unchanged: false, error: message });
      }
    }
    correlator.finish();
  } finally {
    writer.close();
  }
  summary.events = correlator.counts.events;
  summary.messages = correlator.counts.messages;
  return summary;
}
