/** "X2" (x2.ts): a qmail-derived system's "Delivery failure". */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf } from "./build.ts";

const body = "Unable to deliver message to the following address(es).\n\n<nobody@rcpt.mailtrace.test>:\n192.0.2.7 does not like recipient.\nRemote host said: 550 5.1.1 <nobody@rcpt.mailtrace.test>... User unknown\nGiving up on 192.0.2.7.\n\n--- Original message follows.\n\nFrom: taro@sender.mailtrace.test\nSubject: Test\n";

test("x2: 'Delivery failure' from MAILER-DAEMON with qmail's text", async () => {
  const [b] = await bouncesOf(Buffer.from(`From: MAILER-DAEMON@mail.x2.mailtrace.test\nSubject: Delivery failure\nDate: Mon, 30 Nov 2026 01:00:00 +0000\n\n${body}`));
  assert.deepEqual([b.mta, b.recipient, b.reason, b.smtpCommand], ["x2", "nobody@rcpt.mailtrace.test", "userunknown", "RCPT"]);
});

test("x2: the same text under qmail's 'failure notice' is qmail's", async () => {
  const [b] = await bouncesOf(Buffer.from(`From: MAILER-DAEMON@mail.x2.mailtrace.test\nSubject: failure notice\n\n${body}`));
  assert.equal(b.mta, "qmail");
});
