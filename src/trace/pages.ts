/**
 * Every row of a trace search, page after page (newest first), through the store's cursor
 * (`before`: the last row's time and row id), so that a search over any range is read in
 * constant memory: what `report` writes and `summary` counts. One row per message and
 * recipient across relay hops (hops.ts), so a page may hold fewer rows than PAGE_ROWS.
 */
import type { Store, TraceQuery, TraceRow } from "../store/store.ts";
import { searchPages } from "./hops.ts";

/** Rows read from the store at a time: a few MB of CSV. */
export const PAGE_ROWS = 5000;

export async function* tracePages(store: Store, query: TraceQuery): AsyncGenerator<TraceRow[]> {
  yield* searchPages(store, query, PAGE_ROWS);
}
