/**
 * Worker threads that analyse mails beside the main thread, for large batches (a Maildir of
 * thousands of bounces): the main thread lists the files and keeps the order, the workers read,
 * parse and decide, a batch of files (or of mails in hand) per message. Until a worker has
 * started (about 0.2 s to load the analyser) the caller analyses in its own thread, so a pool
 * never makes a batch wait. A worker that dies answers each file of its batches with an error.
 *
 * The pool lives as long as the process and never keeps it alive while idle: a worker is
 * ref'd only while it has mails in hand.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Lang } from "../i18n/index.ts";
import type { MailResult } from "./analyze.ts";
import type { WorkRequest } from "./analyze-worker.ts";

/**
 * Batches one worker holds at once: one in work and one waiting, so it never idles for a round
 * trip, and no more, so that the batches spread over the workers.
 */
const PER_WORKER = 2;
/** Old generation per worker: a mail is capped at 4 MiB, its parse at a few times that. */
const WORKER_HEAP_MB = 192;

interface Pending {
  resolve: (r: MailResult[]) => void;
  files: string[];
}

/** One file for a worker to read, or one mail already read. */
export type MailJob = { path: string } | { file: string; bytes: Uint8Array };

class PoolWorker {
  readonly worker: Worker;
  ready = false;
  dead = false;
  readonly inFlight = new Map<number, Pending>();

  constructor(onGone: (w: PoolWorker) => void, onDone: () => void) {
    this.worker = new Worker(new URL("./analyze-worker.ts", import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 48 } });
    this.worker.on("message", (m: { ready?: true; id?: number; results?: MailResult[] }) => {
      if (m.ready) {
        this.ready = true;
        if (this.inFlight.size === 0) this.worker.unref();
        return;
      }
      const p = this.inFlight.get(m.id as number);
      if (!p) return;
      this.inFlight.delete(m.id as number);
      if (this.inFlight.size === 0) this.worker.unref();
      p.resolve(m.results as MailResult[]);
      onDone();
    });
    const gone = (why: string) => {
      if (this.dead) return;
      this.dead = true;
      this.worker.unref();
      // What it held is not lost silently: each of its mails gets a one-line error.
      for (const p of this.inFlight.values()) p.resolve(p.files.map((file) => ({ file, bounces: [], error: `${file}: analysis failed (${why})` })));
      this.inFlight.clear();
      onGone(this);
      onDone();
    };
    this.worker.on("error", (err) => gone(`worker: ${err.message.split("\n")[0]}`));
    this.worker.on("exit", (code) => gone(`worker exited with code ${code}`));
    // After the listeners: adding a message listener refs the worker's port again.
    this.worker.unref();
  }

  send(id: number, jobs: MailJob[], lang: Lang): Promise<MailResult[]> {
    const transfer: ArrayBuffer[] = [];
    const items = jobs.map((j) => ("path" in j ? j : { file: j.file, bytes: own(j.bytes, transfer) }));
    const req: WorkRequest = { id, items, lang };
    return new Promise((resolve) => {
      if (this.inFlight.size === 0) this.worker.ref();
      this.inFlight.set(id, { resolve, files: jobs.map((j) => ("path" in j ? j.path : j.file)) });
      this.worker.postMessage(req, transfer);
    });
  }
}

/**
 * A copy of the bytes, moved (not cloned) to the worker: the caller's buffer (an upload, one
 * mail of an mbox) stays as it was.
 */
function own(bytes: Uint8Array, transfer: ArrayBuffer[]): Uint8Array {
  const b = new Uint8Array(bytes.byteLength);
  b.set(bytes);
  transfer.push(b.buffer);
  return b;
}

export class AnalyzerPool {
  private readonly workers: PoolWorker[] = [];
  private nextId = 1;
  private waiting: Array<() => void> = [];
  /** Batches handed to workers so far. */
  batches = 0;

  constructor(size: number) {
    const gone = (w: PoolWorker) => {
      const at = this.workers.indexOf(w);
      if (at >= 0) this.workers.splice(at, 1);
    };
    const done = () => {
      const w = this.waiting;
      this.waiting = [];
      for (const f of w) f();
    };
    for (let i = 0; i < size; i++) this.workers.push(new PoolWorker(gone, done));
  }

  /** Resolves when some worker has finished a batch (or stopped): then it may have room. */
  finished(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The started worker with the fewest mails in hand, if it can take one more. */
  private free(): PoolWorker | undefined {
    let best: PoolWorker | undefined;
    for (const w of this.workers) if (w.ready && !w.dead && w.inFlight.size < PER_WORKER && (!best || w.inFlight.size < best.inFlight.size)) best = w;
    return best;
  }

  /** Whether any worker has started (before that, callers analyse in their own thread). */
  get started(): boolean {
    return this.workers.some((w) => w.ready && !w.dead);
  }

  /** Analyses a batch in a worker, or returns undefined when every started worker is full (or none has started). */
  tryAnalyze(jobs: MailJob[], lang: Lang): Promise<MailResult[]> | undefined {
    const w = this.free();
    if (!w) return undefined;
    this.batches++;
    return w.send(this.nextId++, jobs, lang);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.worker.terminate()));
  }
}

/** Worker threads worth starting on this machine: one per core, at most 4. */
export function defaultJobs(): number {
  return Math.min(4, availableParallelism());
}

let shared: AnalyzerPool | undefined;
let sharedSize = 0;

/** The process's pool of `size` workers, started on first use. */
export function sharedPool(size: number): AnalyzerPool {
  if (!shared || sharedSize !== size) {
    void shared?.close();
    shared = new AnalyzerPool(size);
    sharedSize = size;
  }
  return shared;
}

/** Stops the process's pool (tests; a CLI process simply exits). */
export async function closeSharedPool(): Promise<void> {
  const p = shared;
  shared = undefined;
  sharedSize = 0;
  await p?.close();
}
