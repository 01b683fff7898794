/** SurfControl E-mail Filter (surfcontrol.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, dsnMail } from "./build.ts";

const human = "Your message could not be delivered.";

test("surfcontrol: X-SEF-Processed and its X-Mailer", async () => {
  const [b] = await bouncesOf(dsnMail({ headers: ["From: postmaster@filter.mailtrace.test", "Subject: Undeliverable", "X-SEF-Processed: 5_0_0_910__2026_11_30_01_00_00", "X-Mailer: SurfControl E-mail Filter"], human }));
  assert.equal(b.mta, "surfcontrol");
});

test("surfcontrol: another X-Mailer is not SurfControl", async () => {
  const [b] = await bouncesOf(dsnMail({ headers: ["From: postmaster@filter.mailtrace.test", "Subject: Undeliverable", "X-SEF-Processed: 5_0_0", "X-Mailer: Other"], human }));
  assert.notEqual(b.mta, "surfcontrol");
});
