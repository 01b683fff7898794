/** Microsoft 365 NDRs (office365.ts): Exchange's layout, Exchange Online's signs. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, withHeaders } from "./build.ts";

test("office365: the Exchange NDR with Exchange Online's cross-tenant headers and host", async () => {
  const mail = withHeaders("exchange-compact.eml", [
    "Received: from TYAPR01MB1234.jpnprd01.prod.outlook.com (2603:1096:404::12) by OS3PR01MB5678.jpnprd01.prod.outlook.com; Mon, 30 Nov 2026 03:00:00 +0000",
    "X-MS-Exchange-CrossTenant-OriginalArrivalTime: 30 Nov 2026 03:00:00.1234 (UTC)",
    "X-MS-Exchange-CrossTenant-FromEntityHeader: Hosted",
  ]);
  const [b] = await bouncesOf(mail);
  assert.equal(b.mta, "office365");
  assert.equal(b.recipient, "nick@corp.mailtrace.test");
});

test("office365: an on-premises Exchange NDR (one sign only) stays exchange2007", async () => {
  const [b] = await bouncesOf(withHeaders("exchange-compact.eml", []));
  assert.equal(b.mta, "exchange2007");
});
