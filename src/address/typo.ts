/**
 * Typo suggestions: first the mechanical slips (spaces, a comma for a dot, doubled "@" or dots,
 * a trailing dot, "_" for "-", stray punctuation, "mailto:"), then the domain compared with the
 * popular domains and the public suffixes. A suggestion is only a guess: the caller shows it as
 * "did you mean", and a domain known to be real is never changed.
 */
import { parse as parsePsl } from "tldts";
import { editDistance } from "./distance.ts";
import {
  COMMON_SUFFIXES,
  isLegacyCarrierDomain,
  KNOWN_REAL_DOMAINS,
  POPULAR_DOMAINS,
  SLD_WORDS,
  TYPO_PRONE_TLDS,
} from "./domains.ts";
import { normalizeInputChars } from "./normalize.ts";

export interface Suggestion {
  address: string;
  /** What was changed, as diagnosis codes (without the "address." namespace). */
  reasons: string[];
}

/** A public suffix as the ICANN section of the Public Suffix List has it. */
function isPublicSuffix(s: string): boolean {
  const p = parsePsl(`x.${s}`, { allowPrivateDomains: false });
  return p.isIcann === true && p.publicSuffix === s;
}

function suffixOf(d: string): { name: string; suffix: string; valid: boolean } {
  const p = parsePsl(d, { allowPrivateDomains: false });
  const suffix = p.publicSuffix ?? "";
  return { name: d.slice(0, Math.max(0, d.length - suffix.length - 1)), suffix, valid: p.isIcann === true };
}

/** Same name, both suffixes real and more than one edit apart. */
function suffixSwapOnly(input: string, popular: string): boolean {
  const a = suffixOf(input);
  const b = suffixOf(popular);
  return a.name === b.name && a.valid && !TYPO_PRONE_TLDS[a.suffix] && editDistance(a.suffix, b.suffix) > 1;
}

function popularName(d: string): string {
  return d.split(".")[0];
}

/** How many edits a typo of `target` may have: short names are too easy to hit by accident. */
function allowedEdits(target: string): number {
  return popularName(target).length >= 5 ? 2 : 1;
}

