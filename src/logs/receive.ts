/**
 * `ingest --listen`: a syslog receiver, for mail servers whose syslog daemon forwards their log
 * here (rsyslog `omfwd`, syslog-ng, `logger --server`) in place of a log file to read.
 *
 * - UDP (RFC 5426, one message a datagram), TCP (RFC 6587: octet-counted or newline-ended
 *   frames, syslog-frames.ts) and TLS (RFC 5425). The messages may be RFC 3164 or RFC 5424
 *   (the envelope parser reads both, `<PRI>` included).
 * - Mail logs are personal data, and anyone who can send lines here can write traces: UDP and
 *   plain TCP listen on loopback only. Another address takes TLS with client certificates,
 *   checked against `--tls-ca` (the authentication: a sender without one is refused).
 * - Each message is written to the spool (spool.ts) before it is ingested, and every `pollMs`
 *   what the spool gained is ingested from its file marks, as `--follow` does with log files:
 *   a stop, a crash or a busy store loses nothing that reached the spool, and a restart stores
 *   nothing twice.
 */
import { statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import { readFlagFile, UserError } from "../core/errors.ts";
import { hostPortText, isLoopback, parseHostPort } from "../core/host-port.ts";
import type { Store } from "../store/store.ts";
import { type FollowOptions, ingestInto } from "./follow.ts";
import type { IngestSummary } from "./ingest.ts";
import type { TlsContext, WorkerRequest } from "./receive-worker.ts";

export type Transport = "udp" | "tcp" | "tls";

export interface ListenAddress {
  transport: Transport;
  host: string;
  port: number;
}

export interface TlsFiles {
  cert: string;
  key: string;
  /** CA certificate(s) that client certificates must be signed by. */
  ca: string;
}

export interface ReceiveOptions extends Omit<FollowOptions, "readFrom" | "fromStart"> {
  listen: readonly ListenAddress[];
  /** The spool folder (spool.ts). */
  spool: string;
  tls?: TlsFiles;
  /** Once every listener is bound: the addresses (with the port, where 0 asked for any). */
  onListening?: (bound: ListenAddress[]) => void;
}

export interface ReceiveSummary extends IngestSummary {
  /** Messages received (datagrams and frames). */
  received: number;
}

/** `udp:[HOST:]PORT`, `tcp:...` or `tls:...` (IPv6 in brackets); HOST defaults to 127.0.0.1. */
export function parseListen(spec: string): ListenAddress {
  const m = /^(udp|tcp|tls):(.*)$/.exec(spec);
  const example = "udp:[HOST:]PORT, tcp:[HOST:]PORT or tls:[HOST:]PORT (e.g. tcp:127.0.0.1:5514)";
  if (!m) throw new UserError(`--listen ${spec}: expected ${example}`);
  const at = parseHostPort(m[2], "--listen", { host: "127.0.0.1" }, example);
  return { transport: m[1] as Transport, ...at };
}

/** An address as `--listen` takes it (IPv6 in brackets). */
export function addressText(a: ListenAddress): string {
  return `${a.transport}:${hostPortText(a)}`;
}

/** The addresses refused before anything is bound: unauthenticated listeners off loopback, TLS without its files. */
export function checkListen(addrs: readonly ListenAddress[], tls: Partial<TlsFiles> | undefined): void {
  for (const a of addrs) {
    if (a.transport !== "tls" && !isLoopback(a.host)) {
      throw new UserError(`--listen ${addressText(a)} would take mail log lines from anyone who can reach it: listen on 127.0.0.1, or use tls: with --tls-cert, --tls-key and --tls-ca (client certificates)`);
    }
    if (a.transport === "tls" && !(tls?.cert && tls.key && tls.ca)) {
      throw new UserError(`--listen ${addressText(a)} needs --tls-cert, --tls-key and --tls-ca (the CA that signs the senders' client certificates)`);
    }
  }
}

/** Receives syslog on `opts.listen` and ingests it until `opts.signal` aborts; returns the totals. */
export async function receiveSyslog(store: Store, opts: ReceiveOptions): Promise<ReceiveSummary> {
  checkListen(opts.listen, opts.tls);
  const tls = opts.tls && opts.listen.some((a) => a.transport === "tls") ? readTls(opts.tls) : undefined;
  const total: ReceiveSummary = {
    files: 0, lines: 0, events: 0, messages: 0, unparsed: 0, unparsedSamples: [], otherPrograms: 0, resumed: 0, unchanged: 0, errors: [],
    received: 0,
  };
  const receiver = new ReceiverThread();
  try {
    const { bound } = await receiver.ask<{ bound: ListenAddress[] }>({ type: "start", listen: [...opts.listen], tls, spool: opts.spool });
    opts.onListening?.(bound);
    const read = new Map<string, number>(); // segment -> its size when last read without an error
    const seen = new Set<string>(); // segments read at all (the summary's files)
    const pollMs = opts.pollMs ?? 2000;
    const ingestOpts: FollowOptions = { ...opts, fromStart: false };
    const look = async () => {
      const { segments } = await receiver.ask<{ segments: string[] }>({ type: "look" });
      // After the flush: every segment closed by then was closed before this look began.
      const began = Date.now();
      const sizes = new Map(segments.map((p) => [p, sizeOf(p)]));
      const changed = [...sizes].filter(([p, n]) => read.get(p) !== n).map(([p]) => p);
      if (changed.length) {
        const s = await ingestInto(store, changed, ingestOpts, total);
        if (!s) return; // the store was busy: the same segments next time
        const failed = new Set(s.errors.map((e) => e.path));
        for (const p of changed) {
          if (!seen.has(p)) total.files++;
          seen.add(p);
          if (!failed.has(p)) read.set(p, sizes.get(p) as number);
        }
      }
      // Only segments every byte of which an ingest has read: closed before this look began,
      // and read then or unchanged since they were read.
      const unread = [...sizes].filter(([p, n]) => read.get(p) !== n).map(([p]) => p);
      const { dropped } = await receiver.ask<{ dropped: string[] }>({ type: "drop", since: began, unread });
      for (const p of dropped) {
        read.delete(p);
        seen.delete(p);
      }
    };
    await look(); // what an earlier run left in the spool
    while (!opts.signal.aborted) {
      try {
        await sleep(pollMs, undefined, { signal: opts.signal });
      } catch {
        break;
      }
      await look();
    }
    // Stopped: no more lines are taken, the spool is written out and ingested a last time.
    total.received = (await receiver.ask<{ received: number }>({ type: "stop" })).received;
    await look();
    return total;
  } finally {
    await receiver.end();
  }
}

/** The receiver's thread (receive-worker.ts) and its questions and answers. */
class ReceiverThread {
  private readonly worker = new Worker(new URL("./receive-worker.ts", import.meta.url));
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private gone: Error | undefined;

  constructor() {
    this.worker.on("message", (m: { id: number; error?: string }) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.error !== undefined) w.reject(new UserError(m.error));
      else w.resolve(m);
    });
    const fail = (err: Error) => {
      this.gone ??= new UserError(`the syslog receiver stopped: ${err.message}`);
      for (const w of this.waiting.values()) w.reject(this.gone);
      this.waiting.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`its thread ended (${code})`)));
  }

  ask<T>(m: DistributiveOmit<WorkerRequest, "id">): Promise<T> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...m, id });
    });
  }

  /** Closes the listeners and the spool (if the thread still runs), then ends the thread. */
  async end(): Promise<void> {
    if (!this.gone) await this.ask({ type: "end" }).catch(() => undefined);
    await this.worker.terminate();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function readTls(f: TlsFiles): TlsContext {
  return { cert: readFlagFile("--tls-cert", f.cert), key: readFlagFile("--tls-key", f.key), ca: readFlagFile("--tls-ca", f.ca) };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}

