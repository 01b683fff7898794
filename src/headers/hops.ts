/**
 * The Received chain as hops, oldest first (each MTA prepends its Received header, so the
 * bottom one is the first hop). The delay of a hop is its time minus the time of the previous
 * dated hop; a negative delay means the two clocks disagree (clock skew), never "time ran
 * backwards", and is reported as such. Hops without a readable date get no delay.
 */
import type { HeaderField } from "./header-block.ts";
import { type ParsedReceived, parseReceived, type ReceivedBy, type ReceivedFrom, type ReceivedWith } from "./received.ts";

export interface Hop {
  /** 1 = oldest. */
  index: number;
  from: ReceivedFrom | null;
  by: ReceivedBy | null;
  via: string | null;
  with: ReceivedWith | null;
  id: string | null;
  for: string | null;
  /** ISO 8601 UTC, null when the header has no readable date. */
  time: string | null;
  /** The date as the MTA wrote it. */
  timeText: string | null;
  /** Seconds since the previous dated hop (may be fractional; negative = clock skew). */
  delaySeconds: number | null;
  /** True when delaySeconds is negative. */
  clockSkew: boolean;
  /** False when the header could not be read; `raw` then holds all we have. */
  parsed: boolean;
  /** The Received header value as it was in the message. */
  raw: string;
}

export interface HopChain {
  hops: Hop[];
  /** Last dated hop minus first dated hop, null with fewer than two dated hops. */
  totalDelaySeconds: number | null;
}

function round(ms: number): number {
  return Math.round(ms) / 1000;
}

export function hopsFromFields(received: HeaderField[]): HopChain {
  // Fields are top (newest) first; hops are oldest first.
  const parsed: ParsedReceived[] = [...received].reverse().map((f) => parseReceived(f.raw));
  const hops: Hop[] = [];
  let previousMs: number | null = null;
  let firstMs: number | null = null;
  let lastMs: number | null = null;
  parsed.forEach((p, i) => {
    const ms = p.date?.epochMs ?? null;
    let delaySeconds: number | null = null;
    if (ms !== null) {
      if (previousMs !== null) delaySeconds = round(ms - previousMs);
      previousMs = ms;
      if (firstMs === null) firstMs = ms;
      lastMs = ms;
    }
    hops.push({
      index: i + 1,
      from: p.from,
      by: p.by,
      via: p.via,
      with: p.with,
      id: p.id,
      for: p.for,
      time: ms !== null ? new Date(ms).toISOString() : null,
      timeText: p.dateText,
      delaySeconds,
      clockSkew: delaySeconds !== null && delaySeconds < 0,
      parsed: p.parsed,
      raw: p.raw,
    });
  });
  const dated = hops.filter((h) => h.time !== null).length;
  const totalDelaySeconds = dated >= 2 && firstMs !== null && lastMs !== null ? round((lastMs as number) - (firstMs as number)) : null;
  return { hops, totalDelaySeconds };
}
