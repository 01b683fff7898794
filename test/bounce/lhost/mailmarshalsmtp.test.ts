/** MailMarshal SMTP (mailmarshalsmtp.ts) bounces on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("mailmarshalsmtp: error block, affected recipients, additional information", async () => {
  const { bounces } = await analyzeMail(fixture("mailmarshalsmtp-unknown.eml"), "mailmarshalsmtp-unknown.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "mailmarshalsmtp");
  assert.equal(bounces[0].recipient, "kuro@example.jp");
  assert.equal(bounces[0].status, "5.1.1");
  assert.equal(bounces[0].replyCode, "550");
  assert.equal(bounces[0].reason, "userunknown");
  assert.equal(bounces[0].action, "failed");
});

test("mailmarshalsmtp: hosts from the additional information", async () => {
  const { bounces } = await analyzeMail(fixture("mailmarshalsmtp-unknown.eml"), "m.eml");
  assert.equal(bounces[0].remoteMta, "192.0.2.20");
  assert.equal(bounces[0].reportingMta, "mm.example.jp");
  assert.equal(bounces[0].addresser, "taro@example.net");
});
