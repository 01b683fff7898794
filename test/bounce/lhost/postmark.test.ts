/** Postmark webhooks (postmark.ts), hand-written. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";
import { fixture } from "./build.ts";

test("postmark: a bounce webhook mailed on as application/json", async () => {
  const { bounces } = await analyzeMail(fixture("postmark-bounce.eml"), "postmark-bounce.eml");
  assert.equal(bounces.length, 1);
  const b = bounces[0];
  assert.deepEqual([b.mta, b.recipient, b.status, b.replyCode, b.reason, b.hardBounce], ["postmark", "nobody@rcpt.mailtrace.test", "5.1.1", "550", "userunknown", true]);
  assert.equal(b.timestamp, "2026-12-01T00:00:00.123Z");
  assert.equal(b.origin.subject, "Your invoice for November");
});

test("postmark: the API's Bounces list; a reply-less temporary DNS error reads Postmark's description; a complaint", async () => {
  const doc = {
    TotalCount: 2,
    Bounces: [
      { Type: "DnsError", TypeCode: 512, Email: "a@dns.mailtrace.test", Details: "", Description: "A temporary DNS error occurred while looking up the recipient's mail server.", BouncedAt: "2026-12-01T01:00:00Z" },
      { Type: "Transient", TypeCode: 2, Email: "b@rcpt.mailtrace.test", Details: "smtp;421 4.4.2 Connection timed out", Description: "The server could not temporarily deliver your message.", BouncedAt: "2026-12-01T01:05:00Z" },
    ],
  };
  const { bounces } = await analyzeMail(Buffer.from(JSON.stringify(doc, null, 2)), "bounces.json");
  assert.deepEqual(bounces.map((b) => [b.recipient, b.action]), [["a@dns.mailtrace.test", "delayed"], ["b@rcpt.mailtrace.test", "delayed"]]);
  assert.match(bounces[0].diagnosticCode, /temporary DNS error/);
  assert.equal(bounces[0].reason, "networkerror");
  assert.equal(bounces[0].hardBounce, false);
  assert.equal(bounces[1].replyCode, "421");
  assert.equal(bounces[1].hardBounce, false);
  const spam = await analyzeMail(Buffer.from(JSON.stringify({ RecordType: "SpamComplaint", Email: "c@rcpt.mailtrace.test", BouncedAt: "2026-12-01T02:00:00Z" })), "spam.json");
  assert.equal(spam.bounces[0].reason, "feedback");
});
