/** Exim variants with the error on the address line (exim.ts) on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const analyze = async (name: string) => (await analyzeMail(fixture(name), name)).bounces;

test("exim (MXLogic style): '  <addr>: 550 ...' on the address line, headers-only copy", async () => {
  const b = await analyze("exim-inline-error.eml");
  assert.equal(b.length, 1);
  assert.equal(b[0].mta, "exim");
  assert.equal(b[0].recipient, "shima@example.co.jp");
  assert.equal(b[0].status, "5.1.1");
  assert.equal(b[0].replyCode, "550");
  assert.equal(b[0].reason, "userunknown");
  assert.equal(b[0].smtpCommand, "");
  assert.equal(b[0].origin.messageId, "invoice-0309@example.jp");
});

test("exim: a malformed recipient address names the bracketed address; advice text is left out", async () => {
  const b = await analyze("exim-malformed.eml");
  assert.equal(b.length, 1);
  assert.equal(b[0].recipient, "pochi@example.net");
  assert.equal(b[0].replyCode, "");
  assert.equal(b[0].smtpCommand, "");
  assert.match(b[0].diagnosticCode, /malformed address: <pochi@example\.net> may not follow mike@example\.com$/);
});
