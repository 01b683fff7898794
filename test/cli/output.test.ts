/** The shared formatter (src/cli/output.ts): the streamed JSON list writes what formatJson writes. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatJson, JsonListWriter } from "../../src/cli/output.ts";

function streamed(items: unknown[], rest: Record<string, unknown>): string {
  let out = "";
  const w = new JsonListWriter((s) => {
    out += s;
  }, "bounces");
  for (const i of items) w.item(i);
  w.end(rest);
  return out;
}

test("JsonListWriter: byte for byte formatJson's output, with nested values, empty lists and text with newlines", () => {
  const items = [
    { file: "a.eml", recipient: "x@example.jp", origin: { subject: "件名\nwith a newline", to: ["a", "b"] }, actions: [], hard: true, n: null },
    { file: "b.eml", nested: [{ deep: [1, 2, { k: "v" }] }] },
  ];
  for (const [list, rest] of [
    [items, { notes: ["one", "two"] }],
    [[], { notes: [] }],
    [items.slice(0, 1), { notes: [], total: 3 }],
  ] as const) {
    assert.equal(streamed([...list], rest), `${formatJson({ bounces: list, ...rest })}\n`);
  }
});
