/** Yandex.Mail (yandex.ts): Postfix's bounce from mailer-daemon@yandex.ru. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, withHeaders } from "./build.ts";

test("yandex: X-Yandex-Uniq and mailer-daemon@yandex.ru; Postfix's reader reads it", async () => {
  const [b] = await bouncesOf(withHeaders("postfix-userunknown.eml", ["From: mailer-daemon@yandex.ru", "X-Yandex-Uniq: 0a1b2c3d-mailtrace"], [/^From:/i]));
  assert.deepEqual([b.mta, b.recipient, b.reason], ["yandex", "nobody@rcpt.mailtrace.test", "userunknown"]);
});

test("yandex: the same bounce from another host is postfix's", async () => {
  const [b] = await bouncesOf(withHeaders("postfix-userunknown.eml", ["X-Yandex-Uniq: 0a1b2c3d-mailtrace"]));
  assert.equal(b.mta, "postfix");
});
