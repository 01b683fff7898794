/** Microsoft 365 NDRs (office365.ts): Exchange's layout, Exchange Online's signs. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, withHeaders } from "./build.ts";

test("office365: the Exchange NDR that Exchange Online wrote (its Message-ID host)", async () => {
  const mail = withHeaders("exchange-compact.eml", ["Message-ID: <0a1b2c3d-4e5f-aaaa-bbbb-000000000001@TYAPR01MB1234.jpnprd01.prod.outlook.com>"]);
  const [b] = await bouncesOf(mail);
  assert.equal(b.mta, "office365");
  assert.equal(b.recipient, "nick@corp.mailtrace.test");
  const [t] = await bouncesOf(withHeaders("exchange-compact.eml", ["From: postmaster@kyoto.onmicrosoft.com"], [/^From:/i]));
  assert.equal(t.mta, "office365", "a tenant's postmaster");
});

test("office365: an on-premises Exchange NDR stays exchange2007, also when read in a Microsoft 365 mailbox", async () => {
  const [b] = await bouncesOf(withHeaders("exchange-compact.eml", []));
  assert.equal(b.mta, "exchange2007");
  const [c] = await bouncesOf(withHeaders("exchange-compact.eml", [
    "Received: from TYAPR01MB1234.jpnprd01.prod.outlook.com (2603:1096:404::12) by OS3PR01MB5678.jpnprd01.prod.outlook.com; Mon, 30 Nov 2026 03:00:00 +0000",
    "X-MS-Exchange-CrossTenant-OriginalArrivalTime: 30 Nov 2026 03:00:00.1234 (UTC)",
    "X-MS-Exchange-CrossTenant-FromEntityHeader: Hosted",
  ]));
  assert.equal(c.mta, "exchange2007");
});
