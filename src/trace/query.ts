/**
 * The trace query model: CLI/API strings -> a validated TraceQuery for any store.
 * Patterns: an exact address (case-insensitive), `*@example.com` (that domain),
 * `*.example.com` (its subdomains), or `*` anywhere (glob). Time: `--since` takes a duration
 * (`90m`, `48h`, `7d`, `2w`) or a time (ISO 8601, or a date); the default range is the last 48 hours.
 */
import { UserError } from "../core/errors.ts";
import { CANONICAL_STATUSES, type CanonicalStatus, isCanonicalStatus } from "../logs/status.ts";
import type { TextPattern, TraceQuery } from "../store/store.ts";

export const DEFAULT_SINCE_MS = 48 * 3600 * 1000;
export const DEFAULT_LIMIT = 1000;
/**
 * The most rows one trace holds in memory (with --explain, about 1 KB each, under the CLI's
 * 160 MB heap). Longer exports page through the store: `mailtrace report`.
 */
export const MAX_LIMIT = 50_000;

export interface TraceQueryInput {
  sender?: string;
  recipient?: string;
  messageId?: string;
  queueId?: string;
  clientIp?: string;
  /** Comma-separated canonical statuses. */
  status?: string;
  since?: string;
  until?: string;
  /** A duration (30m, 2h) or seconds. */
  minDelay?: string;
  limit?: string | number;
  /** Every queue entry of a message passed on through a filter or relay hop as its own row (trace/hops.ts). */
  eachHop?: boolean;
}

export function parsePattern(input: string, what: string): TextPattern {
  const p = input.trim().replace(/^<(.*)>$/, "$1");
  if (!p) throw new UserError(`${what} pattern is empty`);
  if (p === "*") return { kind: "like", value: "*" };
  if (p.startsWith("*@") && !p.slice(2).includes("*") && p.length > 2) return { kind: "domain", value: p.slice(2).toLowerCase() };
  if (p.startsWith("@") && !p.includes("*") && p.length > 1) return { kind: "domain", value: p.slice(1).toLowerCase() };
  if (p.startsWith("*.") && !p.slice(2).includes("*") && !p.includes("@") && p.length > 2) {
    return { kind: "subdomain", value: p.slice(2).toLowerCase() };
  }
  if (p.includes("*")) return { kind: "like", value: p };
  return { kind: "exact", value: p };
}

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60000, min: 60000, h: 3600000, d: 86400000, w: 604800000 };

/** A duration like `90m` in milliseconds, or undefined. */
export function parseDuration(s: string): number | undefined {
  const m = DURATION_RE.exec(s.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2].toLowerCase()] : undefined;
}

/** A time: ISO 8601 / RFC 3339 (without offset: local time), a date, or epoch seconds. */
export function parseTime(s: string, what: string): number {
  const v = s.trim();
  if (/^\d{9,11}$/.test(v)) return Number(v) * 1000;
  // `2024-01-02 03:04` -> ISO; Date.parse reads offset-less date-times as local time.
  const iso = v.replace(/^(\d{4}-\d\d-\d\d) (\d)/, "$1T$2");
  const t = Date.parse(/^\d{4}-\d\d-\d\d$/.test(iso) ? `${iso}T00:00:00` : iso);
  if (Number.isNaN(t)) throw new UserError(`${what}: "${s}" is neither a duration (90m, 48h, 7d) nor a time (2024-05-01T09:00+09:00)`);
  return t;
}

export function parseStatuses(s: string): CanonicalStatus[] {
  const out: CanonicalStatus[] = [];
  for (const part of s.split(",")) {
    const v = part.trim().toLowerCase();
    if (!v) continue;
    if (!isCanonicalStatus(v)) throw new UserError(`unknown status "${part.trim()}" (expected: ${CANONICAL_STATUSES.join(", ")})`);
    out.push(v);
  }
  return out;
}

/** Builds the store query; `now` is injectable for tests. */
export function buildTraceQuery(input: TraceQueryInput, now = Date.now()): TraceQuery {
  const q: TraceQuery = {};
  if (input.sender !== undefined) q.sender = parsePattern(input.sender, "sender");
  if (input.recipient !== undefined) q.recipient = parsePattern(input.recipient, "recipient");
  if (input.messageId !== undefined) q.messageId = input.messageId.trim().replace(/^<(.*)>$/, "$1");
  if (input.queueId !== undefined) q.queueId = input.queueId.trim();
  if (input.clientIp !== undefined) q.clientIp = input.clientIp.trim();
  if (input.status !== undefined) q.status = parseStatuses(input.status);
  if (input.since !== undefined) {
    const d = parseDuration(input.since);
    q.since = d !== undefined ? now - d : parseTime(input.since, "--since");
  } else if (input.messageId === undefined && input.queueId === undefined) {
    q.since = now - DEFAULT_SINCE_MS;
  }
  if (input.until !== undefined) {
    const d = parseDuration(input.until);
    q.until = d !== undefined ? now - d : parseTime(input.until, "--until");
  }
  if (q.since !== undefined && q.until !== undefined && q.until < q.since) throw new UserError("--until is before --since");
  if (input.minDelay !== undefined) {
    const v = input.minDelay.trim();
    const seconds = /^\d+(\.\d+)?$/.test(v) ? Number(v) : (parseDuration(v) ?? Number.NaN) / 1000;
    if (!(seconds >= 0)) throw new UserError(`--min-delay must be a duration (90s, 30m, 2h) or seconds, not "${input.minDelay}"`);
    q.minDelay = seconds;
  }
  const limit = input.limit === undefined ? DEFAULT_LIMIT : Number(input.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UserError(`--limit must be a positive whole number, not "${input.limit}"`);
  if (limit > MAX_LIMIT) throw new UserError(`--limit ${limit} is more than ${MAX_LIMIT.toLocaleString("en-US")} rows: for a longer export, mailtrace report --out FILE.csv writes every row`);
  q.limit = limit;
  if (input.eachHop) q.eachHop = true;
  return q;
}
