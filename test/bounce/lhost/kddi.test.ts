/** au by KDDI bounces (kddi.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("kddi: 'As their mailbox is full' after 'Could not be delivered to'", async () => {
  const { bounces } = await analyzeMail(fixture("kddi-mailboxfull.eml"), "kddi-mailboxfull.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "kddi");
  assert.equal(bounces[0].recipient, "hanako@ab12cd.dion.ne.jp");
  assert.equal(bounces[0].status, "5.0.922");
  assert.equal(bounces[0].replyCode, "");
  assert.equal(bounces[0].reason, "mailboxfull");
});
