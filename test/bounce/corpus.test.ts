/** Accuracy on the public bounce corpus: at least 95% agreement with sisimai's results. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { corpusPath, skipUnlessCorpus } from "../support/corpus.ts";
import { compareCorpus, summary } from "./corpus-compare.ts";

test("bounce corpus: count, status and reason agree with the expected results", { skip: skipUnlessCorpus("bounces", "expected.jsonl") }, async () => {
  const c = await compareCorpus(corpusPath("bounces") as string);
  console.log(summary(c));
  if (process.env.MAILTRACE_SHOW_MISSES) console.log(c.misses.join("\n"));
  assert.ok(c.rows >= 500, `expected the whole corpus, read ${c.rows} rows`);
  assert.ok(c.agreed / c.rows >= 0.95, `agreement ${c.agreed}/${c.rows} is below 95%`);
  // Each format in the corpus has its own module: the detected format must be named as sisimai names it.
  assert.ok(c.format / c.formatRows >= 0.9, `format names ${c.format}/${c.formatRows} are below 90%`);
});
