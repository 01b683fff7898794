/**
 * Which part of a log file an earlier ingest read (FileMark in the store), so that ingesting a
 * growing `mail.log` again reads only the lines added since, and a rotated `mail.log.1.gz`
 * read before is passed over.
 *
 * A file is known by its first bytes, whatever its name: logrotate renames `mail.log` to
 * `mail.log.1` and starts a new `mail.log`, whose first bytes differ. A mark matches a file
 * whose first `headBytes` bytes hash as recorded and which is at least as long as what was
 * read. A file that was shorter than FILE_HEAD_BYTES when it was read is checked on those
 * bytes only, and gets a mark of its longer head once read again.
 */
import { createHash } from "node:crypto";
import { readSync } from "node:fs";
import { FILE_HEAD_BYTES, type FileMark } from "../store/store.ts";

export interface FileHead {
  /** The first FILE_HEAD_BYTES bytes (fewer if the file is shorter). */
  bytes: Buffer;
  /** SHA-256 (hex) of `bytes`. */
  hash: string;
  gzip: boolean;
}

export function hashHead(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The head of a regular file, read through `fd` (the descriptor the file is then streamed from,
 * so that a file renamed and replaced meanwhile cannot give its head to another's bytes).
 */
export function readHead(fd: number): FileHead {
  const buf = Buffer.alloc(FILE_HEAD_BYTES);
  let n = 0;
  for (let r = 1; r > 0 && n < buf.length; n += r) r = readSync(fd, buf, n, buf.length - n, n);
  const bytes = buf.subarray(0, n);
  return { bytes, hash: hashHead(bytes), gzip: n >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b };
}

/** The first of `marks` that is of this file (its head, now `size` bytes long), if any. */
export function markOf(marks: readonly FileMark[], head: FileHead, size: number): FileMark | undefined {
  for (const m of marks) {
    if (m.bytes > size || m.headBytes > head.bytes.length || m.gzip !== head.gzip) continue; // shorter now: another file
    const hash = m.headBytes === head.bytes.length ? head.hash : hashHead(head.bytes.subarray(0, m.headBytes));
    if (hash === m.head) return m;
  }
  return undefined;
}
