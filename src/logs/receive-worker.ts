/**
 * The syslog receiver's own thread (receive.ts starts it): the sockets and the spool. Ingest
 * runs on the main thread and blocks its event loop for a commit now and then; here nothing
 * does, so a datagram is read off the socket while a look is under way, and not dropped when
 * the kernel's buffer fills. (One core is enough: the system shares it between the threads.)
 *
 * Messages from the main thread, each answered with the same `id`:
 *   start { listen, tls, spool } -> { bound }          look -> { segments }   (after a flush)
 *   drop { since, unread } -> { dropped }               stop -> { received }   (listeners closed, spool sealed)
 *   end -> {}   (the spool's lock let go)
 * A failure is answered with { error } (a UserError's message, for the user as it is).
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer as createTcpServer, isIP, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { parentPort } from "node:worker_threads";
import { UserError } from "../core/errors.ts";
import { hostPortText } from "../core/host-port.ts";
import type { ListenAddress } from "./receive.ts";
import { Spool } from "./spool.ts";
import { FrameReader, MAX_MESSAGE, messageLine } from "./syslog-frames.ts";

/** At most this many TCP/TLS connections at once (each sender keeps one open). */
const MAX_CONNECTIONS = 512;

export interface TlsContext {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
}

export type WorkerRequest =
  | { id: number; type: "start"; listen: ListenAddress[]; tls?: TlsContext; spool: string }
  | { id: number; type: "look" }
  | { id: number; type: "drop"; since: number; unread: string[] }
  | { id: number; type: "stop" }
  | { id: number; type: "end" };

interface Listener {
  bound: ListenAddress;
  close(): Promise<void>;
}

async function listen(a: ListenAddress, onLine: (line: string) => void, tls: TlsContext | undefined): Promise<Listener> {
  try {
    return a.transport === "udp" ? await listenUdp(a, onLine) : await listenStream(a, onLine, tls);
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "EADDRINUSE" ? "the port is in use" : code === "EACCES" ? "permission denied (ports below 1024 need root)" : (err as Error).message;
    throw new UserError(`--listen ${a.transport}:${hostPortText(a)}: ${why}`);
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

let spool: Spool | undefined;
const listeners: Listener[] = [];
let received = 0;
const onLine = (line: string) => {
  received++;
  spool?.append(line);
};

async function handle(m: WorkerRequest): Promise<unknown> {
  switch (m.type) {
    case "start": {
      spool = new Spool(m.spool);
      for (const a of m.listen) listeners.push(await listen(a, onLine, m.tls));
      return { bound: listeners.map((l) => l.bound) };
    }
    case "look":
      spool?.flush();
      return { segments: spool?.segments() ?? [] };
    case "drop":
      return { dropped: spool?.dropRead(m.since, new Set(m.unread)) ?? [] };
    case "stop":
      await Promise.all(listeners.splice(0).map((l) => l.close()));
      spool?.seal();
      return { received };
    case "end":
      await Promise.all(listeners.splice(0).map((l) => l.close()));
      spool?.close();
      spool = undefined;
      return {};
  }
}

parentPort?.on("message", (m: WorkerRequest) => {
  handle(m).then(
    (r) => parentPort?.postMessage({ id: m.id, ...(r as object) }),
    (err) => parentPort?.postMessage({ id: m.id, error: err instanceof UserError ? err.message : `syslog receiver: ${(err as Error).message}` }),
  );
});
