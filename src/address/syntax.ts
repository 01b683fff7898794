/**
 * Address syntax per RFC 5322 section 3.4.1 (addr-spec, with comments, folding white space,
 * quoted strings and the obsolete forms), narrowed by RFC 5321 (what SMTP can carry: lengths,
 * hostnames, address literals) and widened by RFC 6531/6532 (UTF-8 in local part and domain).
 *
 * One pass over the characters. Every finding has a level; the worst level decides the
 * category: ok/rfc5321 -> valid or warning, cfws/deprec -> warning, rfc5322/err -> invalid.
 */
import { checkAddressLiteral } from "./ip-literal.ts";

/** How bad a syntax finding is, best first. */
export type SyntaxLevel = "info" | "rfc5321" | "cfws" | "deprec" | "rfc5322" | "err";
const LEVEL_RANK: Record<SyntaxLevel, number> = { info: 0, rfc5321: 1, cfws: 2, deprec: 3, rfc5322: 4, err: 5 };

export interface SyntaxDiagnosis {
  /** Code without the "address." namespace, e.g. "consecutive-dots". */
  code: string;
  level: SyntaxLevel;
  /** Character offset in the input where the problem was seen (for display). */
  at?: number;
  /** Extra values for the explanation text, e.g. the offending character. */
  params?: Record<string, string | number>;
}

export interface ParsedAddress {
  input: string;
  /** Local part as written without comments/FWS (quotes kept), or undefined when not reached. */
  local?: string;
  /** Domain as written without comments/FWS, or undefined when there is none. */
  domain?: string;
  domainIsLiteral: boolean;
  diagnoses: SyntaxDiagnosis[];
  /** Worst level seen, undefined when the address is plainly valid. */
  worst?: SyntaxLevel;
}

export const MAX_INPUT = 4096;
const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]$/;

function isAtext(ch: string): boolean {
  // RFC 6532 adds every non-ASCII character (UTF8-non-ascii) to atext.
  return ATEXT.test(ch) || ch.codePointAt(0)! > 0x7f;
}
/** obs-NO-WS-CTL: control characters other than NUL, HT, LF, CR. */
function isObsNoWsCtl(c: number): boolean {
  return (c >= 1 && c <= 8) || c === 11 || c === 12 || (c >= 14 && c <= 31) || c === 127;
}

class Scanner {
  readonly s: string;
  i = 0;
  readonly diags: SyntaxDiagnosis[] = [];
  fatal = false;
  constructor(s: string) {
    this.s = s;
  }
  get ch(): string | undefined {
    return this.i < this.s.length ? this.s[this.i] : undefined;
  }
  add(code: string, level: SyntaxLevel, params?: Record<string, string | number>, at = this.i): void {
    if (this.diags.some((d) => d.code === code)) return;
    this.diags.push({ code, level, at, ...(params ? { params } : {}) });
    if (level === "err") this.fatal = true;
  }
  /** Stop at the first hard error: the rest of the text can no longer be read reliably. */
  fail(code: string, params?: Record<string, string | number>, at = this.i): false {
    this.add(code, "err", params, at);
    return false;
  }
}

interface CfwsSeen {
  comment: boolean;
  fws: boolean;
  obsFws: boolean;
}

/** Folding white space at s.i (WSP or CR). Returns false on a hard error. */
function readFws(sc: Scanner, seen: CfwsSeen): boolean {
  let folds = 0;
  let wspSinceFold = true;
  while (sc.ch !== undefined) {
    const c = sc.ch;
    if (c === " " || c === "\t") {
      sc.i++;
      wspSinceFold = true;
      continue;
    }
    if (c === "\r") {
      if (sc.s[sc.i + 1] !== "\n") return sc.fail("cr-without-lf");
      if (!wspSinceFold && folds > 0) return sc.fail("fws-double-crlf");
      sc.i += 2;
      folds++;
      wspSinceFold = false;
      const next = sc.ch;
      if (next === "\r") return sc.fail("fws-double-crlf");
      if (next !== " " && next !== "\t") return sc.fail("fws-crlf-end");
      continue;
    }
    break;
  }
  seen.fws = true;
  if (folds > 1) seen.obsFws = true;
  return true;
}

