/** Postfix bounces without a delivery-status part (postfix.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const analyze = async (name: string) => (await analyzeMail(fixture(name), name)).bounces;

test("postfix: the '<addr>: host ... said:' text is the report when no DSN part is attached", async () => {
  const b = await analyze("postfix-textonly.eml");
  assert.equal(b.length, 1);
  assert.equal(b[0].mta, "postfix");
  assert.equal(b[0].recipient, "nanami@example.net");
  assert.equal(b[0].status, "5.1.1");
  assert.equal(b[0].replyCode, "550");
  assert.equal(b[0].reason, "userunknown");
  assert.equal(b[0].smtpCommand, "RCPT");
  assert.equal(b[0].remoteMta, "mx1.example.net");
  assert.match(b[0].diagnosticCode, /User unknown in local recipient table/);
  assert.equal(b[0].origin.messageId, "sched-0306@example.jp");
});
