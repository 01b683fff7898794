/** Hand-written headers: hop order and delays, clock skew, raw kept, auth, antispam, findings, bad input. */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { test } from "node:test";
import { analyzeHeaders } from "../../src/headers/analyze.ts";
import { readHeaderBlock } from "../../src/headers/header-block.ts";
import { parseReceived } from "../../src/headers/received.ts";
import { REPO_ROOT } from "../support/corpus.ts";

const MESSAGE = [
  "Received: from mx.example.net (mx.example.net [192.0.2.10])",
  "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))",
  "\tby mail.example.org (Postfix) with ESMTPS id 4AB12C0123",
  "\tfor <user@example.org>; Mon,  6 May 2024 10:15:42 +0900 (JST)",
  "Received: from sender.example.com (sender.example.com [198.51.100.7])",
  "\tby mx.example.net with ESMTP id 1s3x9A-000abc-7Q",
  "\tfor user@example.org; Mon, 06 May 2024 01:02:11 +0000",
  "Received: from client.example.com ([203.0.113.5] helo=laptop)",
  "\tby sender.example.com with esmtpsa (TLS1.3) tls TLS_AES_128_GCM_SHA256",
  "\t(Exim 4.96) id 1s3x99-0001Ab-2c; Mon, 06 May 2024 01:02:30 +0000",
  "Received: this is not a received header at all",
  "Authentication-Results: mail.example.org; spf=fail (sender IP is 198.51.100.7) smtp.mailfrom=example.com;",
  " dkim=pass header.d=example.com header.s=sel1; dmarc=fail (p=REJECT sp=NONE) header.from=example.com",
  "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel1; h=From:To:Subject; bh=abc=; b=def=",
  "X-Forefront-Antispam-Report: CIP:198.51.100.7;CTRY:JP;SCL:6;SFV:SPM;CAT:HPHSH;DIR:INB;SFP:;",
  "X-Microsoft-Antispam: BCL:8;",
  "X-Spamd-Result: default: True [16.20 / 15.00]; R_SPF_FAIL(1.00)[-all]; BAYES_SPAM(5.10)[99.9%]",
  "X-Rspamd-Action: reject",
  "X-Spam-Flag: YES",
  "Subject: test",
  "",
  "body",
].join("\r\n");

test("hops come oldest first with delays, clock skew and the unreadable header kept raw", () => {
  const a = analyzeHeaders(MESSAGE, { lang: "en" });
  assert.equal(a.hops.length, 4);
  const [garbage, first, second, third] = a.hops;
  assert.equal(garbage.parsed, false);
  assert.match(garbage.raw, /not a received header/);
  assert.equal(first.from?.name, "client.example.com");
  assert.equal(first.from?.helo, "laptop");
  assert.equal(first.from?.ip, "203.0.113.5");
  assert.equal(first.with?.protocol, "ESMTPSA");
  assert.equal(first.with?.tlsVersion, "TLSv1.3");
  assert.equal(second.from?.reverseName, "sender.example.com");
  assert.equal(second.with?.tls, false);
  assert.equal(second.delaySeconds, -19); // 01:02:11 after 01:02:30: clock skew
  assert.equal(second.clockSkew, true);
  assert.equal(third.delaySeconds, 811); // 10:15:42 +0900 = 01:15:42Z
  assert.equal(third.with?.cipher, "TLS_AES_256_GCM_SHA384");
  assert.equal(third.for, "user@example.org");
  assert.equal(a.totalDelaySeconds, 792);
  const codes = a.findings.map((f) => f.code);
  for (const c of ["headers.unparsed-received", "headers.clock-skew", "headers.slow-hop", "headers.no-tls", "headers.spf-fail", "headers.dkim-pass", "headers.dmarc-fail", "headers.spam-filtered"]) {
    assert.ok(codes.includes(c), `finding ${c}`);
  }
  const slow = a.findings.find((f) => f.code === "headers.slow-hop");
  assert.match(slow?.message ?? "", /Hop 4 took 13 min 31 s.*mx\.example\.net.*mail\.example\.org/);
  const skew = a.findings.find((f) => f.code === "headers.clock-skew");
  assert.match(skew?.message ?? "", /-19 s/);
});

