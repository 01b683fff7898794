/**
 * Summaries of blocks of recipient rows, in place of an index per trace filter.
 *
 * Recipient rows are numbered in the order they are written, so a block (BLOCK_ROWS rows of
 * consecutive ids) holds rows of about the same time. Each block keeps what its rows may hold:
 * the range of their times, the set of their statuses, and a Bloom filter of the keys
 * (textKey) of their recipients, senders, both domains and client IPs. A trace query walks the
 * blocks newest first, skips every block whose summary rules the filter out, reads the rows of
 * the others by id range, and stops once it has its rows and no block left can hold newer ones.
 *
 * Why not B-trees: seven indexes on a table written row by row cost more than the rows
 * themselves (each insert lands on a random page of each index), and a bulk load that builds
 * them at its end spent 10% of the load sorting. A summary only grows: a row that changes adds
 * its new values and keeps the old ones, so it may say "maybe" about a row that no longer
 * matches (the query tests the row itself), never "no" about one that does.
 */
import { CANONICAL_STATUSES, type CanonicalStatus } from "../logs/status.ts";
import { domainKey, textKey } from "./text-key.ts";

export const BLOCK_ROWS = 2048;
/** Bloom filter of a block: 64 Kbit, 4 probes; about 1% false "maybe" at 5,000 distinct keys. */
const BLOOM_BYTES = 8192;
const BLOOM_MASK = BLOOM_BYTES * 8 - 1;
const PROBES = 4;

/** Which field a key is of (salts the Bloom filter, so that a sender never passes for a recipient). */
export const KEY_FIELD = { recipient: 1, recipientDomain: 2, sender: 3, senderDomain: 4, clientIp: 5 } as const;
export type KeyField = (typeof KEY_FIELD)[keyof typeof KEY_FIELD];

const STATUS_BIT = new Map<string, number>(CANONICAL_STATUSES.map((s, i) => [s, 1 << i]));

/** The status set of `statuses` as bits (every status when none are given). */
export function statusMask(statuses: readonly CanonicalStatus[] | undefined): number {
  if (!statuses?.length) return -1;
  let m = 0;
  for (const s of statuses) m |= STATUS_BIT.get(s) ?? 0;
  return m;
}

export function blockOf(rowId: number): number {
  return Math.floor(rowId / BLOCK_ROWS);
}

/** The first and last row id of a block. */
export function blockRows(block: number): [first: number, last: number] {
  return [block * BLOCK_ROWS, block * BLOCK_ROWS + BLOCK_ROWS - 1];
}

/** The probe positions of a key: double hashing of a mixed 32-bit value (textKey's low bits are weak). */
function probes(field: KeyField, key: number, out: Int32Array): void {
  let h = Math.imul(key ^ Math.imul(field, 0x9e3779b9), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  const step = (Math.imul(h, 0x27d4eb2f) ^ (h >>> 15)) | 1;
  for (let i = 0; i < PROBES; i++) out[i] = (h + Math.imul(i, step)) & BLOOM_MASK;
}
const scratch = new Int32Array(PROBES);

export class BlockSummary {
  minTime: number;
  maxTime: number;
  statuses: number;
  readonly bloom: Uint8Array;

  constructor(minTime = Number.POSITIVE_INFINITY, maxTime = Number.NEGATIVE_INFINITY, statuses = 0, bloom?: Uint8Array) {
    this.minTime = minTime;
    this.maxTime = maxTime;
    this.statuses = statuses;
    // A stored filter of another size (none is written yet) is unusable: start one that says "maybe" to all.
    this.bloom = bloom && bloom.length === BLOOM_BYTES ? bloom : new Uint8Array(BLOOM_BYTES).fill(bloom ? 0xff : 0);
  }

  addTime(t: number): void {
    if (t < this.minTime) this.minTime = t;
    if (t > this.maxTime) this.maxTime = t;
  }

  addStatus(s: CanonicalStatus): void {
    this.statuses |= STATUS_BIT.get(s) ?? 0;
  }

  addKey(field: KeyField, key: number | null): void {
    if (key === null) return;
    probes(field, key, scratch);
    const b = this.bloom;
    for (let i = 0; i < PROBES; i++) b[scratch[i] >>> 3] |= 1 << (scratch[i] & 7);
  }

  /** False only if no row of the block has the key in that field. */
  mayHold(field: KeyField, key: number): boolean {
    probes(field, key, scratch);
    const b = this.bloom;
    for (let i = 0; i < PROBES; i++) if (!(b[scratch[i] >>> 3] & (1 << (scratch[i] & 7)))) return false;
    return true;
  }

  mayHaveStatus(mask: number): boolean {
    return (this.statuses & mask) !== 0;
  }
}

/**
 * The writer's side: the summaries of the blocks a batch touches, read on first touch and
 * written back at its commit (in the same transaction as the rows, so a crash loses neither
 * alone). Forgotten after each commit: another process may write between two batches.
 */
export class BlockNotes {
  private readonly load: (block: number) => BlockSummary | undefined;
  private readonly save: (block: number, s: BlockSummary) => void;
  private readonly touched = new Map<number, BlockSummary>();
  private lastBlock = -1;
  private last: BlockSummary | undefined;

  constructor(load: (block: number) => BlockSummary | undefined, save: (block: number, s: BlockSummary) => void) {
    this.load = load;
    this.save = save;
  }

  /** The summary of the block of a row (most rows are in the newest block). */
  of(rowId: number): BlockSummary {
    const block = blockOf(rowId);
    if (block === this.lastBlock && this.last) return this.last;
    let s = this.touched.get(block);
    if (!s) {
      s = this.load(block) ?? new BlockSummary();
      this.touched.set(block, s);
    }
    this.lastBlock = block;
    this.last = s;
    return s;
  }

  /** A row as written: its time, status and the keys of its texts. */
  row(rowId: number, time: number, status: CanonicalStatus, recipient: string, sender: string | null | undefined, clientIp: string | null | undefined): void {
    const s = this.of(rowId);
    s.addTime(time);
    s.addStatus(status);
    s.addKey(KEY_FIELD.recipient, textKey(recipient));
    s.addKey(KEY_FIELD.recipientDomain, domainKey(recipient));
    this.origin(rowId, sender, clientIp, s);
  }

  /** A row's sender and client IP, learned after the row was written. */
  origin(rowId: number, sender: string | null | undefined, clientIp: string | null | undefined, s = this.of(rowId)): void {
    if (sender !== null && sender !== undefined) {
      s.addKey(KEY_FIELD.sender, textKey(sender));
      s.addKey(KEY_FIELD.senderDomain, domainKey(sender));
    }
    if (clientIp !== null && clientIp !== undefined) s.addKey(KEY_FIELD.clientIp, textKey(clientIp));
  }

  /** Writes every touched summary and forgets them. */
  flush(): void {
    for (const [block, s] of this.touched) this.save(block, s);
    this.touched.clear();
    this.lastBlock = -1;
    this.last = undefined;
  }
}
