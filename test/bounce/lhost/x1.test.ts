/** X1 (unknown MTA #1) bounces (x1.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("x1: 'addr [error]' lines under the delivery-errors ruler", async () => {
  const { bounces } = await analyzeMail(fixture("x1-userunknown.eml"), "x1-userunknown.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "x1");
  assert.equal(bounces[0].recipient, "goro@example.co.jp");
  assert.equal(bounces[0].status, "5.0.910");
  assert.equal(bounces[0].replyCode, "");
  assert.equal(bounces[0].reason, "filtered");
});
