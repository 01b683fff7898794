/** GMX bounces (gmx.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("gmx: two quoted recipients: an SMTP refusal after RCPT and a retry timeout", async () => {
  const { bounces } = await analyzeMail(fixture("gmx-two.eml"), "gmx-two.eml");
  assert.equal(bounces.length, 2);
  assert.equal(bounces[0].mta, "gmx");
  assert.equal(bounces[0].recipient, "ichiro@example.org");
  assert.equal(bounces[0].status, "5.1.1");
  assert.equal(bounces[0].replyCode, "");
  assert.equal(bounces[0].reason, "userunknown");
  assert.equal(bounces[0].smtpCommand, "RCPT");
  assert.equal(bounces[1].mta, "gmx");
  assert.equal(bounces[1].recipient, "saburo@example.net");
  assert.match(bounces[1].status, /^[45]\.0\.947$/);
  assert.equal(bounces[1].replyCode, "");
  assert.equal(bounces[1].reason, "expired");
});
test("gmx: remote host and the original header", async () => {
  const { bounces } = await analyzeMail(fixture("gmx-two.eml"), "gmx-two.eml");
  assert.equal(bounces[0].remoteMta, "mx1.example.org");
  assert.equal(bounces[0].origin.messageId, "gmx-orig-1@example.jp");
});
