/** `mailtrace bounce` end to end: bin/mailtrace on hand-written fixtures, stdin, bad paths. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { REPO_ROOT } from "../support/corpus.ts";

const fixtures = join(REPO_ROOT, "test/bounce/fixtures");

function run(args: string[], input?: string) {
  const r = spawnSync(join(REPO_ROOT, "bin/mailtrace"), ["bounce", ...args], { encoding: "utf8", input, env: { ...process.env, LANG: "C" }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("bounce --format json: the fixed field names, a note for a mail that is no bounce", () => {
  const r = run(["--format", "json", join(fixtures, "postfix-userunknown.eml"), join(fixtures, "not-a-bounce.eml")]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.bounces.length, 1);
  const b = out.bounces[0];
  for (const k of ["file", "recipient", "addresser", "status", "replyCode", "reason", "hardBounce", "action", "diagnosticCode", "diagnosticType", "smtpCommand", "remoteMta", "reportingMta", "mta", "origin", "timestamp", "explanation"]) {
    assert.ok(k in b, `field ${k}`);
  }
  assert.deepEqual([b.recipient, b.status, b.replyCode, b.reason, b.hardBounce, b.smtpCommand], ["nobody@rcpt.mailtrace.test", "5.1.1", "550", "userunknown", true, "RCPT"]);
  assert.equal(b.explanation.responsible, "sender");
  assert.ok(JSON.stringify(out).includes("not-a-bounce"), "the ordinary mail is reported as no bounce");
});

test("bounce from stdin in Japanese; an unreadable path is one line and the batch goes on", () => {
  const ja = run(["--lang", "ja", "-"], readFileSync(join(fixtures, "postfix-userunknown.eml"), "utf8"));
  assert.equal(ja.code, 0, ja.stderr);
  assert.match(ja.stdout, /宛先: nobody@rcpt\.mailtrace\.test/);
  const bad = run(["--format", "json", "/nonexistent/x.eml", join(fixtures, "postfix-userunknown.eml")]);
  assert.notEqual(bad.code, 0);
  assert.equal(bad.stderr.trim().split("\n").length, 1);
  assert.match(bad.stderr, /^mailtrace: .*\/nonexistent\/x\.eml/);
  assert.equal(JSON.parse(bad.stdout).bounces.length, 1, "the readable file is still analysed");
  assert.doesNotMatch(bad.stderr, /\n\s+at /, "no stack trace");
});
