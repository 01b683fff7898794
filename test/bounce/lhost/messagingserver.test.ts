/** Oracle Communications Messaging Server (messagingserver.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, dsnMail } from "./build.ts";

const human = "This report relates to a message you sent with the following header fields:\n\n  Message-id: <built-original@sender.mailtrace.test>\n\nYour message cannot be delivered to the following recipients:\n\n  Recipient address: nobody@rcpt.mailtrace.test\n  Reason: Remote SMTP server has rejected address";

test("messagingserver: 'Delivery Notification:' names it; the DSN gives the rest", async () => {
  const [b] = await bouncesOf(dsnMail({ headers: ["From: postmaster@ms.mailtrace.test", "Subject: Delivery Notification: Delivery has failed"], human }));
  assert.deepEqual([b.mta, b.recipient, b.status, b.reason], ["messagingserver", "nobody@rcpt.mailtrace.test", "5.1.1", "userunknown"]);
});

test("messagingserver: without its Subject or boundary it is a plain RFC 3464 report", async () => {
  const [b] = await bouncesOf(dsnMail({ headers: ["From: postmaster@ms.mailtrace.test", "Subject: Returned"], human }));
  assert.equal(b.mta, "rfc3464");
});