/** A comment at s.i, which is "(". Nested comments and quoted pairs included. */
function readComment(sc: Scanner, seen: CfwsSeen): boolean {
  const start = sc.i;
  let depth = 0;
  while (sc.ch !== undefined) {
    const c = sc.ch;
    const code = c.codePointAt(0)!;
    if (c === "(") {
      depth++;
      sc.i++;
    } else if (c === ")") {
      depth--;
      sc.i++;
      if (depth === 0) {
        seen.comment = true;
        return true;
      }
    } else if (c === "\\") {
      if (sc.i + 1 >= sc.s.length) return sc.fail("backslash-at-end");
      if (!readQuotedPair(sc)) return false;
    } else if (c === " " || c === "\t" || c === "\r") {
      if (!readFws(sc, seen)) return false;
    } else if (code === 0 || c === "\n") {
      return sc.fail("bad-comment-char", { char: printable(c) });
    } else {
      if (isObsNoWsCtl(code)) sc.add("obsolete-comment-char", "deprec");
      sc.i++;
    }
  }
  return sc.fail("unclosed-comment", undefined, start);
}

/** Backslash and the character it quotes (inside quoted strings, comments and literals). */
function readQuotedPair(sc: Scanner): boolean {
  const q = sc.s.codePointAt(sc.i + 1)!;
  if (q > 0x7f) return sc.fail("bad-quoted-pair");
  // RFC 5322 quoted-pair is VCHAR or WSP; the rest (NUL, controls, CR, LF) is obs-qp.
  if (!(q === 0x20 || q === 0x09 || (q >= 0x21 && q <= 0x7e))) sc.add("obsolete-quoted-pair", "deprec");
  sc.i += 2;
  return true;
}

/** Any mix of comments and FWS. Returns false on a hard error. */
function readCfws(sc: Scanner, seen: CfwsSeen): boolean {
  for (;;) {
    const c = sc.ch;
    if (c === "(") {
      if (!readComment(sc, seen)) return false;
    } else if (c === " " || c === "\t" || c === "\r") {
      if (!readFws(sc, seen)) return false;
    } else return true;
  }
}

const noCfws = (): CfwsSeen => ({ comment: false, fws: false, obsFws: false });
const any = (s: CfwsSeen) => s.comment || s.fws;

/** A quoted string at s.i (which is '"'); returns its text with the quotes, or undefined. */
function readQuotedString(sc: Scanner): string | undefined {
  const start = sc.i;
  sc.i++;
  while (sc.ch !== undefined) {
    const c = sc.ch;
    const code = c.codePointAt(0)!;
    if (c === '"') {
      sc.i++;
      return sc.s.slice(start, sc.i);
    }
    if (c === "\\") {
      if (sc.i + 1 >= sc.s.length) {
        sc.fail("backslash-at-end");
        return undefined;
      }
      if (!readQuotedPair(sc)) return undefined;
    } else if (c === " " || c === "\t" || c === "\r") {
      const seen = noCfws();
      if (!readFws(sc, seen)) return undefined;
      if (sc.s.slice(start, sc.i).includes("\r")) sc.add("folded-quoted-string", "deprec");
    } else if (code === 0 || c === "\n") {
      sc.fail("bad-quoted-char", { char: printable(c) });
      return undefined;
    } else {
      if (isObsNoWsCtl(code)) sc.add("obsolete-quoted-char", "deprec");
      sc.i += c.length;
    }
  }
  sc.fail("unclosed-quote", undefined, start);
  return undefined;
}

export function printable(c: string): string {
  const code = c.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return c;
}

/** The local part: words (atoms or quoted strings) separated by dots, CFWS around them. */
function readLocalPart(sc: Scanner): string | undefined {
  const parts: string[] = [];
  let quotedWords = 0;
  for (let element = 0; ; element++) {
    const before = noCfws();
    if (!readCfws(sc, before)) return undefined;
    if (any(before)) {
      if (element === 0 && !before.obsFws) sc.add(before.comment ? "comment" : "folding-white-space", "cfws");
      else sc.add(before.comment ? "comment-in-local-part" : "white-space-in-local-part", "deprec");
    }
    const c = sc.ch;
    let word: string;
    const wordStart = sc.i;
    if (c === '"') {
      const q = readQuotedString(sc);
      if (q === undefined) return undefined;
      word = q;
      quotedWords++;
    } else if (c !== undefined && isAtext(c)) {
      while (sc.ch !== undefined && isAtext(sc.ch)) sc.i += sc.ch.length;
      word = sc.s.slice(wordStart, sc.i);
    } else if (c === ".") {
      sc.fail(element === 0 ? "local-starts-with-dot" : "consecutive-dots-local");
      return undefined;
    } else if (c === "@") {
      sc.fail(element === 0 ? "no-local-part" : "local-ends-with-dot", undefined, element === 0 ? sc.i : sc.i - 1);
      return undefined;
    } else if (c === undefined) {
      sc.fail(element === 0 && sc.s.length === 0 ? "empty" : "no-at-sign");
      return undefined;
    } else {
      sc.fail("forbidden-char-local", { char: printable(c) });
      return undefined;
    }
    parts.push(word);
    const after = noCfws();
    if (!readCfws(sc, after)) return undefined;
    const n = sc.ch;
    if (n === ".") {
      if (any(after)) sc.add(after.comment ? "comment-in-local-part" : "white-space-in-local-part", "deprec");
      sc.i++;
      continue;
    }
    if (n === "@") {
      if (any(after)) sc.add("cfws-near-at", "deprec");
      if (quotedWords > 0) sc.add(parts.length === 1 ? "quoted-local-part" : "mixed-quoted-local-part", parts.length === 1 ? "rfc5321" : "deprec");
      return parts.join(".");
    }
    if (n === undefined) {
      sc.fail("no-at-sign");
      return undefined;
    }
    if (isAtext(n)) {
      sc.fail(c === '"' ? "text-after-quoted-string" : "text-after-white-space");
      return undefined;
    }
    sc.fail(n === "\\" ? "backslash-outside-quotes" : "forbidden-char-local", { char: printable(n) });
    return undefined;
  }
}

