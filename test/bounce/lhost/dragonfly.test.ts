/** DragonFly Mail Agent (dragonfly.ts), hand-written. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf } from "./build.ts";

test("dragonfly: each 'There was an error delivering your mail to <addr>.' with host and command", async () => {
  const bounces = await bouncesOf(Buffer.from(
    "From: MAILER-DAEMON <MAILER-DAEMON@dma.mailtrace.test>\nTo: taro@dma.mailtrace.test\nSubject: Mail delivery failed\nDate: Mon, 30 Nov 2026 01:00:00 +0000\n\n" +
      "This is the DragonFly Mail Agent v0.13 at dma.mailtrace.test.\n\nThere was an error delivering your mail to <nobody@rcpt.mailtrace.test>.\n\nmx.rcpt.mailtrace.test [192.0.2.7] did not like our RCPT TO:\n550 5.1.1 <nobody@rcpt.mailtrace.test>: Recipient address rejected: User unknown\n\nOriginal message follows.\n\nFrom: taro@dma.mailtrace.test\nSubject: Hello\n",
  ));
  assert.equal(bounces.length, 1);
  const b = bounces[0];
  assert.deepEqual([b.mta, b.recipient, b.status, b.reason, b.remoteMta, b.smtpCommand], ["dragonfly", "nobody@rcpt.mailtrace.test", "5.1.1", "userunknown", "mx.rcpt.mailtrace.test", "RCPT"]);
});
