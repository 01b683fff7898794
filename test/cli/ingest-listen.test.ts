/**
 * `bin/mailtrace ingest --listen` with real syslog senders: util-linux `logger` over UDP and
 * TCP (RFC 3164 and RFC 5424, newline-ended and octet-counted frames), `openssl s_client` over
 * TLS with and without a client certificate, and Debian's rsyslogd forwarding a local socket
 * over TLS (omfwd, gtls) as a mail server's syslog daemon would. Then a SIGKILL between the
 * spool and the store, and restarts: every message is stored once.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { MAILTRACE, mailtrace } from "../support/cli.ts";

const LOGGER = "/usr/bin/logger";
const OPENSSL = "/usr/bin/openssl";
const RSYSLOGD = "/usr/sbin/rsyslogd";

/** The three lines of a delivered message (qmgr, smtp, qmgr) for `logger`: [tag, pid, text]. */
function message(n: number): [string, string, string][] {
  const q = `5C2D${n.toString(16).toUpperCase().padStart(6, "0")}`;
  return [
    ["postfix/qmgr", "102", `${q}: from=<alice@example.com>, size=1200, nrcpt=1 (queue active)`],
    ["postfix/smtp", "104", `${q}: to=<user${n}@example.jp>, relay=mx.example.jp[192.0.2.20]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok)`],
    ["postfix/qmgr", "102", `${q}: removed`],
  ];
}

