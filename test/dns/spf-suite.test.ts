/**
 * The RFC 7208 test suite (openspf.org, as kept in pyspf) run through mailtrace's SPF
 * evaluation path (src/dns/spf-evaluate.ts, i.e. mailauth) with an in-memory resolver that
 * serves each scenario's zonedata by the rules of pyspf's driver (see the corpus SOURCE.md).
 * Prints the pass count and every failure; mailauth's own suite skips the same kind of cases.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { evaluateSpf, type MailauthResolver } from "../../src/dns/spf-evaluate.ts";
import { corpusPath, skipUnlessCorpus } from "../support/corpus.ts";

type ZoneEntry = Record<string, unknown> | "TIMEOUT";

function dnsError(code: string, what: string): Error {
  const err = new Error(`${code} ${what}`) as NodeJS.ErrnoException;
  err.code = code;
  return err;
}

/** An in-memory DNS following testspf.py's reading of zonedata. */
export function zoneResolver(zonedata: Record<string, ZoneEntry[]>): MailauthResolver {
  const zone = new Map<string, ZoneEntry[]>();
  for (const [name, entries] of Object.entries(zonedata ?? {})) zone.set(name.toLowerCase().replace(/\.$/, ""), entries);
  const answer = (name: string, type: string, depth: number): unknown[] => {
    const key = name.toLowerCase().replace(/\.$/, "");
    const entries = zone.get(key);
    if (!entries) {
      if (key.startsWith("error.") || key.endsWith(".error")) throw dnsError("ETIMEOUT", name);
      throw dnsError("ENOTFOUND", name);
    }
    const out: unknown[] = [];
    const hasOwnTxt = entries.some((e) => e !== "TIMEOUT" && "TXT" in e);
    for (const e of entries) {
      if (e === "TIMEOUT") {
        if (out.length === 0) throw dnsError("ETIMEOUT", name);
        break;
      }
      const [[rtype, value]] = Object.entries(e);
      if (rtype === "CNAME" && type !== "CNAME") {
        if (depth > 0) return answer(String(value), type, depth - 1);
        continue;
      }
      const served = rtype === "SPF" && type === "TXT" && !hasOwnTxt ? "TXT" : rtype;
      if (served !== type) continue;
      if (value === "NONE") continue;
      if (type === "TXT") out.push(Array.isArray(value) ? value.map(String) : [String(value)]);
      else if (type === "MX") {
        const [priority, exchange] = value as [number, string];
        out.push({ priority, exchange: String(exchange).replace(/\.$/, "") });
      } else out.push(String(value).replace(/\.$/, ""));
    }
    if (out.length === 0) throw dnsError("ENODATA", name);
    return out;
  };
  return async (name, type) => answer(name, type, 1);
}

interface SuiteTest {
  helo: string;
  host: string;
  mailfrom: string;
  result: string | string[];
}

test("RFC 7208 SPF test suite through our SPF evaluation path", { skip: skipUnlessCorpus("spf", "rfc7208-tests.yml") }, async () => {
  const docs = parseAllDocuments(readFileSync(corpusPath("spf", "rfc7208-tests.yml")!, "utf8")).map((d) => d.toJS());
  let total = 0;
  let passed = 0;
  let lenientPassed = 0;
  const failures: string[] = [];
  const lenientFailures: string[] = [];
  for (const doc of docs) {
    if (!doc?.tests) continue;
    const resolver = zoneResolver(doc.zonedata ?? {});
    for (const [name, t] of Object.entries(doc.tests as Record<string, SuiteTest>)) {
      total++;
      const expected = ([] as string[]).concat(t.result);
      // The default path (strict RFC 7208), and mailauth's lenient mode for comparison.
      const got = await evaluateSpf({ ip: t.host, sender: t.mailfrom ?? "", helo: t.helo, resolver });
      const lenient = await evaluateSpf({ ip: t.host, sender: t.mailfrom ?? "", helo: t.helo, resolver, strict: false });
      if (expected.includes(lenient.result)) lenientPassed++;
      else lenientFailures.push(`${name}: expected ${expected.join("|")}, got ${lenient.result}`);
      if (expected.includes(got.result)) passed++;
      else failures.push(`${name}: expected ${expected.join("|")}, got ${got.result}`);
    }
  }
  console.log(`SPF RFC 7208 suite: ${passed}/${total} passed (strict RFC 7208 mode, our default); lenient mode: ${lenientPassed}/${total}`);
  for (const f of failures) console.log(`  failed ${f}`);
  for (const f of lenientFailures) console.log(`  (lenient mode only, not our path) ${f}`);
  assert.equal(total, 203, "the suite has 203 tests");
  assert.ok(passed >= 195, `at least 195 of 203 must pass (mailauth's own figure), got ${passed}`);
});
