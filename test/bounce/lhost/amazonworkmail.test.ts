/** Amazon WorkMail (amazonworkmail.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, dsnMail } from "./build.ts";

const human = "Your message to nobody@rcpt.mailtrace.test was rejected.\n\nTechnical report:";

test("amazonworkmail: X-SES-Outgoing and the Amazon WorkMail mailer", async () => {
  const [b] = await bouncesOf(dsnMail({ headers: ["From: MAILER-DAEMON@us-west-2.amazonses.com", "Subject: Delivery Status Notification (Failure)", "X-Mailer: Amazon WorkMail", "X-SES-Outgoing: 2026.11.30-54.240.0.2"], human }));
  assert.deepEqual([b.mta, b.status], ["amazonworkmail", "5.1.1"]);
});

test("amazonworkmail: another mailer through SES is not WorkMail", async () => {
  const [b] = await bouncesOf(dsnMail({ headers: ["From: MAILER-DAEMON@mx.mailtrace.test", "Subject: Returned", "X-Mailer: Other", "X-SES-Outgoing: 2026.11.30-54.240.0.2"], human }));
  assert.notEqual(b.mta, "amazonworkmail");
});
