/** Sendmail 8 bounces (sendmail.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const analyze = async (name: string) => (await analyzeMail(fixture(name), name)).bounces;

test("sendmail: Final-Recipient without a local part takes the address from the text", async () => {
  const b = await analyze("sendmail-nolocalpart.eml");
  assert.equal(b.length, 1);
  assert.equal(b[0].mta, "sendmail");
  assert.equal(b[0].recipient, "taro@mx.example.net");
  assert.equal(b[0].status, "5.1.1");
  assert.equal(b[0].replyCode, "550");
  assert.equal(b[0].reason, "userunknown");
  assert.equal(b[0].smtpCommand, "RCPT");
  assert.equal(b[0].remoteMta, "mx.example.net");
  assert.equal(b[0].origin.messageId, "lunch-0303@example.jp");
});

test("sendmail: a bounce forwarded with > quoting is still read", async () => {
  const b = await analyze("sendmail-forwarded.eml");
  assert.equal(b.length, 1);
  assert.equal(b[0].mta, "sendmail");
  assert.equal(b[0].recipient, "jiro@example.org");
  assert.equal(b[0].status, "5.2.2");
  assert.equal(b[0].replyCode, "552");
  assert.equal(b[0].reason, "mailboxfull");
  assert.equal(b[0].smtpCommand, "DATA");
  assert.equal(b[0].origin.messageId, "photos-0304@example.jp");
});
