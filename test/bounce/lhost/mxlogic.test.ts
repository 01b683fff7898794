/** MX Logic (mxlogic.ts): Exim's text with MX Logic's headers. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, withHeaders } from "./build.ts";

test("mxlogic: X-MX-Bounce, or an mxlogic.net MAILER-DAEMON, names it; Exim's reader reads it", async () => {
  for (const add of [["X-MX-Bounce: mta/src/queue/bounce"], ['From: "Mail Delivery System" <MAILER-DAEMON@00001.mxlogic.net>']]) {
    const bounces = await bouncesOf(withHeaders("exim-inline-error.eml", add, add[0].startsWith("From") ? [/^From:/i] : []));
    assert.ok(bounces.length > 0);
    assert.ok(bounces.every((b) => b.mta === "mxlogic"), add[0]);
  }
});

test("mxlogic: its scan header on another host's bounce does not count", async () => {
  const bounces = await bouncesOf(withHeaders("exim-inline-error.eml", ["X-MXL-Hash: 0000000000000000-mailtrace"]));
  assert.ok(bounces.every((b) => b.mta === "exim"));
});
