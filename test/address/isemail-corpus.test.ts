/**
 * is_email's test set (../shared/corpus/addresses): valid vs invalid agreement with the scoring
 * rule of its SOURCE.md. ERR must be invalid; CFWS/DEPREC/RFC5322 must not be plain valid;
 * VALID/DNSWARN/RFC5321 must not be invalid.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { categoryOf, parseAddress } from "../../src/address/syntax.ts";
import { corpusPath, skipUnlessCorpus } from "../support/corpus.ts";

test("agreement with is_email's expectations is at least 99%", { skip: skipUnlessCorpus("addresses", "isemail-tests.jsonl") }, () => {
  const lines = readFileSync(corpusPath("addresses", "isemail-tests.jsonl")!, "utf8").trim().split("\n");
  let agree = 0;
  const misses: string[] = [];
  for (const line of lines) {
    const c = JSON.parse(line) as { id: number; set: string; address: string; category: string; diagnosis: string };
    const got = categoryOf(parseAddress(c.address).worst);
    const group = c.category.replace("ISEMAIL_", "");
    const ok = group === "ERR" ? got === "invalid" : ["CFWS", "DEPREC", "RFC5322"].includes(group) ? got !== "valid" : got !== "invalid";
    if (ok) agree++;
    else misses.push(`${c.set}#${c.id} ${JSON.stringify(c.address)}: expected ${c.diagnosis}, got ${got}`);
  }
  const share = agree / lines.length;
  console.log(`is_email corpus: ${agree}/${lines.length} agree on valid vs invalid (${(share * 100).toFixed(1)}%)`);
  for (const m of misses) console.log(`  miss ${m}`);
  assert.ok(share >= 0.99, `agreement ${(share * 100).toFixed(1)}% is below 99%`);
});
