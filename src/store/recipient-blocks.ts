/**
 * Blocks of recipient rows, with a column of keys per trace filter, in place of an index per filter.
 *
 * Recipient rows are numbered in the order they are written, so a block (BLOCK_ROWS rows of
 * consecutive ids) holds rows of about the same time. Each block has a summary (the range of
 * its rows' times and the set of their statuses) and, per filter, a column: for each row of the
 * block, 16 bits of the integer key (textKey) of its recipient, recipient domain, sender,
 * sender domain, client IP, original recipient (orig_to: the address as sent, before an alias
 * or a forward; a column is stored only for blocks with such rows), its domain, or its
 * status. (16 bits: a column is 4,000 bytes, four to a 16 KiB page; a key shares its 16 bits
 * with another in one row of 65,535, which the query's test of the row's text turns away.) A
 * trace query walks the blocks newest first, skips those whose
 * summary rules it out, scans the few kilobytes of the columns its filters need, reads only the
 * rows whose keys match (and tests their texts), and stops once it has its rows and no block
 * left can hold newer ones.
 *
 * Why not B-trees: seven indexes on a table written row by row cost more than the rows
 * themselves (each insert lands on a random page of each index), and a bulk load that builds
 * them at its end spent 10% of the load sorting. A column is rewritten in place when a row
 * changes (a sender learned later, a new status), so it is exact; the summary only grows (a row
 * that changes adds its new time or status and keeps the old), so it may send a query to a
 * block for nothing, never past a row that matches.
 */
import { CANONICAL_STATUSES, type CanonicalStatus } from "../logs/status.ts";
import type { DomainList } from "./domain-list.ts";
import { domainKey, textKey } from "./text-key.ts";

/** Rows per block: four columns of 2-byte values, with SQLite's cell headers, fit a 16 KiB page. */
export const BLOCK_ROWS = 2000;

/** The columns of a block; the numbers are stored (with the block number they key a column's row). */
export const COLUMN = { recipient: 1, recipientDomain: 2, sender: 3, senderDomain: 4, clientIp: 5, status: 6, origTo: 7, origToDomain: 8 } as const;
export type Column = (typeof COLUMN)[keyof typeof COLUMN];

/** The stored id of a block's column: column-major, so that a query reads one column of many blocks as one range. */
export function columnId(block: number, column: Column): number {
  return column * 2 ** 32 + block;
}

/** A column's value for a row without one. */
const NONE = 0;

/** A key (textKey) as a column holds it: 1..65535, mixed first (textKey's low bits are weak). */
export function columnKey(key: number | null): number {
  if (key === null) return NONE;
  let h = Math.imul(key, 0x9e3779b1);
  h ^= h >>> 15;
  return ((h >>> 0) % 65535) + 1;
}

const STATUS_CODE = new Map<string, number>(CANONICAL_STATUSES.map((s, i) => [s, i + 1]));

/** A status as stored in the status column (1..7), and as a bit of a block's status set. */
export function statusCode(s: CanonicalStatus): number {
  return STATUS_CODE.get(s) ?? 0;
}

/** The status set of `statuses` as bits (every status when none are given). */
export function statusMask(statuses: readonly CanonicalStatus[] | undefined): number {
  if (!statuses?.length) return -1;
  let m = 0;
  for (const s of statuses) m |= 1 << statusCode(s);
  return m;
}

export function blockOf(rowId: number): number {
  return Math.floor(rowId / BLOCK_ROWS);
}

/** The first and last row id of a block. */
export function blockRows(block: number): [first: number, last: number] {
  return [block * BLOCK_ROWS, block * BLOCK_ROWS + BLOCK_ROWS - 1];
}

// Columns are stored little-endian whatever the machine: a store file moved from one machine to
// another reads the same. On a little-endian machine (nearly all) that is a view, no copy.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A copy of the column with each value's two bytes swapped (little- <-> big-endian). */
export function swapped(c: Uint16Array): Uint16Array {
  const out = new Uint16Array(c.length);
  for (let i = 0; i < c.length; i++) out[i] = ((c[i] & 0xff) << 8) | (c[i] >>> 8);
  return out;
}

