/** Gmail's plain-text notices (gmail.ts), hand-written. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf } from "./build.ts";

const mail = (body: string) =>
  Buffer.from(`From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nTo: taro@sender.mailtrace.test\nSubject: Delivery Status Notification (Failure)\nDate: Mon, 30 Nov 2026 01:00:00 +0000\n\n${body}`);

test("gmail: the recipient after 'Delivery to the following recipient failed permanently', the remote host from the details", async () => {
  const [b] = await bouncesOf(mail("Delivery to the following recipient failed permanently:\n\n     nobody@rcpt.mailtrace.test\n\nTechnical details of permanent failure:\nGoogle tried to deliver your message, but it was rejected by the server for the recipient domain rcpt.mailtrace.test by mx.rcpt.mailtrace.test. [192.0.2.7].\n\nThe error that the other server returned was:\n550 5.1.1 <nobody@rcpt.mailtrace.test>: Recipient address rejected: User unknown\n\n----- Original message -----\n\nFrom: taro@sender.mailtrace.test\nSubject: Hello\n"));
  assert.deepEqual([b.mta, b.recipient, b.status, b.replyCode, b.reason, b.remoteMta, b.action], ["gmail", "nobody@rcpt.mailtrace.test", "5.1.1", "550", "userunknown", "mx.rcpt.mailtrace.test", "failed"]);
});

test("gmail: 'has been delayed' is a delay", async () => {
  const [b] = await bouncesOf(mail("Delivery to the following recipient has been delayed:\n\n     slow@rcpt.mailtrace.test\n\nMessage will be retried for 2 more day(s)\n\nTechnical details of temporary failure:\nThe recipient server did not accept our requests to connect. [mx.rcpt.mailtrace.test. 192.0.2.7: timed out]\n\n----- Original message -----\n\nSubject: Hello\n"));
  assert.equal(b.mta, "gmail");
  assert.equal(b.action, "delayed");
  assert.equal(b.hardBounce, false);
});
