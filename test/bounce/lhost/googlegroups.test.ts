/** Google Groups refusals (googlegroups.ts), hand-written. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf } from "./build.ts";

test("googlegroups: the group from X-Failed-Recipients; a group's refusal is 'rejected'", async () => {
  const [b] = await bouncesOf(Buffer.from(
    "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nTo: taro@sender.mailtrace.test\nSubject: Delivery Status Notification (Failure)\nX-Failed-Recipients: team@groups.mailtrace.test\n\n" +
      "Hello taro@sender.mailtrace.test,\n\nWe're writing to let you know that the group you tried to contact (team) may not exist, or you may not have permission to post messages to the group. A few more details on why you weren't able to post:\n\n * You might have spelled or formatted the group name incorrectly.\n\nIf you have questions related to this or any other Google Group, visit the Help Center at https://groups.google.com/support/.\n\nThanks,\n\nGoogle Groups\n\n----- Original message -----\n\nFrom: taro@sender.mailtrace.test\nSubject: Minutes\n",
  ));
  assert.deepEqual([b.mta, b.recipient, b.reason], ["googlegroups", "team@groups.mailtrace.test", "rejected"]);
});
