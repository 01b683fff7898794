/** Verizon bounces (verizon.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("verizon: recipient from the RCPT TO of 'Message details:'", async () => {
  const { bounces } = await analyzeMail(fixture("verizon-details.eml"), "verizon-details.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "verizon");
  assert.equal(bounces[0].recipient, "5550100@vtext.com");
  assert.equal(bounces[0].status, "5.0.911");
  assert.equal(bounces[0].replyCode, "550");
  assert.equal(bounces[0].reason, "userunknown");
});
