/**
 * MTA-STS (RFC 8461): the TXT record at _mta-sts.<domain> and the policy served at
 * https://mta-sts.<domain>/.well-known/mta-sts.txt. The policy fetcher is injectable; the
 * default one connects over HTTPS (certificate checked, no redirects followed, 64 KiB cap)
 * to the address our own resolver gives, so that --dns-server applies here too.
 */
import { request } from "node:https";
import type { LookupFunction } from "node:net";
import { finding, type RawFinding } from "./finding.ts";
import { type DnsResolver, isAnswer } from "./resolver.ts";
import { parseTagList } from "./tag-list.ts";

export interface PolicyResponse {
  status: number;
  contentType?: string;
  body: string;
}
export type PolicyFetcher = (url: string) => Promise<PolicyResponse>;

export interface HttpsFetcherOptions {
  /** Port to connect to instead of 443 (tests run an HTTPS server on a loopback port). */
  port?: number;
  /** Extra trusted CA certificates in PEM (tests trust their own self-signed one). */
  ca?: string | Buffer;
  timeoutMs?: number;
}

const MAX_POLICY_BYTES = 64 * 1024;

/** A node:net lookup function answered by our DnsResolver. */
export function resolverLookup(resolver: DnsResolver): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
    (async () => {
      const a = await resolver.lookup(hostname, "A");
      const aaaa = a.records.length ? undefined : await resolver.lookup(hostname, "AAAA");
      const list = [...a.records.map((address) => ({ address, family: 4 })), ...(aaaa?.records ?? []).map((address) => ({ address, family: 6 }))];
      if (!list.length) {
        const err = new Error(`cannot resolve ${hostname}: ${(aaaa ?? a).status}`) as NodeJS.ErrnoException;
        err.code = "ENOTFOUND";
        return callback(err);
      }
      if (options?.all) callback(null, list);
      else callback(null, list[0].address, list[0].family);
    })().catch((err) => callback(err));
  }) as unknown as LookupFunction;
}

