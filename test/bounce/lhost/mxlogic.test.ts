/** MX Logic (mxlogic.ts): Exim's text with MX Logic's headers. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bouncesOf, withHeaders } from "./build.ts";

test("mxlogic: X-MX-Bounce / X-MXL-NoteHash name it; Exim's reader reads it", async () => {
  const bounces = await bouncesOf(withHeaders("exim-inline-error.eml", ["X-MX-Bounce: mta/src/queue/bounce", "X-MXL-NoteHash: 0000000000000000-mailtrace"]));
  assert.ok(bounces.length > 0);
  assert.ok(bounces.every((b) => b.mta === "mxlogic"));
});
