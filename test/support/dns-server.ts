/**
 * A real DNS server for tests: Debian's unbound on 127.0.0.1 and a free port (or the `address`
 * and `port` given, e.g. port 53 on a spare loopback address for a resolv.conf, which names no
 * port: see freeLoopbackAddress), answering from zones the test writes (unbound "local-data" records in zone-file syntax). Names outside
 * the zones get NXDOMAIN, so nothing ever leaves the machine.
 *
 *   const dns = await startDnsServer({ zones: { "example.test": [
 *     "example.test. 300 IN MX 10 mx.example.test.", "mx.example.test. 300 IN A 192.0.2.25" ] },
 *     servfail: ["broken.test"], timeout: ["slow.test"], refused: ["nope.test"] });
 *   ... use dns.server ("127.0.0.1:PORT") ...
 *   await dns.stop();
 *
 * Every record name must lie inside its zone. `servfail` zones are delegated to a port where
 * nothing listens (unbound answers SERVFAIL), `timeout` zones are dropped without an answer,
 * `refused` zones are answered with REFUSED.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { promises as dnsPromises } from "node:dns";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSocket } from "node:dgram";

export interface DnsServerOptions {
  /** Zone name -> resource records in zone-file syntax (absolute names, ending in a dot). */
  zones: Record<string, string[]>;
  servfail?: string[];
  timeout?: string[];
  refused?: string[];
  /** Listen address (any 127.x.y.z; default 127.0.0.1). */
  address?: string;
  /** Listen port, UDP and TCP (default: a free one). */
  port?: number;
}

export interface RunningDnsServer {
  host: string;
  port: number;
  /** "HOST:PORT", ready for --dns-server / MAILTRACE_DNS_SERVER. */
  server: string;
  stop(): Promise<void>;
}

const UNBOUND = process.env.MAILTRACE_UNBOUND ?? "/usr/sbin/unbound";

/** A port free for both UDP and TCP on 127.0.0.1. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once("error", reject);
      srv.listen(0, "127.0.0.1", () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const s = createSocket("udp4");
      s.once("error", () => resolve(false));
      s.bind(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error("no free port on 127.0.0.1");
}

function bindable(port: number, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, address, () =>
      srv.close(() => {
        const s = createSocket("udp4");
        s.once("error", () => resolve(false));
        s.bind(port, address, () => s.close(() => resolve(true)));
      }),
    );
  });
}

/**
 * A loopback address whose `port` (default 53) is free for UDP and TCP, from `candidates`
 * (default 127.53.0.1 ... 127.53.0.20: clear of systemd-resolved's 127.0.0.53/54 and of the
 * 127.0.0.x the Postfix tests use). Binding port 53 needs root. Throws when none is free.
 */
export async function freeLoopbackAddress(port = 53, candidates?: string[]): Promise<string> {
  const list = candidates ?? Array.from({ length: 20 }, (_, i) => `127.53.0.${i + 1}`);
  for (const a of list) if (await bindable(port, a)) return a;
  throw new Error(`port ${port} is taken on every one of ${list.join(", ")}`);
}

const quote = (s: string) => `"${s.replace(/"/g, '\\"')}"`;
// local-data values holding double quotes (TXT) go in single quotes.
const rrQuote = (rr: string) => (rr.includes('"') ? `'${rr}'` : quote(rr));
const abs = (name: string) => (name.endsWith(".") ? name : `${name}.`);

function config(dir: string, address: string, port: number, deadPort: number, o: DnsServerOptions): string {
  const lines = [
    "server:",
    `  interface: ${address}`,
    `  port: ${port}`,
    "  do-ip6: no",
    "  do-daemonize: no",
    '  chroot: ""',
    '  username: ""',
    `  directory: ${quote(dir)}`,
    `  pidfile: ${quote(join(dir, "unbound.pid"))}`,
    "  use-syslog: no",
    '  logfile: ""',
    "  verbosity: 0",
    '  module-config: "iterator"',
    "  access-control: 127.0.0.0/8 allow",
    "  do-not-query-localhost: no",
    // Everything outside the test's zones is NXDOMAIN: never ask the real root servers.
    '  local-zone: "." static',
  ];
  for (const [zone, records] of Object.entries(o.zones)) {
    lines.push(`  local-zone: ${quote(abs(zone))} static`);
    for (const rr of records) lines.push(`  local-data: ${rrQuote(rr)}`);
  }
  for (const z of o.servfail ?? []) lines.push(`  local-zone: ${quote(abs(z))} transparent`);
  for (const z of o.timeout ?? []) lines.push(`  local-zone: ${quote(abs(z))} deny`);
  for (const z of o.refused ?? []) lines.push(`  local-zone: ${quote(abs(z))} refuse`);
  lines.push("remote-control:", "  control-enable: no");
  for (const z of o.servfail ?? []) {
    lines.push("stub-zone:", `  name: ${quote(abs(z))}`, `  stub-addr: 127.0.0.1@${deadPort}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The upstream behind `servfail` zones: an unbound that refuses every query (the resolver then answers SERVFAIL). */
function refuserConfig(dir: string, port: number): string {
  return [
    "server:", "  interface: 127.0.0.1", `  port: ${port}`, "  do-ip6: no", "  do-daemonize: no", '  chroot: ""',
    '  username: ""', `  directory: ${quote(dir)}`, `  pidfile: ${quote(join(dir, "refuser.pid"))}`, "  use-syslog: no",
    '  logfile: ""', "  verbosity: 0", "  access-control: 127.0.0.0/8 refuse", "remote-control:", "  control-enable: no", "",
  ].join("\n");
}

interface Unbound {
  stop(): Promise<void>;
  exited(): boolean;
  stderr(): string;
}

function spawnUnbound(conf: string): Unbound {
  let err = "";
  const child: ChildProcess = spawn(UNBOUND, ["-d", "-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr?.on("data", (d) => {
    err += String(d);
  });
  let exited = false;
  const exitPromise = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  // A test that crashes must not leave a server behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  return {
    exited: () => exited,
    stderr: () => err,
    async stop() {
      process.removeListener("exit", killOnExit);
      if (exited) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}

export async function startDnsServer(options: DnsServerOptions): Promise<RunningDnsServer> {
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-dns-"));
  const host = options.address ?? "127.0.0.1";
  const port = options.port ?? (await freePort());
  const deadPort = await freePort();
  const procs: Unbound[] = [];
  const stop = async () => {
    for (const p of procs) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  if (options.servfail?.length) {
    writeFileSync(join(dir, "refuser.conf"), refuserConfig(dir, deadPort));
    procs.push(spawnUnbound(join(dir, "refuser.conf")));
  }
  const conf = join(dir, "unbound.conf");
  writeFileSync(conf, config(dir, host, port, deadPort, options));
  const main = spawnUnbound(conf);
  procs.push(main);

  // Ready when it answers a question about a name we did not define.
  const probe = new dnsPromises.Resolver({ timeout: 200, tries: 1 });
  probe.setServers([`${host}:${port}`]);
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (procs.some((p) => p.exited())) {
      const why = procs.map((p) => p.stderr().trim().split("\n").slice(-2).join(" | ")).join(" / ");
      await stop();
      throw new Error(`unbound did not start: ${why}`);
    }
    try {
      await probe.resolve4("ready-probe.invalid");
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOTFOUND" || code === "ENODATA") break;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`unbound on ${host}:${port} did not answer within 10 s: ${main.stderr().trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { host, port, server: `${host}:${port}`, stop };
}
