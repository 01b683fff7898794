/** Mailgun webhook payloads (mailgun.ts), hand-written. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";
import { fixture } from "./build.ts";

test("mailgun: a failed event: delivery-status code, enhanced code, words and MX; the message's headers", async () => {
  const { bounces } = await analyzeMail(fixture("mailgun-failed.json"), "mailgun-failed.json");
  assert.equal(bounces.length, 1);
  const b = bounces[0];
  assert.deepEqual([b.mta, b.recipient, b.status, b.replyCode, b.reason, b.remoteMta, b.hardBounce], ["mailgun", "nobody@rcpt.mailtrace.test", "5.1.1", "550", "userunknown", "mx.rcpt.mailtrace.test", true]);
  assert.equal(b.diagnosticCode, "550 5.1.1 The email account that you tried to reach does not exist.");
  assert.equal(b.origin.messageId, "mailgun-original-1@sender.mailtrace.test");
  assert.equal(b.origin.subject, "December news");
});

test("mailgun: a temporary failure is delayed and soft; the events API's items list is read too", async () => {
  const doc = JSON.parse(String(fixture("mailgun-failed.json")));
  const e = doc["event-data"];
  e.severity = "temporary";
  e["delivery-status"] = { code: 421, "enhanced-code": "4.7.0", message: "Try again later, closing connection.", "mx-host": "mx.rcpt.mailtrace.test" };
  const complaint = { event: "complained", recipient: "reader@rcpt.mailtrace.test", timestamp: 1796117600 };
  const { bounces } = await analyzeMail(Buffer.from(JSON.stringify({ items: [e, complaint] })), "events.json");
  assert.deepEqual(bounces.map((b) => [b.recipient, b.status, b.action, b.hardBounce, b.reason === "feedback"]), [
    ["nobody@rcpt.mailtrace.test", "4.7.0", "delayed", false, false],
    ["reader@rcpt.mailtrace.test", "", "", false, true],
  ]);
});

test("a JSON file that is no provider's payload is no bounce", async () => {
  const r = await analyzeMail(Buffer.from('{"hello": "world", "event": "none"}\n'), "other.json");
  assert.equal(r.note, "not-a-bounce");
  assert.equal(r.bounces.length, 0);
});
