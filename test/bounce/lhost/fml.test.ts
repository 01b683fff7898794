/** fml mailing-list notices (fml.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const analyze = async (name: string) => (await analyzeMail(fixture(name), name)).bounces;

test("fml: a post from a non-member is rejected; the list's help text adds no recipient", async () => {
  const b = await analyze("fml-notmember.eml");
  assert.equal(b.length, 1);
  assert.equal(b[0].mta, "fml");
  assert.equal(b[0].recipient, "stranger@example.com");
  assert.equal(b[0].status, "5.0.918");
  assert.equal(b[0].replyCode, "");
  assert.equal(b[0].reason, "rejected");
  assert.equal(b[0].smtpCommand, "");
  assert.equal(b[0].origin.messageId, "hello-0308@example.com");
});
