/**
 * Where received syslog messages wait for ingest: a private folder of numbered segment files
 * (`0000000001.log`, ...), one message per line, written before they are ingested. So a stop,
 * a crash or a busy store loses nothing that was written here: ingest reads each segment on
 * from its file mark (file-mark.ts), as it reads any log, and a segment is deleted only after
 * an ingest that began once it was closed has read it without an error.
 *
 * Lines are buffered for at most FLUSH_MS (or FLUSH_BYTES) before they are written: a crash of
 * this process loses at most that much of what it received, which a syslog sender over UDP
 * or plain TCP could lose on the way anyway.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { UserError } from "../core/errors.ts";

/** A segment is closed and a new one begun once it holds this many bytes. */
export const SEGMENT_BYTES = 16 << 20;
const FLUSH_BYTES = 256 << 10;
const FLUSH_MS = 200;
const SEGMENT_NAME = /^(\d{10})\.log$/;
/** The spool folders this process holds the lock of. */
const HELD = new Set<string>();

export class Spool {
  readonly dir: string;
  private readonly segmentBytes: number;
  private fd = -1;
  private seq = 0;
  private size = 0;
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private locked = false;
  /** Closed segments by path, with the time they were closed. */
  private readonly closed = new Map<string, number>();

  constructor(dir: string, segmentBytes = SEGMENT_BYTES) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    try {
      // Mail logs are personal data: the folder and its files are the owner's alone.
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (!statSync(dir).isDirectory()) throw new UserError(`spool ${dir} is not a folder`);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`cannot use ${dir} as the spool folder: ${(err as Error).message}`);
    }
    this.lock();
    // Segments left by an earlier run (stopped or crashed): closed, to be ingested and deleted.
    for (const name of readdirSync(dir)) {
      const m = SEGMENT_NAME.exec(name);
      if (!m) continue;
      this.seq = Math.max(this.seq, Number(m[1]));
      this.closed.set(join(dir, name), 0);
    }
  }

  /** Adds one message (a line without its newline). */
  append(line: string): void {
    this.pending.push(line);
    this.pendingBytes += line.length + 1;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Writes what is buffered to the current segment (begun or replaced as needed). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return;
    if (this.fd < 0 || this.size >= this.segmentBytes) this.nextSegment();
    const bytes = Buffer.from(`${this.pending.join("\n")}\n`, "utf8");
    this.pending = [];
    this.pendingBytes = 0;
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off);
    this.size += bytes.length;
  }

  /** Every segment, oldest first: what an ingest reads. */
  segments(): string[] {
    const all = [...this.closed.keys()];
    if (this.fd >= 0) all.push(this.path(this.seq));
    return all.sort();
  }

  /**
   * Deletes the closed segments that an ingest which began at `since` (epoch ms) read whole:
   * closed before then, and not in `unread`. Returns their paths.
   */
  dropRead(since: number, unread: ReadonlySet<string>): string[] {
    const dropped: string[] = [];
    for (const [path, closedAt] of this.closed) {
      if (closedAt > since || unread.has(path)) continue;
      try {
        unlinkSync(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
      this.closed.delete(path);
      dropped.push(path);
    }
    return dropped;
  }

  /** Writes what is buffered and closes the current segment (no more lines are coming). */
  seal(): void {
    this.flush();
    this.closeSegment();
  }

  /** Seals the spool and lets the folder go. */
  close(): void {
    this.seal();
    if (!this.locked) return;
    unlinkSync(join(this.dir, "lock"));
    HELD.delete(resolve(this.dir));
    this.locked = false;
  }

  /** One receiver a spool: a `lock` file with its pid; one left by a process that is gone is taken over. */
  private lock(): void {
    const path = join(this.dir, "lock");
    for (let tries = 0; tries < 2; tries++) {
      try {
        writeFileSync(path, `${process.pid}\n`, { flag: "wx", mode: 0o600 });
        this.locked = true;
        HELD.add(resolve(this.dir));
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new UserError(`cannot use ${this.dir} as the spool folder: ${(err as Error).message}`);
      }
      // Our own pid is a lock of ours only if this process took it (in a container, a restarted
      // receiver often gets the pid its crashed predecessor had).
      const pid = Number(readFileSync(path, "utf8").trim());
      if (pid > 0 && (pid === process.pid ? HELD.has(resolve(this.dir)) : alive(pid))) throw new UserError(`spool ${this.dir} is in use by process ${pid} (another ingest --listen)`);
      unlinkSync(path);
    }
    throw new UserError(`spool ${this.dir}: cannot take its lock file`);
  }

  private nextSegment(): void {
    this.closeSegment();
    this.seq++;
    this.fd = openSync(this.path(this.seq), "a", 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private closeSegment(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
    this.closed.set(this.path(this.seq), Date.now());
  }

  private path(seq: number): string {
    return join(this.dir, `${String(seq).padStart(10, "0")}.log`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
