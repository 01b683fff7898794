/** Exchange 2000/2003 (exchange2003.ts) bounces on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("exchange2003: two recipients, the MSEXCH code names the reason", async () => {
  const { bounces } = await analyzeMail(fixture("exchange2003-unknown.eml"), "exchange2003-unknown.eml");
  assert.equal(bounces.length, 2);
  assert.equal(bounces[0].mta, "exchange2003");
  assert.equal(bounces[0].recipient, "jiro@example.jp");
  assert.equal(bounces[0].status, "5.0.911");
  assert.equal(bounces[0].replyCode, "");
  assert.equal(bounces[0].reason, "userunknown");
  assert.equal(bounces[0].action, "failed");
  assert.equal(bounces[1].mta, "exchange2003");
  assert.equal(bounces[1].recipient, "saburo@example.jp");
  assert.equal(bounces[1].status, "5.0.960");
  assert.equal(bounces[1].replyCode, "");
  assert.equal(bounces[1].reason, "contenterror");
  assert.equal(bounces[1].action, "failed");
});

test("exchange2003: no MSEXCH code leaves the reason to the classifier", async () => {
  const text = readFileSync(new URL("../fixtures/exchange2003-unknown.eml", import.meta.url), "utf8").replace("(000C05A6) ", "");
  const { bounces } = await analyzeMail(new TextEncoder().encode(text), "x.eml");
  assert.equal(bounces[0].recipient, "jiro@example.jp");
  assert.equal(bounces[0].diagnosticCode.includes("MTS-ID"), false);
  assert.equal(bounces[0].diagnosticCode.includes(";l="), false);
});

test("exchange2003: the '<host #5.1.1 smtp;...>' form of Exchange 2003", async () => {
  const { bounces } = await analyzeMail(fixture("exchange2003-smtp.eml"), "exchange2003-smtp.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "exchange2003");
  assert.equal(bounces[0].recipient, "juro@example.jp");
  assert.equal(bounces[0].status, "5.1.1");
  assert.equal(bounces[0].replyCode, "550");
  assert.equal(bounces[0].reason, "userunknown");
  assert.equal(bounces[0].remoteMta, "mx.example.jp");
});
