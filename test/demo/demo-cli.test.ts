// `mailtrace demo` (what `npm start` runs): generated log -> store -> last 48 hours + hints.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { REPO_ROOT } from "../support/corpus.ts";

const dir = mkdtempSync(join(tmpdir(), "mailtrace-demo-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(join(REPO_ROOT, "bin/mailtrace"), args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test("demo without a file: generates, ingests, shows the last 48 hours and what to try", async () => {
  const store = `sqlite:${join(dir, "demo.db")}`;
  const r = await run(["demo", "--store", store, "--lang", "en"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Wrote a demo Postfix log: \d+ lines/);
  assert.match(r.stdout, / 0 unparsed/);
  const summary = /Last 48 hours: (\d+) trace rows \(([^)]*)\)/.exec(r.stdout);
  assert.ok(summary, r.stdout);
  assert.ok(Number(summary[1]) > 1000);
  for (const s of ["delivered", "failed", "pending", "quarantined"]) assert.match(summary[2], new RegExp(`${s} \\d+`));
  assert.match(r.stdout, /mailtrace show [0-9A-F]{10,}/);
  // The suggested commands work on the same store.
  const failed = await run(["trace", "--store", store, "--status", "failed", "--format", "json"]);
  assert.equal(failed.code, 0, failed.stderr);
  assert.ok((JSON.parse(failed.stdout) as unknown[]).length > 0);
  // Run again at once: same log, nothing stored twice.
  const again = await run(["demo", "--store", store, "--lang", "ja"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /直近 48 時間/);
});

test("demo with a file ingests that file instead", async () => {
  const now = new Date();
  const mon = now.toLocaleString("en-US", { month: "short" });
  const stamp = `${mon} ${String(now.getDate()).padStart(2, " ")} ${now.toTimeString().slice(0, 8)}`;
  const log = join(dir, "own.log");
  writeFileSync(log, [
    `${stamp} host1 postfix/smtpd[10]: NOQUEUE: reject: RCPT from unknown[192.0.2.7]: 550 5.1.1 <x@example.org>: Recipient address rejected: User unknown in local recipient table; from=<a@example.net> to=<x@example.org> proto=ESMTP helo=<h>`,
    "",
  ].join("\n"));
  const r = await run(["demo", "--store", `sqlite:${join(dir, "own.db")}`, "--lang", "en", log]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /Wrote a demo/);
  assert.match(r.stdout, /Last 48 hours: 1 trace rows \(failed 1\)/);
  assert.match(r.stdout, /x@example\.org/);
});

test("demo with a missing file: one-line error, non-zero exit", async () => {
  const r = await run(["demo", "--store", `sqlite:${join(dir, "missing.db")}`, join(dir, "nope.log")]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /^mailtrace: .*nope\.log/m);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
