/** Bigfoot (bigfoot.ts): Sendmail's bounce from the forwarding service. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, withHeaders } from "./build.ts";

test("bigfoot: Sendmail's bounce from MAILER-DAEMON@bigfoot.com", async () => {
  const bounces = await bouncesOf(withHeaders("sendmail-nolocalpart.eml", ["From: Mail Delivery Subsystem <MAILER-DAEMON@bigfoot.com>"], [/^From:/i]));
  assert.ok(bounces.length > 0);
  assert.ok(bounces.every((b) => b.mta === "bigfoot"));
});

test("bigfoot: the same bounce from another relay is sendmail's", async () => {
  const bounces = await bouncesOf(withHeaders("sendmail-nolocalpart.eml", []));
  assert.ok(bounces.every((b) => b.mta === "sendmail"));
});
