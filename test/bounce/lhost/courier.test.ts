/** Courier MTA (courier.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, dsnMail } from "./build.ts";

const human = "This is a delivery status notification from mail.courier.mailtrace.test,\nrunning the Courier mail server.\n\nThe original message was received on Mon, 30 Nov 2026 01:00:00 +0000";

test("courier: 'Courier mail server at' in From", async () => {
  const [b] = await bouncesOf(dsnMail({ headers: ["From: Courier mail server at mail.courier.mailtrace.test <@>", "Subject: NOTICE: mail delivery status."], human }));
  assert.deepEqual([b.mta, b.status], ["courier", "5.1.1"]);
});

test("courier: its Message-ID alone names it too; without any sign it is RFC 3464", async () => {
  const [a] = await bouncesOf(dsnMail({ headers: ["From: postmaster@mail.courier.mailtrace.test", "Subject: Returned", "Message-ID: <courier.0000ABCD.12345678@mail.courier.mailtrace.test>"], human }));
  assert.equal(a.mta, "courier");
  const [b] = await bouncesOf(dsnMail({ headers: ["From: postmaster@mail.courier.mailtrace.test", "Subject: Returned"], human }));
  assert.equal(b.mta, "rfc3464");
});
