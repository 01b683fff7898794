/** BIGLOBE bounces (biglobe.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("biglobe: address under 'delivery problems', the reason under 'Non-delivered information'", async () => {
  const { bounces } = await analyzeMail(fixture("biglobe-filtered.eml"), "biglobe-filtered.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "biglobe");
  assert.equal(bounces[0].recipient, "jiro@xyz.biglobe.ne.jp");
  assert.equal(bounces[0].status, "5.0.910");
  assert.equal(bounces[0].replyCode, "");
  assert.equal(bounces[0].reason, "filtered");
});