/** The nearest entry of `list` within `limit` edits; ties go to the earlier entry. */
function nearest(s: string, list: readonly string[], limit: (c: string) => number): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of list) {
    let d = editDistance(s, c);
    // Same letters with a dot moved or missing ("gmailc.om", "cojp") is one slip.
    if (d > 1 && s.replace(/\./g, "") === c.replace(/\./g, "")) d = 1;
    if (d <= limit(c) && d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** A corrected domain, or undefined when the domain looks as intended. */
export function suggestDomain(domain: string): string | undefined {
  const d = domain.toLowerCase();
  if (KNOWN_REAL_DOMAINS.has(d) || d.startsWith("[") || !d) return undefined;
  // "gmail.com.co", "web.de.de": a popular domain with something glued on.
  for (const p of POPULAR_DOMAINS) if (d.startsWith(`${p}.`)) return p;
  // A one-letter name ("a.com") is too short to guess from.
  const popular = d.replace(/\.[^.]*$/, "").length >= 2 ? nearest(d, POPULAR_DOMAINS, allowedEdits) : undefined;
  // Swapping one valid country suffix for another ("gmail.co.jp" -> "gmail.co.uk") is not a typo fix.
  if (popular && !suffixSwapOnly(d, popular)) return popular;
  const labels = d.split(".");
  // "examplecom": the dot before the TLD was left out.
  if (labels.length === 1) {
    for (const s of ["com", "net", "org", "jp"]) {
      if (d.length > s.length + 2 && d.endsWith(s)) return `${d.slice(0, -s.length)}.${s}`;
    }
    return undefined;
  }
  const psl = parsePsl(d, { allowPrivateDomains: false });
  const suffix = psl.publicSuffix ?? "";
  const valid = psl.isIcann === true && labels.length > suffix.split(".").length;
  // "gmail.net": a big provider's exact name under another generic TLD.
  if (labels.length === 2 && ["com", "net", "org", "co"].includes(suffix)) {
    const same = POPULAR_DOMAINS.find((p) => p === `${labels[0]}.com`) ?? POPULAR_DOMAINS.find((p) => popularName(p) === labels[0] && p.split(".").length === 2);
    if (same && popularName(same).length >= 3) return same;
  }
  if (valid && !TYPO_PRONE_TLDS[suffix]) {
    // "example.con.com": a mangled TLD followed by the right one.
    if (labels.length >= 3 && suffix === labels[labels.length - 1] && editDistance(labels[labels.length - 2], suffix) <= 1 && labels[labels.length - 2].length <= 4) {
      return labels.slice(0, -2).concat(suffix).join(".");
    }
    // "example.co.ar": a registry-style second level the registry does not have.
    const sld = labels[labels.length - 1 - suffix.split(".").length];
    if (labels.length >= 3 && SLD_WORDS.has(sld) && !isPublicSuffix(`${sld}.${suffix}`)) {
      const wrong = `${sld}.${suffix}`;
      const fix = nearest(wrong, COMMON_SUFFIXES.filter((c) => c.endsWith(`.${suffix}`)), () => 1);
      if (fix) return `${labels.slice(0, -2).join(".")}.${fix}`;
    }
    return undefined;
  }
  // "examplec.om": the dot typed one letter early.
  const last = labels[labels.length - 1];
  const prev = labels[labels.length - 2];
  if ((!valid || TYPO_PRONE_TLDS[suffix]) && prev.length > 2 && COMMON_SUFFIXES.includes(prev.slice(-1) + last)) {
    return labels.slice(0, -2).concat(prev.slice(0, -1), prev.slice(-1) + last).join(".");
  }
  if (TYPO_PRONE_TLDS[suffix] && labels.length >= 2) {
    return `${labels.slice(0, -1).join(".")}.${TYPO_PRONE_TLDS[suffix]}`;
  }
  // Unknown TLD: try the last two labels as one suffix ("co.lp" -> "co.jp"), then the last one.
  for (const k of [2, 1]) {
    if (labels.length <= k) continue;
    const tail = labels.slice(-k).join(".");
    const fix = nearest(tail, COMMON_SUFFIXES, (c) => (tail.length >= 5 && c.length >= 3 ? 2 : 1));
    if (fix && fix.split(".").length >= k) return `${labels.slice(0, -k).join(".")}.${fix}`;
    if (fix && k === 1) return `${labels.slice(0, -1).join(".")}.${fix}`;
  }
  // Trailing digits stuck to the TLD ("com1").
  const stripped = d.replace(/[0-9]+$/, "");
  if (stripped !== d && isPublicSuffix(stripped.split(".").pop() ?? "")) return stripped;
  return undefined;
}

const EDGE_JUNK_START = /^[\s`'"<>,;:\\]+/;
const EDGE_JUNK_END = /[\s`'"<>,;:\\]+$/;

/** The address the user most likely meant, or undefined when nothing looks mistyped. */
export function suggestAddress(raw: string): Suggestion | undefined {
  // Nobody mistypes a 300-character address; and edit distances on huge input are slow.
  if (raw.length > 320) return undefined;
  const reasons = new Set<string>();
  const n = normalizeInputChars(raw);
  let s = n.text;
  if (n.mapped.length) reasons.add("fullwidth-characters");
  if (s !== s.trim()) reasons.add("spaces");
  // "Taro Yamada <taro@example.jp>" pasted from a mail header: the address is inside <>.
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(s);
  if (angle && s.trim() !== angle[0]) {
    s = angle[1];
    reasons.add("display-name");
  }
  if (/^mailto:/i.test(s)) {
    s = s.replace(/^mailto:/i, "");
    reasons.add("mailto-prefix");
  }
  // ".co," / ".co>" at the very end: "m" is next to "," and "." on the keyboard.
  if (/\.co[,.<>]$/i.test(s)) {
    s = `${s.slice(0, -1)}m`;
    reasons.add("misspelled-tld");
  }
  const quotedLocal = /^"[^"]*"@/.test(s.trim());
  if (!quotedLocal) {
    const t = s.replace(EDGE_JUNK_START, "").replace(EDGE_JUNK_END, "");
    if (t !== s.trim()) reasons.add("stray-punctuation");
    s = t;
  } else s = s.trim();
  if (/@\s*@/.test(s)) {
    s = s.replace(/@(\s*@)+/g, "@");
    reasons.add("double-at");
  }
  const at = s.lastIndexOf("@");
  if (at <= 0 || at === s.length - 1) return undefined;
  let local = s.slice(0, at);
  let domain = s.slice(at + 1);
  if (!quotedLocal && local.includes("@")) return undefined;

  // Domain: mechanical slips first.
  let dm = domain;
  if (/\s/.test(dm)) {
    dm = dm.replace(/\s+/g, "");
    reasons.add("spaces");
  }
  if (dm.includes(",")) {
    dm = dm.replace(/,/g, ".");
    reasons.add("comma-for-dot");
  }
  if (dm.includes("_")) {
    dm = dm.replace(/_/g, "-");
    reasons.add("underscore-for-hyphen");
  }
  if (!dm.startsWith("[")) {
    const cleaned = dm.replace(/[^A-Za-z0-9.\-\u0080-\uffff]/gu, "");
    if (cleaned !== dm) reasons.add("stray-punctuation");
    dm = cleaned.normalize("NFKC").toLowerCase();
    const dots = dm.replace(/\.{2,}/g, ".").replace(/^\.+/, "");
    if (dots !== dm) reasons.add("extra-dots");
    dm = dots;
    if (dm.endsWith(".")) {
      dm = dm.replace(/\.+$/, "");
      reasons.add("trailing-dot");
    }
    const fixed = suggestDomain(dm);
    if (fixed) {
      reasons.add(popularOrSuffix(dm, fixed));
      dm = fixed;
    }
  }
  domain = dm;

  // Local part: spaces, comma for dot, stray dots (kept for the carriers that allowed them).
  if (!quotedLocal) {
    if (/\s/.test(local)) {
      local = local.replace(/\s+/g, "");
      reasons.add("spaces");
    }
    if (local.includes(",")) {
      local = local.replace(/,/g, ".");
      reasons.add("comma-for-dot");
    }
    if (!isLegacyCarrierDomain(domain)) {
      const l2 = local.replace(/\.{2,}/g, ".").replace(/^\.+|\.+$/g, "");
      if (l2 !== local) reasons.add("extra-dots");
      local = l2;
    }
  }
  if (!local || !domain) return undefined;
  const address = `${local}@${domain}`;
  if (address === raw) return undefined;
  // Only lower-casing the domain is not worth a suggestion.
  if (address.toLowerCase() === raw.trim().toLowerCase() && reasons.size === 0) return undefined;
  if (reasons.size === 0) return undefined;
  return { address, reasons: [...reasons] };
}

function popularOrSuffix(_from: string, to: string): string {
  return POPULAR_DOMAINS.includes(to) ? "misspelled-domain" : "misspelled-tld";
}
