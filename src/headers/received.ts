/**
 * One Received header value -> its clauses (RFC 5321 section 4.4, RFC 5322 section 3.6.7):
 *   from <helo> (<reverse name> [<ip>]) by <host> via <link> with <protocol> id <id> for <addr>; <date>
 * Real MTAs bend this grammar in many ways (Exim "helo=", qmail "(HELO x)", Microsoft
 * "(10.1.2.3)", clauses in another order, no ";" before the date), so the reader is tolerant:
 * clause keywords are only recognised outside comments, and whatever it cannot place stays in
 * `raw`. A header with no clause and no date is reported as unparsed, never dropped.
 */
import { findTrailingDate, type ParsedDate, parseMailDate } from "./date.ts";
import { detectTls, normalizeProtocol, type TlsInfo } from "./protocol.ts";

export interface ReceivedFrom {
  /** The clause as written, whitespace collapsed. */
  text: string;
  /** The first word after "from" (what the client said in HELO/EHLO, per RFC 5321). */
  name: string | null;
  /** The HELO/EHLO argument: an explicit `helo=`/`HELO x` in the comment, else `name`. */
  helo: string | null;
  /** The reverse-DNS name the receiving MTA found for the client. */
  reverseName: string | null;
  /** The client's IP address (the TCP peer). */
  ip: string | null;
  /** An ident/authenticated user written in the comment. */
  ident: string | null;
}

export interface ReceivedBy {
  text: string;
  host: string | null;
  ip: string | null;
}

export interface ReceivedWith {
  text: string;
  /** Canonical protocol (SMTP, ESMTP, ESMTPS, ESMTPSA, LMTP, HTTP, HTTPS, Local ...), null if unknown. */
  protocol: string | null;
  /** true when TLS was used, false when the protocol says plain, null when we cannot tell. */
  tls: boolean | null;
  tlsVersion: string | null;
  cipher: string | null;
}

export interface ParsedReceived {
  /** The header value exactly as read (folding kept). */
  raw: string;
  from: ReceivedFrom | null;
  by: ReceivedBy | null;
  via: string | null;
  with: ReceivedWith | null;
  id: string | null;
  for: string | null;
  date: ParsedDate | null;
  /** The date text as written. */
  dateText: string | null;
  /** False when neither a clause nor a date could be read. */
  parsed: boolean;
}

type Token = { kind: "word"; text: string } | { kind: "comment"; text: string };

const KEYWORDS = new Set(["from", "by", "via", "with", "id", "for"]);
const IPV4 = /(?:\d{1,3}\.){3}\d{1,3}/;
/** IPv6, the IPv4-embedded form ("::ffff:127.0.0.1") first so its tail is not read as hex groups. */
const IPV6 = /(?:[0-9a-f]{0,4}:){2,6}(?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}/i;

/** Split into words and balanced comments; angle-bracket and bracket groups stay one word. */
function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === "(") {
      let depth = 0;
      let j = i;
      for (; j < s.length; j++) {
        if (s[j] === "\\") { j++; continue; }
        if (s[j] === "(") depth++;
        else if (s[j] === ")" && --depth === 0) break;
      }
      out.push({ kind: "comment", text: s.slice(i + 1, Math.min(j, s.length)).trim() });
      i = j + 1;
      continue;
    }
    let j = i;
    let bracket = 0;
    for (; j < s.length; j++) {
      const d = s[j];
      if (d === "[" || d === "<") bracket++;
      else if ((d === "]" || d === ">") && bracket > 0) bracket--;
      else if (bracket === 0 && (/\s/.test(d) || d === "(")) break;
    }
    out.push({ kind: "word", text: s.slice(i, j) });
    i = j;
  }
  return out;
}

