/**
 * End to end: real Received headers (issue 6). A message goes through two real Postfix
 * instances on loopback (test/support/postfix.ts) and is delivered to a Maildir; the header
 * analyzer (library and `bin/mailtrace headers`) must read the route as it happened.
 *
 *   client 127.0.0.9 --swaks EHLO--> out (127.0.0.3, out.sender.test)
 *     --relayhost, HELO only (smtp_never_send_ehlo)--> mx (127.0.0.2, mx.example.test) --> alice's Maildir
 *
 * So hop 1 is "with ESMTP" and hop 2 "with SMTP", neither with TLS; the queue IDs in the
 * headers are the ones both logs show. Every hop comes from a loopback address, which the
 * analyzer treats as one host passing mail to itself: no "hop without TLS" finding.
 */
import assert from "node:assert/strict";
import { mailtrace } from "../support/cli.ts";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { analyzeHeaders, type HeaderAnalysis } from "../../src/headers/analyze.ts";
import { instancePids, type PostfixInstance, type SendResult, skipUnlessPostfix, startPostfix } from "../support/postfix.ts";



describe("Postfix end to end: real Received headers -> header analyzer and CLI", { timeout: 60_000, skip: skipUnlessPostfix() }, () => {
  let mx: PostfixInstance;
  let out: PostfixInstance;
  let sent: SendResult;
  /** Queue IDs as the logs tell them: out's (hop 1), mx's (hop 2). */
  let outId: string;
  let mxId: string;
  let file: string;
  let message: string;

  before(async () => {
    mx = await startPostfix({ name: "mx", address: "127.0.0.2", domain: "example.test", users: ["alice", "postmaster"] });
    out = await startPostfix({
      name: "out",
      address: "127.0.0.3",
      domain: "sender.test",
      users: ["postmaster"],
      syslogName: "postfix-out",
      main: { relayhost: mx.nexthop, smtp_never_send_ehlo: "yes" },
    });
    sent = await out.send({ from: "carol@sender.test", to: "alice@example.test", subject: "e2e headers", helo: "client.example.test", clientAddress: "127.0.0.9" });
    assert.equal(sent.code, 0, sent.transcript);
    outId = sent.queueId as string;
    const relayed = await out.waitForLog(new RegExp(`postfix-out/smtp\\[\\d+\\]: ${outId}: to=<alice@example\\.test>, relay=127\\.0\\.0\\.2\\[127\\.0\\.0\\.2\\]:${mx.port}, .*status=sent \\(250 2\\.0\\.0 Ok: queued as ([0-9A-F]+)\\)`));
    mxId = /queued as ([0-9A-F]+)/.exec(relayed)?.[1] as string;
    await mx.waitForLog(new RegExp(`postfix/virtual\\[\\d+\\]: ${mxId}: to=<alice@example\\.test>, relay=virtual, .*status=sent`));
    await out.waitForQueueEmpty();
    await mx.waitForQueueEmpty();
    const dir = join(mx.maildir("alice"), "new");
    const files = readdirSync(dir);
    assert.equal(files.length, 1, `one delivered message: ${files.join(", ")}`);
    file = join(dir, files[0]);
    message = readFileSync(file, "utf8");
  });

  after(async () => {
    await out?.stop();
    await mx?.stop();
  });

  test("the logs name the queue IDs and the client addresses", () => {
    assert.match(out.log(), new RegExp(`postfix-out/smtpd\\[\\d+\\]: ${outId}: client=unknown\\[127\\.0\\.0\\.9\\]`));
    assert.match(mx.log(), new RegExp(`postfix/smtpd\\[\\d+\\]: ${mxId}: client=unknown\\[127\\.0\\.0\\.3\\]`));
    assert.notEqual(outId, mxId);
    assert.match(message, new RegExp(`^Message-Id: ${sent.messageId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    assert.equal(message.match(/^Received:/gm)?.length, 2, `two Received headers:\n${message.split("\n\n")[0]}`);
  });

  function checkHops(a: HeaderAnalysis, via: string): void {
    assert.equal(a.hops.length, 2, `${via}: ${JSON.stringify(a.hops, null, 1)}`);
    const [h1, h2] = a.hops;
    // Oldest first: the client's submission to out, then out's relay to mx.
    assert.deepEqual([h1.index, h2.index], [1, 2], via);
    for (const h of a.hops) {
      assert.equal(h.parsed, true, `${via} hop ${h.index}`);
      assert.equal(h.for, "alice@example.test", `${via} hop ${h.index}`);
      assert.equal(h.with?.tls, false, `${via} hop ${h.index}: no TLS`);
      assert.equal(h.with?.tlsVersion, null, via);
      assert.equal(h.clockSkew, false, via);
      // Postfix writes "(unknown [ip])" when it has no reverse name (the harness looks none up).
      assert.equal(h.from?.reverseName, null, `${via} hop ${h.index}: "unknown" is no reverse name`);
      assert.ok(h.time && Math.abs(Date.parse(h.time) - Date.now()) < 10 * 60_000, `${via} hop ${h.index}: time ${h.time} is now`);
    }
    assert.equal(h1.from?.name, "client.example.test", via);
    assert.equal(h1.from?.ip, "127.0.0.9", via);
    assert.equal(h1.by?.host, "out.sender.test", via);
    assert.equal(h1.with?.protocol, "ESMTP", via);
    assert.equal(h1.id, outId, `${via}: hop 1 id is out's queue ID`);
    assert.equal(h2.from?.name, "out.sender.test", via);
    assert.equal(h2.from?.ip, "127.0.0.3", via);
    assert.equal(h2.by?.host, "mx.example.test", via);
    assert.equal(h2.with?.protocol, "SMTP", `${via}: out spoke HELO, not EHLO`);
    assert.equal(h2.id, mxId, `${via}: hop 2 id is mx's queue ID`);
    // The first hop has nothing before it to measure against; the second its time since the first.
    assert.equal(h1.delaySeconds, null, via);
    assert.ok(h2.delaySeconds !== null && h2.delaySeconds >= 0 && h2.delaySeconds < 60, `${via}: hop 2 delay ${h2.delaySeconds}`);
    assert.ok(a.totalDelaySeconds !== null && a.totalDelaySeconds >= 0, `${via}: total ${a.totalDelaySeconds}`);
    assert.equal(a.totalDelaySeconds, h2.delaySeconds, via);

    const codes = a.findings.map((f) => f.code);
    assert.ok(codes.includes("headers.total-delay"), `${via}: ${codes.join(", ")}`);
    for (const absent of ["headers.no-tls", "headers.unparsed-received", "headers.undated-received", "headers.clock-skew", "headers.slow-hop", "headers.truncated"]) {
      assert.ok(!codes.includes(absent), `${via}: no ${absent} (${codes.join(", ")})`);
    }
    assert.equal(a.subject, "e2e headers", via);
    assert.equal(a.messageId, sent.messageId, via);
    assert.equal(a.input.hasBody, true, via);
  }

  test("library: analyzeHeaders on the delivered message", () => {
    checkHops(analyzeHeaders(message, { lang: "en" }), "library");
  });

  test("CLI: mailtrace headers --format json on the Maildir file, en and ja", async () => {
    const byLang: Record<string, HeaderAnalysis> = {};
    for (const lang of ["en", "ja"]) {
      const r = await mailtrace(["headers", "--format", "json", "--lang", lang, file]);
      assert.equal(r.code, 0, r.stderr);
      byLang[lang] = JSON.parse(r.stdout) as HeaderAnalysis;
      checkHops(byLang[lang], `cli ${lang}`);
    }
    const text = (a: HeaderAnalysis) => a.findings.find((f) => f.code === "headers.total-delay")?.message;
    assert.notEqual(text(byLang.ja), text(byLang.en), "the ja finding text differs from the en one");
  });

  test("no Postfix process is left once stopped", async () => {
    for (const pf of [out, mx]) {
      await pf.stop();
      assert.deepEqual(instancePids(pf.configDir), [], `${pf.name} left no process`);
    }
  });
});
