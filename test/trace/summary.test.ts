import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { writePostfixLog } from "../../src/demo/postfix-log.ts";
import { ingestFiles } from "../../src/logs/ingest.ts";
import { openStore } from "../../src/store/open.ts";
import type { TraceQuery, TraceRow } from "../../src/store/store.ts";
import { searchTrace } from "../../src/trace/hops.ts";
import { SUMMARY_KEYS, summarize } from "../../src/trace/summary.ts";
import { mailtrace } from "../support/cli.ts";

/** The groups written out by hand from every row: what summarize must say. */
function reference(rows: TraceRow[], keyOf: (r: TraceRow) => string): Map<string, { total: number; failed: number; pending: number; delivered: number; last: TraceRow | null }> {
  const out = new Map<string, { total: number; failed: number; pending: number; delivered: number; last: TraceRow | null }>();
  for (const r of rows) {
    const k = keyOf(r);
    const g = out.get(k) ?? { total: 0, failed: 0, pending: 0, delivered: 0, last: null };
    g.total++;
    if (r.status === "failed") g.failed++;
    if (r.status === "pending") g.pending++;
    if (r.status === "delivered") g.delivered++;
    if ((r.status === "failed" || r.status === "pending") && (!g.last || r.time > g.last.time || (r.time === g.last.time && r.rid > g.last.rid))) g.last = r;
    out.set(k, g);
  }
  return out;
}

test("summary: a search counted by destination domain, relay, sender domain and hour, as the rows say; problems first", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-summary-"));
  try {
    const log = join(dir, "mail.log");
    await writePostfixLog(log, { start: Date.UTC(2026, 10, 20), lines: 40_000, seed: 9, meanGapSeconds: (5 * 86400) / (40_000 / 10.4) });
    const url = `sqlite:${join(dir, "t.db")}`;
    const store = await openStore(url);
    await ingestFiles(store, [log], { year: 2026, tz: "UTC" });
    const keyOf: Record<string, (r: TraceRow) => string> = {
      domain: (r) => (r.recipient?.includes("@") ? r.recipient.slice(r.recipient.lastIndexOf("@") + 1).toLowerCase() : ""),
      relay: (r) => (r.relay ?? "").replace(/\[.*$/, "").toLowerCase(),
      "sender-domain": (r) => (r.sender?.includes("@") ? r.sender.slice(r.sender.lastIndexOf("@") + 1).toLowerCase() : ""),
      hour: (r) => new Date(r.time + r.offset * 60000).toISOString().slice(0, 13),
    };
    for (const q of [{ since: 0 }, { since: 0, status: ["failed", "pending"] }, { since: 0, sender: { kind: "subdomain", value: "jp" } }] as TraceQuery[]) {
      const rows = await searchTrace(store, { ...q, limit: 1e6 });
      assert.ok(rows.length > 500, `${rows.length} rows`);
      for (const by of SUMMARY_KEYS) {
        const got = await summarize(store, q, by, 1e6);
        const want = reference(rows, keyOf[by]);
        assert.equal(got.rows, rows.length);
        assert.equal(got.groups.length, want.size, `${by}: every group`);
        for (const g of got.groups) {
          const w = want.get(g.key);
          assert.ok(w, `${by} ${g.key}`);
          assert.deepEqual([g.total, g.counts.failed, g.counts.pending, g.counts.delivered], [w.total, w.failed, w.pending, w.delivered], `${by} ${g.key}`);
          assert.equal(g.lastProblem?.rid ?? null, w.last?.rid ?? null, `${by} ${g.key}: the newest problem`);
        }
        const order = got.groups.map((g) => (by === "hour" ? g.key : g.problems));
        const sorted = [...order].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
        assert.deepEqual(order, sorted, `${by}: ${by === "hour" ? "newest hour" : "most problems"} first`);
      }
    }
    await store.close();
    // The command: JSON groups, --limit, and a bad --by in one line.
    const r = await mailtrace(["summary", "--store", url, "--since", "2026-11-19T00:00:00Z", "--by", "domain", "--limit", "3", "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const groups = JSON.parse(r.stdout) as { key: string; total: number; failed: number; pending: number; problemShare: string }[];
    assert.equal(groups.length, 3);
    assert.ok(groups[0].failed + groups[0].pending >= groups[1].failed + groups[1].pending);
    assert.match(groups[0].problemShare, /^\d+%$/);
    const bad = await mailtrace(["summary", "--store", url, "--by", "planet"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^mailtrace: --by planet: expected one of domain, relay, sender-domain, hour\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