test("authentication fields", () => {
  const a = analyzeHeaders(MESSAGE);
  assert.deepEqual([a.auth.spf?.result, a.auth.spf?.domain], ["fail", "example.com"]);
  assert.deepEqual(a.auth.dkim.map((d) => [d.result, d.domain, d.selector]), [["pass", "example.com", "sel1"]]);
  assert.deepEqual([a.auth.dmarc?.result, a.auth.dmarc?.policy], ["fail", "reject"]);
  assert.deepEqual(a.auth.dkimSignatures.map((s) => [s.domain, s.selector]), [["example.com", "sel1"]]);
});

test("antispam vocabularies decode into words in both languages", () => {
  const en = analyzeHeaders(MESSAGE, { lang: "en" }).antispam;
  const ja = analyzeHeaders(MESSAGE, { lang: "ja" }).antispam;
  assert.deepEqual(en.filteredBy.sort(), ["generic", "microsoft", "rspamd"]);
  const cat = en.microsoft?.fields.find((f) => f.key === "CAT");
  assert.equal(cat?.meaning, "High confidence phishing");
  assert.equal(ja.microsoft?.fields.find((f) => f.key === "CAT")?.meaning, "高確度フィッシング");
  assert.equal(en.microsoft?.fields.find((f) => f.key === "BCL")?.meaning, "Bulk sender with many complaints");
  assert.equal(en.microsoft?.unparsed, "SFP:;");
  assert.equal(en.rspamd?.score, 16.2);
  assert.deepEqual(en.rspamd?.rules.map((r) => r.name), ["R_SPF_FAIL", "BAYES_SPAM"]);
  assert.match(ja.rspamd?.fields.find((f) => f.key === "action")?.meaning ?? "", /拒否/);
});

test("SpamAssassin status with folded test list and report", () => {
  const a = analyzeHeaders(
    "X-Spam-Status: No, score=-0.9 required=5.0 tests=BAYES_00,\n\tDKIM_SIGNED,SPF_PASS autolearn=ham version=3.4.6\nX-Spam-Report: \n\t* -1.9 BAYES_00 BODY: Bayes spam probability is 0 to 1%\n\t*  0.1 DKIM_SIGNED Message has a DKIM signature\n",
  ).antispam;
  assert.equal(a.spamassassin?.spam, false);
  assert.equal(a.spamassassin?.score, -0.9);
  assert.deepEqual(a.spamassassin?.rules.map((r) => [r.name, r.score]), [["BAYES_00", -1.9], ["DKIM_SIGNED", 0.1], ["SPF_PASS", null]]);
  assert.equal(a.spamFiltered, false);
});

test("pasted header text whose continuation lines lost their indentation", () => {
  const pasted = [
    "Received: from a.example.com (a.example.com [192.0.2.1]) by",
    "b.example.net (Postfix) with ESMTP id ABC123 for <x@example.net>; Tue, 7 May",
    "2024 09:00:00 +0000",
    "Authentication-Results: b.example.net; spf=pass",
    "smtp.mailfrom=example.com",
  ].join("\n");
  const a = analyzeHeaders(pasted);
  assert.equal(a.hops.length, 1);
  assert.equal(a.hops[0].by?.host, "b.example.net");
  assert.equal(a.hops[0].time, "2024-05-07T09:00:00.000Z");
  assert.equal(a.auth.spf?.domain, "example.com");
  assert.ok(a.input.repairedLines >= 2);
});

