/**
 * A Bloom filter of message keys (host + queue ID): "certainly not stored" without a query.
 * During a bulk load nearly every queue ID is new, and two index lookups per new message
 * (the entry before it, the entry after it) cost more than parsing its lines did. False
 * positives only cost the lookup the filter would have saved.
 */
export class KeyFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;

  /** Sized for about `keys` keys at 16 bits each (1% false positives), within [2^20, 2^28] bits. */
  constructor(keys: number) {
    let n = 1 << 20;
    while (n < keys * 16 && n < 1 << 28) n *= 2;
    this.bits = new Uint32Array(n / 32);
    this.mask = n - 1;
  }

  add(host: string, queueId: string): void {
    let [a, b] = lanes(host, queueId);
    for (let i = 0; i < 4; i++, a = (a + b) | 0) {
      const bit = a & this.mask;
      this.bits[bit >>> 5] |= 1 << (bit & 31);
    }
  }

  mayHave(host: string, queueId: string): boolean {
    let [a, b] = lanes(host, queueId);
    for (let i = 0; i < 4; i++, a = (a + b) | 0) {
      const bit = a & this.mask;
      if (!(this.bits[bit >>> 5] & (1 << (bit & 31)))) return false;
    }
    return true;
  }
}

/** Two independent 32-bit hashes of host and queue ID (double hashing gives the 4 probes). */
function lanes(host: string, queueId: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x2545f491;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    a = Math.imul(a ^ c, 16777619);
    b = Math.imul(b ^ c, 2246822519);
  }
  a = Math.imul(a ^ 32, 16777619);
  for (let i = 0; i < queueId.length; i++) {
    const c = queueId.charCodeAt(i);
    a = Math.imul(a ^ c, 16777619);
    b = Math.imul(b ^ c, 2246822519);
  }
  b ^= b >>> 15;
  return [a ^ (a >>> 13), b | 1];
}
