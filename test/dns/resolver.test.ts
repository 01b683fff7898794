import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DnsResolver, dnsServerFrom, parseServer } from "../../src/dns/resolver.ts";
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

test("answers and the four kinds of failure are told apart", async () => {
  const mx = await resolver.lookup("good.test", "MX");
  assert.equal(mx.status, "ok");
  assert.deepEqual(mx.records.map((r) => r.exchange).sort(), ["mx1.good.test", "mx2.good.test"]);
  assert.equal((await resolver.lookup("missing.test", "A")).status, "nxdomain");
  assert.equal((await resolver.lookup("aonly.test", "MX")).status, "nodata");
  assert.equal((await resolver.lookup("x.broken.test", "A")).status, "servfail");
  assert.equal((await resolver.lookup("x.nope.test", "A")).status, "refused");
  assert.equal((await resolver.lookup("x.slow.test", "A")).status, "timeout");
  // The server still answers after a timeout and a SERVFAIL.
  assert.equal((await resolver.lookup("aonly.test", "A")).records[0], "192.0.2.80");
});

test("TXT character-strings are joined into one record", async () => {
  const r = await resolver.lookup("sel1._domainkey.good.test", "TXT");
  assert.equal(r.status, "ok");
  assert.equal(r.records.length, 1);
  assert.ok(r.records[0].length > 255, "a 2048-bit key spans several strings");
  assert.match(r.records[0], /^v=DKIM1; k=rsa; p=MII/);
});

test("nothing listening is an error status, not an exception", async () => {
  const dead = new DnsResolver({ server: "127.0.0.1:9", timeoutMs: 300 });
  const r = await dead.lookup("good.test", "A");
  assert.equal(r.status, "unreachable");
});

test("server syntax: HOST, HOST:PORT, [V6]:PORT; bad input is a user error", () => {
  assert.equal(parseServer("127.0.0.1"), "127.0.0.1:53");
  assert.equal(parseServer("127.0.0.1:5353"), "127.0.0.1:5353");
  assert.equal(parseServer("[::1]:5353"), "[::1]:5353");
  assert.equal(parseServer("::1"), "[::1]:53");
  assert.throws(() => parseServer("dns.example"), /not an IP address/);
  assert.throws(() => parseServer("127.0.0.1:99999"), /bad port/);
});

test("MAILTRACE_DNS_SERVER is used when no flag is given", () => {
  const old = process.env.MAILTRACE_DNS_SERVER;
  process.env.MAILTRACE_DNS_SERVER = "192.0.2.53:5300";
  try {
    assert.equal(dnsServerFrom(undefined), "192.0.2.53:5300");
    assert.equal(dnsServerFrom("127.0.0.1"), "127.0.0.1");
  } finally {
    if (old === undefined) delete process.env.MAILTRACE_DNS_SERVER;
    else process.env.MAILTRACE_DNS_SERVER = old;
  }
});
