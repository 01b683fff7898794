/**
 * `check domain`: everything DNS says about a domain's mail, as findings plus the raw records
 * (so that the console can show them). A failed lookup is a finding, never an exception.
 */
import { checkDkim, type DkimKey } from "./dkim.ts";
import { checkDmarc, type DmarcReport } from "./dmarc.ts";
import { finding, type RawFinding } from "./finding.ts";
import { checkMtaSts, checkTlsRpt, type MtaStsReport, type PolicyFetcher, type TlsRptReport } from "./mta-sts.ts";
import { checkMailDomain, type MailDomain } from "./mx.ts";
import { recogniseProviders } from "./provider.ts";
import type { DnsResolver } from "./resolver.ts";
import { checkSpf, type SpfReport } from "./spf-check.ts";

export interface DomainCheckOptions {
  ip?: string;
  selectors?: string[];
  fetcher: PolicyFetcher;
}

export interface DomainReport {
  domain: string;
  findings: RawFinding[];
  providers: string[];
  mail: MailDomain;
  spf: SpfReport;
  dmarc: DmarcReport;
  dkim: DkimKey[];
  mtaSts: MtaStsReport;
  tlsRpt: TlsRptReport;
}

export function normalizeDomainArg(raw: string): string {
  return raw.trim().replace(/^.*@/, "").replace(/\.$/, "").toLowerCase();
}

/** The domain in DNS (A-label) form, or undefined when it cannot be a host name. */
export function domainArgToAscii(raw: string): string | undefined {
  const d = normalizeDomainArg(raw);
  if (!d) return undefined;
  let ascii = d;
  if (/[^\x00-\x7f]/.test(d)) {
    try {
      ascii = new URL(`http://${d}/`).hostname;
    } catch {
      return undefined;
    }
  }
  if (ascii.length > 253) return undefined;
  const labels = ascii.split(".");
  const ok = labels.every((l) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?$/.test(l));
  return ok ? ascii : undefined;
}

export async function checkDomain(resolver: DnsResolver, rawDomain: string, o: DomainCheckOptions): Promise<DomainReport> {
  const domain = normalizeDomainArg(rawDomain);
  const mail = await checkMailDomain(resolver, domain);
  const mxHosts = mail.nullMx ? [] : mail.mx.map((m) => m.exchange);
  const [spf, dmarc, dkim, mtaSts, tlsRpt] = await Promise.all([
    checkSpf(resolver, domain, o.ip),
    checkDmarc(resolver, domain),
    Promise.all((o.selectors ?? []).map((s) => checkDkim(resolver, domain, s))),
    checkMtaSts(resolver, domain, mxHosts, o.fetcher),
    checkTlsRpt(resolver, domain),
  ]);
  const providers = recogniseProviders(mxHosts);
  const findings: RawFinding[] = [...mail.findings];
  if (providers.length) findings.push(finding("info", "domain.provider", { providers: providers.join(", ") }));
  findings.push(...spf.findings, ...dmarc.findings, ...dkim.flatMap((k) => k.findings), ...mtaSts.findings, ...tlsRpt.findings);
  return { domain, findings, providers, mail, spf, dmarc, dkim, mtaSts, tlsRpt };
}
