/**
 * One trace row per message and recipient across relay hops. A message that passes a content
 * filter (amavis, `queued as` on re-injection) or a second Postfix instance is two or more queue
 * entries, each with its row of the recipient; the first says "delivered" to the filter while
 * the message may fail after it. By default a search shows one row per message and recipient,
 * with the outcome of its last hop, the client it came from (the first hop's), the delay from its
 * first arrival and `hops`, the queue IDs it passed through before; `eachHop` shows every entry's
 * row as the store holds it.
 *
 * The filters stay the store's: a row of any hop may match. A hop row that matches stands for
 * its message unless its last hop's row matches too (then that one shows, in its own place) or an
 * earlier hop's row does (then that one shows it); the outcome it shows must pass the status and
 * delay filters. So a search never shows a message twice, and a failure after the filter is found
 * by `--status failed` and by the first hop's client IP alike. (`--min-delay` finds a message by
 * the delay of one of its hops, then tests the whole delay it shows: one that was slow only as a
 * whole, each hop under the limit, is not found, unless the search is of one address or message:
 * outcomeFilter.)
 *
 * A recipient passed on to an entry that never names it (cleanup names only the first recipient
 * of a message it holds or discards; an entry still queued has logged none) has, as its next
 * hop, a row the store makes of that entry's whole outcome (Store.relayHops; its rid is below
 * every stored row's). A search that does not find its own row (`--status quarantined`: that row
 * says delivered to the filter) finds it through the entry's row that matches (passedOn), or, for
 * one address or message, by its outcome (outcomeFilter).
 */
import { LINK_WINDOW_MS, type RelayHops, type ShowRecipient, type ShowResult, type Store, type TraceQuery, type TraceRow } from "../store/store.ts";
import { DEFAULT_LIMIT } from "./query.ts";

/** The store rows a shown row took in the last search of each store (searchTrace's first ask). */
const rowsPerShown = new WeakMap<Store, number>();

/** Hops followed each way: Postfix setups chain two or three (filter, outbound instance). */
const MAX_HOPS = 8;

/** The rows of a search, `q.limit` at most, newest first; each row's place (time, rid) is that of the row that matched. */
export async function searchTrace(store: Store, q: TraceQuery): Promise<TraceRow[]> {
  if (q.eachHop) return store.trace(q);
  const limit = q.limit ?? DEFAULT_LIMIT;
  const out: TraceRow[] = [];
  let before = q.before;
  // Rows of the store a row shown took: some rows are hops that another row shows, so a page
  // asks for more than it shows (as many more as the last search of this store saw, or a
  // quarter more at the least), and again for what is missing, as many more as this search has seen.
  let perRow = rowsPerShown.get(store) ?? 1.25;
  const [sq, outcome] = outcomeFilter(q);
  while (out.length < limit) {
    const want = limit - out.length;
    const ask = Math.min(Math.ceil(want * perRow) + 8, 4 * want + 8);
    const raw = await store.trace({ ...sq, limit: ask, before });
    if (!raw.length) break;
    const shown = outcome(await collapse(store, sq, raw));
    for (const r of shown) out.push(r);
    rowsPerShown.set(store, Math.min(4, Math.max(1.25, raw.length / Math.max(1, shown.length))));
    if (raw.length < ask) break;
    perRow = Math.max(perRow, raw.length / Math.max(1, shown.length));
    const last = raw[raw.length - 1];
    before = { time: last.time, rid: last.rid };
  }
  // Rows past the limit are found again by the next page (each row's place is its own), but
  // rows that share a place go to one page: the next starts after that place.
  if (out.length > limit) {
    let cut = limit;
    while (cut > 0 && samePlace.has(out[cut])) cut--;
    if (cut === 0) for (cut = limit; cut < out.length && samePlace.has(out[cut]); cut++);
    out.length = cut;
  }
  return out;
}

/**
 * A search of one address or one message is read without its status and delay filters, which
 * then test each shown row's outcome: their rows are few, a recipient whose entry's row does not
 * match (passed on to an entry held as a whole, which names another) is found by its outcome,
 * and a message slow only as a whole (each hop under --min-delay) by its whole delay. A wider
 * search keeps the store's filters (passedOn finds the former; the latter it misses).
 */