/** A running `ingest --listen` and what it printed. */
interface Receiver {
  child: ChildProcess;
  ports: Map<string, number>;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function startReceiver(args: string[]): Promise<Receiver> {
  const child = spawn(MAILTRACE, ["ingest", "--lang", "en", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const deadline = Date.now() + 15_000;
  while (!/receiving syslog on /.test(stderr)) {
    if (child.exitCode !== null || Date.now() > deadline) assert.fail(`the receiver did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const ports = new Map<string, number>();
  for (const m of stderr.matchAll(/(udp|tcp|tls):[^\s,;]*:(\d+)/g)) ports.set(m[1], Number(m[2]));
  return { child, ports, stdout: () => stdout, stderr: () => stderr, exited };
}

function logger(args: string[], [tag, pid, text]: [string, string, string]): void {
  execFileSync(LOGGER, [...args, "-t", tag, `--id=${pid}`, text]);
}

/** Sends lines over TLS with openssl s_client; true if the server took the connection. */
function sendTls(port: number, lines: string[], cert?: { cert: string; key: string }, ca?: string): boolean {
  const args = ["s_client", "-connect", `127.0.0.1:${port}`, "-quiet", "-no_ign_eof", "-verify_return_error", "-servername", "mailtrace.test"];
  if (ca) args.push("-CAfile", ca, "-verify_hostname", "mailtrace.test");
  if (cert) args.push("-cert", cert.cert, "-key", cert.key);
  try {
    execFileSync(OPENSSL, args, { input: `${lines.join("\n")}\n`, stdio: ["pipe", "ignore", "ignore"], timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** A CA, the receiver's certificate (mailtrace.test), a client's, and a client's of another CA. */
function certificates(dir: string): Record<"ca" | "server" | "client" | "stranger", { cert: string; key: string }> {
  const ssl = (...a: string[]) => execFileSync(OPENSSL, a, { cwd: dir, stdio: "ignore" });
  const out = {} as Record<"ca" | "server" | "client" | "stranger", { cert: string; key: string }>;
  for (const name of ["ca", "other-ca"]) {
    ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${name}`, "-keyout", `${name}.key`, "-out", `${name}.pem`);
  }
  out.ca = { cert: join(dir, "ca.pem"), key: join(dir, "ca.key") };
  for (const [name, ca, cn] of [["server", "ca", "mailtrace.test"], ["client", "ca", "mx1.example.jp"], ["stranger", "other-ca", "mx9.example.jp"]]) {
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=DNS:${cn}\n`);
    ssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${cn}`, "-keyout", `${name}.key`, "-out", `${name}.csr`);
    ssl("x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.pem`, "-CAkey", `${ca}.key`, "-CAcreateserial", "-days", "2", "-extfile", `${name}.ext`, "-out", `${name}.pem`);
    out[name as "server"] = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  }
  return out;
}

/** Whether rsyslog's TLS driver (Debian: rsyslog-gnutls) is installed, whatever the architecture. */
function hasGtls(): boolean {
  const lib = "/usr/lib";
  return [lib, ...readdirSync(lib).map((d) => join(lib, d))].some((d) => existsSync(join(d, "rsyslog", "lmnsd_gtls.so")));
}

const missing = [LOGGER, OPENSSL].filter((p) => !existsSync(p));

test("ingest --listen: syslog over UDP, TCP and TLS from real senders, stored once across a SIGKILL and restarts", { timeout: 120_000, skip: missing.length ? `needs ${missing.join(", ")} (apt-get install bsdutils openssl)` : false }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-listen-"));
  const db = join(dir, "t.db");
  const store = `sqlite:${db}`;
  const spool = `${db}.spool`;
  const certs = certificates(dir);
  const tlsArgs = ["--tls-cert", certs.server.cert, "--tls-key", certs.server.key, "--tls-ca", certs.ca.cert];
  const listenArgs = ["--store", store, "--tz", "UTC", "--listen", "udp:127.0.0.1:0", "--listen", "tcp:0", "--listen", "tls:127.0.0.1:0", ...tlsArgs];
  const rows = async () => {
    const r = await mailtrace(["trace", "--store", store, "--since", "2h", "--limit", "50000", "--format", "json"]);
    return r.code === 0 ? (JSON.parse(r.stdout) as { recipient: string; status: string }[]) : [];
  };
  const until = async (n: number, what: string, rx: Receiver) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const got = (await rows()).length;
      if (got === n) return;
      assert.ok(got < n, `${what}: ${got} rows, more than ${n}`);
      assert.ok(Date.now() < deadline, `${what}: ${got} rows after 20 s, not ${n}; stderr: ${rx.stderr()}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  const receivers: Receiver[] = [];
  let rsyslog: ChildProcess | undefined;
  try {
    const rx = await startReceiver([...listenArgs, "--poll", "0.2"]);
    receivers.push(rx);
    assert.deepEqual([...rx.ports.keys()].sort(), ["tcp", "tls", "udp"], rx.stderr());
    const second = await mailtrace(["ingest", "--store", store, "--listen", "tcp:0"]);
    assert.equal(second.code, 2, second.stderr);
    assert.match(second.stderr, /^mailtrace: spool .* is in use by process \d+/);
    const udp = ["-n", "127.0.0.1", "-P", String(rx.ports.get("udp")), "-d"];
    const tcp = ["-n", "127.0.0.1", "-P", String(rx.ports.get("tcp")), "-T"];
    // Messages 0-2: UDP, RFC 3164 then RFC 5424; 3-5: TCP octet-counted RFC 5424; 6-8: TCP newline-ended RFC 3164.
    for (let n = 0; n < 9; n++) {
      const how = n < 3 ? [...udp, n % 2 ? "--rfc5424" : "--rfc3164"] : n < 6 ? [...tcp, "--octet-count", "--rfc5424"] : [...tcp, "--rfc3164"];
      for (const line of message(n)) logger(how, line);
    }
    await until(9, "logger over UDP and TCP", rx);

    // TLS: a sender with the CA's client certificate is heard; one without, or of another CA, is not.
    const tlsPort = rx.ports.get("tls") as number;
    const now = new Date().toISOString();
    const tlsLines = (n: number) => message(n).map(([tag, pid, text]) => `<22>1 ${now} mx1 ${tag} ${pid} - - ${text}`);
    assert.equal(sendTls(tlsPort, tlsLines(9), certs.client, certs.ca.cert), true, "the client with a certificate is served");
    sendTls(tlsPort, tlsLines(10));
    sendTls(tlsPort, tlsLines(11), certs.stranger, certs.ca.cert);
    await until(10, "TLS with a client certificate", rx);

    // rsyslogd as the mail server's syslog daemon: lines from its socket, forwarded over TLS.
    if (existsSync(RSYSLOGD) && hasGtls()) {
      const sock = join(dir, "log.sock");
      writeFileSync(join(dir, "rsyslog.conf"), `
global(workDirectory="${dir}" defaultNetstreamDriverCAFile="${certs.ca.cert}"
  defaultNetstreamDriverCertFile="${certs.client.cert}" defaultNetstreamDriverKeyFile="${certs.client.key}")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="${sock}")
action(type="omfwd" target="127.0.0.1" port="${tlsPort}" protocol="tcp" template="RSYSLOG_ForwardFormat"
  StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="mailtrace.test")
`);
      rsyslog = spawn(RSYSLOGD, ["-n", "-f", join(dir, "rsyslog.conf"), "-i", join(dir, "rsyslog.pid")], { stdio: "ignore" });
      const deadline = Date.now() + 10_000;
      while (!existsSync(sock)) {
        assert.ok(Date.now() < deadline, "rsyslogd did not open its socket");
        await new Promise((r) => setTimeout(r, 50));
      }
      for (let n = 12; n < 15; n++) for (const line of message(n)) logger(["-u", sock], line);
      await until(13, "rsyslogd forwarding over TLS", rx);
    } else {
      t.diagnostic("rsyslogd with gtls not installed (apt-get install rsyslog rsyslog-gnutls): its forwarding is not tested");
    }
    const heard = (await rows()).length;

    rx.child.kill("SIGTERM");
    assert.equal(await rx.exited, 0, rx.stderr());
    assert.match(rx.stdout(), new RegExp(`\\b${heard} new messages, 0 unparsed`), rx.stdout());
    assert.match(rx.stdout(), new RegExp(`^${heard * 3} syslog messages received$`, "m"), rx.stdout());
    assert.deepEqual(readdirSync(spool), [], "every segment ingested and deleted");

    // A crash after the spool, before the store: the next start ingests what the spool kept.
    const slow = await startReceiver([...listenArgs, "--poll", "3600"]);
    receivers.push(slow);
    const udp2 = ["-n", "127.0.0.1", "-P", String(slow.ports.get("udp")), "-d", "--rfc3164"];
    for (let n = 20; n < 24; n++) for (const line of message(n)) logger(udp2, line);
    const deadline = Date.now() + 10_000;
    const spooled = () => readdirSync(spool).map((f) => readFileSync(join(spool, f), "utf8")).join("").split("\n").length - 1;
    while (spooled() < 12) {
      assert.ok(Date.now() < deadline, `spooled ${spooled()} of 12 lines`);
      await new Promise((r) => setTimeout(r, 50));
    }
    slow.child.kill("SIGKILL");
    await slow.exited;
    assert.equal((await rows()).length, heard, "nothing stored before the crash");
    const again = await startReceiver([...listenArgs, "--poll", "0.2"]);
    receivers.push(again);
    await until(heard + 4, "the spool after a crash", again);
    again.child.kill("SIGTERM");
    assert.equal(await again.exited, 0, again.stderr());
    const all = await rows();
    assert.equal(new Set(all.map((r) => r.recipient)).size, heard + 4, "each message once");
    assert.ok(all.every((r) => r.status === "delivered"), JSON.stringify(all.filter((r) => r.status !== "delivered")));
    assert.ok(!all.some((r) => /user1[01]@/.test(r.recipient)), "nothing from the senders without the CA's certificate");
  } finally {
    if (rsyslog && rsyslog.exitCode === null) {
      const gone = new Promise((r) => rsyslog?.on("exit", r));
      rsyslog.kill("SIGTERM");
      await gone;
    }
    for (const r of receivers) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL");
    await Promise.all(receivers.map((r) => r.exited));
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ingest --listen refuses what would take lines from anyone, and bad addresses, in one line", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-listen-bad-"));
  try {
    const store = `sqlite:${join(dir, "t.db")}`;
    for (const [args, want] of [
      [["--listen", "udp:0.0.0.0:5514"], /would take mail log lines from anyone/],
      [["--listen", "tcp:192.0.2.1:5514"], /would take mail log lines from anyone/],
      [["--listen", "tls:0.0.0.0:6514"], /needs --tls-cert, --tls-key and --tls-ca/],
      [["--listen", "tcp:127.0.0.1:99999"], /expected udp:\[HOST:\]PORT/],
      [["--listen", "smtp:25"], /expected udp:\[HOST:\]PORT/],
      [["--listen", "tcp:5514", "mail.log"], /--listen takes no files/],
      [[], /needs log files, - for standard input, or --listen/],
    ] as [string[], RegExp][]) {
      const r = await mailtrace(["ingest", "--store", store, ...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, want);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
    assert.equal(existsSync(join(dir, "t.db")), false, "no store made for a refused command");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
