import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { checkDkim } from "../../src/dns/dkim.ts";
import { checkDmarc } from "../../src/dns/dmarc.ts";
import { checkDomain } from "../../src/dns/domain-check.ts";
import type { RawFinding } from "../../src/dns/finding.ts";
import { checkTlsRpt, type PolicyFetcher } from "../../src/dns/mta-sts.ts";
import { checkMailDomain } from "../../src/dns/mx.ts";
import { DnsResolver } from "../../src/dns/resolver.ts";
import { checkSpf } from "../../src/dns/spf-check.ts";
import { type RunningDnsServer, startDnsServer } from "../support/dns-server.ts";
import { testZones } from "./zones.ts";

let dns: RunningDnsServer;
let resolver: DnsResolver;
before(async () => {
  dns = await startDnsServer(testZones());
  resolver = new DnsResolver({ server: dns.server, timeoutMs: 700 });
});
after(async () => {
  await dns?.stop();
});

const codes = (f: RawFinding[]) => f.map((x) => x.code);
const noFetch: PolicyFetcher = async () => {
  throw new Error("no policy server in this test");
};

test("MX set in preference order with each host's addresses", async () => {
  const m = await checkMailDomain(resolver, "good.test");
  assert.equal(m.exists, true);
  assert.deepEqual(
    m.mx.map((x) => [x.preference, x.exchange, x.addresses]),
    [
      [10, "mx1.good.test", ["192.0.2.11"]],
      [20, "mx2.good.test", ["192.0.2.12", "2001:db8::12"]],
    ],
  );
  assert.equal(m.nullMx, false);
  assert.equal(m.implicitMx, false);
});

test("null MX, implicit MX, no mail host, dead MX, missing domain, server failures", async () => {
  const nullMx = await checkMailDomain(resolver, "nullmx.test");
  assert.equal(nullMx.nullMx, true);
  assert.ok(codes(nullMx.findings).includes("domain.null-mx"));

  const aOnly = await checkMailDomain(resolver, "aonly.test");
  assert.equal(aOnly.implicitMx, true);
  assert.deepEqual(aOnly.implicitAddresses, ["192.0.2.80"]);

  const noMail = await checkMailDomain(resolver, "nomail.test");
  assert.equal(noMail.exists, true);
  assert.ok(codes(noMail.findings).includes("domain.no-mail-host"));

  const dead = await checkMailDomain(resolver, "deadmx.test");
  assert.deepEqual(codes(dead.findings), ["domain.mx-unresolvable", "domain.no-usable-mx"]);

  const missing = await checkMailDomain(resolver, "missing.test");
  assert.equal(missing.exists, false);
  assert.deepEqual(codes(missing.findings), ["domain.nxdomain"]);

  for (const [name, status] of [["broken.test", "servfail"], ["slow.test", "timeout"], ["nope.test", "refused"]]) {
    const r = await checkMailDomain(resolver, name);
    assert.equal(r.exists, null, name);
    assert.equal(r.findings[0].code, "domain.lookup-failed");
    assert.equal(r.findings[0].params?.status, status);
  }
});

test("SPF: includes followed and counted, evaluation through mailauth with our resolver", async () => {
  const s = await checkSpf(resolver, "good.test", "198.51.100.7");
  assert.equal(s.record, "v=spf1 ip4:192.0.2.0/24 include:_spf.provider.test -all");
  assert.equal(s.lookups, 1);
  assert.deepEqual(s.records["_spf.provider.test"], ["v=spf1 ip4:198.51.100.0/24 ~all"]);
  // Matched inside the include (RFC 7208 5.2: the include matches when its record passes).
  assert.equal(s.evaluation?.result, "pass");
  assert.equal((await checkSpf(resolver, "good.test", "192.0.2.200")).evaluation?.result, "pass");
  assert.equal((await checkSpf(resolver, "good.test", "203.0.113.1")).evaluation?.result, "fail");
  assert.ok(codes(s.findings).includes("domain.spf-ok"));
});

