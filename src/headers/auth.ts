/**
 * Authentication fields as the receiving systems recorded them: Received-SPF (RFC 7208
 * section 9.1), Authentication-Results (RFC 8601), ARC-Authentication-Results and ARC-Seal
 * (RFC 8617), and the domains and selectors of DKIM-Signature fields (RFC 6376). Nothing is
 * verified here; see verify.ts for that.
 */
import { fieldsNamed, type HeaderBlock } from "./header-block.ts";

export interface AuthResultEntry {
  /** spf, dkim, dmarc, arc, iprev, auth, bimi, ... */
  method: string;
  /** pass, fail, softfail, neutral, none, temperror, permerror, policy, bestguesspass ... */
  result: string;
  reason: string | null;
  /** ptype.property -> value, e.g. "smtp.mailfrom", "header.d", "header.s", "header.from". */
  props: Record<string, string>;
  /** A comment right after the result, such as "(p=REJECT sp=REJECT dis=NONE)". */
  comment: string | null;
}

export interface AuthResultsField {
  /** Authentication-Results or ARC-Authentication-Results. */
  header: string;
  /** ARC instance (i=), null for Authentication-Results. */
  instance: number | null;
  authservId: string | null;
  results: AuthResultEntry[];
  raw: string;
}

export interface ReceivedSpfField {
  result: string;
  comment: string | null;
  props: Record<string, string>;
  raw: string;
}

export interface DkimSignatureInfo {
  domain: string | null;
  selector: string | null;
  algorithm: string | null;
  /** Signed header names (h=). */
  headers: string[];
  /** Signature time (t=) as ISO, when given. */
  time: string | null;
  raw: string;
}

export interface ArcSealInfo {
  instance: number | null;
  /** Chain validation (cv=): none, pass, fail. */
  cv: string | null;
  domain: string | null;
  selector: string | null;
}

export interface SpfVerdict { result: string; domain: string | null; ip: string | null; source: string; authservId: string | null }
export interface DkimVerdict { result: string; domain: string | null; selector: string | null; source: string; authservId: string | null }
export interface DmarcVerdict { result: string; domain: string | null; policy: string | null; source: string; authservId: string | null }
export interface ArcVerdict { result: string; instances: number; source: string; authservId: string | null }

export interface AuthSummary {
  /** The SPF verdict of the receiving system (top-most Authentication-Results, else Received-SPF). */
  spf: SpfVerdict | null;
  /** One entry per DKIM result in that Authentication-Results field. */
  dkim: DkimVerdict[];
  dmarc: DmarcVerdict | null;
  arc: ArcVerdict | null;
  authenticationResults: AuthResultsField[];
  arcAuthenticationResults: AuthResultsField[];
  receivedSpf: ReceivedSpfField[];
  dkimSignatures: DkimSignatureInfo[];
  arcSeals: ArcSealInfo[];
}

/** Remove RFC 5322 comments, returning the text and the comments found at top level. */
function splitComments(s: string): { text: string; comments: Array<{ at: number; text: string }> } {
  let out = "";
  const comments: Array<{ at: number; text: string }> = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") { if (depth === 0) out += s.slice(i, i + 2); i++; continue; }
    if (c === '"' && depth === 0) quoted = !quoted;
    if (!quoted && c === "(") { if (depth++ === 0) start = i + 1; continue; }
    if (!quoted && c === ")" && depth > 0) {
      if (--depth === 0) { comments.push({ at: out.length, text: s.slice(start, i).trim() }); out += " "; }
      continue;
    }
    if (depth === 0) out += c;
  }
  return { text: out, comments };
}

/** Split on ";" outside quotes. */
function splitSemicolons(s: string): string[] {
  const parts: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') quoted = !quoted;
    if (c === ";" && !quoted) { parts.push(cur); cur = ""; continue; }
    cur += c;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter(Boolean);
}

const unquote = (v: string) => v.replace(/^"(.*)"$/, "$1");

/** Parse an Authentication-Results (or ARC-Authentication-Results) value. */
export function parseAuthResults(header: string, raw: string): AuthResultsField {
  const value = raw.replace(/\r?\n[ \t]*/g, " ");
  const { text, comments } = splitComments(value);
  const parts = splitSemicolons(text);
  let instance: number | null = null;
  if (parts[0] && /^i\s*=\s*\d+$/i.test(parts[0])) instance = Number(parts.shift()?.split("=")[1]);
  const authservId = parts.length ? (parts.shift() as string).trim().split(/\s+/)[0] || null : null;
  const results: AuthResultEntry[] = [];
  // Comments are matched back to the result they follow by position.
  let cursor = 0;
  for (const part of parts) {
    const at = text.indexOf(part, cursor);
    cursor = at >= 0 ? at + part.length : cursor;
    if (/^none$/i.test(part)) continue;
    const tokens = part.match(/[^\s=]+\s*=\s*(?:"[^"]*"|[^\s]*)|\S+/g) ?? [];
    const first = /^([\w.-]+)(?:\/\d+)?\s*=\s*(\S+)$/.exec(tokens[0] ?? "");
    if (!first) continue;
    const entry: AuthResultEntry = { method: first[1].toLowerCase(), result: first[2].toLowerCase(), reason: null, props: {}, comment: null };
    for (const tok of tokens.slice(1)) {
      const kv = /^([^\s=]+)\s*=\s*(.*)$/.exec(tok);
      if (!kv) continue;
      const k = kv[1].toLowerCase();
      if (k === "reason") entry.reason = unquote(kv[2]);
      else entry.props[k] = unquote(kv[2]);
    }
    const c = comments.find((x) => at >= 0 && x.at > at && x.at <= at + part.length + 1);
    entry.comment = c?.text ?? null;
    results.push(entry);
  }
  return { header, instance, authservId, results, raw };
}

export function parseReceivedSpf(raw: string): ReceivedSpfField {
  const value = raw.replace(/\r?\n[ \t]*/g, " ").trim();
  const result = (/^(\w+)/.exec(value)?.[1] ?? "").toLowerCase();
  const comment = /^\w+\s*\(([^)]*)\)/.exec(value)?.[1] ?? null;
  const props: Record<string, string> = {};
  const rest = value.replace(/^\w+\s*(\([^)]*\))?/, "");
  for (const m of rest.matchAll(/([\w-]+)\s*=\s*("[^"]*"|[^;\s]+)/g)) props[m[1].toLowerCase()] = unquote(m[2]);
  return { result, comment, props, raw };
}

/** tag=value list (RFC 6376 section 3.2). */
export function parseTagList(raw: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of raw.replace(/\r?\n[ \t]*/g, " ").split(";")) {
    const m = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*([\s\S]*?)\s*$/.exec(part);
    if (m) tags[m[1].toLowerCase()] = m[2];
  }
  return tags;
}

