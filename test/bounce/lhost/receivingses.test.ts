/** Amazon SES receiving bounces (receivingses.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, dsnMail } from "./build.ts";

const human = "This message could not be delivered.\n\nThe recipient's mailbox does not exist.";

test("receivingses: X-SES-Outgoing with SES's inbound wording", async () => {
  const [b] = await bouncesOf(dsnMail({ headers: ["From: MAILER-DAEMON@inbound-smtp.us-east-1.amazonaws.com", "Subject: Delivery Status Notification (Failure)", "X-SES-Outgoing: 2026.11.30-54.240.0.1"], human }));
  assert.deepEqual([b.mta, b.recipient, b.status], ["receivingses", "nobody@rcpt.mailtrace.test", "5.1.1"]);
});

test("receivingses: the wording without X-SES-Outgoing is no SES mail", async () => {
  const [b] = await bouncesOf(dsnMail({ headers: ["From: MAILER-DAEMON@mx.mailtrace.test", "Subject: Returned"], human }));
  assert.notEqual(b.mta, "receivingses");
});
