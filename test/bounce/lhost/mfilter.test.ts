/** m-FILTER (mfilter.ts) bounces on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("mfilter: server message and SMTP command sections", async () => {
  const { bounces } = await analyzeMail(fixture("mfilter-data.eml"), "mfilter-data.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "mfilter");
  assert.equal(bounces[0].recipient, "rokuro@example.jp");
  assert.equal(bounces[0].status, "5.1.1");
  assert.equal(bounces[0].replyCode, "550");
  assert.equal(bounces[0].reason, "userunknown");
  assert.equal(bounces[0].action, "failed");
  assert.equal(bounces[0].smtpCommand, "RCPT");
});
