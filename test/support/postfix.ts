/**
 * A real, throw-away Postfix for tests: Debian's postfix started with its own
 * config_directory, queue_directory and data_directory inside a fresh temp dir, listening on
 * one loopback address/port only, logging through postlogd to its own `maillog_file` (so a
 * test reads a real Postfix log), and delivering the mail of its domain to Maildirs in the
 * temp dir (virtual(8) with a texthash virtual_mailbox_maps; nothing touches /etc/postfix,
 * /var/mail or the machine's own MTA).
 *
 *   const pf = await startPostfix({ name: "mx", address: "127.0.0.2", users: ["alice"] });
 *   try {
 *     const r = await pf.send({ from: "bob@example.test", to: "alice@example.test", subject: "hi" });
 *     await pf.waitForQueueEmpty();
 *     pf.mailbox("alice");            // the delivered messages, raw text
 *     pf.maildir("alice");            // the Maildir path itself
 *     pf.log();                       // the maillog_file text
 *   } finally {
 *     await pf.stop();                // always: `postfix stop`, then kill anything left over
 *   }
 *
 * Options (all optional): `name` (label, also the temp dir prefix), `address` (127.0.0.x,
 * default 127.0.0.1), `port` (default: a free one), `myhostname` (default
 * `<name>.example.test`), `domain` (mydomain and the mailbox domain, default example.test),
 * `users` (local parts with a Maildir, default alice, bob, postmaster), `syslogName`
 * (e.g. "postfix-out" for a second instance), `main` (main.cf settings added or overridden,
 * e.g. { relayhost: "[127.0.0.3]:2525", message_size_limit: "20000" }; Postfix expands
 * `$config_directory` so `header_checks: "regexp:$config_directory/header_checks"` works),
 * `files` (name -> content written into the config dir, e.g. the header_checks table),
 * `contentFilter` (true: a second smtpd on the same address and `reinjectPort`, and
 * content_filter = `filter:[address]:reinjectPort`, an smtp transport named "filter": mail
 * leaves the queue once to the filter port and comes back under a new queue ID, the way
 * amavisd re-injects through 127.0.0.1:10025; set `main: { content_filter: "" }` and a
 * header_checks `FILTER filter:[address]:reinjectPort` to filter only some mail; `reinjectPort`
 * picks the port), `maillogFile` (default `<dir>/maillog`; two
 * instances may share one file), `resolvConf` (resolv.conf text, e.g. "nameserver 127.53.0.1\n":
 * the instance then runs in its own mount namespace (`unshare --mount`, private propagation)
 * where a file with this text is bind-mounted over /etc/resolv.conf, so its resolver asks a
 * test DNS server (port 53 only: see freeLoopbackAddress in dns-server.ts) while the machine's
 * /etc/resolv.conf stays as it is; DNS lookups for SMTP delivery are then on by default
 * (smtp_dns_support_level = enabled, smtp_host_lookup = dns). The master and every child it
 * forks inherit the namespace; chroot is off, so they all see the mount. The namespace and its
 * mount vanish with the last process; stop() kills every process left in it. Check
 * skipUnlessMountNamespace() first).
 *
 * Defaults keep tests fast: a 1 s queue run delay and 1-2 s backoff (a deferred message is
 * retried within seconds), no SMTP error sleeps, short connect timeouts. Several instances can
 * run side by side on different 127.0.0.x addresses; set one's `relayhost` (or
 * `transport_maps`) to the other's `[address]:port` to relay through it.
 *
 * Waits are bounded (default 20 s) and poll; nothing sleeps a fixed time. `stop()` is safe to
 * call twice; a process-exit hook kills the instance's processes even when a test crashes
 * before calling it. Processes of an instance are found by the MAIL_CONFIG=<config dir>
 * environment the master gives every child, so nothing else on the machine is touched.
 *
 * Runs as root (Postfix drops to mail_owner=postfix itself); Postfix refuses group- or
 * world-writable directories, so every directory here is 0755 at most.
 */
