import assert from "node:assert/strict";
import { test } from "node:test";
import { KeyFilter } from "../../src/store/key-filter.ts";

test("key filter: every added key is possibly stored; unknown keys mostly certainly not", () => {
  const f = new KeyFilter(100_000);
  const qid = (i: number) => (i * 2654435761 >>> 0).toString(16).toUpperCase().padStart(10, "0");
  for (let i = 0; i < 100_000; i++) f.add(i % 2 ? "mx1" : "mx2", qid(i));
  for (let i = 0; i < 100_000; i++) assert.ok(f.mayHave(i % 2 ? "mx1" : "mx2", qid(i)));
  let falsePositives = 0;
  for (let i = 100_000; i < 200_000; i++) if (f.mayHave("mx1", qid(i))) falsePositives++;
  // The host is part of the key: mx2's queue IDs are not mx1's.
  let crossHost = 0;
  for (let i = 0; i < 100_000; i += 2) if (f.mayHave("mx1", qid(i))) crossHost++;
  console.log(`key filter: ${(falsePositives / 1000).toFixed(2)}% false positives at 16 bits per key`);
  assert.ok(falsePositives < 3000, `${falsePositives} false positives`);
  assert.ok(crossHost < 1500, `${crossHost} of mx2's keys taken for mx1's`);
});
