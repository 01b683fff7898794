import assert from "node:assert/strict";
import { test } from "node:test";
import { buildTraceQuery, parseDuration, parsePattern } from "../../src/trace/query.ts";

test("patterns: exact, *@domain, *.domain, globs", () => {
  assert.deepEqual(parsePattern("Bob@Example.jp", "r"), { kind: "exact", value: "Bob@Example.jp" });
  assert.deepEqual(parsePattern("*@Example.JP", "r"), { kind: "domain", value: "example.jp" });
  assert.deepEqual(parsePattern("*.example.jp", "r"), { kind: "subdomain", value: "example.jp" });
  assert.deepEqual(parsePattern("bob*@example.jp", "r"), { kind: "like", value: "bob*@example.jp" });
  assert.throws(() => parsePattern("  ", "r"), /empty/);
});

test("durations and the default 48 hour window", () => {
  assert.equal(parseDuration("90m"), 90 * 60000);
  assert.equal(parseDuration("48h"), 48 * 3600000);
  assert.equal(parseDuration("7d"), 7 * 86400000);
  const now = Date.UTC(2024, 5, 10, 12);
  assert.equal(buildTraceQuery({}, now).since, now - 48 * 3600000);
  assert.equal(buildTraceQuery({ since: "90m" }, now).since, now - 90 * 60000);
  assert.equal(buildTraceQuery({ since: "2024-06-01T00:00:00+09:00" }, now).since, Date.UTC(2024, 4, 31, 15));
  assert.equal(buildTraceQuery({ messageId: "<a@b>" }, now).since, undefined);
  assert.deepEqual(buildTraceQuery({ status: "failed, pending" }, now).status, ["failed", "pending"]);
  assert.throws(() => buildTraceQuery({ status: "bounced" }, now), /unknown status/);
  assert.throws(() => buildTraceQuery({ since: "yesterday-ish" }, now), /neither a duration/);
  assert.throws(() => buildTraceQuery({ limit: "0" }, now), /positive/);
});

test("--min-delay: a duration or seconds; --limit at most 50,000 rows, with the way to more", () => {
  assert.equal(buildTraceQuery({ minDelay: "30m" }).minDelay, 1800);
  assert.equal(buildTraceQuery({ minDelay: "90" }).minDelay, 90);
  assert.equal(buildTraceQuery({ minDelay: "1.5h" }).minDelay, 5400);
  assert.throws(() => buildTraceQuery({ minDelay: "-5" }), /--min-delay must be a duration/);
  assert.throws(() => buildTraceQuery({ minDelay: "soon" }), /--min-delay must be a duration/);
  assert.equal(buildTraceQuery({ limit: "50000" }).limit, 50000);
  assert.throws(() => buildTraceQuery({ limit: "50001" }), /mailtrace report --out/);
});
