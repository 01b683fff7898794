/** Active!hunter (activehunter.ts) bounces on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("activehunter: '>>> addr' and the session transcript", async () => {
  const { bounces } = await analyzeMail(fixture("activehunter-unknown.eml"), "activehunter-unknown.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "activehunter");
  assert.equal(bounces[0].recipient, "shichiro@example.jp");
  assert.equal(bounces[0].status, "5.1.1");
  assert.equal(bounces[0].replyCode, "550");
  assert.equal(bounces[0].reason, "userunknown");
  assert.equal(bounces[0].action, "failed");
});
