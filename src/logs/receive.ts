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
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { statSync, readFileSync } from "node:fs";
import { createServer as createTcpServer, isIP, type Server, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { createServer as createTlsServer } from "node:tls";
import { UserError } from "../core/errors.ts";
import { hostPortText, isLoopback, parseHostPort } from "../core/host-port.ts";
import type { Store } from "../store/store.ts";
import { type FollowOptions, ingestInto } from "./follow.ts";
import type { IngestSummary } from "./ingest.ts";
import { Spool } from "./spool.ts";
import { FrameReader, MAX_MESSAGE, messageLine } from "./syslog-frames.ts";

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

/** At most this many TCP/TLS connections at once (each sender keeps one open). */
const MAX_CONNECTIONS = 512;

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
  const tlsContext = opts.tls && opts.listen.some((a) => a.transport === "tls") ? readTls(opts.tls) : undefined;
  const spool = new Spool(opts.spool);
  const total: ReceiveSummary = {
    files: 0, lines: 0, events: 0, messages: 0, unparsed: 0, unparsedSamples: [], otherPrograms: 0, resumed: 0, unchanged: 0, errors: [],
    received: 0,
  };
  const onLine = (line: string) => {
    total.received++;
    spool.append(line);
  };
  const listeners: Listener[] = [];
  try {
    for (const a of opts.listen) listeners.push(await listen(a, onLine, tlsContext));
    opts.onListening?.(listeners.map((l) => l.bound));
    const read = new Map<string, number>(); // segment -> its size when last read without an error
    const seen = new Set<string>(); // segments read at all (the summary's files)
    const pollMs = opts.pollMs ?? 2000;
    const ingestOpts: FollowOptions = { ...opts, fromStart: false };
    const look = async () => {
      spool.flush();
      const began = Date.now();
      const sizes = new Map(spool.segments().map((p) => [p, sizeOf(p)]));
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
      const unread = new Set([...sizes].filter(([p, n]) => read.get(p) !== n).map(([p]) => p));
      for (const p of spool.dropRead(began, unread)) {
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
    await Promise.all(listeners.map((l) => l.close()));
    listeners.length = 0;
    spool.close();
    await look();
    return total;
  } finally {
    await Promise.all(listeners.map((l) => l.close()));
    spool.close();
  }
}

interface Listener {
  bound: ListenAddress;
  close(): Promise<void>;
}

interface TlsContext {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
}

function readTls(f: TlsFiles): TlsContext {
  const read = (flag: string, path: string) => {
    try {
      return readFileSync(path);
    } catch {
      throw new UserError(`${flag} ${path}: cannot read the file`);
    }
  };
  return { cert: read("--tls-cert", f.cert), key: read("--tls-key", f.key), ca: read("--tls-ca", f.ca) };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}

async function listen(a: ListenAddress, onLine: (line: string) => void, tls: TlsContext | undefined): Promise<Listener> {
  try {
    return a.transport === "udp" ? await listenUdp(a, onLine) : await listenStream(a, onLine, tls);
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "EADDRINUSE" ? "the port is in use" : code === "EACCES" ? "permission denied (ports below 1024 need root)" : (err as Error).message;
    throw new UserError(`--listen ${addressText(a)}: ${why}`);
  }
}

function listenUdp(a: ListenAddress, onLine: (line: string) => void): Promise<Listener> {
  const socket: UdpSocket = createSocket({ type: isIP(a.host) === 6 ? "udp6" : "udp4", recvBufferSize: 4 << 20 });
  socket.on("message", (msg) => {
    const line = messageLine(msg.length > MAX_MESSAGE ? msg.subarray(0, MAX_MESSAGE) : msg);
    if (line) onLine(line);
  });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(a.port, a.host, () => {
      socket.off("error", reject);
      socket.on("error", () => {}); // a bad datagram is not the end of the receiver
      const port = socket.address().port;
      let closed = false;
      resolve({
        bound: { ...a, port },
        close: () => new Promise((done) => {
          if (closed) return done();
          closed = true;
          socket.close(() => done());
        }),
      });
    });
  });
}

function listenStream(a: ListenAddress, onLine: (line: string) => void, tls: TlsContext | undefined): Promise<Listener> {
  const sockets = new Set<Socket>();
  const onConnection = (socket: Socket) => {
    sockets.add(socket);
    const frames = new FrameReader(onLine);
    socket.on("data", (chunk: Buffer) => frames.push(chunk));
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      frames.end();
      sockets.delete(socket);
    });
  };
  const server: Server = a.transport === "tls"
    ? createTlsServer({
        ...(tls as TlsContext), requestCert: true, rejectUnauthorized: true, minVersion: "TLSv1.2",
      }, onConnection)
    : createTcpServer(onConnection);
  server.maxConnections = MAX_CONNECTIONS;
  // A client refused by TLS (no certificate, or not the CA's) is dropped, not an error of ours.
  server.on("tlsClientError", () => {});
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(a.port, a.host, () => {
      server.off("error", reject);
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : a.port;
      let closing: Promise<void> | undefined;
      resolve({
        bound: { ...a, port },
        close: () => {
          closing ??= new Promise((done) => {
            server.close(() => done());
            // What the senders sent so far is in; their connections end here.
            for (const s of sockets) s.end();
            setTimeout(() => {
              for (const s of sockets) s.destroy();
            }, 1000).unref();
          });
          return closing;
        },
      });
    });
  });
}
