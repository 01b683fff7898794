/** McAfee Email Gateway (mcafee.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, dsnMail } from "./build.ts";

const human = "--- The following addresses had delivery problems ---\n\n<nobody@rcpt.mailtrace.test>   (User unknown)";

test("mcafee: X-NAI-Header 'Modified by McAfee' and Subject 'Delivery Status'", async () => {
  const [b] = await bouncesOf(dsnMail({ headers: ["From: postmaster@gw.mailtrace.test", "Subject: Delivery Status", "X-NAI-Header: Modified by McAfee Email and Web Security Virtual Appliance"], human }));
  assert.deepEqual([b.mta, b.status], ["mcafee", "5.1.1"]);
});

test("mcafee: the Subject alone is no McAfee mail", async () => {
  const [b] = await bouncesOf(dsnMail({ headers: ["From: postmaster@gw.mailtrace.test", "Subject: Delivery Status"], human }));
  assert.notEqual(b.mta, "mcafee");
});
