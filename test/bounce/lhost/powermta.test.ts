/** PowerMTA (powermta.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, dsnMail } from "./build.ts";

const headers = ["From: postmaster@pmta.mailtrace.test", "Subject: Delivery report"];

test("powermta: 'Delivery report' with PowerMTA's bounce category field", async () => {
  const [b] = await bouncesOf(dsnMail({ headers, human: "Hello, this is the mail server on pmta.mailtrace.test.", fields: ["X-PowerMTA-VirtualMTA: mta1", "X-PowerMTA-BounceCategory: bad-mailbox"] }));
  assert.deepEqual([b.mta, b.reason], ["powermta", "userunknown"]);
});

test("powermta: another Subject without the field is RFC 3464", async () => {
  const [b] = await bouncesOf(dsnMail({ headers: ["From: postmaster@pmta.mailtrace.test", "Subject: Returned"], human: "Hello." }));
  assert.equal(b.mta, "rfc3464");
});
