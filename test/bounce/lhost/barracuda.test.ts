/** Barracuda Spam Firewall (barracuda.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, dsnMail } from "./build.ts";

test("barracuda: '... our bulk email filter' in the Subject", async () => {
  const [b] = await bouncesOf(dsnMail({ headers: ["From: postmaster@barracuda.mailtrace.test", "Subject: Message you sent blocked by our bulk email filter"], human: "Your message to: nobody@rcpt.mailtrace.test was blocked by our Spam Firewall.", status: "5.7.1", diagnostic: "550 5.7.1 Message content rejected" }));
  assert.deepEqual([b.mta, b.status], ["barracuda", "5.7.1"]);
});
