/**
 * `bin/mailtrace ingest --follow` as a service runs it: lines added, a log rotated by rename
 * (with lines still written to the old file) and by copytruncate, then SIGTERM. Every line is
 * stored once; an ordinary ingest afterwards finds nothing new.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { MAILTRACE, mailtrace } from "../support/cli.ts";

/** Log lines of `n` delivered messages numbered from `from` (3 lines each). */
function messages(from: number, n: number): string {
  const out: string[] = [];
  for (let i = from; i < from + n; i++) {
    const q = `4A1B${i.toString(16).toUpperCase().padStart(6, "0")}`;
    const t = `Jun 10 ${String(9 + Math.floor(i / 3600)).padStart(2, "0")}:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")} mx1`;
    out.push(
      `${t} postfix/qmgr[102]: ${q}: from=<alice@example.com>, size=1200, nrcpt=1 (queue active)`,
      `${t} postfix/smtp[104]: ${q}: to=<bob${i}@example.jp>, relay=mx.example.jp[192.0.2.20]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok)`,
      `${t} postfix/qmgr[102]: ${q}: removed`,
    );
  }
  return `${out.join("\n")}\n`;
}

test("ingest --follow: appended lines, rotation by rename and by copytruncate, each line once; SIGTERM ends it with the totals", { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-follow-"));
  const log = join(dir, "mail.log");
  const store = `sqlite:${join(dir, "t.db")}`;
  const opts = ["--store", store, "--year", "2024", "--tz", "UTC"];
  writeFileSync(log, messages(0, 100));
  const child = spawn(MAILTRACE, ["ingest", "--follow", "--poll", "0.2", ...opts, log], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const rows = async () => {
    const r = await mailtrace(["trace", "--store", store, "--since", "2024-06-01T00:00:00Z", "--limit", "50000", "--format", "json"]);
    return r.code === 0 ? (JSON.parse(r.stdout) as { recipient: string }[]) : [];
  };
  const until = async (n: number, what: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const got = (await rows()).length;
      if (got === n) return;
      assert.ok(got < n, `${what}: ${got} rows, more than ${n}`);
      assert.ok(Date.now() < deadline, `${what}: ${got} rows after 20 s, not ${n}; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  try {
    await until(100, "the log as it was");
    appendFileSync(log, messages(100, 50));
    await until(150, "lines added");
    // logrotate: rename, then the syslog daemon still writes to the old file before it reopens.
    renameSync(log, `${log}.1`);
    appendFileSync(`${log}.1`, messages(150, 20));
    writeFileSync(log, messages(170, 30));
    await until(200, "the rest of the renamed log and the new one");
    appendFileSync(`${log}.1`, messages(200, 5));
    await until(205, "the renamed log still growing");
    // copytruncate: the same file emptied and written again.
    truncateSync(log, 0);
    writeFileSync(log, messages(205, 10));
    await until(215, "the truncated log");
    child.kill("SIGTERM");
    assert.equal(await exited, 0, stderr);
    assert.match(stdout, /^645 lines read from 2 file\(s\): 645 new events, 215 new messages, 0 unparsed/);
    const names = new Set((await rows()).map((r) => r.recipient));
    assert.equal(names.size, 215, "each message once");
    const again = await mailtrace(["ingest", ...opts, `${log}.1`, log]);
    assert.match(again.stdout, / 0 new events, 0 new messages/, "nothing left unread, nothing stored twice");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ingest --follow refuses standard input and --dry-run, in one line", async () => {
  const stdin = await mailtrace(["ingest", "--follow", "--store", "sqlite::memory:", "-"]);
  assert.equal(stdin.code, 2, stdin.stderr);
  assert.match(stdin.stderr, /^mailtrace: --follow reads files, not standard input\n$/);
  const dry = await mailtrace(["ingest", "--follow", "--dry-run", "x.log"]);
  assert.notEqual(dry.code, 0);
  assert.match(dry.stderr, /^mailtrace: --follow and --dry-run do not go together/);
  const poll = await mailtrace(["ingest", "--follow", "--poll", "0", "x.log"]);
  assert.match(poll.stderr, /^mailtrace: --poll must be a number of seconds/);
});
