/**
 * npm run bench:listen — the syslog receiver (`ingest --listen`) against reading the same log
 * from a file, on a generated realistic Postfix log (src/demo/postfix-log.ts).
 *
 *   node bench/listen.ts [--lines N] [--rounds N]
 *
 * Each round: `bin/mailtrace ingest FILE` into a fresh store (the baseline), then
 * `bin/mailtrace ingest --listen tcp:127.0.0.1:0` into another, with the whole log sent to it
 * over one TCP connection (newline-ended frames, each line with a `<22>` PRI, as rsyslog
 * forwards) by a sender in this process, then SIGTERM once it is sent; the receiver's time runs
 * from its start to its exit (every line spooled, ingested and committed). Both mailtrace runs
 * are pinned to the last CPU and the sender to the first, so that the receiver has one core
 * as the file ingest does. The ratio is the median of the rounds' own ratios.
 *
 * Then UDP, which has no flow control: the first 200,000 lines as datagrams, 2,000 at a time
 * every 50 ms and every 10 ms (about 38,000 and 150,000 lines/s, far above a mail server's
 * log), and how many the receiver got while it ingested.
 */
import { spawn, spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writePostfixLog } from "../src/demo/postfix-log.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const MAILTRACE = join(ROOT, "bin/mailtrace");
const { values: args } = parseArgs({ options: { lines: { type: "string", default: "1000000" }, rounds: { type: "string", default: "3" } } });
const LINES = Number(args.lines);
const ROUNDS = Number(args.rounds);
if (!Number.isInteger(LINES) || LINES < 1000 || !Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error("bench:listen: --lines must be an integer >= 1000 and --rounds >= 1");
  process.exit(2);
}
const CPUS = availableParallelism();
const taskset = existsSync("/usr/bin/taskset");
const pinned = (cpu: number, cmd: string, argv: string[]): [string, string[]] => (taskset ? ["/usr/bin/taskset", ["-c", String(cpu), cmd, ...argv]] : [cmd, argv]);

const work = mkdtempSync(join(tmpdir(), "mailtrace-bench-listen-"));
const log = join(work, "mail.log");
const fresh = (name: string) => {
  const db = join(work, name);
  for (const s of ["", "-wal", "-shm", "-journal"]) rmSync(db + s, { force: true });
  rmSync(`${db}.spool`, { recursive: true, force: true });
  return `sqlite:${db}`;
};

