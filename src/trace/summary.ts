/**
 * `mailtrace summary`: the rows of a trace search counted by destination domain (or relay,
 * sender domain, hour), with each group's statuses and its newest problem. It answers the
 * checklist's "did it fail for every recipient at that domain?" and "is it our side?": a
 * destination that defers everything stands out at the top.
 *
 * Built on store.trace's pages (pages.ts, as `report` is), so every filter means what it means in
 * `trace`, for any store.
 */
import type { CanonicalStatus } from "../logs/status.ts";
import type { Store, TraceQuery, TraceRow } from "../store/store.ts";
import { tracePages } from "./pages.ts";

export const SUMMARY_KEYS = ["domain", "relay", "sender-domain", "hour"] as const;
export type SummaryKey = (typeof SUMMARY_KEYS)[number];

export interface SummaryGroup {
  key: string;
  total: number;
  counts: Record<CanonicalStatus, number>;
  /** Failed or pending: what did not (yet) arrive. */
  problems: number;
  /** The newest failed or pending row of the group. */
  lastProblem: TraceRow | null;
}

function domainOf(address: string | null): string {
  if (!address) return "";
  const at = address.lastIndexOf("@");
  return at < 0 ? "" : address.slice(at + 1).toLowerCase();
}

/** The relay's host name without its address and port: `mx.example.jp[192.0.2.1]:25` -> `mx.example.jp`. */
function relayHost(relay: string | null): string {
  if (!relay) return "";
  return relay.replace(/\[.*$/, "").toLowerCase();
}

/** The row's hour as logged (its own offset), `2026-12-03T10`. */
function hourOf(r: TraceRow): string {
  return new Date(r.time + r.offset * 60000).toISOString().slice(0, 13);
}

const KEY_OF: Record<SummaryKey, (r: TraceRow) => string> = {
  domain: (r) => domainOf(r.recipient),
  relay: (r) => relayHost(r.relay),
  "sender-domain": (r) => domainOf(r.sender),
  hour: hourOf,
};

/**
 * Every row of `query`, counted by `by`. Groups are sorted by their problems, then their size
 * (hours: newest first); `limit` keeps the first so many.
 */
export async function summarize(store: Store, query: TraceQuery, by: SummaryKey, limit = 50): Promise<{ rows: number; groups: SummaryGroup[] }> {
  const groups = new Map<string, SummaryGroup>();
  const keyOf = KEY_OF[by];
  let rows = 0;
  for await (const page of tracePages(store, query)) {
    for (const r of page) {
      const key = keyOf(r);
      let g = groups.get(key);
      if (!g) {
        g = {
          key, total: 0, problems: 0, lastProblem: null,
          counts: { delivered: 0, failed: 0, pending: 0, expanded: 0, quarantined: 0, filtered: 0, resolved: 0 },
        };
        groups.set(key, g);
      }
      g.total++;
      g.counts[r.status]++;
      if (r.status === "failed" || r.status === "pending") {
        g.problems++;
        g.lastProblem ??= r; // rows come newest first
      }
    }
    rows += page.length;
  }
  const sorted = [...groups.values()].sort(by === "hour"
    ? (a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0)
    : (a, b) => b.problems - a.problems || b.total - a.total || (a.key < b.key ? -1 : 1));
  return { rows, groups: sorted.slice(0, limit) };
}
