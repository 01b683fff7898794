/**
 * Typo suggestions: our own Japanese cases, and the two public pair sets in
 * ../shared/corpus/addresses/typos (share fixed printed; must-stay pairs get no suggestion).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { suggestAddress, suggestDomain } from "../../src/address/typo.ts";
import { corpusPath, skipUnlessCorpus } from "../support/corpus.ts";

test("Japanese carriers and providers", () => {
  const cases: Array<[string, string | undefined]> = [
    ["docomo.ne.pj", "docomo.ne.jp"],
    ["docomo.ne.jo", "docomo.ne.jp"],
    ["docom.ne.jp", "docomo.ne.jp"],
    ["ezwb.ne.jp", "ezweb.ne.jp"],
    ["ezweb.ne.pj", "ezweb.ne.jp"],
    ["sofbank.ne.jp", "softbank.ne.jp"],
    ["i.sftbank.jp", "i.softbank.jp"],
    ["yahoo.co.jo", "yahoo.co.jp"],
    ["yaho.co.jp", "yahoo.co.jp"],
    ["icloud.co", "icloud.com"],
    ["outlok.jp", "outlook.jp"],
    ["gmial.com", "gmail.com"],
    ["niftty.com", "nifty.com"],
    ["biglob.ne.jp", "biglobe.ne.jp"],
    ["example.co.pj", "example.co.jp"],
    ["example.ne.pj", "example.ne.jp"],
    // Real domains stay as they are.
    ["docomo.ne.jp", undefined],
    ["ezweb.ne.jp", undefined],
    ["au.com", undefined],
    ["i.softbank.jp", undefined],
    ["ymobile.ne.jp", undefined],
    ["example.co.jp", undefined],
    ["mail.com", undefined],
    ["gm.com", undefined],
    ["yahoo.com.tw", undefined],
    ["hotmail.co.uk", undefined],
    ["sannet.ne.jp", undefined],
    ["gmail.co.jp", undefined],
    ["city.yokohama.lg.jp", undefined],
    ["u-tokyo.ac.jp", undefined],
  ];
  for (const [input, expected] of cases) assert.equal(suggestDomain(input), expected, input);
});

test("mechanical slips", () => {
  const cases: Array<[string, string | undefined]> = [
    ["m,takihara@example.co.jp", "m.takihara@example.co.jp"],
    ["taro@example,co,jp", "taro@example.co.jp"],
    ["taro @example.co.jp", "taro@example.co.jp"],
    ["taro@example.co.jp.", "taro@example.co.jp"],
    ["taro@exam_ple.co.jp", "taro@exam-ple.co.jp"],
    ["mailto:taro@example.co.jp", "taro@example.co.jp"],
    ["<taro@example.co.jp>", "taro@example.co.jp"],
    [" taro@example.co.jp ", "taro@example.co.jp"],
    ["Taro Yamada <taro@example.co.jp>", "taro@example.co.jp"],
    ["taro@example.co.jp;", "taro@example.co.jp"],
    ["ｔａｒｏ＠ｄｏｃｏｍｏ．ｎｅ．ｊｐ", "taro@docomo.ne.jp"],
    ["taro@example.co.jp", undefined],
  ];
  for (const [input, expected] of cases) assert.equal(suggestAddress(input)?.address, expected, input);
});

test("email_typo pairs: at least 90% fixed, must-stay pairs untouched", { skip: skipUnlessCorpus("addresses", "typos", "email_typo-pairs.jsonl") }, () => {
  const pairs = readFileSync(corpusPath("addresses", "typos", "email_typo-pairs.jsonl")!, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { input: string; expected: string; group: string });
  // The converter turned the gem's Ruby loop over TLDs into pseudo-pairs ("et", "#{tld}" ...
  // -> "john@verizon.net"); they are not addresses and are left out (counted below).
  const artefact = (p: { input: string }) => !p.input.includes("@") || p.input.includes("#{");
  const usable = pairs.filter((p) => !artefact(p));
  const fix = usable.filter((p) => p.input !== p.expected);
  const stay = usable.filter((p) => p.input === p.expected);
  const misses: string[] = [];
  let fixed = 0;
  for (const p of fix) {
    const got = suggestAddress(p.input)?.address;
    if (got === p.expected) fixed++;
    else misses.push(`${p.input} -> ${got ?? "(none)"}, expected ${p.expected}`);
  }
  const touched = stay.filter((p) => suggestAddress(p.input) !== undefined).map((p) => `${p.input} -> ${suggestAddress(p.input)?.address}`);
  console.log(`email_typo: fixed ${fixed}/${fix.length} (${((fixed / fix.length) * 100).toFixed(1)}%), must-stay untouched ${stay.length - touched.length}/${stay.length}; ${pairs.length - usable.length} converter artefacts left out`);
  for (const m of misses) console.log(`  not fixed: ${m}`);
  for (const m of touched) console.log(`  wrongly changed: ${m}`);
  assert.ok(fixed / fix.length >= 0.9, `${fixed}/${fix.length} fixed, below 90%`);
  assert.deepEqual(touched, []);
});

test("common-email-domain-typos: at least 90% fixed", { skip: skipUnlessCorpus("addresses", "typos", "common-email-domain-typos.txt") }, () => {
  const lines = readFileSync(corpusPath("addresses", "typos", "common-email-domain-typos.txt")!, "utf8").trim().split("\n");
  let fixed = 0;
  const misses: string[] = [];
  for (const line of lines) {
    const [wrong, right] = line.trim().split(":");
    const got = suggestAddress(`user@${wrong}`)?.address;
    if (got === `user@${right}`) fixed++;
    else misses.push(`${wrong} -> ${got ?? "(none)"}, expected ${right}`);
  }
  console.log(`common-email-domain-typos: fixed ${fixed}/${lines.length} (${((fixed / lines.length) * 100).toFixed(1)}%)`);
  for (const m of misses) console.log(`  not fixed: ${m}`);
  assert.ok(fixed / lines.length >= 0.9);
});