function outcomeFilter(q: TraceQuery): [TraceQuery, (rows: TraceRow[]) => TraceRow[]] {
  const { status, minDelay } = q;
  const narrow = q.recipient?.kind === "exact" || q.queueId !== undefined || q.messageId !== undefined;
  if (!narrow || (!status?.length && minDelay === undefined)) return [q, (rows) => rows];
  const passes = (r: TraceRow) => (!status?.length || status.includes(r.status)) && (minDelay === undefined || (r.delay !== null && r.delay >= minDelay));
  return [{ ...q, status: undefined, minDelay: undefined }, (rows) => rows.filter(passes)];
}

/**
 * Every row of a search, newest first, a page a read of the store (`pageRows` store rows): as
 * many rows as each read shows, without reading again to fill a page (what `report` writes and
 * `summary` counts need no page of a fixed size).
 */
export async function* searchPages(store: Store, q: TraceQuery, pageRows: number): AsyncGenerator<TraceRow[]> {
  let before = q.before;
  const [sq, outcome] = q.eachHop ? [q, (rows: TraceRow[]) => rows] : outcomeFilter(q);
  for (;;) {
    const raw = await store.trace({ ...sq, limit: pageRows, before });
    if (!raw.length) return;
    const shown = q.eachHop ? raw : outcome(await collapse(store, sq, raw));
    if (shown.length) yield shown;
    if (raw.length < pageRows) return;
    const last = raw[raw.length - 1];
    before = { time: last.time, rid: last.rid };
  }
}

/**
 * Each row's chains of hops both ways (nearest first), followed level by level for the whole
 * page: one store call a level, for the chain ends whose hops are not known yet (a hop's
 * neighbour is often a row of the same page, whose hops are).
 */
async function chains(store: Store, rows: readonly TraceRow[], first: RelayHops[]): Promise<Record<keyof RelayHops, TraceRow[][]>> {
  const known = new Map<number, RelayHops>(rows.map((r, i) => [r.rid, first[i]]));
  const found: Record<keyof RelayHops, TraceRow[][]> = { prev: rows.map(() => []), next: rows.map(() => []) };
  const ways = ["prev", "next"] as const;
  for (let level = 0; level < MAX_HOPS; level++) {
    const ends = new Map<number, TraceRow>();
    for (const way of ways) {
      found[way].forEach((chain, i) => {
        const end = chain.length ? chain[chain.length - 1] : rows[i];
        if (!known.has(end.rid)) ends.set(end.rid, end);
      });
    }
    if (ends.size) {
      const list = [...ends.values()];
      (await store.relayHops(list)).forEach((h, k) => {
        known.set(list[k].rid, h);
      });
    }
    let grew = false;
    for (const way of ways) {
      found[way].forEach((chain, i) => {
        if (chain.length < level) return; // ended at an earlier level
        const end = chain.length ? chain[chain.length - 1] : rows[i];
        const h = known.get(end.rid)?.[way];
        // A link back to a row of the chain (a loop) ends it.
        if (!h || h.rid === rows[i].rid || chain.some((r) => r.rid === h.rid)) return;
        chain.push(h);
        grew = true;
      });
    }
    if (!grew) break;
  }
  return found;
}

/**
 * Seconds from the first hop's arrival to the last hop's attempt: the last hop's own delay (from
 * its arrival) and the time it arrived after the first. The delay a user asks about ("it came
 * late") is the whole of it.
 */
function totalDelay(last: TraceRow, head: TraceRow): number | null {
  if (last.delay === null) return null;
  return Math.round(((last.time - head.time) / 1000 + last.delay) * 100) / 100;
}

/** An entry's row that may stand for recipients it never names (passedOn): held or discarded whole, or its placeholder. */
interface Anchor {
  /** Its place in collapse's output. */
  at: number;
  row: TraceRow;
  /** The row of the entry that passed the message on (the hop before). */
  parent: TraceRow;
}

/** Statuses an entry takes as a whole (cleanup's hold or discard, which name only the first recipient). */
const WHOLE_ENTRY_STATUSES: ReadonlySet<string> = new Set(["quarantined", "filtered"]);

