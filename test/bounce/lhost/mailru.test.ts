/** Mail.ru (mailru.ts): Exim's text from mailer-daemon at mail.ru. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, fixtureText, withHeaders } from "./build.ts";

const exim = fixtureText("exim-inline-error.eml");

test("mailru: mailer-daemon@mail.ru with a Mail.ru Message-ID", async () => {
  const mail = withHeaders("exim-inline-error.eml", ["From: Mail Delivery System <mailer-daemon@corp.mail.ru>", "Message-ID: <E1kAbCd-0001Xy-Zz@f123.i.mail.ru>"], [/^From:/i, /^Message-ID:/i]);
  const bounces = await bouncesOf(mail);
  assert.ok(bounces.length > 0);
  assert.ok(bounces.every((b) => b.mta === "mailru"));
});

test("mailru: the same text from another Exim is exim's", async () => {
  const bounces = await bouncesOf(Buffer.from(exim, "latin1"));
  assert.ok(bounces.every((b) => b.mta === "exim"));
});