/** The stored form of a column (its bytes, little-endian), and back. */
export function columnBytes(c: Uint16Array, littleEndian = LITTLE_ENDIAN): Uint8Array {
  const le = littleEndian ? c : swapped(c);
  return new Uint8Array(le.buffer, le.byteOffset, le.byteLength);
}
/** A column from its stored bytes (a view of them when they allow), or one with no values. */
export function columnOf(bytes: Uint8Array | undefined, littleEndian = LITTLE_ENDIAN): Uint16Array {
  let c: Uint16Array;
  if (bytes && bytes.byteLength === BLOCK_ROWS * 2 && bytes.byteOffset % 2 === 0) c = new Uint16Array(bytes.buffer, bytes.byteOffset, BLOCK_ROWS);
  else {
    c = new Uint16Array(BLOCK_ROWS);
    if (bytes) c.set(new Uint16Array(bytes.slice(0, Math.min(bytes.byteLength, BLOCK_ROWS * 2) & ~1).buffer));
  }
  return littleEndian ? c : swapped(c);
}

/** A filter's test of one column: the row's value there is one of `wanted`. */
export type ColumnTest = [column: Uint16Array, wanted: readonly number[]];

/**
 * Offsets (within the block) of the rows that pass every filter, where a filter is one or more
 * column tests and a row passes it if it passes one of them (a recipient is its own address or
 * the original one). The first filter should be the most selective: the others are tested only
 * on its rows.
 */
export function matchingRows(filters: ReadonlyArray<ColumnTest | readonly ColumnTest[]>): number[] {
  const groups = filters.map((f) => (f[0] instanceof Uint16Array ? [f as ColumnTest] : (f as readonly ColumnTest[])));
  const [first, ...rest] = groups;
  let rows: number[];
  const searches = first.reduce((n, [, w]) => n + w.length, 0);
  if (searches <= MAX_SEARCHES) {
    // The first filter's rows by the builtin search, once per column and key (an address, a
    // domain, a few subdomains): it beats a loop over the rows.
    rows = [];
    for (const [c, wanted] of first) for (const k of wanted) if (k !== NONE) rows.push(...offsetsOf(c, k));
    if (searches > 1) rows = [...new Set(rows)].sort((a, b) => a - b);
  } else {
    rows = [];
    for (let i = 0; i < BLOCK_ROWS; i++) if (passes(first, i)) rows.push(i);
  }
  return rest.length ? rows.filter((i) => rest.every((g) => passes(g, i))) : rows;
}

/** Up to this many column scans (one per key) for a block's first filter; past it, one loop over its rows. */
const MAX_SEARCHES = 16;

function offsetsOf(c: Uint16Array, key: number): number[] {
  const out: number[] = [];
  for (let i = c.indexOf(key); i >= 0; i = c.indexOf(key, i + 1)) out.push(i);
  return out;
}

function passes(tests: readonly ColumnTest[], row: number): boolean {
  for (const [c, wanted] of tests) {
    const v = c[row];
    if (v !== NONE && (wanted.length <= 8 ? wanted.includes(v) : lookupOf(wanted)[v] === 1)) return true;
  }
  return false;
}

/** A long list of wanted values (the domains of `*.jp`) as a table of all 65,536, made once per list. */
const LOOKUPS = new WeakMap<readonly number[], Uint8Array>();
function lookupOf(wanted: readonly number[]): Uint8Array {
  let t = LOOKUPS.get(wanted);
  if (!t) {
    t = new Uint8Array(65536);
    for (const k of wanted) t[k] = 1;
    LOOKUPS.set(wanted, t);
  }
  return t;
}

export class BlockSummary {
  minTime: number;
  maxTime: number;
  /** Bits 1 << statusCode of the statuses its rows have had. */
  statuses: number;

  constructor(minTime = Number.POSITIVE_INFINITY, maxTime = Number.NEGATIVE_INFINITY, statuses = 0) {
    this.minTime = minTime;
    this.maxTime = maxTime;
    this.statuses = statuses;
  }

  addTime(t: number): void {
    if (t < this.minTime) this.minTime = t;
    if (t > this.maxTime) this.maxTime = t;
  }

  addStatus(s: CanonicalStatus): void {
    this.statuses |= 1 << statusCode(s);
  }

  mayHaveStatus(mask: number): boolean {
    return (this.statuses & mask) !== 0;
  }
}

/** Where the writer's notes of blocks are read from and written to (the backend's tables). */
export interface BlockStorage {
  loadSummary(block: number): BlockSummary | undefined;
  saveSummary(block: number, s: BlockSummary): void;
  loadColumn(block: number, column: Column): Uint8Array | undefined;
  saveColumn(block: number, column: Column, bytes: Uint8Array): void;
}

/**
 * The writer's side: the summaries and columns of the blocks a batch touches, read on first
 * touch and written back at its commit (in the same transaction as the rows, so a crash loses
 * neither alone). Forgotten after each commit: another process may write between two batches.
 */