export function parseDkimSignature(raw: string): DkimSignatureInfo {
  const t = parseTagList(raw);
  const time = t.t && /^\d+$/.test(t.t) ? new Date(Number(t.t) * 1000).toISOString() : null;
  return {
    domain: t.d?.toLowerCase() ?? null,
    selector: t.s ?? null,
    algorithm: t.a ?? null,
    headers: t.h ? t.h.split(":").map((h) => h.trim()).filter(Boolean) : [],
    time,
    raw,
  };
}

function domainOf(addr: string | undefined): string | null {
  if (!addr) return null;
  const at = addr.lastIndexOf("@");
  return (at >= 0 ? addr.slice(at + 1) : addr).replace(/[<>]/g, "").toLowerCase() || null;
}

export function readAuth(block: HeaderBlock): AuthSummary {
  const authenticationResults = fieldsNamed(block, "Authentication-Results").map((f) => parseAuthResults("Authentication-Results", f.raw));
  const arcAuthenticationResults = fieldsNamed(block, "ARC-Authentication-Results").map((f) => parseAuthResults("ARC-Authentication-Results", f.raw));
  const receivedSpf = fieldsNamed(block, "Received-SPF").map((f) => parseReceivedSpf(f.raw));
  const dkimSignatures = fieldsNamed(block, "DKIM-Signature").map((f) => parseDkimSignature(f.raw));
  const arcSeals = fieldsNamed(block, "ARC-Seal").map((f) => {
    const t = parseTagList(f.raw);
    return { instance: t.i ? Number(t.i) : null, cv: t.cv?.toLowerCase() ?? null, domain: t.d ?? null, selector: t.s ?? null };
  });

  // The receiving system's own verdicts are in the top-most field that has the method.
  const topWith = (method: string) => {
    for (const ar of authenticationResults) {
      const hits = ar.results.filter((r) => r.method === method);
      if (hits.length) return { ar, hits };
    }
    return null;
  };
  let spf: SpfVerdict | null = null;
  const spfHit = topWith("spf");
  if (spfHit) {
    const r = spfHit.hits[0];
    spf = { result: r.result, domain: domainOf(r.props["smtp.mailfrom"] ?? r.props["smtp.helo"]), ip: r.props["smtp.remote-ip"] ?? r.props["sender-ip"] ?? null, source: "Authentication-Results", authservId: spfHit.ar.authservId };
  } else if (receivedSpf[0]) {
    const r = receivedSpf[0];
    spf = { result: r.result, domain: domainOf(r.props["envelope-from"] ?? r.props.helo), ip: r.props["client-ip"] ?? null, source: "Received-SPF", authservId: r.props.receiver ?? null };
  }
  const dkimHit = topWith("dkim");
  const dkim: DkimVerdict[] = (dkimHit?.hits ?? []).map((r) => ({
    result: r.result,
    domain: (r.props["header.d"] ?? domainOf(r.props["header.i"]) ?? null)?.toLowerCase() ?? null,
    selector: r.props["header.s"] ?? null,
    source: "Authentication-Results",
    authservId: dkimHit?.ar.authservId ?? null,
  }));
  const dmarcHit = topWith("dmarc");
  let dmarc: DmarcVerdict | null = null;
  if (dmarcHit) {
    const r = dmarcHit.hits[0];
    const policy = r.props["policy.dmarc"] ?? r.props["policy.published-domain-policy"] ?? /\bp=(\w+)/i.exec(r.comment ?? "")?.[1] ?? null;
    dmarc = { result: r.result, domain: r.props["header.from"]?.toLowerCase() ?? null, policy: policy?.toLowerCase() ?? null, source: "Authentication-Results", authservId: dmarcHit.ar.authservId };
  }
  const arcHit = topWith("arc");
  let arc: ArcVerdict | null = null;
  const instances = new Set(arcSeals.map((s) => s.instance)).size;
  if (arcHit) arc = { result: arcHit.hits[0].result, instances, source: "Authentication-Results", authservId: arcHit.ar.authservId };
  else if (arcSeals.length) {
    // Without a verdict field, the newest ARC-Seal's cv= says what its sealer saw.
    const newest = [...arcSeals].sort((a, b) => (b.instance ?? 0) - (a.instance ?? 0))[0];
    arc = { result: newest.cv ?? "none", instances, source: "ARC-Seal", authservId: newest.domain };
  }
  return { spf, dkim, dmarc, arc, authenticationResults, arcAuthenticationResults, receivedSpf, dkimSignatures, arcSeals };
}
