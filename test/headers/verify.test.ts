/**
 * --verify against a real DNS server (unbound on loopback) serving a DKIM key generated here:
 * a message signed with that key verifies, the same message altered in transit does not.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { test } from "node:test";
import { dkimSign } from "mailauth/lib/dkim/sign.js";
import { DnsResolver } from "../../src/dns/resolver.ts";
import { analyzeAndVerify } from "../../src/headers/analyze.ts";
import { startDnsServer } from "../support/dns-server.ts";

test("--verify: DKIM pass with the published key, fail after tampering", async () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const der = publicKey.export({ type: "spki", format: "der" }).toString("base64");
  const txt = `v=DKIM1; k=rsa; p=${der}`;
  // TXT character-strings are at most 255 bytes each.
  const chunks = txt.match(/.{1,200}/g)?.map((c) => `"${c}"`).join(" ");
  const dns = await startDnsServer({ zones: { "signer.test": [`sel1._domainkey.signer.test. 300 IN TXT ${chunks}`] } });
  try {
    const message = "From: a@signer.test\r\nTo: b@example.test\r\nSubject: hello\r\nDate: Tue, 7 May 2024 09:00:00 +0000\r\nMessage-ID: <1@signer.test>\r\n\r\nHello there.\r\n";
    const signed = await dkimSign(message, { signatureData: [{ signingDomain: "signer.test", selector: "sel1", privateKey: pem }] } as never);
    const full = signed.signatures + message;
    const resolver = new DnsResolver({ server: dns.server }).forMailauth();
    const good = await analyzeAndVerify(full, { lang: "en", resolver });
    assert.deepEqual(good.auth.verified?.dkim.map((d) => [d.domain, d.selector, d.result]), [["signer.test", "sel1", "pass"]]);
    assert.ok(good.findings.some((f) => f.code === "headers.verify-dkim-pass"));
    const bad = await analyzeAndVerify(full.replace("Hello there.", "Hello there!"), { lang: "ja", resolver });
    // mailauth reports a body-hash mismatch as "neutral" (RFC 6376 6.3 leaves it to the verifier); either way not "pass".
    assert.ok(["fail", "neutral"].includes(bad.auth.verified?.dkim[0]?.result ?? ""), bad.auth.verified?.dkim[0]?.result);
    assert.ok(bad.findings.some((f) => f.code === "headers.verify-dkim-fail" && /無効/.test(f.message)));
    const other = await analyzeAndVerify(full.replace("s=sel1", "s=nokey"), { lang: "en", resolver });
    assert.notEqual(other.auth.verified?.dkim[0]?.result, "pass");
  } finally {
    await dns.stop();
  }
});
