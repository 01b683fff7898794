/**
 * SPF diagnosis of a domain: find the record, read it, walk its includes and redirect to count
 * DNS lookups against the limit of 10 and void lookups against 2 (RFC 7208 4.6.4), spot loops,
 * multiple records, "+all", syntax errors; then, for a given --ip, evaluate it with mailauth.
 */
import { finding, type RawFinding } from "./finding.ts";
import type { DnsResolver, LookupStatus } from "./resolver.ts";
import { isAnswer } from "./resolver.ts";
import { countsAsLookup, hasMacro, isSpfRecord, parseSpfRecord, type SpfTerm } from "./spf-record.ts";
import { evaluateSpf, type SpfEvaluation } from "./spf-evaluate.ts";

export const LOOKUP_LIMIT = 10;
export const VOID_LIMIT = 2;
const MAX_DEPTH = 12;

export interface SpfReport {
  /** The domain's SPF record, undefined when it has none (or more than one). */
  record?: string;
  /** Every SPF record seen while walking includes and redirects, by domain. */
  records: Record<string, string[]>;
  lookups: number;
  voidLookups: number;
  evaluation?: SpfEvaluation & { ip: string };
  findings: RawFinding[];
}

interface Walk {
  resolver: DnsResolver;
  report: SpfReport;
  stack: string[];
  reported: Set<string>;
}

async function fetchSpf(w: Walk, domain: string): Promise<{ status: LookupStatus; records: string[] }> {
  const txt = await w.resolver.lookup(domain, "TXT");
  const records = txt.records.filter(isSpfRecord);
  w.report.records[domain] = records;
  return { status: txt.status, records };
}

function once(w: Walk, f: RawFinding): void {
  const key = `${f.code}|${JSON.stringify(f.params ?? {})}`;
  if (w.reported.has(key)) return;
  w.reported.add(key);
  w.report.findings.push(f);
}

/** Does a lookup for `a`/`mx`/`exists` come back empty? (counts as a void lookup) */
async function isVoid(w: Walk, t: SpfTerm, domain: string): Promise<boolean> {
  const target = t.value ?? domain;
  if (hasMacro(target)) return false;
  if (t.name === "mx") {
    const mx = await w.resolver.lookup(target, "MX");
    if (mx.status === "ok" && mx.records.length > 10) once(w, finding("error", "domain.spf-mx-too-many", { domain: target, count: mx.records.length }));
    return mx.status === "nxdomain" || mx.status === "nodata";
  }
  if (t.name === "a" || t.name === "exists") {
    const [a, aaaa] = await Promise.all([w.resolver.lookup(target, "A"), w.resolver.lookup(target, "AAAA")]);
    const empty = (s: LookupStatus) => s === "nxdomain" || s === "nodata";
    return empty(a.status) && (t.name === "exists" || empty(aaaa.status));
  }
  return false;
}

async function walk(w: Walk, domain: string, records: string[], top: boolean): Promise<void> {
  if (records.length > 1) {
    once(w, finding("error", "domain.spf-multiple", { domain, count: records.length }));
    return;
  }
  const parsed = parseSpfRecord(records[0]);
  for (const e of parsed.errors) once(w, finding("error", "domain.spf-syntax", { domain, error: e }));
  const hasAll = parsed.terms.some((t) => t.kind === "mechanism" && t.name === "all");
  for (const t of parsed.terms) {
    if (t.error) continue;
    if (t.kind === "mechanism" && t.name === "all" && top) {
      if (t.qualifier === "+") once(w, finding("error", "domain.spf-plus-all", { domain }));
      else if (t.qualifier === "?") once(w, finding("warning", "domain.spf-neutral-all", { domain }));
    }
    if (t.kind === "mechanism" && t.name === "ptr") once(w, finding("warning", "domain.spf-ptr", { domain }));
    if (!countsAsLookup(t)) continue;
    if (t.kind === "modifier" && hasAll) continue; // redirect is ignored when "all" is present
    w.report.lookups++;
    if (t.name === "include" || t.name === "redirect") {
      const target = (t.value ?? "").toLowerCase().replace(/\.$/, "");
      if (hasMacro(target)) continue;
      if (w.stack.includes(target)) {
        once(w, finding("error", "domain.spf-loop", { domain, target }));
        continue;
      }
      if (w.stack.length >= MAX_DEPTH) continue;
      const sub = await fetchSpf(w, target);
      if (!isAnswer(sub.status)) {
        once(w, finding("warning", "domain.spf-include-lookup-failed", { domain, target, status: sub.status }));
        continue;
      }
      if (sub.records.length === 0) {
        if (sub.status !== "ok") w.report.voidLookups++;
        once(w, finding("error", "domain.spf-include-without-record", { domain, target, mechanism: t.name }));
        continue;
      }
      w.stack.push(target);
      await walk(w, target, sub.records, false);
      w.stack.pop();
    } else if (await isVoid(w, t, domain)) {
      w.report.voidLookups++;
    }
  }
}

export async function checkSpf(resolver: DnsResolver, domain: string, ip?: string): Promise<SpfReport> {
  const report: SpfReport = { records: {}, lookups: 0, voidLookups: 0, findings: [] };
  const w: Walk = { resolver, report, stack: [domain.toLowerCase()], reported: new Set() };
  const top = await fetchSpf(w, domain);
  if (!isAnswer(top.status)) {
    report.findings.push(finding("error", "domain.lookup-failed", { name: domain, type: "TXT", status: top.status, server: resolver.server ?? "system" }));
  } else if (top.records.length === 0) {
    report.findings.push(finding("warning", "domain.spf-none", { domain }));
  } else {
    if (top.records.length === 1) report.record = top.records[0];
    await walk(w, domain, top.records, true);
    if (report.lookups > LOOKUP_LIMIT) report.findings.push(finding("error", "domain.spf-too-many-lookups", { domain, count: report.lookups, limit: LOOKUP_LIMIT }));
    else report.findings.push(finding("info", "domain.spf-lookups", { domain, count: report.lookups, limit: LOOKUP_LIMIT }));
    if (report.voidLookups > VOID_LIMIT) report.findings.push(finding("error", "domain.spf-too-many-void", { domain, count: report.voidLookups, limit: VOID_LIMIT }));
    if (!report.findings.some((f) => f.severity === "error")) report.findings.unshift(finding("ok", "domain.spf-ok", { domain, record: report.record ?? "" }));
  }
  if (ip) {
    const ev = await evaluateSpf({ ip, sender: `postmaster@${domain}`, helo: domain, resolver: resolver.forMailauth() });
    report.evaluation = { ...ev, ip };
    const sev = ev.result === "pass" ? "ok" : ev.result === "fail" || ev.result === "permerror" ? "error" : "warning";
    report.findings.push(finding(sev, `domain.spf-result-${ev.result}`, { domain, ip }));
  }
  return report;
}
