/**
 * Worker threads for large batches (src/bounce/pool.ts): the same results in the same order as
 * one thread, mbox slices and unreadable paths included, and a pool that stops mid-batch
 * answers every mail it held instead of hanging.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { analyzeAll, analyzeMail } from "../../src/bounce/analyze.ts";
import { AnalyzerPool, closeSharedPool, sharedPool } from "../../src/bounce/pool.ts";
import { REPO_ROOT } from "../support/corpus.ts";

const fixtures = join(REPO_ROOT, "test/bounce/fixtures");
const names = readdirSync(fixtures).filter((f) => f.endsWith(".eml")).sort();
let work = "";

before(() => {
  work = mkdtempSync(join(tmpdir(), "mailtrace-pool-"));
  // Enough mails that the pool takes over after the first ones: every fixture 6 times, and an
  // mbox of all of them (its mails are slices of one buffer).
  const dir = join(work, "cur");
  mkdirSync(dir);
  for (let r = 0; r < 6; r++) for (const f of names) copyFileSync(join(fixtures, f), join(dir, `${r}-${f}`));
  const mbox = names.map((f) => `From mailer-daemon@example.jp Mon Dec  1 09:00:00 2026\n${readFileSync(join(fixtures, f), "latin1").replace(/\r\n/g, "\n").replace(/^From /gm, ">From ")}\n`).join("");
  writeFileSync(join(work, "all.mbox"), mbox, "latin1");
});
after(async () => {
  await closeSharedPool();
  rmSync(work, { recursive: true, force: true });
});

test("worker threads give the results of one thread, in input order", async () => {
  const mbox = readFileSync(join(work, "all.mbox"));
  // In-memory input too: its mails go to the workers as copies, the caller's buffer stays.
  const inputs = [join(work, "cur"), join(work, "missing.eml"), join(work, "all.mbox"), { file: "upload.mbox", bytes: mbox }];
  const one = await analyzeAll(inputs, { lang: "ja", jobs: 1 });
  // Started beforehand, so that it takes over right after the first mails.
  const pool = sharedPool(2);
  while (!pool.started) await new Promise((r) => setTimeout(r, 10));
  const two = await analyzeAll(inputs, { lang: "ja", jobs: 2 });
  assert.ok(pool.batches >= 4, `batches analysed in workers: ${pool.batches}`);
  assert.ok(one.length > names.length * 7, `mails read: ${one.length}`);
  assert.equal(two.length, one.length);
  assert.deepEqual(two, one);
  assert.ok(one.some((r) => r.error?.includes("missing.eml")), "the unreadable path is reported in its place");
  assert.equal(mbox.byteLength, readFileSync(join(work, "all.mbox")).byteLength, "the caller's buffer is intact");
  assert.ok(one.some((r) => r.file.startsWith("upload.mbox#")), "the in-memory mbox is split and read");
  assert.ok(one.filter((r) => r.bounces.length).length > names.length * 6, "most mails are bounces");
});

test("a pool that stops mid-batch answers each mail it held", async () => {
  const pool = new AnalyzerPool(1);
  while (!pool.started) await new Promise((r) => setTimeout(r, 10));
  const mails = names.slice(0, 10).map((f) => ({ file: f, bytes: new Uint8Array(readFileSync(join(fixtures, f))) }));
  const pending = pool.tryAnalyze(mails, "en");
  assert.ok(pending, "a started worker takes a batch");
  await pool.close();
  const results = await pending;
  assert.deepEqual(results.map((r) => r.file), mails.map((m) => m.file));
  for (const r of results) assert.ok(r.bounces.length > 0 || r.error || r.note, `${r.file} has an answer`);
});

test("a worker that dies mid-batch is replaced and its files are analysed again, one by one", async () => {
  const pool = new AnalyzerPool(2);
  while (!pool.started) await new Promise((r) => setTimeout(r, 10));
  // Enough that a just-started worker is still at it when it is stopped.
  const mails = [...names, ...names].map((f, i) => ({ file: `${i}-${f}`, bytes: new Uint8Array(readFileSync(join(fixtures, f))) }));
  const pending = pool.tryAnalyze(mails, "en");
  assert.ok(pending);
  // Reaching in: the worker holding the batch stops as if a mail had been too much for it.
  const holder = (pool as unknown as { workers: Array<{ inFlight: Map<number, unknown>; worker: { terminate(): Promise<number> } }> }).workers.find((w) => w.inFlight.size > 0);
  assert.ok(holder, "one worker holds the batch");
  await holder.worker.terminate();
  const results = await pending;
  const expected = [];
  for (const m of mails) expected.push(await analyzeMail(m.bytes, m.file, { lang: "en" }));
  assert.deepEqual(results, expected, "every file analysed, none reported as failed");
  await pool.close();
});

test("bounce --jobs: same output as one thread; a bad value is a one-line error", () => {
  const run = (args: string[]) => spawnSync(join(REPO_ROOT, "bin/mailtrace"), ["bounce", "--format", "json", ...args], { encoding: "utf8", env: { ...process.env, LANG: "C" }, timeout: 120_000 });
  const one = run(["--jobs", "1", join(work, "cur")]);
  const two = run(["--jobs", "2", join(work, "cur")]);
  assert.equal(one.status, 0, one.stderr);
  assert.equal(two.status, 0, two.stderr);
  assert.equal(two.stdout, one.stdout);
  const bad = run(["--jobs", "0", join(work, "cur")]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr.trim(), /^mailtrace: --jobs must be a whole number from 1 to 64/);
  assert.equal(bad.stderr.trim().split("\n").length, 1);
});
