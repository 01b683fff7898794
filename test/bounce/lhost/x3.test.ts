/** X3 (unknown MTA #3) bounces (x3.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("x3: '  * addr' and the SMTP:RCPT technical detail", async () => {
  const { bounces } = await analyzeMail(fixture("x3-rcpt.eml"), "x3-rcpt.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "x3");
  assert.equal(bounces[0].recipient, "rokuro@example.com");
  assert.equal(bounces[0].status, "5.1.1");
  assert.equal(bounces[0].replyCode, "550");
  assert.equal(bounces[0].reason, "userunknown");
  assert.equal(bounces[0].smtpCommand, "RCPT");
});
