/** "X4" (x4.ts): a qmail-derived ISP's own opening sentence, qmail's layout. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf } from "./build.ts";

const rest = "<full@rcpt.mailtrace.test>:\nchild status 100...The e-mail message could not be delivered because the user's mailfolder is full.\n\n--- Below this line is a copy of the message.\n\nFrom: taro@sender.mailtrace.test\nSubject: Hello\n";

test("x4: the ISP's opening sentence over qmail's layout", async () => {
  const [b] = await bouncesOf(Buffer.from(`From: MAILER-DAEMON@smtp.isp.mailtrace.test\nSubject: failure notice\n\nYour mail message to the following address(es) could not be delivered. This\nis a permanent error. Please verify the addresses and try again.\n\n${rest}`));
  assert.deepEqual([b.mta, b.recipient, b.reason], ["x4", "full@rcpt.mailtrace.test", "mailboxfull"]);
});

test("x4: qmail's own greeting is qmail's", async () => {
  const [b] = await bouncesOf(Buffer.from(`From: MAILER-DAEMON@smtp.isp.mailtrace.test\nSubject: failure notice\n\nHi. This is the qmail-send program at smtp.isp.mailtrace.test.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n${rest}`));
  assert.equal(b.mta, "qmail");
});
