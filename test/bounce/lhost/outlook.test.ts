/** Outlook.com / Hotmail DSNs (outlook.ts) on a hand-written fixture. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";
import { bouncesOf, dsnMail, fixture } from "./build.ts";

test("outlook: Microsoft's consumer-mail headers name the format; the DSN gives status and reply", async () => {
  const { bounces } = await analyzeMail(fixture("outlook-userunknown.eml"), "outlook-userunknown.eml");
  assert.equal(bounces.length, 1);
  const b = bounces[0];
  assert.deepEqual([b.mta, b.recipient, b.status, b.replyCode, b.reason], ["outlook", "nobody@hotmail.mailtrace.test", "5.5.0", "550", "userunknown"]);
  assert.equal(b.reportingMta, "BAY0-OMC2-S12.bay0.hotmail.com");
  assert.equal(b.origin.messageId, "outlook-original-1@sender.mailtrace.test");
});

test("outlook: one sign alone (the Subject) leaves it a plain RFC 3464 report", async () => {
  const text = String(fixture("outlook-userunknown.eml")).replace(/^X-Message-(?:Delivery|Info):.*\n/gm, "").replace(/hotmail\.com/g, "mx.example.jp");
  const { bounces } = await analyzeMail(Buffer.from(text), "plain-dsn.eml");
  assert.equal(bounces[0].mta, "rfc3464");
});

test("outlook: another provider's DSN delivered to an Outlook.com mailbox is not Outlook's", async () => {
  const [b] = await bouncesOf(dsnMail({
    headers: [
      "Received: from mail-sor-f41.google.com by BAY0-MC1-F30.bay0.hotmail.com with Microsoft SMTPSVC; Mon, 30 Nov 2026 02:15:00 +0000",
      "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
      "Subject: Delivery Status Notification (Failure)",
    ],
    human: "Your message wasn't delivered to nobody@rcpt.mailtrace.test because the address couldn't be found.",
  }));
  assert.notEqual(b.mta, "outlook");
});