/** A domain literal at s.i ('['); returns the text between the brackets. */
function readDomainLiteral(sc: Scanner): string | undefined {
  const start = sc.i;
  sc.i++;
  let text = "";
  while (sc.ch !== undefined) {
    const c = sc.ch;
    const code = c.codePointAt(0)!;
    if (c === "]") {
      sc.i++;
      return text;
    }
    if (c === "[") {
      sc.fail("bad-literal-char", { char: c });
      return undefined;
    }
    if (c === "\\") {
      if (sc.i + 1 >= sc.s.length) {
        sc.fail("backslash-at-end");
        return undefined;
      }
      sc.add("obsolete-literal-char", "rfc5322");
      text += sc.s[sc.i + 1];
      sc.i += 2;
    } else if (c === " " || c === "\t" || c === "\r") {
      if (!readFws(sc, noCfws())) return undefined;
      sc.add("white-space-in-literal", "rfc5322");
      text += " ";
    } else if (code === 0 || c === "\n" || code > 0x7e) {
      sc.fail("bad-literal-char", { char: printable(c) });
      return undefined;
    } else {
      if (isObsNoWsCtl(code)) sc.add("obsolete-literal-char", "rfc5322");
      text += c;
      sc.i++;
    }
  }
  sc.fail("unclosed-literal", undefined, start);
  return undefined;
}

/** The domain: a literal, or labels separated by dots (CFWS around dots is obsolete). */
function readDomain(sc: Scanner): { domain: string; literal: boolean } | undefined {
  const first = noCfws();
  if (!readCfws(sc, first)) return undefined;
  if (any(first)) sc.add("cfws-near-at", "deprec");
  if (sc.ch === undefined) {
    sc.fail("no-domain");
    return undefined;
  }
  if (sc.ch === "[") {
    const lit = readDomainLiteral(sc);
    if (lit === undefined) return undefined;
    const after = noCfws();
    if (!readCfws(sc, after)) return undefined;
    if (any(after)) sc.add(after.comment ? "comment" : "folding-white-space", after.obsFws ? "deprec" : "cfws");
    if (sc.ch !== undefined) {
      sc.fail("text-after-literal");
      return undefined;
    }
    return { domain: `[${lit}]`, literal: true };
  }
  const labels: string[] = [];
  for (let element = 0; ; element++) {
    if (element > 0) {
      const before = noCfws();
      if (!readCfws(sc, before)) return undefined;
      if (any(before)) sc.add(before.comment ? "comment-in-domain" : "white-space-in-domain", "deprec");
    }
    const start = sc.i;
    while (sc.ch !== undefined && isAtext(sc.ch)) sc.i += sc.ch.length;
    const label = sc.s.slice(start, sc.i);
    if (label === "") {
      const c = sc.ch;
      if (c === ".") sc.fail(element === 0 ? "domain-starts-with-dot" : "consecutive-dots-domain");
      else if (c === undefined) sc.fail(element === 0 ? "no-domain" : "domain-ends-with-dot", undefined, sc.i - 1);
      else if (c === "@") sc.fail("second-at-sign");
      else if (c === ",") sc.fail("comma-in-domain");
      else sc.fail("forbidden-char-domain", { char: printable(c) });
      return undefined;
    }
    if (label.startsWith("-")) {
      sc.fail("label-starts-with-hyphen", { label }, start);
      return undefined;
    }
    if (label.endsWith("-")) {
      sc.fail("label-ends-with-hyphen", { label }, sc.i - 1);
      return undefined;
    }
    labels.push(label);
    const after = noCfws();
    if (!readCfws(sc, after)) return undefined;
    const n = sc.ch;
    if (n === ".") {
      if (any(after)) sc.add(after.comment ? "comment-in-domain" : "white-space-in-domain", "deprec");
      sc.i++;
      if (sc.ch === undefined) {
        sc.fail("domain-ends-with-dot", undefined, sc.i - 1);
        return undefined;
      }
      continue;
    }
    if (n === undefined) {
      if (any(after)) sc.add(after.comment ? "comment" : "folding-white-space", after.obsFws ? "deprec" : "cfws");
      return { domain: labels.join("."), literal: false };
    }
    if (isAtext(n)) sc.fail("text-after-white-space");
    else if (n === "@") sc.fail("second-at-sign");
    else if (n === ",") sc.fail("comma-in-domain");
    else sc.fail("forbidden-char-domain", { char: printable(n) });
    return undefined;
  }
}

