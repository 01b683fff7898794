/**
 * Integer keys of texts: what the store's indexes and filters hold in place of the texts
 * (SQLite builds and probes an index on integers several times faster than one on text, and a
 * query compares the text itself on the few rows a key finds).
 */

/** A 31-bit key of a text, the same for texts equal under NOCASE (ASCII letters folded). FNV-1a. */
export function textKey(s: string | null | undefined, from = 0): number | null {
  if (s === null || s === undefined) return null;
  let h = 0x811c9dc5;
  for (let i = from; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 32;
    h = Math.imul(h ^ c, 16777619);
  }
  return (h ^ (h >>> 16)) & 0x7fffffff;
}

/** textKey of an address's domain (after its last `@`); null without one. */
export function domainKey(address: string | null | undefined): number | null {
  if (!address) return null;
  const at = address.lastIndexOf("@");
  return at < 0 || at === address.length - 1 ? null : textKey(address, at + 1);
}
