/** MailFoundry (mailfoundry.ts) bounces on hand-written fixtures. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { analyzeMail } from "../../../src/bounce/analyze.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test("mailfoundry: 'Unable to deliver message to:' and the remote reply", async () => {
  const { bounces } = await analyzeMail(fixture("mailfoundry-quota.eml"), "mailfoundry-quota.eml");
  assert.equal(bounces.length, 1);
  assert.equal(bounces[0].mta, "mailfoundry");
  assert.equal(bounces[0].recipient, "hachiro@example.jp");
  assert.equal(bounces[0].status, "5.2.2");
  assert.equal(bounces[0].replyCode, "552");
  assert.equal(bounces[0].reason, "mailboxfull");
  assert.equal(bounces[0].action, "failed");
});

test("mailfoundry: remote host from the reply line", async () => {
  const { bounces } = await analyzeMail(fixture("mailfoundry-quota.eml"), "m.eml");
  assert.equal(bounces[0].remoteMta, "mx.example.jp");
});
