/** The `check` commands end to end: bin/mailtrace against the real DNS server. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { REPO_ROOT } from "../support/corpus.ts";
import { type RunningDnsServer, startDnsServer } from "../support/dns-server.ts";
import { testZones } from "./zones.ts";

let dns: RunningDnsServer;
let dir: string;
before(async () => {
  dns = await startDnsServer(testZones());
  dir = mkdtempSync(join(tmpdir(), "mailtrace-check-"));
});
after(async () => {
  await dns?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}, input?: string) {
  const r = spawnSync(join(REPO_ROOT, "bin/mailtrace"), args, {
    encoding: "utf8",
    input,
    env: { ...process.env, MAILTRACE_DNS_SERVER: "", LANG: "C", ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("check address: arguments after --, --input with JSON strings, exact JSON fields", () => {
  const file = join(dir, "addresses.jsonl");
  writeFileSync(file, ['"te\\u0000st@example.jp"', '"taro@example.jp"', "not json", ""].join("\n"));
  const r = run(["check", "address", "--format", "json", "--input", file, "--", "-@a..com", ""]);
  assert.equal(r.code, 1, "a bad input line makes the exit code non-zero, the batch still runs");
  assert.match(r.stderr, /line 3 .*not a JSON string/);
  const out = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
  assert.deepEqual(out.map((x) => x.address), ["-@a..com", "", "te\u0000st@example.jp", "taro@example.jp"]);
  assert.deepEqual(out.map((x) => x.category), ["invalid", "invalid", "invalid", "valid"]);
  for (const x of out) assert.deepEqual(Object.keys(x), ["address", "normalized", "category", "diagnoses", "suggestion", "domain"]);
});

test("check address --dns: MX, null MX, implicit MX, missing domain", () => {
  const r = run(["check", "address", "--dns", "--dns-server", dns.server, "--format", "json", "--lang", "ja", "taro@good.test", "taro@nullmx.test", "taro@aonly.test", "taro@missing.test", "taro@exam_ple.test", "taro@good_test.test"]);
  assert.equal(r.code, 0, r.stderr);
  const [good, nullMx, aOnly, missing, underscore, underscoreNoSuch] = JSON.parse(r.stdout);
  assert.deepEqual(good.domain, {
    exists: true,
    mx: [
      { preference: 10, exchange: "mx1.good.test", addresses: ["192.0.2.11"] },
      { preference: 20, exchange: "mx2.good.test", addresses: ["192.0.2.12", "2001:db8::12"] },
    ],
    nullMx: false,
    implicitMx: false,
  });
  assert.equal(good.category, "valid");
  assert.equal(nullMx.domain.nullMx, true);
  assert.equal(nullMx.category, "invalid");
  assert.equal(aOnly.domain.implicitMx, true);
  assert.equal(missing.domain.exists, false);
  assert.equal(missing.category, "invalid");
  assert.match(missing.diagnoses.find((d: { code: string }) => d.code === "domain.nxdomain").message, /存在しません/);
  assert.equal(underscore.suggestion, "taro@exam-ple.test");
  assert.ok(underscore.diagnoses.some((d: { code: string }) => d.code === "address.suggested-domain-exists"));
  assert.equal(underscoreNoSuch.suggestion, null, "no '-' suggestion when good-test.test does not exist");
});

test("check domain: findings and raw records in JSON; MAILTRACE_DNS_SERVER works like --dns-server", () => {
  const r = run(["check", "domain", "good.test", "--ip", "192.0.2.5", "--selector", "sel1", "--selector", "short", "--format", "json", "--lang", "en"], { MAILTRACE_DNS_SERVER: dns.server });
  assert.equal(r.code, 0, r.stderr);
  const [d] = JSON.parse(r.stdout);
  assert.equal(d.domain, "good.test");
  for (const f of d.findings) {
    assert.deepEqual(Object.keys(f), ["severity", "code", "message"]);
    assert.ok(["ok", "info", "warning", "error"].includes(f.severity));
  }
  const codes = d.findings.map((f: { code: string }) => f.code);
  for (const c of ["domain.mx-ok", "domain.spf-ok", "domain.spf-result-pass", "domain.dmarc-policy-reject", "domain.dkim-ok", "domain.dkim-short-key", "domain.tlsrpt-ok"]) assert.ok(codes.includes(c), c);
  assert.equal(d.records.spf.record, "v=spf1 ip4:192.0.2.0/24 include:_spf.provider.test -all");
  assert.equal(d.records.dmarc.policy, "reject");
  assert.deepEqual(d.records.dkim.map((k: { bits: number }) => k.bits), [2048, 1024]);
  assert.equal(d.records.mtaSts.record, "v=STSv1; id=20261122");
});

test("check domain: failed lookups are findings, text output in Japanese, bad flags are one-line errors", () => {
  const r = run(["check", "domain", "broken.test", "--dns-server", dns.server, "--lang", "ja"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\[エラー\] broken\.test の MX レコードの DNS 問い合わせに失敗しました（servfail/);
  const skipped = run(["check", "domain", "a..b", "aonly.test", "--dns-server", dns.server, "--lang", "en"]);
  assert.equal(skipped.code, 1, "a bad domain argument is reported, the others still checked");
  assert.match(skipped.stderr, /"a\.\.b" is not a domain name/);
  assert.match(skipped.stdout, /^aonly\.test\n/);
  const bad = run(["check", "domain", "good.test", "--dns-server", "dns.example"]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split("\n").length, 1);
  assert.match(bad.stderr, /^mailtrace: --dns-server: "dns.example" is not an IP address/);
});
