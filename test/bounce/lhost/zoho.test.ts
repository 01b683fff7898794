/** Zoho bounces (zoho.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("zoho: delay warning '[Status: Error, Address: <addr>, ResponseCode 421, , Host not reachable.]'", async () => {
  const { bounces } = await analyzeMail(fixture("zoho-delay.eml"), "zoho-delay.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "zoho");
  assert.equal(bounces[0].recipient, "kuro@example.co.jp");
  assert.equal(bounces[0].status, "4.0.947");
  assert.equal(bounces[0].replyCode, "421");
  assert.equal(bounces[0].reason, "expired");
});
