/**
 * Where mail for a domain goes (RFC 5321 section 5.1): its MX set in preference order, a null
 * MX (RFC 7505: "0 ." = accepts no mail), or, when there is no MX at all, the implicit MX that
 * is the domain's own A/AAAA address. Each exchange's addresses are looked up too.
 */
import { isIP } from "node:net";
import { finding, type RawFinding } from "./finding.ts";
import { type DnsResolver, isAnswer, type LookupStatus } from "./resolver.ts";

export interface MxHost {
  preference: number;
  exchange: string;
  addresses: string[];
  /** Status of the address lookups ("ok" when at least one address was found). */
  status: LookupStatus;
}

export interface MailDomain {
  domain: string;
  /** true/false when DNS said so, null when the lookup failed (SERVFAIL, timeout ...). */
  exists: boolean | null;
  mx: MxHost[];
  nullMx: boolean;
  /** No MX records: mail goes to the domain's own A/AAAA addresses (RFC 5321 5.1). */
  implicitMx: boolean;
  implicitAddresses: string[];
  mxStatus: LookupStatus;
  findings: RawFinding[];
}

/** A and AAAA of one host; status "ok" if either gave an address. */
export async function hostAddresses(resolver: DnsResolver, host: string): Promise<{ addresses: string[]; status: LookupStatus }> {
  const [a, aaaa] = await Promise.all([resolver.lookup(host, "A"), resolver.lookup(host, "AAAA")]);
  const addresses = [...a.records, ...aaaa.records];
  if (addresses.length) return { addresses, status: "ok" };
  // Report the more telling failure: a server problem beats "no such name".
  const bad = [a.status, aaaa.status].find((s) => !isAnswer(s));
  return { addresses, status: bad ?? (a.status === "nxdomain" ? "nxdomain" : "nodata") };
}

export async function checkMailDomain(resolver: DnsResolver, domain: string): Promise<MailDomain> {
  const out: MailDomain = { domain, exists: null, mx: [], nullMx: false, implicitMx: false, implicitAddresses: [], mxStatus: "ok", findings: [] };
  const mx = await resolver.lookup(domain, "MX");
  out.mxStatus = mx.status;
  if (mx.status === "nxdomain") {
    out.exists = false;
    out.findings.push(finding("error", "domain.nxdomain", { domain }));
    return out;
  }
  if (!isAnswer(mx.status)) {
    out.findings.push(finding("error", "domain.lookup-failed", { name: domain, type: "MX", status: mx.status, server: resolver.server ?? "system" }));
    return out;
  }
  out.exists = true;
  if (mx.status === "nodata") {
    const host = await hostAddresses(resolver, domain);
    out.implicitAddresses = host.addresses;
    if (host.addresses.length) {
      out.implicitMx = true;
      out.findings.push(finding("warning", "domain.implicit-mx", { domain, addresses: host.addresses.join(", ") }));
    } else if (isAnswer(host.status)) {
      out.findings.push(finding("error", "domain.no-mail-host", { domain }));
    } else {
      out.findings.push(finding("error", "domain.lookup-failed", { name: domain, type: "A/AAAA", status: host.status, server: resolver.server ?? "system" }));
    }
    return out;
  }
  const records = [...mx.records].sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange));
  // RFC 7505: a single MX with an empty exchange ("."). node:dns gives the root as "".
  if (records.some((r) => r.exchange === "" || r.exchange === ".")) {
    out.nullMx = true;
    out.mx = records.map((r) => ({ preference: r.priority, exchange: r.exchange || ".", addresses: [], status: "ok" as LookupStatus }));
    out.findings.push(finding("error", "domain.null-mx", { domain }));
    if (records.length > 1) out.findings.push(finding("error", "domain.null-mx-mixed", { domain }));
    return out;
  }
  const hosts = await Promise.all(records.map((r) => hostAddresses(resolver, r.exchange)));
  out.mx = records.map((r, i) => ({ preference: r.priority, exchange: r.exchange, addresses: hosts[i].addresses, status: hosts[i].status }));
  for (const h of out.mx) {
    if (isIP(h.exchange)) out.findings.push(finding("error", "domain.mx-is-ip", { exchange: h.exchange }));
    else if (!h.addresses.length) {
      out.findings.push(finding(isAnswer(h.status) ? "error" : "warning", isAnswer(h.status) ? "domain.mx-unresolvable" : "domain.mx-lookup-failed", { exchange: h.exchange, status: h.status }));
    }
  }
  const usable = out.mx.filter((h) => h.addresses.length).length;
  if (usable === 0) out.findings.push(finding("error", "domain.no-usable-mx", { domain }));
  else out.findings.push(finding("ok", "domain.mx-ok", { domain, count: out.mx.length, first: out.mx[0].exchange }));
  return out;
}
