import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { detached } from "../../src/core/detached-string.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Heap growth (MB) from keeping one 40-character piece of each of 48 distinct 900 KB texts (under the size at which Node makes a string external, off the heap). */
function heldBy(keep: (s: string) => string): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: string[] = [];
  for (let i = 0; i < 48; i++) {
    const chunk = Buffer.alloc(900_000, 97 + (i % 26)).toString("latin1");
    kept.push(keep(chunk.slice(1000 + i, 1040 + i)));
  }
  gc();
  const grown = (process.memoryUsage().heapUsed - before) / 1048576;
  assert.equal(kept.length, 48);
  return grown;
}

test("detached: a piece kept from a large text does not keep the text alive", () => {
  const plain = heldBy((s) => s);
  const copied = heldBy(detached);
  // V8 makes these slices views: kept as they are, every text stays (the ingest's leak).
  assert.ok(plain > 35, `plain slices held ${plain.toFixed(1)} MB`);
  assert.ok(copied < 8, `detached slices held ${copied.toFixed(1)} MB`);
});

test("detached: the copy equals the original, short and long, ASCII and not", () => {
  for (const s of ["", "a@b", "<20240601.abc@example.jp>", "件名：テストのお知らせ（重要）です", "x".repeat(5000)]) {
    assert.equal(detached(s), s);
  }
});
