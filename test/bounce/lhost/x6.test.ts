/** X6 (unknown MTA #6) bounces (x6.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("x6: 'SMTP Server <host> rejected recipient <addr>' with the reply in brackets", async () => {
  const { bounces } = await analyzeMail(fixture("x6-rcpt.eml"), "x6-rcpt.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "x6");
  assert.equal(bounces[0].recipient, "hachiro@example.org");
  assert.equal(bounces[0].status, "5.1.1");
  assert.equal(bounces[0].replyCode, "550");
  assert.equal(bounces[0].reason, "userunknown");
  assert.equal(bounces[0].smtpCommand, "RCPT");
});
test("x6: remote host, date and the attached header block", async () => {
  const { bounces } = await analyzeMail(fixture("x6-rcpt.eml"), "x6-rcpt.eml");
  assert.equal(bounces[0].remoteMta, "mx.example.org");
  assert.equal(bounces[0].timestamp, "2025-03-14T15:59:00.000Z");
  assert.equal(bounces[0].origin.messageId, "x6-orig-1@example.jp");
});