function fileIngest(): number {
  const t0 = performance.now();
  const [cmd, argv] = pinned(CPUS - 1, MAILTRACE, ["ingest", "--store", fresh("file.db"), log]);
  const r = spawnSync(cmd, argv, { stdio: ["ignore", "ignore", "pipe"] });
  if (r.status !== 0) throw new Error(`ingest failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

/** Sends the log, each line with a PRI, over one TCP connection; resolves once it is all written. */
async function send(port: number): Promise<void> {
  const socket = connect(port, "127.0.0.1");
  await new Promise<void>((ok, fail) => socket.once("connect", ok).once("error", fail));
  let rest = "";
  for await (const chunk of createReadStream(log, { encoding: "latin1", highWaterMark: 1 << 20 })) {
    const text = rest + chunk;
    const cut = text.lastIndexOf("\n") + 1;
    rest = text.slice(cut);
    const framed = `<22>${text.slice(0, cut - 1).replaceAll("\n", "\n<22>")}\n`;
    if (!socket.write(framed, "latin1")) await new Promise((r) => socket.once("drain", r));
  }
  if (rest) socket.write(`<22>${rest}\n`, "latin1");
  await new Promise<void>((ok) => socket.end(ok));
}

/** Sends `lines` as datagrams, `burst` at a time every `gapMs`; `sent.seconds` is how long it took. */
async function sendUdp(port: number, lines: string[], burst: number, gapMs: number, sent: { seconds: number }): Promise<void> {
  const socket = createSocket("udp4");
  const t0 = performance.now();
  for (let i = 0; i < lines.length; i += burst) {
    for (const l of lines.slice(i, i + burst)) socket.send(`<22>${l}`, port, "127.0.0.1");
    await new Promise((r) => setTimeout(r, gapMs));
  }
  sent.seconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 300));
  socket.close();
}

async function receive(transport: "tcp" | "udp" = "tcp", sender: (port: number) => Promise<void> = send): Promise<{ seconds: number; summary: string }> {
  const t0 = performance.now();
  const [cmd, argv] = pinned(CPUS - 1, MAILTRACE, ["ingest", "--lang", "en", "--store", fresh("listen.db"), "--listen", `${transport}:127.0.0.1:0`, "--poll", "1"]);
  const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on("exit", r));
  let port: number | undefined;
  while (port === undefined) {
    if (child.exitCode !== null) throw new Error(`the receiver did not start: ${err}`);
    const m = new RegExp(`${transport}:127\\.0\\.0\\.1:(\\d+)`).exec(err);
    if (m) port = Number(m[1]);
    else await new Promise((r) => setTimeout(r, 20));
  }
  await sender(port);
  // The connection's last bytes are in once the receiver has counted them; then stop it.
  await new Promise((r) => setTimeout(r, 300));
  child.kill("SIGTERM");
  if ((await exited) !== 0) throw new Error(`the receiver failed: ${err}`);
  return { seconds: (performance.now() - t0) / 1000, summary: out.trim().replace(/\n/g, "; ") };
}

async function main(): Promise<void> {
  const span = 7 * 86400;
  await writePostfixLog(log, { start: Date.now() - span * 1000, lines: LINES, seed: 42, meanGapSeconds: span / (LINES / 10.4) });
  spawnSync("cat", [log], { stdio: "ignore" }); // the page cache, warm for both
  // The sender runs in this process: it is pinned to the first CPU, the receiver to the last.
  if (taskset) spawnSync("/usr/bin/taskset", ["-p", "-c", "0", String(process.pid)], { stdio: "ignore" });
  const ratios: number[] = [];
  let best = { file: Number.POSITIVE_INFINITY, listen: Number.POSITIVE_INFINITY, summary: "" };
  for (let r = 0; r < ROUNDS; r++) {
    const file = fileIngest();
    const listen = await receive();
    ratios.push(listen.seconds / file);
    if (listen.seconds < best.listen) best = { ...best, listen: listen.seconds, summary: listen.summary };
    best.file = Math.min(best.file, file);
  }
  ratios.sort((a, b) => a - b);
  const rate = (s: number) => Math.round(LINES / s).toLocaleString("en-US");
  console.log(`syslog receiver benchmark: ${LINES.toLocaleString("en-US")} generated Postfix lines, ${ROUNDS} round(s)${taskset ? `; mailtrace pinned to CPU ${CPUS - 1}, the sender to CPU 0` : "; not pinned: taskset missing"}`);
  console.log(`  file ingest        ${best.file.toFixed(2).padStart(6)} s  ${rate(best.file).padStart(10)} lines/s   (baseline)`);
  console.log(`  --listen tcp       ${best.listen.toFixed(2).padStart(6)} s  ${rate(best.listen).padStart(10)} lines/s   (received, spooled, ingested, committed)`);
  console.log(`  ratio              ${ratios[Math.floor(ratios.length / 2)].toFixed(2)}x the file ingest's time (median of ${ratios.map((x) => x.toFixed(2)).join(" / ")})`);
  console.log(`  receiver's summary: ${best.summary}`);
  const udpLines = readFileSync(log, "latin1").split("\n").slice(0, 200_000);
  for (const gap of [50, 10]) {
    const sent = { seconds: 0 };
    const r = await receive("udp", (port) => sendUdp(port, udpLines, 2000, gap, sent));
    const got = Number(/^(\d+) syslog messages received/m.exec(r.summary.replace(/; /g, "\n"))?.[1] ?? 0);
    const rate = udpLines.length / sent.seconds;
    console.log(`  --listen udp, 2,000 datagrams every ${gap} ms (${Math.round(rate).toLocaleString("en-US")} lines/s): ${got.toLocaleString("en-US")} of ${udpLines.length.toLocaleString("en-US")} received, ${(100 * (1 - got / udpLines.length)).toFixed(1)}% lost`);
  }
}

main()
  .catch((err) => {
    console.error(`bench:listen: ${(err as Error).message}`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
