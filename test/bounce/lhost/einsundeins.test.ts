/** 1&1 bounces (einsundeins.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("einsundeins: the size-limit sentence after 'For the following reason:'", async () => {
  const { bounces } = await analyzeMail(fixture("einsundeins-size.eml"), "einsundeins-size.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "einsundeins");
  assert.equal(bounces[0].recipient, "shiro@example.eu");
  assert.equal(bounces[0].status, "5.0.934");
  assert.equal(bounces[0].replyCode, "");
  assert.equal(bounces[0].reason, "mesgtoobig");
});