export class BlockNotes {
  private readonly storage: BlockStorage;
  /** Told every domain written into a domain column (the store's list of domains). */
  private readonly domains: DomainList | undefined;
  private readonly summaries = new Map<number, BlockSummary>();
  /** Per block, its columns read or written in this batch (index: Column). */
  private readonly columns = new Map<number, Array<Uint16Array | undefined>>();
  private lastBlock = -1;
  private lastSummary: BlockSummary | undefined;
  private lastColumns: Array<Uint16Array | undefined> | undefined;

  constructor(storage: BlockStorage, domains?: DomainList) {
    this.storage = storage;
    this.domains = domains;
  }

  /** A domain column's value for an address, its domain noted in the list. */
  private domainOf(address: string): number {
    const key = domainKey(address);
    this.domains?.note(address, key);
    return columnKey(key);
  }

  private touch(block: number): void {
    if (block === this.lastBlock) return;
    let s = this.summaries.get(block);
    if (!s) {
      s = this.storage.loadSummary(block) ?? new BlockSummary();
      this.summaries.set(block, s);
      this.columns.set(block, []);
    }
    this.lastBlock = block;
    this.lastSummary = s;
    this.lastColumns = this.columns.get(block);
  }

  /** Sets a row's value in a column (a columnKey, or a status code). */
  private set(rowId: number, column: Column, value: number): void {
    const cols = this.lastColumns as Array<Uint16Array | undefined>;
    let c = cols[column];
    if (!c) c = cols[column] = columnOf(this.storage.loadColumn(this.lastBlock, column));
    c[rowId - this.lastBlock * BLOCK_ROWS] = value;
  }

  /** A row as inserted. */
  row(
    rowId: number, time: number, status: CanonicalStatus, recipient: string, sender: string | null | undefined, clientIp: string | null | undefined,
    origTo?: string | null,
  ): void {
    this.touch(blockOf(rowId));
    this.set(rowId, COLUMN.recipient, columnKey(textKey(recipient)));
    this.set(rowId, COLUMN.recipientDomain, this.domainOf(recipient));
    this.merged(rowId, time, status, sender, clientIp, origTo);
  }

  /** A row merged with what was learned since (its recipient stays; values not given stay as stored). */
  merged(
    rowId: number, time: number, status: CanonicalStatus, sender: string | null | undefined, clientIp: string | null | undefined,
    origTo?: string | null,
  ): void {
    this.touch(blockOf(rowId));
    (this.lastSummary as BlockSummary).addTime(time);
    this.status(rowId, status);
    this.origin(rowId, sender, clientIp);
    if (origTo) this.origTo(rowId, origTo);
  }

  /** A row's original recipient (rare: most blocks never get this column). */
  origTo(rowId: number, origTo: string): void {
    this.touch(blockOf(rowId));
    this.set(rowId, COLUMN.origTo, columnKey(textKey(origTo)));
    this.set(rowId, COLUMN.origToDomain, this.domainOf(origTo));
  }

  /** A row's sender and client IP, where learned (a value not given stays as stored). */
  origin(rowId: number, sender: string | null | undefined, clientIp: string | null | undefined): void {
    this.touch(blockOf(rowId));
    if (sender !== null && sender !== undefined) {
      this.set(rowId, COLUMN.sender, columnKey(textKey(sender)));
      this.set(rowId, COLUMN.senderDomain, this.domainOf(sender));
    }
    if (clientIp !== null && clientIp !== undefined) this.set(rowId, COLUMN.clientIp, columnKey(textKey(clientIp)));
  }

  status(rowId: number, status: CanonicalStatus): void {
    this.touch(blockOf(rowId));
    (this.lastSummary as BlockSummary).addStatus(status);
    this.set(rowId, COLUMN.status, statusCode(status));
  }

  time(rowId: number, time: number): void {
    this.touch(blockOf(rowId));
    (this.lastSummary as BlockSummary).addTime(time);
  }

  /** Writes every touched summary and column, and forgets them. */
  flush(): void {
    for (const [block, s] of this.summaries) this.storage.saveSummary(block, s);
    for (const [block, cols] of this.columns) {
      cols.forEach((c, column) => {
        if (c) this.storage.saveColumn(block, column as Column, columnBytes(c));
      });
    }
    this.summaries.clear();
    this.columns.clear();
    this.lastBlock = -1;
    this.lastSummary = undefined;
    this.lastColumns = undefined;
  }
}