test("SPF problems: loop, too many lookups, multiple records, +all, syntax, void lookups, include without record", async () => {
  const loop = await checkSpf(resolver, "loop.test");
  assert.ok(codes(loop.findings).includes("domain.spf-loop"));

  const many = await checkSpf(resolver, "many.test", "203.0.113.11");
  assert.equal(many.lookups, 11);
  assert.ok(codes(many.findings).includes("domain.spf-too-many-lookups"));
  assert.equal(many.evaluation?.result, "permerror", "receivers give permerror past 10 lookups");

  const multi = await checkSpf(resolver, "multi.test", "192.0.2.1");
  assert.ok(codes(multi.findings).includes("domain.spf-multiple"));
  assert.equal(multi.evaluation?.result, "permerror");

  assert.ok(codes((await checkSpf(resolver, "plusall.test")).findings).includes("domain.spf-plus-all"));

  const bad = await checkSpf(resolver, "badsyntax.test");
  const syntax = bad.findings.filter((f) => f.code === "domain.spf-syntax").map((f) => String(f.params?.error));
  assert.equal(syntax.length, 2);
  assert.match(syntax[0], /ip4:999\.1\.1\.1/);
  assert.match(syntax[1], /foo:bar/);

  const voids = await checkSpf(resolver, "void.test");
  assert.equal(voids.voidLookups, 3);
  assert.ok(codes(voids.findings).includes("domain.spf-too-many-void"));

  assert.ok(codes((await checkSpf(resolver, "noinclude.test")).findings).includes("domain.spf-include-without-record"));
  assert.ok(codes((await checkSpf(resolver, "aonly.test")).findings).includes("domain.spf-none"));
  const failed = await checkSpf(resolver, "slow.test", "192.0.2.1");
  assert.equal(failed.findings[0].code, "domain.lookup-failed");
  assert.equal(failed.evaluation?.result, "temperror");
});

test("DMARC: policy, alignment, report addresses and their authorization, errors, org-domain fallback", async () => {
  const good = await checkDmarc(resolver, "good.test");
  assert.equal(good.policy, "reject");
  assert.equal(good.adkim, "s");
  assert.deepEqual(good.rua, ["mailto:dmarc@good.test"]);
  assert.ok(codes(good.findings).includes("domain.dmarc-policy-reject"));

  assert.ok(codes((await checkDmarc(resolver, "dmarcnone.test")).findings).includes("domain.dmarc-policy-none"));
  const bad = codes((await checkDmarc(resolver, "dmarcbad.test")).findings);
  for (const c of ["domain.dmarc-bad-policy", "domain.dmarc-bad-pct", "domain.dmarc-bad-alignment"]) assert.ok(bad.includes(c), c);

  const ext = await checkDmarc(resolver, "dmarcext.test");
  assert.equal(ext.pct, 50);
  const unauthorized = ext.findings.filter((f) => f.code === "domain.dmarc-external-unauthorized").map((f) => f.params?.target);
  assert.deepEqual(unauthorized, ["reports.other.test"], "reports.allowed.test published its consent");

  const sub = await checkDmarc(resolver, "sub.good.test");
  assert.equal(sub.name, "_dmarc.good.test");
  assert.ok(codes(sub.findings).includes("domain.dmarc-from-org"));
  assert.ok(codes((await checkDmarc(resolver, "aonly.test")).findings).includes("domain.dmarc-none"));
});

test("DKIM: key length, revoked, test mode, missing selector", async () => {
  const k = await checkDkim(resolver, "good.test", "sel1");
  assert.equal(k.bits, 2048);
  assert.equal(k.findings[0].code, "domain.dkim-ok");
  const short = await checkDkim(resolver, "good.test", "short");
  assert.equal(short.bits, 1024);
  assert.ok(codes(short.findings).includes("domain.dkim-short-key"));
  assert.ok(codes((await checkDkim(resolver, "good.test", "revoked")).findings).includes("domain.dkim-revoked"));
  assert.ok(codes((await checkDkim(resolver, "good.test", "testing")).findings).includes("domain.dkim-testing"));
  assert.ok(codes((await checkDkim(resolver, "good.test", "nosuch")).findings).includes("domain.dkim-none"));
});

test("TLS-RPT and provider recognition", async () => {
  const t = await checkTlsRpt(resolver, "good.test");
  assert.deepEqual(t.rua, ["mailto:tls@good.test"]);
  assert.ok(codes((await checkTlsRpt(resolver, "aonly.test")).findings).includes("domain.tlsrpt-none"));
  const o365 = await checkDomain(resolver, "contoso.test", { fetcher: noFetch });
  assert.deepEqual(o365.providers, ["Microsoft 365 (Exchange Online)"]);
  assert.deepEqual(o365.mail.mx[0].addresses, ["192.0.2.99"]);
});

test("a whole domain report never throws, even when every lookup fails", async () => {
  const r = await checkDomain(resolver, "x.slow.test", { ip: "192.0.2.1", selectors: ["s1"], fetcher: noFetch });
  assert.ok(r.findings.length >= 5);
  assert.ok(r.findings.every((f) => f.code === "domain.lookup-failed" || f.code.startsWith("domain.spf-result-")));
});
