/**
 * The distinct domains of the stored addresses (recipient, sender, original recipient), so
 * that `*.example.co.jp` and domain globs (`*@mail*.example.com`) become a set of domain keys
 * for the block columns (recipient-blocks.ts) in place of a test of every row in the time range
 * (10M log lines, 7 days, no row matching: 243 ms).
 *
 * Every stored address's domain must be listed, or a query would miss its rows: the block
 * notes (BlockNotes) note each domain they write into a domain column, with the key they have
 * computed for it. Per address that is one Map lookup; only a domain not seen in this writer's
 * life is written (INSERT OR IGNORE).
 */
import { detached } from "../core/detached-string.ts";

/** Domains remembered per writer; past this, the memory starts again (a spam run has many). */
const MAX_SEEN = 100_000;

export class DomainList {
  private readonly seen = new Map<number, string>();
  private readonly save: (domain: string, labelsReversed: string) => void;

  /** `save` stores a domain (lower case) and the same with its labels reversed, once or more. */
  constructor(save: (domain: string, labelsReversed: string) => void) {
    this.save = save;
  }

  /** An address whose domain has the key `key` (domainKey: null without a domain). */
  note(address: string, key: number | null): void {
    if (key === null) return;
    // 30 bits: a small integer to V8 (a 31-bit key may be a heap number, slower to hash).
    const slot = key & 0x3fffffff;
    const known = this.seen.get(slot);
    if (known !== undefined && address.endsWith(known) && address.charCodeAt(address.length - known.length - 1) === 64) return;
    const domain = detached(address.slice(address.lastIndexOf("@") + 1));
    if (this.seen.size >= MAX_SEEN) this.seen.clear();
    this.seen.set(slot, domain);
    const lower = domain.toLowerCase();
    this.save(lower, labelsReversed(lower));
  }
}

/** `mail.example.co.jp` -> `jp.co.example.mail`: the subdomains of a domain sort after it, together. */
export function labelsReversed(domain: string): string {
  return domain.split(".").reverse().join(".");
}

/**
 * The range of labelsReversed forms of the proper subdomains of `domain`: from
 * `jp.co.example.` up to, not including, `jp.co.example/` ('/' follows '.').
 */
export function subdomainRange(domain: string): [from: string, to: string] {
  const r = labelsReversed(domain.toLowerCase());
  return [`${r}.`, `${r}/`];
}
