/** Amazon SES (amazonses.ts): its own bounce mail (the JSON notifications are in the corpus tests). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, dsnMail } from "./build.ts";

const human = "The following message to <nobody@rcpt.mailtrace.test> was undeliverable.\nThe reason for the problem:\n5.1.0 - Unknown address error 550-'5.1.1 <nobody@rcpt.mailtrace.test>: Recipient address rejected: User unknown'";

test("amazonses: SES's bounce mail from an amazonses.com MAILER-DAEMON", async () => {
  const [b] = await bouncesOf(dsnMail({ headers: ["From: MAILER-DAEMON@email-bounces.amazonses.com", "Subject: Delivery Status Notification (Failure)"], human }));
  assert.deepEqual([b.mta, b.recipient, b.status, b.reason], ["amazonses", "nobody@rcpt.mailtrace.test", "5.1.1", "userunknown"]);
});

test("amazonses: SES's wording from another host is no SES mail", async () => {
  const [b] = await bouncesOf(dsnMail({ headers: ["From: MAILER-DAEMON@mx.mailtrace.test", "Subject: Returned"], human }));
  assert.notEqual(b.mta, "amazonses");
});

test("amazonses: a JSON notification mailed by SNS", async () => {
  const note = { notificationType: "Bounce", bounce: { bounceType: "Permanent", reportingMTA: "dns; a1-2.smtp-out.amazonses.com", timestamp: "2026-11-30T01:00:00.000Z", bouncedRecipients: [{ emailAddress: "nobody@rcpt.mailtrace.test", action: "failed", status: "5.1.1", diagnosticCode: "smtp; 550 5.1.1 user unknown" }] }, mail: { messageId: "0100-ses-original", source: "taro@sender.mailtrace.test" } };
  const mail = Buffer.from(`From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message\nContent-Type: text/plain; charset=UTF-8\n\n${JSON.stringify(note)}\n`);
  const [b] = await bouncesOf(mail);
  assert.deepEqual([b.mta, b.status, b.reason, b.reportingMta], ["amazonses", "5.1.1", "userunknown", "a1-2.smtp-out.amazonses.com"]);
});