test("Received variants: Microsoft, qmail, Postfix local pickup, no semicolon", () => {
  const ms = parseReceived("from AB1PR01MB1.eurprd01.prod.outlook.com (2603:10a6:20b:1::1) by AB2PR01MB2.eurprd01.prod.outlook.com\n (2603:10a6:20b:2::2) with Microsoft SMTP Server (version=TLS1_2,\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7544.41; Tue, 7 May 2024\n 09:00:01 +0000");
  assert.equal(ms.from?.ip, "2603:10a6:20b:1::1");
  assert.equal(ms.by?.ip, "2603:10a6:20b:2::2");
  assert.deepEqual([ms.with?.protocol, ms.with?.tls, ms.with?.tlsVersion], ["SMTP", true, "TLSv1.2"]);
  const q = parseReceived("(qmail 4242 invoked by uid 89); 7 May 2024 09:00:00 -0000");
  assert.equal(q.from, null);
  assert.equal(q.date?.epochMs, Date.UTC(2024, 4, 7, 9));
  const pickup = parseReceived("by host.example.jp (Postfix, from userid 1000)\n\tid 0D1E2F; Tue,  7 May 2024 18:00:00 +0900 (JST)");
  assert.deepEqual([pickup.by?.host, pickup.id, pickup.from], ["host.example.jp", "0D1E2F", null]);
  const sg = parseReceived("by filter0001.example.net with SMTP id abc-1\n 2024-05-07 09:00:00.123456 +0000 UTC");
  assert.equal(sg.date?.epochMs, Date.UTC(2024, 4, 7, 9, 0, 0, 123));
});

test("garbage input: one clear error, never a crash", () => {
  assert.throws(() => analyzeHeaders(""), /no header fields found/);
  assert.throws(() => analyzeHeaders("hello world\nthis is not mail\n"), /no header fields found/);
  assert.throws(() => analyzeHeaders("Subject: x\u0000\u0001"), /binary/);
  const huge = `Received: from a by b; Tue, 7 May 2024 09:00:00 +0000\nX-Pad: ${"x".repeat(2 * 1024 * 1024)}\n`;
  const a = analyzeHeaders(huge);
  assert.equal(a.input.truncated, true);
  assert.ok(a.findings.some((f) => f.code === "headers.truncated"));
  for (const junk of ["Received:\n", "Received: ;\n", "Received: (((\n", "Received: from\n", "Received: by by by for for\n"]) {
    const r = analyzeHeaders(junk);
    assert.equal(r.hops.length, 1);
  }
});

test("CLI: json names, text in ja, and a bad file gives one line and a non-zero exit", () => {
  const bin = `${REPO_ROOT}/bin/mailtrace`;
  const json = JSON.parse(execFileSync(bin, ["headers", "--format", "json", "-"], { input: MESSAGE, encoding: "utf8" }));
  for (const k of ["hops", "totalDelaySeconds", "auth", "antispam", "findings"]) assert.ok(k in json, k);
  for (const k of ["index", "from", "by", "with", "id", "for", "time", "delaySeconds"]) assert.ok(k in json.hops[1], `hop.${k}`);
  for (const k of ["spf", "dkim", "dmarc", "arc"]) assert.ok(k in json.auth, `auth.${k}`);
  const text = execFileSync(bin, ["headers", "--lang", "ja", "-"], { input: MESSAGE, encoding: "utf8" });
  assert.match(text, /配送経路/);
  assert.match(text, /時計のずれ/);
  const bad = spawnSync(bin, ["headers", "-"], { input: "not a mail\n", encoding: "utf8" });
  assert.notEqual(bad.status, 0);
  assert.equal(bad.stderr.trim().split("\n").length, 1);
  assert.match(bad.stderr, /^mailtrace: no header fields found/);
});

test("header block stops at the body and keeps raw folding", () => {
  const b = readHeaderBlock("Subject: a\n b\nReceived: x\n\nBody: not a header\n");
  assert.deepEqual(b.fields.map((f) => f.name), ["Subject", "Received"]);
  assert.equal(b.fields[0].raw, "a\n b");
  assert.equal(b.fields[0].value, "a b");
  assert.ok(b.bodyOffset > 0);
});
