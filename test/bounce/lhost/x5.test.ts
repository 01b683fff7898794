/** X5 (unknown MTA #5) bounces (x5.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("x5: the delivery-status part inside the wrapped message", async () => {
  const { bounces } = await analyzeMail(fixture("x5-nested.eml"), "x5-nested.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "x5");
  assert.equal(bounces[0].recipient, "shichiro@example.org");
  assert.equal(bounces[0].status, "5.2.2");
  assert.equal(bounces[0].replyCode, "552");
  assert.equal(bounces[0].reason, "mailboxfull");
});