/** Rows shown in the place of the row before them (passedOn): a page is never cut between them. */
const samePlace = new WeakSet<TraceRow>();

async function collapse(store: Store, q: TraceQuery, raw: TraceRow[], expand = true): Promise<TraceRow[]> {
  const first = await store.relayHops(raw);
  if (first.every((h) => !h.next && !h.prev)) return raw; // the common page: no filter, no hops
  const { prev: prevs, next: nexts } = await chains(store, raw, first);
  // Which other hops' rows the search matches on their own: those of this page do; the others
  // are asked of the store (the same filters, by row id).
  const matched = new Set(raw.map((r) => r.rid));
  const others = new Set<number>();
  raw.forEach((row, i) => {
    // (A placeholder's earlier hops too: when they match, their rows show it.)
    if (!nexts[i].length && row.recipient !== null) return;
    const ends = nexts[i].length ? [nexts[i][nexts[i].length - 1], ...prevs[i]] : prevs[i];
    // (Rows of an entry's whole outcome, rid < 0, are no stored row to ask for.)
    for (const r of ends) if (r.rid > 0 && !matched.has(r.rid)) others.add(r.rid);
  });
  const ids = [...others];
  if (ids.length) for (const r of await store.trace({ ...q, before: undefined, limit: ids.length, rowIds: ids, eachHop: true })) matched.add(r.rid);
  const out: TraceRow[] = [];
  const anchors: Anchor[] = [];
  raw.forEach((row, i) => {
    const prev = prevs[i];
    const next = nexts[i];
    const head = prev.length ? prev[prev.length - 1] : row;
    // The first hop's client, unless the search asked for a client (then the one it matched).
    const clientIp = q.clientIp === undefined ? (head.clientIp ?? row.clientIp) : row.clientIp;
    const before = prev.map((r) => r.queueId ?? "").reverse();
    if (!next.length) {
      // A placeholder (its entry has logged no recipient yet) passed on by a hop the search
      // matches: that hop's rows show its recipients with this entry's outcome.
      if (row.recipient === null && prev.some((p) => matched.has(p.rid))) return;
      const shown = prev.length ? { ...row, clientIp, delay: totalDelay(row, head), hops: before } : row;
      if (expand && prev.length && (row.recipient === null || WHOLE_ENTRY_STATUSES.has(row.status))) anchors.push({ at: out.length, row: shown, parent: prev[0] });
      out.push(shown);
      return;
    }
    const last = next[next.length - 1];
    if (matched.has(last.rid) || prev.some((p) => matched.has(p.rid))) return;
    const delay = totalDelay(last, head);
    if (q.status?.length && !q.status.includes(last.status)) return;
    if (q.minDelay !== undefined && (delay === null || delay < q.minDelay)) return;
    out.push({
      ...last, time: row.time, offset: row.offset, rid: row.rid, clientIp, delay,
      messageId: last.messageId ?? row.messageId, subject: last.subject ?? row.subject, sender: last.sender ?? row.sender,
      size: last.size ?? row.size,
      hops: [...before, row.queueId ?? "", ...next.slice(0, -1).map((r) => r.queueId ?? "")],
    });
  });
  return anchors.length ? passedOn(store, q, out, anchors) : out;
}

/**
 * The recipients an anchor's entry never names, shown after it in its place (a placeholder gives
 * its place to them): the rows of the hop before, of the recipients the search asks for, whose
 * next hop is the anchor's whole entry (Store.relayHops) and which the search does not find on
 * their own (then they show in their own place). The anchor matched every filter but the
 * recipient's; they are the same entry's, so only the recipient's is tested on them. Without it,
 * `--status quarantined` listed one recipient of a held message (the one cleanup named).
 */
