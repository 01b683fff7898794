/**
 * `ingest --follow`: after reading the files, keep reading what is added to them, as `tail -F`
 * does, until stopped. Each poll is an ordinary ingest of the files that changed, which reads on
 * from each file's mark (file-mark.ts) and commits: a stop, a crash or a restart loses nothing,
 * and lines are never stored twice (the same path as a cron job's ingest, tested there).
 *
 * Rotation: when a path names another file than before (logrotate renamed the old one and the
 * syslog daemon made a new one), the old file is read on through the descriptor kept open on it
 * (`/proc/self/fd/N`, under its old name) for as long as it still grows, and the new file from
 * its start. A file shorter than its mark (copytruncate) is read from its start by the marks.
 */
import { closeSync, existsSync, fstatSync, openSync, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { UserError } from "../core/errors.ts";
import type { Store } from "../store/store.ts";
import { type IngestOptions, type IngestSummary, ingestFiles } from "./ingest.ts";

export interface FollowOptions extends IngestOptions {
  /** Time between two looks at the files (default 2 s). */
  pollMs?: number;
  /** Ends the following after the poll under way (its lines are committed). */
  signal: AbortSignal;
  /** After each poll that read lines or met an error. */
  onPoll?: (s: IngestSummary) => void;
  /** A poll that could not write (another ingest holds the store): tried again at the next. */
  onBusy?: (message: string) => void;
}

/** A rotated file is read on while it grows; once it has not for this long, it is let go. */
const DRAIN_MS = 60_000;

interface Watched {
  fd: number;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

interface Draining extends Watched {
  path: string;
  quietSince: number;
}

/** Whether descriptors can be opened again by name here (Linux). */
const PROC_FD = existsSync("/proc/self/fd");

/** Reads `paths` and what is added to them until `signal` aborts; returns the totals. */
export async function followFiles(store: Store, paths: readonly string[], opts: FollowOptions): Promise<IngestSummary> {
  if (paths.includes("-")) throw new UserError("--follow reads files, not standard input");
  const pollMs = opts.pollMs ?? 2000;
  // The files are held open before the first read: one rotated during it is read on from the
  // descriptor at the first look.
  const watched = new Map<string, Watched | undefined>(paths.map((p) => [p, watch(p)]));
  const draining: Draining[] = [];
  try {
    const total = await ingestFiles(store, paths, opts);
    // Each poll reads on from the marks, whatever the first read did (--from-start).
    const later: FollowOptions = { ...opts, fromStart: false };
    while (!opts.signal.aborted) {
      try {
        await sleep(pollMs, undefined, { signal: opts.signal });
      } catch {
        break; // stopped while waiting
      }
      const now = Date.now();
      // Rotated files: their rest, read under their old names while they still grow.
      const rests: Draining[] = [];
      for (const d of draining) if (grew(d, fstatSync(d.fd))) rests.push(d);
      const changed: string[] = [];
      for (const [path, w] of watched) {
        const st = statOrUndefined(path);
        if (!st) continue; // between a rename and the new file: look again next time
        if (!w || st.ino !== w.ino || st.dev !== w.dev) {
          if (w) total.files++; // a new file under the same name
          if (w && PROC_FD) {
            const d: Draining = { ...w, path, quietSince: now };
            grew(d, fstatSync(d.fd));
            draining.push(d);
            rests.push(d);
          } else if (w) closeSync(w.fd);
          watched.set(path, watch(path));
          changed.push(path);
        } else if (grew(w, st)) changed.push(path);
      }
      for (const d of rests) d.quietSince = now;
      retain(draining, (d) => {
        if (now - d.quietSince < DRAIN_MS) return true;
        closeSync(d.fd);
        return false;
      });
      for (const d of rests) await ingestInto(store, [d.path], { ...later, readFrom: new Map([[d.path, `/proc/self/fd/${d.fd}`]]) }, total);
      if (changed.length) await ingestInto(store, changed, later, total);
    }
    return total;
  } finally {
    for (const w of watched.values()) if (w) closeSync(w.fd);
    for (const d of draining) closeSync(d.fd);
  }
}

/**
 * One ingest of `paths`, added to `total`, and its own summary. A store busy with another writer
 * is reported (onBusy) and gives undefined: the caller tries again at its next look.
 */
export async function ingestInto(store: Store, paths: string[], opts: FollowOptions, total: IngestSummary): Promise<IngestSummary | undefined> {
  let s: IngestSummary;
  try {
    s = await ingestFiles(store, paths, opts);
  } catch (err) {
    if (err instanceof UserError && /busy/.test(err.message)) {
      opts.onBusy?.(err.message);
      return undefined;
    }
    throw err;
  }
  total.lines += s.lines;
  total.events += s.events;
  total.messages += s.messages;
  total.unparsed += s.unparsed;
  total.otherPrograms += s.otherPrograms;
  total.errors.push(...s.errors);
  if (s.lines || s.errors.length) opts.onPoll?.(s);
  return s;
}

/** A descriptor on the file at `path` now, with what it was like (undefined if there is none). */
function watch(path: string): Watched | undefined {
  try {
    const fd = openSync(path, "r");
    const st = fstatSync(fd);
    return { fd, dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

/** Whether the file changed since it was last read (and, if so, what it is like now). */
function grew(w: Watched, st: { size: number; mtimeMs: number }): boolean {
  if (st.size === w.size && st.mtimeMs === w.mtimeMs) return false;
  w.size = st.size;
  w.mtimeMs = st.mtimeMs;
  return true;
}

function statOrUndefined(path: string): { size: number; mtimeMs: number; ino: number; dev: number } | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function retain<T>(list: T[], keep: (x: T) => boolean): void {
  let j = 0;
  for (const x of list) if (keep(x)) list[j++] = x;
  list.length = j;
}