import { execFile, execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const POSTFIX = "/usr/sbin/postfix";
const POSTCONF = "/usr/sbin/postconf";
const POSTQUEUE = "/usr/sbin/postqueue";
const POSTSUPER = "/usr/sbin/postsuper";
const SENDMAIL = "/usr/sbin/sendmail";
const SWAKS = "/usr/bin/swaks";
const UNSHARE = "/usr/bin/unshare";
const MOUNT = "/usr/bin/mount";
// Private propagation (util-linux's default, said anyway): the bind mount never reaches the machine.
const UNSHARE_ARGS = ["--mount", "--propagation", "private", "--"];

export interface PostfixOptions {
  name?: string;
  address?: string;
  port?: number;
  myhostname?: string;
  domain?: string;
  users?: string[];
  syslogName?: string;
  main?: Record<string, string>;
  files?: Record<string, string>;
  contentFilter?: boolean;
  /** Port of the re-injection smtpd (default: a free one), e.g. to name it in a header_checks FILTER action. */
  reinjectPort?: number;
  /**
   * header_checks of what the re-injection smtpd receives (a table, e.g. "regexp:$config_directory/after_filter",
   * run by a cleanup service of its own), as where checks run on what the filter passed back
   * (amavisd-new's X-Spam-Flag); none by default.
   */
  reinjectHeaderChecks?: string;
  maillogFile?: string;
  /** resolv.conf text for this instance only (own mount namespace); see the module comment. */
  resolvConf?: string;
  /** Keep the temp dir after stop() (for debugging a failing test). */
  keep?: boolean;
}

export interface SendOptions {
  from: string;
  to: string | string[];
  subject?: string;
  body?: string;
  /** Extra header lines, "Name: value". */
  headers?: string[];
  messageId?: string;
  /** Defaults to this instance's address/port. */
  server?: string;
  port?: number;
  helo?: string;
  /** Source address of the SMTP client (any 127.0.0.x), so the log shows that client IP. */
  clientAddress?: string;
}

export interface SendResult {
  /** swaks exit code: 0 all accepted, 24 a recipient rejected, 25 DATA rejected, ... */
  code: number;
  transcript: string;
  /** Queue ID from "250 2.0.0 Ok: queued as X", when the message was accepted. */
  queueId: string | undefined;
  messageId: string;
}

export interface QueueEntry {
  queue_name: string;
  queue_id: string;
  arrival_time: number;
  message_size: number;
  sender: string;
  recipients: { address: string; delay_reason?: string }[];
}

export interface WaitOptions {
  timeoutMs?: number;
}

export interface PostfixInstance {
  name: string;
  dir: string;
  configDir: string;
  queueDir: string;
  maillog: string;
  address: string;
  port: number;
  /** "[address]:port", ready for relayhost / transport_maps of another instance. */
  nexthop: string;
  reinjectPort: number | undefined;
  myhostname: string;
  domain: string;
  syslogName: string;
  /** The instance's own mount namespace ("mnt:[inode]") when `resolvConf` is set. */
  mountNamespace: string | undefined;
  /** `postfix check` output at start (warnings; empty when clean). */
  checkOutput: string;
  log(): string;
  logLines(): string[];
  /** Send one message over SMTP with swaks (not an error when the server rejects). */
  send(opts: SendOptions): Promise<SendResult>;
  /** Submit through sendmail(1) -> postdrop -> pickup (the local submission path). */
  sendmail(opts: SendOptions): Promise<void>;
  /** Wait until the log has a line matching `pattern` (searching from `fromLine`); returns it. */
  waitForLog(pattern: RegExp, opts?: WaitOptions & { fromLine?: number }): Promise<string>;
  waitForQueueEmpty(opts?: WaitOptions): Promise<void>;
  /** Wait until `check()` returns a truthy value; returns it. */
  waitFor<T>(what: string, check: () => T | Promise<T>, opts?: WaitOptions): Promise<NonNullable<T>>;
  queue(): Promise<QueueEntry[]>;
  /** `postqueue -f`: attempt delivery of everything now. */
  flush(): Promise<void>;
  /** Release held messages (`postsuper -H ALL`). */
  releaseHeld(): Promise<void>;
  /** Delete one queued message as an administrator does (`postsuper -d QUEUEID`). */
  deleteQueued(queueId: string): Promise<void>;
  /** Delivered messages of `user` (a local part of `domain`), raw RFC 5322 text, oldest first. */
  mailbox(user: string, domain?: string): string[];
  /** The Maildir of `user` (cur/, new/, tmp/ once something was delivered), e.g. for `mailtrace bounce DIR`. */
  maildir(user: string, domain?: string): string;
  postconf(param: string): string;
  stop(): Promise<void>;
}

/**
 * For node:test's `skip` option: false when a real Postfix can be started here, else the
 * one-line reason (Postfix and swaks come from Debian packages; .ci/run installs them).
 */
export function skipUnlessPostfix(): false | string {
  for (const bin of [POSTFIX, SWAKS, "/usr/bin/script"]) if (!existsSync(bin)) return `${bin} is not installed (apt-get install postfix swaks)`;
  if (process.getuid?.() !== 0) return "starting a throw-away Postfix needs root (it drops to the postfix user itself)";
  return false;
}

/**
 * For node:test's `skip` option with `resolvConf`: false when this machine can give a process
 * its own mount namespace with a file bind-mounted over /etc/resolv.conf, else the reason.
 */
export function skipUnlessMountNamespace(): false | string {
  const noPostfix = skipUnlessPostfix();
  if (noPostfix) return noPostfix;
  if (!existsSync(UNSHARE)) return `${UNSHARE} is not installed (apt-get install util-linux)`;
  if (!existsSync(MOUNT)) return `${MOUNT} is not installed (apt-get install mount)`;
  // A dangling symlink (e.g. to a resolver that is not running) cannot be mounted over.
  if (!existsSync("/etc/resolv.conf")) return "/etc/resolv.conf does not exist here, so nothing can be bind-mounted over it";
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-ns-"));
  try {
    const probe = join(dir, "resolv.conf");
    writeFileSync(probe, "nameserver 127.53.0.254\n");
    const seen = execFileSync(UNSHARE, [...UNSHARE_ARGS, "/bin/sh", "-c", `${MOUNT} --bind "$1" /etc/resolv.conf && cat /etc/resolv.conf`, "sh", probe], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 5000,
    });
    if (!seen.includes("127.53.0.254")) return "a bind mount over /etc/resolv.conf in a new mount namespace did not show";
    return false;
  } catch (err) {
    const why = String((err as { stderr?: unknown }).stderr ?? (err as Error).message).trim().split("\n")[0];
    return `cannot bind-mount over /etc/resolv.conf in a new mount namespace (unshare --mount): ${why}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const running = new Set<string>();
/** config dir -> the instance's own mount namespace, for instances started with `resolvConf`. */
const namespaces = new Map<string, string>();
let exitHookInstalled = false;

/** A TCP port free on `address`. */
export async function freeTcpPort(address = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, address, () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv, input?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/**
 * postfix(1) writes its messages to stderr only when stderr is a terminal (else to syslog,
 * which a test machine may not have): run it under script(1) to see why it failed.
 */
function runTty(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  const line = [cmd, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  return run("/usr/bin/script", ["-qec", line, "/dev/null"], env).then((r) => ({ code: r.code, out: r.out.replace(/\r/g, "") }));
}

async function must(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const r = await run(cmd, args, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.code}): ${r.out.trim()}`);
  return r.out;
}