const utf8Length = (s: string) => Buffer.byteLength(s, "utf8");

/** Checks that need the whole local part and domain: lengths, hostname rules, literals. */
function checkParts(sc: Scanner, local: string, domain: string, literal: boolean): void {
  if (utf8Length(local) > 64) sc.add("local-too-long", "rfc5322", { length: utf8Length(local) });
  if (/[^\x00-\x7f]/.test(local)) sc.add("utf8-local-part", "rfc5321");
  if (literal) {
    for (const d of checkAddressLiteral(domain.slice(1, -1))) sc.add(d.code, d.level, d.params);
  } else {
    let ascii = domain;
    if (/[^\x00-\x7f]/.test(domain)) {
      ascii = domainToAscii(domain) ?? "";
      if (!ascii) sc.add("bad-idn", "rfc5322");
      else sc.add("utf8-domain", "info", { ascii });
    }
    if (ascii) {
      if (ascii.length > 253) sc.add("domain-too-long", "rfc5322", { length: ascii.length });
      const labels = ascii.split(".");
      for (const label of labels) {
        if (label.length > 63) sc.add("label-too-long", "rfc5322", { label: `${label.slice(0, 20)}…`, length: label.length });
        if (/[^A-Za-z0-9-]/.test(label)) {
          sc.add(label.includes("_") ? "underscore-in-domain" : "non-hostname-domain", "rfc5322", { label });
        }
      }
      const tld = labels[labels.length - 1];
      if (labels.length === 1) sc.add("no-dot-in-domain", "rfc5321");
      else if (/^[0-9]+$/.test(tld)) sc.add("numeric-tld", "rfc5321");
    }
  }
  // RFC 5321 4.5.3.1.3: a path is at most 256 octets including "<" and ">".
  const total = utf8Length(local) + 1 + utf8Length(domain);
  if (total > 254) sc.add("address-too-long", "rfc5322", { length: total });
}

/** IDNA to-ASCII via the WHATWG URL host parser (UTS #46 processing), undefined when refused. */
export function domainToAscii(domain: string): string | undefined {
  try {
    const host = new URL(`http://${domain}/`).hostname;
    return host && !host.startsWith("[") ? host : undefined;
  } catch {
    return undefined;
  }
}

export function parseAddress(input: string): ParsedAddress {
  const sc = new Scanner(input.length > MAX_INPUT ? input.slice(0, MAX_INPUT) : input);
  if (input.length > MAX_INPUT) sc.fail("address-too-long", { length: input.length });
  let local: string | undefined;
  let dom: { domain: string; literal: boolean } | undefined;
  if (!sc.fatal) local = readLocalPart(sc);
  if (local !== undefined) {
    sc.i++; // the "@"
    dom = readDomain(sc);
  }
  if (local !== undefined && dom) checkParts(sc, local, dom.domain, dom.literal);
  let worst: SyntaxLevel | undefined;
  for (const d of sc.diags) if (!worst || LEVEL_RANK[d.level] > LEVEL_RANK[worst]) worst = d.level;
  return { input, local, domain: dom?.domain, domainIsLiteral: dom?.literal ?? false, diagnoses: sc.diags, worst };
}

export type Category = "valid" | "warning" | "invalid";

export function categoryOf(worst: SyntaxLevel | undefined): Category {
  if (!worst || worst === "info") return "valid";
  return LEVEL_RANK[worst] >= LEVEL_RANK.rfc5322 ? "invalid" : "warning";
}