export function httpsFetcher(resolver: DnsResolver, options: HttpsFetcherOptions = {}): PolicyFetcher {
  return (url: string) =>
    new Promise<PolicyResponse>((resolve, reject) => {
      const u = new URL(url);
      const req = request(
        {
          host: u.hostname,
          servername: u.hostname,
          port: options.port ?? 443,
          path: u.pathname,
          method: "GET",
          lookup: resolverLookup(resolver),
          ...(options.ca ? { ca: options.ca } : {}),
          timeout: options.timeoutMs ?? resolver.timeoutMs,
          headers: { "user-agent": "mailtrace" },
        },
        (res) => {
          let size = 0;
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => {
            size += c.length;
            if (size > MAX_POLICY_BYTES) req.destroy(new Error("policy larger than 64 KiB"));
            else chunks.push(c);
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"], body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", reject);
      req.end();
    });
}

export interface MtaStsPolicy {
  version?: string;
  mode?: string;
  mx: string[];
  maxAge?: number;
  errors: string[];
}

export function parseMtaStsPolicy(body: string): MtaStsPolicy {
  const p: MtaStsPolicy = { mx: [], errors: [] };
  for (const line of body.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const m = /^([A-Za-z0-9_]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (!m) {
      p.errors.push(`"${line.slice(0, 60)}" is not "key: value"`);
      continue;
    }
    const [, key, value] = m;
    if (key === "version") p.version = value;
    else if (key === "mode") p.mode = value;
    else if (key === "mx") p.mx.push(value.toLowerCase());
    else if (key === "max_age") p.maxAge = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  }
  if (p.version !== "STSv1") p.errors.push('"version: STSv1" is missing');
  if (!p.mode || !["enforce", "testing", "none"].includes(p.mode)) p.errors.push(`mode must be enforce, testing or none (got "${p.mode ?? ""}")`);
  if (p.maxAge === undefined || Number.isNaN(p.maxAge) || p.maxAge > 31557600) p.errors.push("max_age is missing or out of range (0-31557600)");
  if (p.mode !== "none" && p.mx.length === 0) p.errors.push("no mx patterns");
  return p;
}

/** RFC 8461 4.1: "*.example.com" matches exactly one extra leftmost label. */
export function mxMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  const p = pattern.toLowerCase().replace(/\.$/, "");
  if (p.startsWith("*.")) {
    const rest = p.slice(2);
    const i = h.indexOf(".");
    return i > 0 && h.slice(i + 1) === rest;
  }
  return h === p;
}

export interface MtaStsReport {
  record?: string;
  policyUrl?: string;
  policy?: MtaStsPolicy;
  policyText?: string;
  findings: RawFinding[];
}

export async function checkMtaSts(resolver: DnsResolver, domain: string, mxHosts: readonly string[], fetcher: PolicyFetcher): Promise<MtaStsReport> {
  const r: MtaStsReport = { findings: [] };
  const name = `_mta-sts.${domain}`;
  const txt = await resolver.lookup(name, "TXT");
  if (!isAnswer(txt.status)) {
    r.findings.push(finding("error", "domain.lookup-failed", { name, type: "TXT", status: txt.status, server: resolver.server ?? "system" }));
    return r;
  }
  const records = txt.records.filter((x) => /^v=STSv1\s*(;|$)/.test(x.trim()));
  if (records.length === 0) {
    r.findings.push(finding("info", "domain.mta-sts-none", { domain }));
    return r;
  }
  if (records.length > 1) {
    r.findings.push(finding("error", "domain.mta-sts-multiple", { name }));
    return r;
  }
  r.record = records[0];
  const tl = parseTagList(r.record);
  const id = tl.tags.get("id");
  if (!id || !/^[A-Za-z0-9]{1,32}$/.test(id)) r.findings.push(finding("error", "domain.mta-sts-bad-id", { value: id ?? "" }));
  r.policyUrl = `https://mta-sts.${domain}/.well-known/mta-sts.txt`;
  let res: PolicyResponse;
  try {
    res = await fetcher(r.policyUrl);
  } catch (err) {
    r.findings.push(finding("error", "domain.mta-sts-fetch-failed", { url: r.policyUrl, error: (err as Error).message.split("\n")[0] }));
    return r;
  }
  if (res.status !== 200) {
    r.findings.push(finding("error", "domain.mta-sts-fetch-failed", { url: r.policyUrl, error: `HTTP ${res.status}` }));
    return r;
  }
  if (!/^text\/plain\b/i.test(res.contentType ?? "")) r.findings.push(finding("warning", "domain.mta-sts-content-type", { type: res.contentType ?? "" }));
  r.policyText = res.body;
  r.policy = parseMtaStsPolicy(res.body);
  for (const e of r.policy.errors) r.findings.push(finding("error", "domain.mta-sts-policy-syntax", { error: e }));
  if (r.policy.mode === "testing") r.findings.push(finding("info", "domain.mta-sts-testing", { domain }));
  if (r.policy.mode === "none") r.findings.push(finding("info", "domain.mta-sts-mode-none", { domain }));
  if (r.policy.mode === "enforce" || r.policy.mode === "testing") {
    for (const mx of mxHosts) {
      if (!r.policy.mx.some((p) => mxMatches(mx, p))) {
        r.findings.push(finding(r.policy.mode === "enforce" ? "error" : "warning", "domain.mta-sts-mx-mismatch", { mx, patterns: r.policy.mx.join(", ") }));
      }
    }
  }
  if (!r.findings.some((f) => f.severity === "error" || f.severity === "warning")) {
    r.findings.unshift(finding("ok", "domain.mta-sts-ok", { domain, mode: r.policy.mode ?? "" }));
  }
  return r;
}

export interface TlsRptReport {
  record?: string;
  rua: string[];
  findings: RawFinding[];
}

/** SMTP TLS Reporting (RFC 8460): "v=TLSRPTv1; rua=mailto:...,https://..." at _smtp._tls.<domain>. */
export async function checkTlsRpt(resolver: DnsResolver, domain: string): Promise<TlsRptReport> {
  const r: TlsRptReport = { rua: [], findings: [] };
  const name = `_smtp._tls.${domain}`;
  const txt = await resolver.lookup(name, "TXT");
  if (!isAnswer(txt.status)) {
    r.findings.push(finding("error", "domain.lookup-failed", { name, type: "TXT", status: txt.status, server: resolver.server ?? "system" }));
    return r;
  }
  const records = txt.records.filter((x) => /^v=TLSRPTv1\s*(;|$)/.test(x.trim()));
  if (records.length === 0) {
    r.findings.push(finding("info", "domain.tlsrpt-none", { domain }));
    return r;
  }
  if (records.length > 1) {
    r.findings.push(finding("error", "domain.tlsrpt-multiple", { name }));
    return r;
  }
  r.record = records[0];
  const tl = parseTagList(r.record);
  const rua = tl.tags.get("rua");
  if (!rua) r.findings.push(finding("error", "domain.tlsrpt-no-rua", { name }));
  else {
    for (const uri of rua.split(",").map((x) => x.trim())) {
      if (/^mailto:[^@\s]+@[^@\s]+$/i.test(uri) || /^https:\/\/\S+$/i.test(uri)) r.rua.push(uri);
      else r.findings.push(finding("error", "domain.tlsrpt-bad-uri", { uri }));
    }
  }
  if (!r.findings.length) r.findings.push(finding("ok", "domain.tlsrpt-ok", { domain, rua: r.rua.join(", ") }));
  return r;
}
