/**
 * Microsoft 365 / Exchange Online Protection vocabulary: X-Forefront-Antispam-Report,
 * X-Microsoft-Antispam, X-MS-Exchange-Organization-SCL and the mailbox delivery field
 * (Microsoft Learn, "Anti-spam message headers in Microsoft 365"). This table says which keys
 * and values exist and which mean "filtered"; the words live in the i18n catalogues under
 * headers.ms.<KEY> (label) and headers.ms.<KEY>.<VALUE> (meaning).
 */
import { type Lang, t } from "../../i18n/index.ts";
import { fieldsNamed, type HeaderBlock } from "../header-block.ts";
import type { AntispamField, AntispamReport, AntispamVocabulary } from "./types.ts";

interface KeySpec {
  /** Values with their own text (headers.ms.KEY.VALUE). */
  values?: readonly string[];
  /** Numeric ranges with their own text (headers.ms.KEY.<name>). */
  ranges?: ReadonlyArray<{ name: string; min: number; max: number }>;
  /** Values that mean the message was filtered. */
  filtered?: readonly string[];
  filteredFrom?: number;
}

/** Keys of X-Forefront-Antispam-Report. */
const FOREFRONT: Record<string, KeySpec> = {
  ARC: {},
  CAT: {
    values: ["NONE", "AMP", "BIMP", "BULK", "DIMP", "FTBP", "GIMP", "HPHSH", "HPHISH", "HSPM", "INTOS", "MALW", "OSPM", "PHSH", "SAP", "SPM", "SPOOF", "UIMP"],
    filtered: ["AMP", "BIMP", "BULK", "DIMP", "FTBP", "GIMP", "HPHSH", "HPHISH", "HSPM", "INTOS", "MALW", "OSPM", "PHSH", "SAP", "SPM", "SPOOF", "UIMP"],
  },
  CIP: {},
  CTRY: {},
  DIR: { values: ["INB", "OUT", "INT"] },
  H: {},
  IPV: { values: ["CAL", "NLI"] },
  LANG: {},
  PCL: { ranges: [{ name: "low", min: 0, max: 3 }, { name: "high", min: 4, max: 8 }], filteredFrom: 4 },
  PTR: {},
  SCL: {
    ranges: [{ name: "skipped", min: -1, max: -1 }, { name: "clean", min: 0, max: 1 }, { name: "low", min: 2, max: 4 }, { name: "spam", min: 5, max: 6 }, { name: "high", min: 7, max: 9 }],
    filteredFrom: 5,
  },
  SFS: {},
  SFTY: { values: ["9.19", "9.20"] },
  SFV: { values: ["BLK", "NSPM", "SFE", "SKA", "SKB", "SKI", "SKN", "SKQ", "SKS", "SPM"], filtered: ["BLK", "SKB", "SKS", "SPM"] },
  SRV: { values: ["BULK"], filtered: ["BULK"] },
  "X-CustomSpam": {},
};

/** Keys of X-Microsoft-Antispam. */
const MICROSOFT_ANTISPAM: Record<string, KeySpec> = {
  BCL: { ranges: [{ name: "none", min: 0, max: 0 }, { name: "low", min: 1, max: 3 }, { name: "mixed", min: 4, max: 7 }, { name: "high", min: 8, max: 9 }], filteredFrom: 8 },
  PCL: FOREFRONT.PCL,
};

/** Keys of X-Microsoft-Antispam-Mailbox-Delivery. */
const MAILBOX_DELIVERY: Record<string, KeySpec> = {
  dest: { values: ["I", "J", "C"], filtered: ["J"] },
};

/** "K1:v1;K2:v2;" -> pairs in order; "(null)" placeholders are dropped. */
export function splitPairs(value: string): Array<{ key: string; value: string }> {
  return value
    .replace(/\(null\)/g, "")
    .split(";")
    .map((p) => p.trim())
    .filter((p) => p.includes(":"))
    .map((p) => ({ key: p.slice(0, p.indexOf(":")).trim(), value: p.slice(p.indexOf(":") + 1).trim() }));
}

function meaningOf(key: string, spec: KeySpec, value: string, lang: Lang, prefix: string): { meaning: string | null; filtered: boolean } {
  const upper = value.toUpperCase();
  if (spec.values) {
    const hit = spec.values.find((v) => v.toUpperCase() === upper);
    return { meaning: hit ? t(lang, `${prefix}.${key}.${hit}`) : null, filtered: Boolean(spec.filtered?.some((v) => v.toUpperCase() === upper)) };
  }
  if (spec.ranges && /^-?\d+$/.test(value)) {
    const n = Number(value);
    const r = spec.ranges.find((x) => n >= x.min && n <= x.max);
    return { meaning: r ? t(lang, `${prefix}.${key}.${r.name}`) : null, filtered: spec.filteredFrom !== undefined && n >= spec.filteredFrom };
  }
  return { meaning: null, filtered: false };
}

function decodeField(headerName: string, value: string, table: Record<string, KeySpec>, lang: Lang, out: AntispamField[], unparsed: string[]): boolean {
  let filtered = false;
  for (const { key, value: v } of splitPairs(value)) {
    const specKey = Object.keys(table).find((k) => k.toLowerCase() === key.toLowerCase());
    if (!specKey) { unparsed.push(`${key}:${v};`); continue; }
    if (v === "") continue; // empty known keys say nothing
    const m = meaningOf(specKey, table[specKey], v, lang, "headers.ms");
    filtered ||= m.filtered;
    out.push({ header: headerName, key: specKey, value: v, label: t(lang, `headers.ms.${specKey}`), meaning: m.meaning });
  }
  return filtered;
}

export const microsoft: AntispamVocabulary = {
  name: "microsoft",
  decode(block: HeaderBlock, lang: Lang): AntispamReport | null {
    const fields: AntispamField[] = [];
    const unparsed: string[] = [];
    let filtered = false;
    let seen = false;
    // The top-most field is the one the recipient's tenant wrote.
    const ff = fieldsNamed(block, "X-Forefront-Antispam-Report")[0];
    // Every field is decoded even after one said "filtered" (no short-circuit ||=).
    if (ff) { seen = true; filtered = decodeField(ff.name, ff.value, FOREFRONT, lang, fields, unparsed) || filtered; }
    const ms = fieldsNamed(block, "X-Microsoft-Antispam")[0];
    if (ms) { seen = true; filtered = decodeField(ms.name, ms.value, MICROSOFT_ANTISPAM, lang, fields, unparsed) || filtered; }
    const md = fieldsNamed(block, "X-Microsoft-Antispam-Mailbox-Delivery")[0];
    if (md) { seen = true; filtered = decodeField(md.name, md.value, MAILBOX_DELIVERY, lang, fields, []) || filtered; }
    const org = fieldsNamed(block, "X-MS-Exchange-Organization-SCL")[0];
    if (org) {
      seen = true;
      const m = meaningOf("SCL", FOREFRONT.SCL, org.value.trim(), lang, "headers.ms");
      filtered ||= m.filtered;
      fields.push({ header: org.name, key: "SCL", value: org.value.trim(), label: t(lang, "headers.ms.SCL"), meaning: m.meaning });
    }
    if (!seen) return null;
    const sclText = fields.find((f) => f.key === "SCL")?.value;
    const score = sclText !== undefined && /^-?\d+$/.test(sclText) ? Number(sclText) : null;
    return { spam: filtered, score, threshold: score === null ? null : 5, fields, rules: [], unparsed: unparsed.length ? unparsed.join("") : null };
  },
};