async function passedOn(store: Store, q: TraceQuery, out: TraceRow[], anchors: Anchor[]): Promise<TraceRow[]> {
  const parents = [...new Set(anchors.map((a) => a.parent.message))];
  const rows = await store.trace({ recipient: q.recipient, messages: parents, limit: MAX_PASSED_ON * parents.length, eachHop: true });
  const anchorOf = new Map<number, Anchor>();
  for (const a of anchors) {
    for (const r of rows) {
      if (r.message !== a.parent.message || r.recipient === null || anchorOf.has(r.rid)) continue;
      if (a.row.recipient !== null && (r.rid === a.parent.rid || r.recipient.toLowerCase() === a.row.recipient.toLowerCase())) continue;
      anchorOf.set(r.rid, a);
    }
  }
  if (!anchorOf.size) return out;
  const ids = [...anchorOf.keys()];
  for (const r of await store.trace({ ...q, before: undefined, limit: ids.length, rowIds: ids, eachHop: true })) anchorOf.delete(r.rid);
  const candidates = rows.filter((r) => anchorOf.has(r.rid)).sort((a, b) => a.rid - b.rid);
  const added = new Map<Anchor, TraceRow[]>();
  for (const m of await collapse(store, q, candidates, false)) {
    const a = anchorOf.get(m.rid) as Anchor;
    if (m.message !== a.row.message) continue; // passed on to another entry
    const list = added.get(a) ?? [];
    // (A search by client shows the client it matched, the anchor's, as collapse does.)
    list.push({ ...m, time: a.row.time, offset: a.row.offset, rid: a.row.rid, clientIp: q.clientIp === undefined ? m.clientIp : a.row.clientIp });
    added.set(a, list);
  }
  if (!added.size) return out;
  const at = new Map(anchors.map((a) => [a.at, a]));
  const shown: TraceRow[] = [];
  out.forEach((row, i) => {
    const a = at.get(i);
    const list = a && added.get(a);
    if (!list) {
      shown.push(row);
      return;
    }
    const placeholder = row.recipient === null;
    if (!placeholder) shown.push(row);
    list.forEach((r, k) => {
      if (!placeholder || k > 0) samePlace.add(r);
      shown.push(r);
    });
  });
  return shown;
}

/** Recipients of one message looked at for passedOn (a list's thousands are not one page's). */
const MAX_PASSED_ON = 10_000;

/**
 * `show`'s recipients, with those a hop passed on (`queued as` in its delivery text) to an entry
 * of the result that never names them: there they have that entry's whole outcome, its state or
 * its placeholder's status (as trace rows have, Store.relayHops), in place of the placeholder.
 */
export function withPassedOn(r: ShowResult): ShowResult {
  const added = new Map<number, ShowRecipient[]>();
  for (const child of r.messages) {
    const own = r.recipients.filter((x) => x.message === child.id);
    const placeholder = own.find((x) => x.recipient === "");
    const status = child.state?.status ?? placeholder?.status;
    if (!status) continue;
    const names = new Set(own.flatMap((x) => [x.recipient, x.origTo ?? ""]).filter((a) => a !== "").map((a) => a.toLowerCase()));
    const passed = new RegExp(` queued as ${child.queueId}\\)?$`);
    for (const p of r.recipients) {
      if (p.message === child.id || p.recipient === "" || p.time > child.time + LINK_WINDOW_MS || !passed.test(p.detail ?? "")) continue;
      if (names.has(p.recipient.toLowerCase())) continue;
      names.add(p.recipient.toLowerCase());
      const rows = added.get(child.id) ?? [];
      rows.push({
        message: child.id, queueId: child.queueId, recipient: p.recipient, origTo: null, status, dsn: null, relay: null, delay: null,
        detail: child.state ? child.state.detail : (placeholder?.detail ?? null), time: child.state?.time ?? placeholder?.time ?? child.time,
        offset: child.offset,
      });
      added.set(child.id, rows);
    }
  }
  if (!added.size) return r;
  // Each entry's added rows where its placeholder was (they stand for it), else after its last row.
  const last = new Map<number, number>();
  r.recipients.forEach((x, i) => {
    last.set(x.message, i);
  });
  const recipients: ShowRecipient[] = [];
  r.recipients.forEach((x, i) => {
    const rows = added.get(x.message);
    if (!(rows && x.recipient === "")) recipients.push(x);
    if (rows && last.get(x.message) === i) {
      recipients.push(...rows);
      added.delete(x.message);
    }
  });
  for (const rows of added.values()) recipients.push(...rows); // entries with no row of their own
  return { ...r, recipients };
}
