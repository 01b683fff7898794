/** Lotus Notes (notes.ts) bounces on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("notes: the address after its failure reason", async () => {
  const { bounces } = await analyzeMail(fixture("notes-unlisted.eml"), "notes-unlisted.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "notes");
  assert.equal(bounces[0].recipient, "shiro@notes.example.jp");
  assert.equal(bounces[0].status, "5.0.911");
  assert.equal(bounces[0].replyCode, "");
  assert.equal(bounces[0].reason, "userunknown");
  assert.equal(bounces[0].action, "failed");
});
