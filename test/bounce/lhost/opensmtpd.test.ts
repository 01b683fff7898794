/** OpenSMTPD bounces (opensmtpd.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const analyze = async (name: string) => (await analyzeMail(fixture(name), name)).bounces;

test("opensmtpd: one 'addr: error' line per recipient", async () => {
  const b = await analyze("opensmtpd-error.eml");
  assert.deepEqual(b.map((x) => x.mta), ["opensmtpd", "opensmtpd"]);
  assert.deepEqual(b.map((x) => x.recipient), ["kyu@example.org", "ju@example.org"]);
  assert.deepEqual(b.map((x) => x.status), ["5.2.2", "5.1.1"]);
  assert.deepEqual(b.map((x) => x.replyCode), ["552", "550"]);
  assert.deepEqual(b.map((x) => x.reason), ["mailboxfull", "userunknown"]);
  assert.deepEqual(b.map((x) => x.smtpCommand), ["", ""]);
  assert.deepEqual(b.map((x) => x.action), ["failed", "failed"]);
  assert.equal(b[0].origin.messageId, "report-0307@example.jp");
});
