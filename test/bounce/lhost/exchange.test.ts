/** Exchange 2007+ NDRs (exchange.ts) on a hand-written fixture. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, withHeaders } from "./build.ts";

test("exchange2007: the recipient, the generating server and the #< ... #SMTP# line", async () => {
  const bounces = await bouncesOf(withHeaders("exchange-compact.eml", []));
  assert.equal(bounces.length, 1);
  const b = bounces[0];
  assert.equal(b.mta, "exchange2007");
  assert.deepEqual([b.recipient, b.status, b.replyCode, b.reason], ["nick@corp.mailtrace.test", "5.7.1", "530", "blocked"]);
  assert.match(b.diagnosticCode, /Client was not authenticated/);
  assert.equal(b.explanation.responsible, "recipient-side", "an anonymous-mail refusal is for the remote administrator to fix");
});