function uidOf(user: string): { uid: number; gid: number } {
  for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
    const f = line.split(":");
    if (f[0] === user) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  throw new Error(`no user ${user} in /etc/passwd (is Debian's postfix installed?)`);
}

/** PIDs of every process started by the instance whose config dir is `configDir`. */
export function instancePids(configDir: string): number[] {
  const pids: number[] = [];
  const marker = `MAIL_CONFIG=${configDir}\0`;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const env = `${readFileSync(`/proc/${entry}/environ`, "latin1")}\0`;
      if (env.includes(marker)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  // The master itself is started without MAIL_CONFIG in some paths: take its pid file too.
  try {
    const masterPid = Number(readFileSync(join(configDir, "..", "queue", "pid", "master.pid"), "utf8").trim());
    if (masterPid > 0 && !pids.includes(masterPid) && existsSync(`/proc/${masterPid}`)) {
      const cmdline = readFileSync(`/proc/${masterPid}/cmdline`, "latin1");
      if (cmdline.includes("master")) pids.push(masterPid);
    }
  } catch {
    // no pid file
  }
  // Anything else still in the instance's own mount namespace is the instance's too.
  const ns = namespaces.get(configDir);
  if (ns) for (const pid of namespacePids(ns)) if (!pids.includes(pid)) pids.push(pid);
  return pids;
}

/** PIDs of the processes in mount namespace `ns` ("mnt:[inode]"). */
export function namespacePids(ns: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/ns/mnt`) === ns) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

function killAll(configDir: string): void {
  for (const pid of instancePids(configDir)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous only: a crashed test still leaves no Postfix behind.
  const killRunning = () => {
    for (const configDir of running) killAll(configDir);
  };
  process.on("exit", killRunning);
  // Interrupted (Ctrl-C, a runner's SIGTERM): clean up, then die of the same signal as before.
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      killRunning();
      process.kill(process.pid, sig);
    });
  }
}

function masterCf(o: { address: string; port: number; reinjectPort?: number; reinjectHeaderChecks?: string }): string {
  // chroot off everywhere: the temp dir is not a prepared chroot jail.
  const lines = [
    `${o.address}:${o.port} inet n - n - - smtpd`,
    "pickup unix n - n 60 1 pickup",
    "cleanup unix n - n - 0 cleanup",
    "qmgr unix n - n 300 1 qmgr",
    "rewrite unix - - n - - trivial-rewrite",
    "bounce unix - - n - 0 bounce",
    "defer unix - - n - 0 bounce",
    "trace unix - - n - 0 bounce",
    "verify unix - - n - 1 verify",
    "flush unix n - n 1000? 0 flush",
    "proxymap unix - - n - - proxymap",
    "proxywrite unix - - n - 1 proxymap",
    "smtp unix - - n - - smtp",
    "relay unix - - n - - smtp",
    "showq unix n - n - - showq",
    "error unix - - n - - error",
    "retry unix - - n - - error",
    "discard unix - - n - - discard",
    "local unix - n n - - local",
    "virtual unix - n n - - virtual",
    "lmtp unix - - n - - lmtp",
    "anvil unix - - n - 1 anvil",
    "scache unix - - n - 1 scache",
    "postlog unix-dgram n - n - 1 postlogd",
  ];
  if (o.reinjectPort) {
    lines.push(
      // The "filter" transport: an SMTP client that hands mail to the filter's port.
      "filter unix - - n - 4 smtp",
      "  -o smtp_send_xforward_command=yes",
      "  -o disable_mime_output_conversion=yes",
      // The re-injection listener: no second filter pass, no checks already done.
      `${o.address}:${o.reinjectPort} inet n - n - 4 smtpd`,
      "  -o content_filter=",
      // header_checks are cleanup's: checks after the filter need a cleanup service of their own.
      ...(o.reinjectHeaderChecks
        ? ["  -o receive_override_options=no_unknown_recipient_checks,no_milters", "  -o cleanup_service_name=aftercleanup"]
        : ["  -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks,no_milters"]),
      "  -o smtpd_helo_restrictions=",
      "  -o smtpd_client_restrictions=",
      "  -o smtpd_sender_restrictions=",
      "  -o smtpd_recipient_restrictions=permit_mynetworks,reject",
      "  -o smtpd_relay_restrictions=permit_mynetworks,reject",
      "  -o mynetworks=127.0.0.0/8",
      "  -o smtpd_authorized_xforward_hosts=127.0.0.0/8",
    );
    if (o.reinjectHeaderChecks) lines.push("aftercleanup unix n - n - 0 cleanup", `  -o header_checks=${o.reinjectHeaderChecks}`);
  }
  return `${lines.join("\n")}\n`;
}

export async function startPostfix(options: PostfixOptions = {}): Promise<PostfixInstance> {
  const name = options.name ?? "postfix";
  const address = options.address ?? "127.0.0.1";
  const domain = options.domain ?? "example.test";
  const myhostname = options.myhostname ?? `${name}.${domain}`;
  const users = options.users ?? ["alice", "bob", "postmaster"];
  const syslogName = options.syslogName ?? "postfix";
  const port = options.port ?? (await freeTcpPort(address));
  const reinjectPort = options.contentFilter ? (options.reinjectPort ?? (await freeTcpPort(address))) : undefined;

  const dir = mkdtempSync(join(tmpdir(), `mailtrace-pf-${name}-`));
  chmodSync(dir, 0o755);
  const configDir = join(dir, "etc");
  const queueDir = join(dir, "queue");
  const dataDir = join(dir, "data");
  const mailDir = join(dir, "mail");
  const maillog = options.maillogFile ?? join(dir, "maillog");
  for (const d of [configDir, queueDir, dataDir, mailDir]) mkdirSync(d, { mode: 0o755 });
  const pf = uidOf("postfix");
  const nobody = uidOf("nobody");
  chownSync(dataDir, pf.uid, pf.gid);
  chmodSync(dataDir, 0o700);
  chownSync(mailDir, nobody.uid, nobody.gid);

  const mailboxMap = users.map((u) => `${u}@${domain} ${domain}/${u}/`).join("\n");
  writeFileSync(join(configDir, "vmailbox"), `${mailboxMap}\n`, { mode: 0o644 });
  for (const [file, content] of Object.entries(options.files ?? {})) {
    writeFileSync(join(configDir, file), content, { mode: 0o644 });
  }

  const main: Record<string, string> = {
    compatibility_level: "3.6",
    config_directory: configDir,
    queue_directory: queueDir,
    data_directory: dataDir,
    mail_owner: "postfix",
    setgid_group: "postdrop",
    syslog_name: syslogName,
    maillog_file: maillog,
    // Postfix writes maillog_file only under these prefixes (default /var, /dev/stdout).
    maillog_file_prefixes: dirname(maillog),
    // Only 127.0.0.1 is an interface address here (127.0.0.2... are routed to lo but not
    // listed), and Postfix refuses an inet_interfaces it cannot find: the smtpd services name
    // their address in master.cf instead, which binds it directly.
    inet_interfaces: "127.0.0.1",
    inet_protocols: "ipv4",
    smtp_bind_address: address,
    myhostname,
    mydomain: domain,
    myorigin: "$mydomain",
    mydestination: "",
    mynetworks: "127.0.0.0/8",
    relay_domains: "",
    alias_maps: "",
    alias_database: "",
    local_recipient_maps: "",
    virtual_mailbox_domains: domain,
    virtual_mailbox_base: mailDir,
    virtual_mailbox_maps: "texthash:$config_directory/vmailbox",
    virtual_uid_maps: `static:${nobody.uid}`,
    virtual_gid_maps: `static:${nobody.gid}`,
    virtual_minimum_uid: "1",
    biff: "no",
    smtputf8_enable: "no",
    // Fast and deterministic for tests.
    queue_run_delay: "1s",
    minimal_backoff_time: "1s",
    maximal_backoff_time: "2s",
    smtp_connect_timeout: "3s",
    smtpd_error_sleep_time: "0",
    smtpd_soft_error_limit: "100",
    smtpd_hard_error_limit: "100",
    in_flow_delay: "0",
    delay_warning_time: "0",
    smtp_dns_support_level: options.resolvConf === undefined ? "disabled" : "enabled",
    smtp_host_lookup: options.resolvConf === undefined ? "native" : "dns",
    smtpd_peername_lookup: "no",
    smtpd_relay_restrictions: "permit_mynetworks, reject_unauth_destination",
    smtpd_recipient_restrictions: "permit_mynetworks, reject_unauth_destination",
    ...(reinjectPort ? { content_filter: `filter:[${address}]:${reinjectPort}` } : {}),
    ...options.main,
  };
  writeFileSync(
    join(configDir, "main.cf"),
    `${Object.entries(main)
      .map(([k, v]) => `${k} = ${v}`)
      .join("\n")}\n`,
    { mode: 0o644 },
  );
  writeFileSync(join(configDir, "master.cf"), masterCf({ address, port, reinjectPort, reinjectHeaderChecks: options.reinjectHeaderChecks }), { mode: 0o644 });
  const resolvConf = join(dir, "resolv.conf");
  if (options.resolvConf !== undefined) writeFileSync(resolvConf, options.resolvConf, { mode: 0o644 });

  const env = { MAIL_CONFIG: configDir };
  const keep = options.keep ?? process.env.MAILTRACE_KEEP_POSTFIX === "1";
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await run(POSTFIX, ["-c", configDir, "stop"], env);
    // `postfix stop` returns once the master got the signal; give it a bounded moment.
    const deadline = Date.now() + 5000;
    while (instancePids(configDir).length > 0 && Date.now() < deadline) await delay(50);
    killAll(configDir);
    running.delete(configDir);
    namespaces.delete(configDir);
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };

  installExitHook();
  running.add(configDir);
  let checkOutput = "";
  let mountNamespace: string | undefined;
  try {
    // `postfix check` also creates the queue's subdirectories with the right owners.
    const check = await runTty(POSTFIX, ["-c", configDir, "check"], env);
    checkOutput = check.out.trim();
    if (check.code !== 0) throw new Error(`postfix check failed: ${checkOutput}`);
    const start =
      options.resolvConf === undefined
        ? await runTty(POSTFIX, ["-c", configDir, "start"], env)
        : await runTty(UNSHARE, [...UNSHARE_ARGS, "/bin/sh", "-c", `${MOUNT} --bind "$1" /etc/resolv.conf && exec "$2" -c "$3" start`, "sh", resolvConf, POSTFIX, configDir], env);
    if (start.code !== 0) throw new Error(`postfix start failed: ${start.out.trim()}`);
    // The master opens its listening sockets before it logs "daemon started"; waiting for the
    // line (not probing the port) keeps probe connections out of the log the test reads.
    await waitUntil(
      `${name}: "daemon started" in ${maillog}`,
      () => existsSync(maillog) && readFileSync(maillog, "utf8").includes(`configuration ${configDir}\n`),
      20_000,
    );
    if (options.resolvConf !== undefined) {
      // The master must be in a namespace of its own that shows the test's resolv.conf.
      const masterPid = Number(readFileSync(join(queueDir, "pid", "master.pid"), "utf8").trim());
      mountNamespace = readlinkSync(`/proc/${masterPid}/ns/mnt`);
      if (mountNamespace === readlinkSync("/proc/self/ns/mnt")) throw new Error("the master runs in the machine's mount namespace");
      namespaces.set(configDir, mountNamespace);
      const seen = readFileSync(`/proc/${masterPid}/root/etc/resolv.conf`, "utf8");
      if (seen !== options.resolvConf) throw new Error(`the master sees another /etc/resolv.conf: ${JSON.stringify(seen)}`);
    }
  } catch (err) {
    const logTail = existsSync(maillog) ? readFileSync(maillog, "utf8").split("\n").slice(-15).join("\n") : "";
    await stop();
    throw new Error(`${(err as Error).message}\n${logTail}`);
  }

  const log = () => (existsSync(maillog) ? readFileSync(maillog, "utf8") : "");
  const logLines = () => log().split("\n").filter((l) => l.length > 0);

  const instance: PostfixInstance = {
    name,
    dir,
    configDir,
    queueDir,
    maillog,
    address,
    port,
    nexthop: `[${address}]:${port}`,
    reinjectPort,
    myhostname,
    domain,
    syslogName,
    mountNamespace,
    checkOutput,
    log,
    logLines,
    async send(o) {
      const messageId = o.messageId ?? `<${Date.now()}.${Math.random().toString(36).slice(2)}@${o.from.split("@")[1] ?? "test"}>`;
      const args = [
        "--server",
        o.server ?? address,
        "--port",
        String(o.port ?? port),
        "--from",
        o.from,
        "--to",
        Array.isArray(o.to) ? o.to.join(",") : o.to,
        "--helo",
        o.helo ?? "client.example.test",
        "--header",
        `Subject: ${o.subject ?? "test"}`,
        "--header",
        `Message-Id: ${messageId}`,
        "--body",
        o.body ?? "This is a test message.",
        "--timeout",
        "15",
        "--suppress-data",
      ];
      for (const h of o.headers ?? []) args.push("--add-header", h);
      if (o.clientAddress) args.push("--local-interface", o.clientAddress);
      const r = await run(SWAKS, args);
      const queued = /queued as ([0-9A-Za-z]+)/.exec(r.out);
      return { code: r.code, transcript: r.out, queueId: queued?.[1], messageId };
    },
    async sendmail(o) {
      const messageId = o.messageId ?? `<${Date.now()}.${Math.random().toString(36).slice(2)}@${domain}>`;
      const to = Array.isArray(o.to) ? o.to : [o.to];
      const text = [
        `From: ${o.from}`,
        `To: ${to.join(", ")}`,
        `Subject: ${o.subject ?? "test"}`,
        `Message-Id: ${messageId}`,
        ...(o.headers ?? []),
        "",
        o.body ?? "This is a test message.",
        "",
      ].join("\n");
      const r = await run(SENDMAIL, ["-C", configDir, "-f", o.from, "--", ...to], env, text);
      if (r.code !== 0) throw new Error(`sendmail failed (${r.code}): ${r.out.trim()}`);
    },
    async waitForLog(pattern, o = {}) {
      return waitUntil(
        `${name}: log line ${pattern}`,
        () => logLines().slice(o.fromLine ?? 0).find((l) => pattern.test(l)),
        o.timeoutMs ?? 20_000,
        () => logLines().slice(-10).join("\n"),
      );
    },
    async waitForQueueEmpty(o = {}) {
      await waitUntil(
        `${name}: empty queue`,
        async () => (await instance.queue()).length === 0,
        o.timeoutMs ?? 20_000,
        async () => JSON.stringify(await instance.queue()),
      );
    },
    waitFor(what, check, o = {}) {
      // On a timeout, say what is still queued and how the log ends: a slow machine or a real fault.
      return waitUntil(`${name}: ${what}`, check, o.timeoutMs ?? 20_000, async () => {
        const tail = instance.log().split("\n").slice(-15).join("\n");
        return `queue: ${JSON.stringify(await instance.queue().catch(() => []))}\nlog tail:\n${tail}`;
      });
    },
    async queue() {
      const out = await must(POSTQUEUE, ["-c", configDir, "-j"], env);
      return out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as QueueEntry);
    },
    async flush() {
      await must(POSTQUEUE, ["-c", configDir, "-f"], env);
    },
    async releaseHeld() {
      await must(POSTSUPER, ["-c", configDir, "-H", "ALL"], env);
    },
    async deleteQueued(queueId) {
      await must(POSTSUPER, ["-c", configDir, "-d", queueId], env);
    },
    mailbox(user, dom = domain) {
      const messages: string[] = [];
      const base = instance.maildir(user, dom);
      for (const sub of ["cur", "new"]) {
        const d = join(base, sub);
        if (!existsSync(d)) continue;
        // Maildir file names start with the delivery time: sort gives delivery order.
        for (const f of readdirSync(d).sort()) messages.push(readFileSync(join(d, f), "utf8"));
      }
      return messages;
    },
    maildir(user, dom = domain) {
      return join(mailDir, dom, user);
    },
    postconf(param) {
      return execFileSync(POSTCONF, ["-c", configDir, "-h", param], { encoding: "utf8" }).trim();
    },
    stop,
  };
  return instance;
}

/** Start, run `fn`, always stop (also when `fn` throws). */
export async function withPostfix<T>(options: PostfixOptions, fn: (pf: PostfixInstance) => Promise<T>): Promise<T> {
  const pf = await startPostfix(options);
  try {
    return await fn(pf);
  } finally {
    await pf.stop();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitUntil<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs: number,
  context?: () => string | Promise<string>,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let pause = 20;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) {
      const extra = context ? `\n${await context()}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${extra}`);
    }
    await delay(pause);
    pause = Math.min(pause * 2, 250);
  }
}
