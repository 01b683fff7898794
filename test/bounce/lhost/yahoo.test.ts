/** Yahoo! Mail bounces (yahoo.ts) on a hand-written fixture. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";
import { fixture } from "./build.ts";

test("yahoo: the recipient line, 'Remote host said' with its [RCPT_TO], the copy below the line", async () => {
  const { bounces } = await analyzeMail(fixture("yahoo-userunknown.eml"), "yahoo-userunknown.eml");
  assert.equal(bounces.length, 1);
  const b = bounces[0];
  assert.deepEqual([b.mta, b.recipient, b.status, b.replyCode, b.reason, b.smtpCommand, b.hardBounce], ["yahoo", "nobody@rcpt.mailtrace.test", "5.1.1", "550", "userunknown", "RCPT", true]);
  assert.match(b.diagnosticCode, /User unknown in local recipient table/);
  assert.equal(b.origin.messageId, "yahoo-original-1@sender.mailtrace.test");
  assert.equal(b.origin.subject, "日本語の件名");
});

test("yahoo: the same text from a qmail host is still qmail's", async () => {
  const text = String(fixture("yahoo-userunknown.eml")).replace(/^X-YMailISG:.*\n/m, "").replace("MAILER-DAEMON@yahoo.com", "MAILER-DAEMON@mx.example.jp").replace(/^Received: from mta1047.*\n/m, "");
  const { bounces } = await analyzeMail(Buffer.from(text), "qmail-like.eml");
  assert.equal(bounces[0].mta, "qmail");
  assert.equal(bounces[0].reason, "userunknown");
});
