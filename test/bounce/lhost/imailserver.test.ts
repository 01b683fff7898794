/** IMail Server (imailserver.ts) bounces on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("imailserver: 'Delivery failed N attempts' means the retries ran out", async () => {
  const { bounces } = await analyzeMail(fixture("imailserver-expired.eml"), "imailserver-expired.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "imailserver");
  assert.equal(bounces[0].recipient, "kyuro@example.jp");
  assert.equal(bounces[0].status, "5.0.947");
  assert.equal(bounces[0].replyCode, "");
  assert.equal(bounces[0].reason, "expired");
  assert.equal(bounces[0].action, "failed");
});
