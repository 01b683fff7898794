/** au EZweb bounces (ezweb.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("ezweb: the account-disabled sentence states a suspended account", async () => {
  const { bounces } = await analyzeMail(fixture("ezweb-suspend.eml"), "ezweb-suspend.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "ezweb");
  assert.equal(bounces[0].recipient, "taro.suspended@ezweb.ne.jp");
  assert.equal(bounces[0].status, "5.0.921");
  assert.equal(bounces[0].replyCode, "550");
  assert.equal(bounces[0].reason, "suspend");
  assert.equal(bounces[0].smtpCommand, "RCPT");
});

test("ezweb: Recipient:/>>>/<<< transcript refused at RCPT: unknown user", async () => {
  const { bounces } = await analyzeMail(fixture("ezweb-rcpt.eml"), "ezweb-rcpt.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "ezweb");
  assert.equal(bounces[0].recipient, "nobody.here@ezweb.ne.jp");
  assert.equal(bounces[0].status, "5.0.911");
  assert.equal(bounces[0].replyCode, "550");
  assert.equal(bounces[0].reason, "userunknown");
  assert.equal(bounces[0].smtpCommand, "RCPT");
});
test("ezweb: a domain-filter refusal (X-SPASIGN: NG) is filtered", async () => {
  const raw = readFileSync(new URL("../fixtures/ezweb-rcpt.eml", import.meta.url), "utf8").replace("Subject:", "X-SPASIGN: NG\nSubject:");
  const { bounces } = await analyzeMail(new TextEncoder().encode(raw), "spasign.eml");
  assert.equal(bounces[0].reason, "filtered");
});
