/** SendGrid (sendgrid.ts): its bounce mail and its Event Webhook JSON, hand-written. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";
import { fixture } from "./build.ts";

test("sendgrid: the bounce mail from apps@sendgrid.net", async () => {
  const { bounces } = await analyzeMail(fixture("sendgrid-userunknown.eml"), "sendgrid-userunknown.eml");
  assert.equal(bounces.length, 1);
  const b = bounces[0];
  assert.deepEqual([b.mta, b.recipient, b.status, b.replyCode, b.reason], ["sendgrid", "nobody@rcpt.mailtrace.test", "5.1.1", "550", "userunknown"]);
  assert.equal(b.origin.subject, "Your order has shipped");
});

test("sendgrid: webhook events saved as a JSON file; bounce, deferred and spamreport, not open", async () => {
  const { bounces } = await analyzeMail(fixture("sendgrid-events.json"), "sendgrid-events.json", { lang: "ja" });
  assert.deepEqual(
    bounces.map((b) => [b.recipient, b.status, b.reason, b.action, b.hardBounce]),
    [
      ["nobody@rcpt.mailtrace.test", "5.1.1", "userunknown", "failed", true],
      ["full@rcpt.mailtrace.test", "4.2.2", "mailboxfull", "delayed", false],
      ["reader@rcpt.mailtrace.test", "", "feedback", "", false],
    ],
  );
  assert.ok(bounces.every((b) => b.mta === "sendgrid"));
  assert.equal(bounces[0].origin.messageId, "sendgrid-original-2@sender.mailtrace.test");
  assert.equal(bounces[0].timestamp, new Date(1796117410 * 1000).toISOString());
  assert.match(bounces[0].explanation.summary, /[ぁ-んァ-ン一-龥]/, "explained in Japanese");
});
