/** Domino (domino.ts) bounces on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("domino: 'was not delivered to:' and 'because:'", async () => {
  const { bounces } = await analyzeMail(fixture("domino-unlisted.eml"), "domino-unlisted.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "domino");
  assert.equal(bounces[0].recipient, "kuro@domino.example.jp");
  assert.equal(bounces[0].status, "5.0.911");
  assert.equal(bounces[0].replyCode, "");
  assert.equal(bounces[0].reason, "userunknown");
  assert.equal(bounces[0].action, "failed");
});