/** Split off the date: after the last ";" outside comments, else a trailing date. */
function splitDate(flat: string): { clauses: string; dateText: string | null; date: ParsedDate | null } {
  let depth = 0;
  let last = -1;
  for (let i = 0; i < flat.length; i++) {
    const c = flat[i];
    if (c === "(") depth++;
    else if (c === ")" && depth > 0) depth--;
    else if (c === ";" && depth === 0) last = i;
  }
  if (last >= 0) {
    const dateText = flat.slice(last + 1).trim();
    const date = parseMailDate(dateText) ?? null;
    // Some MTAs put clauses after the date ("; <date> for <addr>"): keep them as clauses.
    let clauses = flat.slice(0, last);
    const tail = /\s(for|id)\s+(\S+)\s*$/i.exec(dateText);
    if (tail) clauses += ` ${tail[1]} ${tail[2]}`;
    return { clauses, dateText: dateText || null, date };
  }
  const trailing = findTrailingDate(flat);
  if (trailing) return { clauses: flat.slice(0, trailing.start), dateText: flat.slice(trailing.start).trim(), date: trailing.date };
  return { clauses: flat, dateText: null, date: null };
}

function stripAngles(s: string): string {
  return s.replace(/^<+|>+$/g, "").replace(/[;,]+$/, "");
}

function ipIn(text: string): string | null {
  const br = /\[(?:IPv6:)?([^\]\s]+?)\]/i.exec(text);
  if (br) {
    const inner = br[1].replace(/^\(|\)$/g, "");
    const v4 = new RegExp(`^${IPV4.source}`).exec(inner);
    if (v4) return v4[0];
    const v6 = new RegExp(`^${IPV6.source}`, "i").exec(inner);
    if (v6?.[0].includes(":")) return v6[0];
  }
  const v4 = new RegExp(`(?:^|[\\s(,@\\[])(${IPV4.source})(?::\\d+)?(?=$|[\\s),\\]])`).exec(text);
  if (v4) return v4[1];
  const v6 = new RegExp(`(?:^|[\\s(@])(${IPV6.source})(?=$|[\\s)\\]%])`, "i").exec(text);
  if (v6 && v6[1].split(":").length >= 3) return v6[1];
  return null;
}

function isIpLiteral(word: string): string | null {
  const w = word.replace(/^\[|\]$/g, "").replace(/^IPv6:/i, "").replace(/:\d+$/, (p) => (word.includes("[") || IPV4.test(word) ? "" : p));
  if (new RegExp(`^${IPV4.source}$`).test(w)) return w;
  if (w.includes(":") && new RegExp(`^${IPV6.source}$`, "i").test(w)) return w;
  return null;
}

function parseFrom(words: string[], comments: string[], text: string): ReceivedFrom {
  const first = words[0] ?? null;
  const name = first ? first.replace(/[,;]$/, "") : null;
  let helo: string | null = null;
  let reverseName: string | null = null;
  let ip: string | null = null;
  let ident: string | null = null;
  // Words after the first (e.g. "from host [1.2.3.4]") carry the address too.
  const extra = [...words.slice(1), ...comments];
  for (const c of extra) {
    const h = /(?:^|[\s,])(?:helo=|(?:HELO|EHLO|LHLO)\s+)([^\s,)]+)/i.exec(c);
    if (h && !helo) helo = h[1].replace(/^\[|\]$/g, "");
    const id = /(?:ident=|IDENT:)\[?([^\s\]]+?)\]?(?:@|\s|$)/i.exec(c) ?? /(?:^|\s)([^\s@()[\]]+)@(?:\[|localhost)/i.exec(c);
    if (id && !ident) ident = id[1];
    if (!ip) ip = ipIn(c);
    if (!reverseName) {
      // Postfix/Sendmail "(reverse.name [1.2.3.4])"; Postfix "(unknown [1.2.3.4])" means no reverse name.
      const r = /^([A-Za-z0-9][A-Za-z0-9._-]*\.?)\s*\[/.exec(c.replace(/^IDENT:\S+@/i, "").trim());
      if (r && !isIpLiteral(r[1]) && !/^(helo|ehlo|unknown)$/i.test(r[1])) reverseName = r[1];
      else {
        // "(host.name)" alone, as some MTAs write the verified name.
        const alone = /^([A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+\.?)$/.exec(c.trim());
        if (alone) reverseName = alone[1];
      }
    }
  }
  if (!ip && name) ip = isIpLiteral(name);
  return { text, name: name || null, helo: helo ?? name ?? null, reverseName, ip, ident };
}

function parseBy(words: string[], comments: string[], text: string): ReceivedBy {
  const first = words[0]?.replace(/[,;]$/, "") ?? null;
  const literal = first ? isIpLiteral(first) : null;
  let ip = literal;
  // Only a comment that is an address by itself ("(10.1.2.3)", "([fe80::1%6])"): product
  // versions such as "(NAVGW 2.5.2.12)" look like addresses too.
  for (const c of [...comments, ...words.slice(1)]) {
    if (ip) break;
    const bare = c.trim().replace(/%\w+(?=\]?$)/, "").replace(/:\d+$/, (p) => (c.includes(".") ? "" : p));
    ip = isIpLiteral(bare);
  }
  const host = first ? first.replace(/^<|>$/g, "") : null;
  return { text, host: literal ? literal : host, ip };
}

