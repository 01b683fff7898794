/** Sendmail 5 bounces (v5sendmail.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const analyze = async (name: string) => (await analyzeMail(fixture(name), name)).bounces;

test("v5sendmail: one record per '5xx <addr>...' line, with the server's reply and command", async () => {
  const b = await analyze("v5sendmail-two.eml");
  assert.deepEqual(b.map((x) => x.mta), ["v5sendmail", "v5sendmail"]);
  assert.deepEqual(b.map((x) => x.recipient), ["shiro@example.com", "goro@nowhere.example.net"]);
  assert.deepEqual(b.map((x) => x.status), ["5.0.911", "5.0.912"]);
  assert.deepEqual(b.map((x) => x.replyCode), ["550", "550"]);
  assert.deepEqual(b.map((x) => x.reason), ["userunknown", "hostunknown"]);
  assert.deepEqual(b.map((x) => x.smtpCommand), ["RCPT", ""]);
  assert.equal(b[0].remoteMta, "mail.example.com");
  assert.match(b[0].diagnosticCode, /No such mailbox/);
});
