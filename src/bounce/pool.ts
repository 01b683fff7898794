/**
 * Worker threads that analyse mails beside the main thread, for large batches (a Maildir of
 * thousands of bounces): the main thread lists the files and keeps the order, the workers read,
 * parse and decide, a batch of files (or of mails in hand) per message. Until a worker has
 * started (about 0.2 s to load the analyser) the caller analyses in its own thread, so a pool
 * never makes a batch wait. A worker that dies is replaced and its files go again one by one.
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
  jobs: MailJob[];
  lang: Lang;
}

/** One file for a worker to read, or one mail already read. */
export type MailJob = { path: string } | { file: string; bytes: Uint8Array };

class PoolWorker {
  readonly worker: Worker;
  ready = false;
  dead = false;
  readonly inFlight = new Map<number, Pending>();

  constructor(onGone: (w: PoolWorker, held: Pending[], why: string) => void, onDone: () => void) {
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
      const held = [...this.inFlight.values()];
      this.inFlight.clear();
      onGone(this, held, why);
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
      this.inFlight.set(id, { resolve, jobs, lang });
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
  private closing = false;
  /** Workers that may still be started in place of ones that died. */
  private respawns: number;
  private readonly gone: (w: PoolWorker, held: Pending[], why: string) => void;
  private readonly done: () => void;
  /** Batches handed to workers so far. */
  batches = 0;

  constructor(size: number) {
    this.respawns = 2 * size;
    this.done = () => {
      const w = this.waiting;
      this.waiting = [];
      for (const f of w) f();
    };
    // A worker that died (a mail too much for it, say) is replaced, and each file it held goes
    // again on its own: only a file that kills a worker by itself is answered with an error.
    this.gone = (w, held, why) => {
      const at = this.workers.indexOf(w);
      if (at >= 0) this.workers.splice(at, 1);
      if (!this.closing && this.respawns > 0) {
        this.respawns--;
        this.workers.push(new PoolWorker(this.gone, this.done));
      }
      for (const p of held) {
        if (this.closing || p.jobs.length === 1) p.resolve(failed(p.jobs, why));
        else void Promise.all(p.jobs.map((j) => this.again([j], p.lang, why))).then((rs) => p.resolve(rs.flat()));
      }
    };
    for (let i = 0; i < size; i++) this.workers.push(new PoolWorker(this.gone, this.done));
  }

  /** A batch sent again to the live worker with the fewest in hand, started or not (its port queues it). */
  private again(jobs: MailJob[], lang: Lang, why: string): Promise<MailResult[]> {
    let best: PoolWorker | undefined;
    for (const w of this.workers) if (!w.dead && (!best || w.inFlight.size < best.inFlight.size)) best = w;
    return best ? best.send(this.nextId++, jobs, lang) : Promise.resolve(failed(jobs, why));
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
    this.closing = true;
    await Promise.all(this.workers.splice(0).map((w) => w.worker.terminate()));
  }
}

/** One one-line error per file of the jobs. */
function failed(jobs: MailJob[], why: string): MailResult[] {
  return jobs.map((j) => {
    const file = "path" in j ? j.path : j.file;
    return { file, bounces: [], error: `${file}: analysis failed (${why})` };
  });
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