/** Parse one Received header value (without the field name). */
export function parseReceived(raw: string): ParsedReceived {
  const flat = raw.replace(/\r?\n[ \t]*/g, " ").replace(/\s+/g, " ").trim();
  const { clauses, dateText, date } = splitDate(flat);
  let tokens = tokenize(clauses);
  // "(from host [ip]) by ..." and "(qmail 123 invoked from network)": a leading comment
  // that starts with "from" is read as the from clause.
  if (tokens[0]?.kind === "comment" && /^from\s/i.test(tokens[0].text) && tokens.some((t) => t.kind === "word" && KEYWORDS.has(t.text.toLowerCase()))) {
    tokens = [...tokenize(tokens[0].text), ...tokens.slice(1)];
  }
  const groups = new Map<string, { words: string[]; comments: string[]; texts: string[] }[]>();
  let current: { words: string[]; comments: string[]; texts: string[] } | null = null;
  for (const tok of tokens) {
    if (tok.kind === "word" && KEYWORDS.has(tok.text.toLowerCase())) {
      current = { words: [], comments: [], texts: [] };
      const key = tok.text.toLowerCase();
      groups.set(key, [...(groups.get(key) ?? []), current]);
      continue;
    }
    if (!current) continue;
    if (tok.kind === "word") current.words.push(tok.text);
    else current.comments.push(tok.text);
    current.texts.push(tok.kind === "word" ? tok.text : `(${tok.text})`);
  }
  const text = (key: string) => {
    const g = groups.get(key);
    if (!g) return null;
    const joined = g.map((x) => x.texts.join(" ").replace(/[,;]$/, "")).filter(Boolean).join("; ");
    return joined || null;
  };
  const firstOf = (key: string) => groups.get(key)?.[0];

  const fromG = firstOf("from");
  const byG = firstOf("by");
  const withG = firstOf("with");
  const from = fromG && text("from") ? parseFrom(fromG.words, fromG.comments, text("from") as string) : null;
  const by = byG && text("by") ? parseBy(byG.words, byG.comments, text("by") as string) : null;
  const withText = text("with");
  const tls: TlsInfo = detectTls(flat, withG?.words.join(" ") ?? "");
  const protocol = withG ? normalizeProtocol(withG.words.join(" ")) : null;
  const withInfo: ReceivedWith | null = withText
    ? { text: withText, protocol, ...tls }
    : tls.tls
      ? { text: "", protocol: null, ...tls }
      : null;
  const idWord = firstOf("id")?.words[0];
  const forWord = firstOf("for")?.words[0];
  const parsedAny = Boolean(from || by || withInfo || idWord || forWord || text("via") || date);
  return {
    raw,
    from,
    by,
    via: text("via"),
    with: withInfo,
    id: idWord ? stripAngles(idWord) : null,
    for: forWord ? stripAngles(forWord) : null,
    date,
    dateText,
    parsed: parsedAny,
  };
}
