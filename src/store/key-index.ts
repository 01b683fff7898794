/**
 * The message keys of a store in memory during a bulk load: textKey(queue ID) -> row id and
 * start time, in typed arrays (about 40 bytes a message).
 *
 * A bulk load drops the store's key index and builds it once at the end: a queue ID is random,
 * so every insert into that B-tree lands on a random page, and each commit wrote (and
 * journaled) most of its pages again; at 5M log lines that was 14% of the load. Lookups during
 * the load come here instead. The entries say which rows may be the message; the writer reads
 * those rows by id to compare host and queue ID (different texts can share a key).
 */
export class KeyIndex {
  // Two hash chains: by key (every start of a queue ID) and by key + start (one message). The
  // second keeps an exact lookup short where one key has thousands of entries: every refused
  // attempt is "NOQUEUE".
  private slots: Int32Array; // per slot of mix(key): its newest entry + 1 (0: none)
  private startSlots: Int32Array; // per slot of mix(key, start)
  private mask: number;
  private next: Int32Array; // per entry: the slot's next older entry + 1
  private nextStart: Int32Array;
  private qKeys: Int32Array;
  private ids: Float64Array;
  private times: Float64Array;
  private n = 0;

  /** Sized for about `expected` messages; grows past that. */
  constructor(expected: number) {
    const cap = Math.max(1024, Math.ceil(expected));
    this.next = new Int32Array(cap);
    this.nextStart = new Int32Array(cap);
    this.qKeys = new Int32Array(cap);
    this.ids = new Float64Array(cap);
    this.times = new Float64Array(cap);
    this.slots = new Int32Array(slotCount(cap));
    this.startSlots = new Int32Array(slotCount(cap));
    this.mask = this.slots.length - 1;
  }

  get size(): number {
    return this.n;
  }

  add(qKey: number, id: number, firstTime: number): void {
    if (this.n === this.ids.length) this.grow();
    const e = this.n++;
    this.qKeys[e] = qKey;
    this.ids[e] = id;
    this.times[e] = firstTime;
    this.link(e);
  }

  /** The entries with this key, newest added first (an empty array when none). */
  lookup(qKey: number): number[] {
    let found: number[] | undefined;
    for (let e = this.slots[mix(qKey) & this.mask] - 1; e >= 0; e = this.next[e] - 1) {
      if (this.qKeys[e] === qKey) (found ??= []).push(e);
    }
    return found ?? NONE;
  }

  /** The entries with this key that start at `firstTime`. */
  lookupStart(qKey: number, firstTime: number): number[] {
    let found: number[] | undefined;
    for (let e = this.startSlots[mixStart(qKey, firstTime) & this.mask] - 1; e >= 0; e = this.nextStart[e] - 1) {
      if (this.qKeys[e] === qKey && this.times[e] === firstTime) (found ??= []).push(e);
    }
    return found ?? NONE;
  }

  idOf(entry: number): number {
    return this.ids[entry];
  }

  timeOf(entry: number): number {
    return this.times[entry];
  }

  /** A message's start moved (its earlier lines came later): it moves to the chain of its new start. */
  setTime(entry: number, firstTime: number): void {
    const old = mixStart(this.qKeys[entry], this.times[entry]) & this.mask;
    if (this.startSlots[old] === entry + 1) this.startSlots[old] = this.nextStart[entry];
    else {
      let e = this.startSlots[old] - 1;
      while (this.nextStart[e] !== entry + 1) e = this.nextStart[e] - 1;
      this.nextStart[e] = this.nextStart[entry];
    }
    this.times[entry] = firstTime;
    this.linkStart(entry);
  }

  private link(e: number): void {
    const s = mix(this.qKeys[e]) & this.mask;
    this.next[e] = this.slots[s];
    this.slots[s] = e + 1;
    this.linkStart(e);
  }

  private linkStart(e: number): void {
    const s = mixStart(this.qKeys[e], this.times[e]) & this.mask;
    this.nextStart[e] = this.startSlots[s];
    this.startSlots[s] = e + 1;
  }

  private grow(): void {
    const cap = this.ids.length * 2;
    const widen = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.qKeys = widen(this.qKeys, (k) => new Int32Array(k));
    this.ids = widen(this.ids, (k) => new Float64Array(k));
    this.times = widen(this.times, (k) => new Float64Array(k));
    this.next = new Int32Array(cap);
    this.nextStart = new Int32Array(cap);
    this.slots = new Int32Array(slotCount(cap));
    this.startSlots = new Int32Array(slotCount(cap));
    this.mask = this.slots.length - 1;
    for (let e = 0; e < this.n; e++) this.link(e);
  }
}

const NONE: number[] = [];

/** A power of two at least twice the entries, so that chains stay short. */
function slotCount(entries: number): number {
  let n = 1024;
  while (n < entries * 2) n *= 2;
  return n;
}

/** textKey is FNV-1a, whose low bits are weak: mix before masking. */
function mix(k: number): number {
  let h = Math.imul(k ^ (k >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return h ^ (h >>> 16);
}

/** A start time in ms needs more than 32 bits: both halves go in. */
function mixStart(k: number, time: number): number {
  return mix(k ^ mix(time | 0) ^ Math.floor(time / 4294967296));
}
