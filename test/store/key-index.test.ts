import assert from "node:assert/strict";
import { test } from "node:test";
import { KeyIndex } from "../../src/store/key-index.ts";

test("key index: every entry is found by its key after the index has grown, with its id and time; others are not", () => {
  const k = new KeyIndex(10); // grows many times
  const key = (i: number) => Math.imul(i, 2654435761) >>> 1; // 31-bit, like textKey
  for (let i = 0; i < 50_000; i++) k.add(key(i), i + 1, 1000 * i);
  // The same key twice (a queue ID reused, or two texts with one key): both, newest first.
  k.add(key(7), 50_001, 99);
  assert.equal(k.size, 50_001);
  for (let i = 0; i < 50_000; i += 997) {
    const e = k.lookup(key(i));
    assert.equal(e.length, i === 7 ? 2 : 1);
    assert.equal(k.idOf(e[e.length - 1]), i + 1);
    assert.equal(k.timeOf(e[e.length - 1]), 1000 * i);
  }
  assert.deepEqual(k.lookup(key(7)).map((e) => k.idOf(e)), [50_001, 8]);
  let stray = 0;
  for (let i = 50_000; i < 60_000; i++) stray += k.lookup(key(i)).length;
  assert.equal(stray, 0);
  // By key and start: many entries of one key (every refused attempt is "NOQUEUE").
  for (let i = 0; i < 5000; i++) k.add(12345, 60_000 + i, 1000 * (i >> 1));
  assert.deepEqual(k.lookupStart(12345, 7000).map((e) => k.idOf(e)), [60_015, 60_014]);
  assert.deepEqual(k.lookupStart(12345, 7001), []);
  const [e] = k.lookup(key(3));
  k.setTime(e, 5);
  assert.equal(k.timeOf(k.lookup(key(3))[0]), 5);
  assert.deepEqual(k.lookupStart(key(3), 5), [e]);
  assert.deepEqual(k.lookupStart(key(3), 3000), [], "moved off the chain of its old start");
  const [f] = k.lookupStart(12345, 7000);
  k.setTime(f, 7001); // the newest of a chain of two
  assert.deepEqual(k.lookupStart(12345, 7000).map((x) => k.idOf(x)), [60_014]);
  assert.deepEqual(k.lookupStart(12345, 7001).map((x) => k.idOf(x)), [60_015]);
});
