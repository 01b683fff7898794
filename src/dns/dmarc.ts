/**
 * DMARC (RFC 7489): the record at _dmarc.<domain> (or, failing that, at the organizational
 * domain), its policy, pct, report addresses and alignment modes, and the authorization of
 * report addresses in other domains (section 7.1).
 */
import { parse as parsePsl } from "tldts";
import { finding, type RawFinding } from "./finding.ts";
import { type DnsResolver, isAnswer } from "./resolver.ts";
import { parseTagList } from "./tag-list.ts";

export interface DmarcReport {
  /** Where the record was found (_dmarc.<domain> or _dmarc.<organizational domain>). */
  name?: string;
  record?: string;
  policy?: string;
  subdomainPolicy?: string;
  pct?: number;
  rua: string[];
  ruf: string[];
  adkim?: "r" | "s";
  aspf?: "r" | "s";
  findings: RawFinding[];
}

async function dmarcRecords(resolver: DnsResolver, name: string) {
  const txt = await resolver.lookup(name, "TXT");
  return { status: txt.status, records: txt.records.filter((r) => /^v=DMARC1\s*(;|$)/i.test(r.trim())) };
}

export function organizationalDomain(domain: string): string {
  return parsePsl(domain, { allowPrivateDomains: false }).domain ?? domain;
}

export async function checkDmarc(resolver: DnsResolver, domain: string): Promise<DmarcReport> {
  const r: DmarcReport = { rua: [], ruf: [], findings: [] };
  let name = `_dmarc.${domain}`;
  let found = await dmarcRecords(resolver, name);
  const org = organizationalDomain(domain);
  if (isAnswer(found.status) && found.records.length === 0 && org !== domain) {
    name = `_dmarc.${org}`;
    found = await dmarcRecords(resolver, name);
    if (found.records.length) r.findings.push(finding("info", "domain.dmarc-from-org", { domain, org }));
  }
  if (!isAnswer(found.status)) {
    r.findings.push(finding("error", "domain.lookup-failed", { name, type: "TXT", status: found.status, server: resolver.server ?? "system" }));
    return r;
  }
  if (found.records.length === 0) {
    r.findings.push(finding("warning", "domain.dmarc-none", { domain }));
    return r;
  }
  if (found.records.length > 1) {
    r.findings.push(finding("error", "domain.dmarc-multiple", { name, count: found.records.length }));
    return r;
  }
  r.name = name;
  r.record = found.records[0];
  const tl = parseTagList(r.record);
  for (const e of tl.errors) r.findings.push(finding("error", "domain.dmarc-syntax", { error: e }));
  if (tl.order[0] !== "v") r.findings.push(finding("error", "domain.dmarc-syntax", { error: "v=DMARC1 must come first" }));
  const p = tl.tags.get("p")?.toLowerCase();
  if (!p) r.findings.push(finding("error", "domain.dmarc-no-policy", { name }));
  else if (!["none", "quarantine", "reject"].includes(p)) r.findings.push(finding("error", "domain.dmarc-bad-policy", { value: p }));
  else {
    r.policy = p;
    r.findings.push(finding(p === "none" ? "warning" : "ok", `domain.dmarc-policy-${p}`, { domain }));
  }
  const sp = tl.tags.get("sp")?.toLowerCase();
  if (sp !== undefined) {
    if (["none", "quarantine", "reject"].includes(sp)) r.subdomainPolicy = sp;
    else r.findings.push(finding("error", "domain.dmarc-bad-policy", { value: `sp=${sp}` }));
  }
  const pct = tl.tags.get("pct");
  if (pct !== undefined) {
    if (!/^\d{1,3}$/.test(pct) || Number(pct) > 100) r.findings.push(finding("error", "domain.dmarc-bad-pct", { value: pct }));
    else {
      r.pct = Number(pct);
      if (r.pct < 100 && p && p !== "none") r.findings.push(finding("info", "domain.dmarc-partial-pct", { pct: r.pct }));
    }
  }
  for (const tag of ["adkim", "aspf"] as const) {
    const v = tl.tags.get(tag)?.toLowerCase();
    if (v === undefined) continue;
    if (v === "r" || v === "s") r[tag] = v;
    else r.findings.push(finding("error", "domain.dmarc-bad-alignment", { tag, value: v }));
  }
  if (r.adkim === "s" || r.aspf === "s") r.findings.push(finding("info", "domain.dmarc-strict-alignment", { adkim: r.adkim ?? "r", aspf: r.aspf ?? "r" }));
  for (const tag of ["rua", "ruf"] as const) {
    const v = tl.tags.get(tag);
    if (v === undefined) continue;
    for (const uri of v.split(",").map((x) => x.trim()).filter(Boolean)) {
      const m = /^mailto:([^@!\s]+)@([^!\s]+?)(![0-9]+[kmgt]?)?$/i.exec(uri);
      if (!m) {
        r.findings.push(finding("error", "domain.dmarc-bad-uri", { tag, uri }));
        continue;
      }
      r[tag].push(uri);
      // Reports to another organization need its consent: <domain>._report._dmarc.<target>.
      const target = m[2].toLowerCase();
      if (organizationalDomain(target) !== org) {
        const auth = await resolver.lookup(`${domain}._report._dmarc.${target}`, "TXT");
        const ok = auth.records.some((x) => /^v=DMARC1\s*(;|$)/i.test(x.trim()));
        if (!ok && isAnswer(auth.status)) r.findings.push(finding("warning", "domain.dmarc-external-unauthorized", { tag, target, domain }));
      }
    }
  }
  if (!tl.tags.has("rua")) r.findings.push(finding("info", "domain.dmarc-no-rua", { domain }));
  return r;
}
