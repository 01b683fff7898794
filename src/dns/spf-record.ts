/**
 * Our own reading of an SPF record (RFC 7208 sections 4.6 and 5-6), for diagnosis only:
 * which terms it has, which of them are malformed. Evaluation is mailauth's (spf-evaluate.ts).
 */
import { isIP } from "node:net";

export type SpfMechanism = "all" | "include" | "a" | "mx" | "ptr" | "ip4" | "ip6" | "exists";

export interface SpfTerm {
  raw: string;
  kind: "mechanism" | "modifier";
  qualifier: "+" | "-" | "~" | "?";
  name: string;
  /** domain-spec, IP network or modifier value; undefined when absent. */
  value?: string;
  error?: string;
}

export interface ParsedSpf {
  raw: string;
  terms: SpfTerm[];
  errors: string[];
}

const MECHANISMS = new Set(["all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"]);

/** True when a TXT record is an SPF record: "v=spf1" alone or followed by a space (4.5). */
export function isSpfRecord(txt: string): boolean {
  return /^v=spf1( |$)/i.test(txt);
}

/** RFC 7208 7.1 macro-string: every "%" starts %%, %_, %- or a well-formed %{...}. */
function macroError(s: string): string | undefined {
  const rest = s.replace(/%\{[slodiphcrtv]\d*r?[-.+,/_=]*\}|%%|%_|%-/gi, "");
  if (rest.includes("%")) return "bad macro";
  if (/[^\x21-\x7e]/.test(s)) return "invalid character";
  return undefined;
}

function domainSpecError(spec: string): string | undefined {
  const m = macroError(spec);
  if (m) return m;
  // Without a trailing macro, it must end in a toplabel (a letter somewhere in the last label).
  if (!/%\{[^}]*\}$/.test(spec)) {
    const labels = spec.replace(/\.$/, "").split(".");
    const top = labels[labels.length - 1];
    if (labels.length < 2 || !/^(?=.*[a-z])[a-z0-9-]+$/i.test(top) || top.startsWith("-") || top.endsWith("-")) return "not a domain name";
    if (labels.some((l) => l.length === 0 || l.length > 63)) return "bad label";
  }
  return undefined;
}

function cidrError(v: string | undefined, max: number): string | undefined {
  if (v === undefined) return undefined;
  return /^(0|[1-9]\d{0,2})$/.test(v) && Number(v) <= max ? undefined : "bad prefix length";
}

function checkMechanism(t: SpfTerm): void {
  const v = t.value;
  switch (t.name) {
    case "all":
      if (v !== undefined) t.error = "all takes no argument";
      break;
    case "include":
    case "exists":
      t.error = v === undefined || v === "" ? `${t.name} needs a domain` : domainSpecError(v);
      break;
    case "a":
    case "mx":
    case "ptr": {
      // a[:domain][/cidr4][//cidr6]
      const m = /^(?::([^/]*))?(?:\/(\d+))?(?:\/\/(\d+))?$/.exec(t.raw.replace(/^[+\-~?]?[a-z]+/i, ""));
      if (!m) t.error = "bad argument";
      else if (m[1] !== undefined) t.error = m[1] === "" ? "empty domain" : domainSpecError(m[1]);
      if (!t.error && m) t.error = cidrError(m[2], 32) ?? cidrError(m[3], 128);
      if (t.name === "ptr" && m && (m[2] || m[3])) t.error = "ptr takes no prefix length";
      if (m) t.value = m[1];
      break;
    }
    case "ip4": {
      const [ip, len, extra] = (v ?? "").split("/");
      if (extra !== undefined || isIP(ip) !== 4) t.error = "not an IPv4 address";
      else t.error = cidrError(len, 32);
      break;
    }
    case "ip6": {
      const [ip, len, extra] = (v ?? "").split("/");
      if (extra !== undefined || isIP(ip) !== 6) t.error = "not an IPv6 address";
      else t.error = cidrError(len, 128);
      break;
    }
  }
}

export function parseSpfRecord(raw: string): ParsedSpf {
  const out: ParsedSpf = { raw, terms: [], errors: [] };
  const tokens = raw.split(" ").filter((x) => x !== "");
  if (!tokens.length || tokens[0].toLowerCase() !== "v=spf1") {
    out.errors.push("the record does not start with v=spf1");
    return out;
  }
  const seenModifiers = new Set<string>();
  for (const tok of tokens.slice(1)) {
    const mod = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(tok);
    if (mod) {
      const name = mod[1].toLowerCase();
      const term: SpfTerm = { raw: tok, kind: "modifier", qualifier: "+", name, value: mod[2] };
      if ((name === "redirect" || name === "exp") && seenModifiers.has(name)) term.error = `${name} appears twice`;
      else if (name === "redirect" || name === "exp") term.error = mod[2] ? domainSpecError(mod[2]) : `${name} needs a domain`;
      else term.error = macroError(mod[2]);
      seenModifiers.add(name);
      out.terms.push(term);
      continue;
    }
    const m = /^([+\-~?]?)([a-z0-9]+)(?:[:/](.*))?$/i.exec(tok);
    const name = m?.[2].toLowerCase() ?? "";
    if (!m || !MECHANISMS.has(name)) {
      out.terms.push({ raw: tok, kind: "mechanism", qualifier: "+", name, error: "unknown mechanism" });
      continue;
    }
    const term: SpfTerm = {
      raw: tok,
      kind: "mechanism",
      qualifier: (m[1] || "+") as SpfTerm["qualifier"],
      name,
      value: tok.includes(":") ? tok.slice(tok.indexOf(":") + 1) : undefined,
    };
    checkMechanism(term);
    out.terms.push(term);
  }
  for (const t of out.terms) if (t.error) out.errors.push(`${t.raw}: ${t.error}`);
  return out;
}

/** Terms that cost a DNS lookup under the limit of 10 (RFC 7208 4.6.4). */
export function countsAsLookup(t: SpfTerm): boolean {
  return t.kind === "mechanism" ? ["include", "a", "mx", "ptr", "exists"].includes(t.name) : t.name === "redirect";
}

export function hasMacro(s: string | undefined): boolean {
  return !!s && s.includes("%");
}
