/**
 * MTA-STS over real HTTPS: a local server with a self-signed certificate made by openssl for
 * this run, found through the real DNS server (mta-sts.<domain> A 127.0.0.1). Only the port
 * (443 in production) and the trusted CA differ from production; the certificate's host name
 * check, status, content type and policy parsing all run for real.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { checkMtaSts, httpsFetcher, mxMatches, parseMtaStsPolicy } from "../../src/dns/mta-sts.ts";
import { DnsResolver } from "../../src/dns/resolver.ts";
import { type RunningDnsServer, startDnsServer } from "../support/dns-server.ts";
import { testZones } from "./zones.ts";

let dns: RunningDnsServer;
let resolver: DnsResolver;
let https: Server;
let port: number;
let cert: string;
let dir: string;

const POLICIES: Record<string, string> = {
  "mta-sts.good.test": "version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmx: *.good.test\r\nmax_age: 86400\r\n",
  "mta-sts.stsbad.test": "version: STSv1\r\nmode: enforce\r\nmx: mx.stsbad.test\r\nmax_age: 86400\r\n",
};

before(async () => {
  dns = await startDnsServer(testZones());
  resolver = new DnsResolver({ server: dns.server, timeoutMs: 700 });
  dir = mkdtempSync(join(tmpdir(), "mailtrace-sts-"));
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=mta-sts.good.test",
    "-addext", "subjectAltName=DNS:mta-sts.good.test,DNS:mta-sts.stsbad.test",
    "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
  ], { stdio: "ignore" });
  cert = readFileSync(join(dir, "cert.pem"), "utf8");
  https = createServer({ key: readFileSync(join(dir, "key.pem")), cert }, (req, res) => {
    const host = String(req.headers.host ?? "").replace(/:\d+$/, "");
    const body = POLICIES[host];
    if (req.url !== "/.well-known/mta-sts.txt" || !body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/plain" }).end(body);
  });
  await new Promise<void>((r) => https.listen(0, "127.0.0.1", r));
  port = (https.address() as { port: number }).port;
});
after(async () => {
  await new Promise<void>((r) => (https ? https.close(() => r()) : r()));
  await dns?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("policy fetched over HTTPS and checked against the MX hosts", async () => {
  const fetcher = httpsFetcher(resolver, { port, ca: cert });
  const r = await checkMtaSts(resolver, "good.test", ["mx1.good.test", "mx2.good.test"], fetcher);
  assert.equal(r.record, "v=STSv1; id=20261122");
  assert.equal(r.policy?.mode, "enforce");
  assert.deepEqual(r.policy?.mx, ["mx1.good.test", "*.good.test"]);
  assert.equal(r.findings[0].code, "domain.mta-sts-ok");
});

test("MX hosts outside the policy are reported", async () => {
  const r = await checkMtaSts(resolver, "stsbad.test", ["mx.elsewhere.test"], httpsFetcher(resolver, { port, ca: cert }));
  assert.deepEqual(r.findings.map((f) => f.code), ["domain.mta-sts-mx-mismatch"]);
});

test("an untrusted certificate is a failed fetch, not a crash", async () => {
  const r = await checkMtaSts(resolver, "good.test", ["mx1.good.test"], httpsFetcher(resolver, { port }));
  assert.equal(r.findings[0].code, "domain.mta-sts-fetch-failed");
  assert.match(String(r.findings[0].params?.error), /self-signed|certificate/i);
});

test("no record, and policy parsing rules", async () => {
  const r = await checkMtaSts(resolver, "aonly.test", [], httpsFetcher(resolver, { port, ca: cert }));
  assert.deepEqual(r.findings.map((f) => f.code), ["domain.mta-sts-none"]);
  const p = parseMtaStsPolicy("version: STSv1\nmode: sometimes\nmax_age: 99999999999\n");
  assert.equal(p.errors.length, 3);
  assert.ok(mxMatches("mx1.good.test", "*.good.test"));
  assert.ok(!mxMatches("a.mx1.good.test", "*.good.test"), "a wildcard covers one label only");
  assert.ok(!mxMatches("good.test", "*.good.test"));
});
