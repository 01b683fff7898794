/**
 * Every row of a trace search, page after page (newest first), through the store's cursor
 * (`before`: the last row's time and row id), so that a search over any range is read in
 * constant memory: what `report` writes and `summary` counts.
 */
import type { Store, TraceQuery, TraceRow } from "../store/store.ts";
import { searchTrace } from "./hops.ts";

/** Rows read from the store at a time: a few MB of CSV. */
export const PAGE_ROWS = 5000;

export async function* tracePages(store: Store, query: TraceQuery): AsyncGenerator<TraceRow[]> {
  let before: TraceQuery["before"];
  for (;;) {
    const page = await searchTrace(store, { ...query, limit: PAGE_ROWS, before });
    if (!page.length) return;
    yield page;
    const last = page[page.length - 1];
    before = { time: last.time, rid: last.rid };
  }
}
