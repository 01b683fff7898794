/**
 * --smtp-probe against a real Postfix (test/support/postfix.ts) found through the real DNS
 * server: RCPT TO is answered, nothing is delivered, a dead MX is skipped.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { checkAddress } from "../../src/address/check.ts";
import { DnsResolver } from "../../src/dns/resolver.ts";
import { REPO_ROOT } from "../support/corpus.ts";
import { type RunningDnsServer, startDnsServer } from "../support/dns-server.ts";
import { type PostfixInstance, startPostfix } from "../support/postfix.ts";

let dns: RunningDnsServer;
let pf: PostfixInstance;
before(async () => {
  pf = await startPostfix({ name: "probe", address: "127.0.0.2", domain: "probe.test", users: ["alice", "postmaster"] });
  dns = await startDnsServer({
    zones: {
      "probe.test": ["probe.test. 300 IN MX 10 mx.probe.test.", "mx.probe.test. 300 IN A 127.0.0.2"],
      // The preferred MX has nothing listening: the probe must go on to the second one.
      "fallback.test": [
        "fallback.test. 300 IN MX 10 dead.fallback.test.",
        "fallback.test. 300 IN MX 20 mx.probe.test.",
        "dead.fallback.test. 300 IN A 127.0.0.4",
      ],
    },
  });
});
after(async () => {
  await pf?.stop();
  await dns?.stop();
});

test("RCPT TO accepted for a mailbox, 550 5.1.1 for an unknown one, nothing delivered", async () => {
  const resolver = new DnsResolver({ server: dns.server, timeoutMs: 2000 });
  const ok = await checkAddress("alice@probe.test", { lang: "en", resolver, probe: { port: pf.port, timeoutMs: 10_000 } });
  assert.equal(ok.probe?.stage, "rcpt", JSON.stringify(ok.probe));
  assert.equal(ok.probe?.accepted, true);
  assert.equal(ok.probe?.code, 250);
  assert.equal(ok.probe?.exchange, "mx.probe.test");
  const codes = ok.diagnoses.map((d) => d.code);
  assert.ok(codes.includes("address.probe-warning"), "the plain warning is always there");
  assert.ok(codes.includes("address.probe-accepted"));

  const unknown = await checkAddress("nobody@probe.test", { lang: "ja", resolver, probe: { port: pf.port, timeoutMs: 10_000 } });
  assert.equal(unknown.probe?.accepted, false);
  assert.equal(unknown.probe?.code, 550);
  assert.equal(unknown.probe?.enhanced, "5.1.1");
  assert.match(unknown.diagnoses.find((d) => d.code === "address.probe-refused")?.message ?? "", /拒否しました: 550 5\.1\.1/);

  await pf.waitForLog(/NOQUEUE: reject: RCPT from .*550 5\.1\.1 <nobody@probe\.test>/);
  assert.deepEqual(pf.mailbox("alice"), [], "a probe delivers nothing");
  assert.doesNotMatch(pf.log(), /status=sent/);
});

test("an MX that does not answer is skipped; the CLI prints the warning and the probe in JSON", async () => {
  const r = spawnSync(
    join(REPO_ROOT, "bin/mailtrace"),
    ["check", "address", "--smtp-probe", "--smtp-port", String(pf.port), "--dns-server", dns.server, "--format", "json", "--lang", "en", "alice@fallback.test"],
    { encoding: "utf8", timeout: 60_000, env: { ...process.env, MAILTRACE_DNS_SERVER: "" } },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /many servers accept every recipient/);
  const [report] = JSON.parse(r.stdout);
  assert.equal(report.domain.mx.length, 2);
  assert.equal(report.probe.exchange, "mx.probe.test");
  assert.equal(report.probe.accepted, true);
});
