/**
 * `mailtrace check address` and `mailtrace check domain`: the first triage of an address
 * (syntax, typos, does its domain take mail) and of a domain's DNS (MX, SPF, DMARC, DKIM,
 * MTA-STS, TLS-RPT, hosting provider). Thin: parse flags, call src/address and src/dns, print.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { type AddressReport, checkAddress } from "../address/check.ts";
import { UserError } from "../core/errors.ts";
import { checkDomain, domainArgToAscii, type DomainReport } from "../dns/domain-check.ts";
import { renderFindings } from "../dns/finding.ts";
import { httpsFetcher } from "../dns/mta-sts.ts";
import { DEFAULT_TIMEOUT_MS, DnsResolver, dnsServerFrom } from "../dns/resolver.ts";
import { type Lang, resolveLang, t } from "../i18n/index.ts";
import { formatJson, parseFormat } from "./output.ts";

const FORMATS = ["text", "json"] as const;
const MAX_INPUT_LINES = 100_000;

interface CommonOpts {
  format: string;
  lang?: string;
  dnsServer?: string;
  dnsTimeout?: string;
}

function langOf(flag?: string): Lang {
  if (flag && flag !== "ja" && flag !== "en") throw new UserError(`unknown language "${flag}" (expected ja or en)`);
  return resolveLang(flag);
}

function resolverOf(o: CommonOpts): DnsResolver {
  const timeoutMs = o.dnsTimeout === undefined ? DEFAULT_TIMEOUT_MS : Number(o.dnsTimeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 120_000) throw new UserError(`--dns-timeout: expected milliseconds (1-120000), got "${o.dnsTimeout}"`);
  return new DnsResolver({ server: dnsServerFrom(o.dnsServer), timeoutMs });
}

/** Addresses from --input: one JSON string per line ("-" = stdin), so NULs and CRLFs survive. */
function readInputFile(file: string, lang: Lang, errors: string[]): string[] {
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (err) {
    throw new UserError(t(lang, "common.file-error", { file, error: (err as NodeJS.ErrnoException).code ?? String(err) }));
  }
  const out: string[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length && i < MAX_INPUT_LINES; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line);
      if (typeof v !== "string") throw new Error("not a string");
      out.push(v);
    } catch {
      errors.push(t(lang, "address.input-not-json", { file, line: i + 1 }));
    }
  }
  return out;
}

function addressText(r: AddressReport, lang: Lang): string {
  const L = (k: string) => t(lang, `address.label.${k}`);
  const lines = [JSON.stringify(r.address).slice(1, -1), `  ${L("category")}: ${lang === "en" ? r.category : `${t(lang, `address.category.${r.category}`)} (${r.category})`}`];
  if (r.normalized !== r.address) lines.push(`  ${L("normalized")}: ${r.normalized}`);
  if (r.suggestion) lines.push(`  ${L("suggestion")}: ${r.suggestion}`);
  for (const d of r.diagnoses) lines.push(`  - ${d.message} [${d.code}]`);
  if (r.domain) {
    const exists = r.domain.exists === null ? L("exists-unknown") : r.domain.exists ? L("exists-yes") : L("exists-no");
    lines.push(`  ${L("domain")}: ${exists}`);
    if (r.domain.nullMx) lines.push(`    ${L("null-mx")}`);
    else if (r.domain.implicitMx) lines.push(`    ${L("implicit")}`);
    for (const m of r.domain.mx) lines.push(`    MX ${m.preference} ${m.exchange} ${m.addresses.join(", ") || `(${L("no-address")})`}`);
  }
  if (r.probe) lines.push(`  SMTP: ${[r.probe.exchange, r.probe.ip].filter(Boolean).join(" ")} ${r.probe.reply ?? r.probe.error ?? ""}`.trimEnd());
  return lines.join("\n");
}

function domainJson(r: DomainReport, lang: Lang) {
  return {
    domain: r.domain,
    findings: renderFindings(lang, r.findings),
    providers: r.providers,
    records: {
      mx: {
        exists: r.mail.exists,
        mx: r.mail.mx.map((m) => ({ preference: m.preference, exchange: m.exchange, addresses: m.addresses })),
        nullMx: r.mail.nullMx,
        implicitMx: r.mail.implicitMx,
        implicitAddresses: r.mail.implicitAddresses,
      },
      spf: { record: r.spf.record ?? null, records: r.spf.records, lookups: r.spf.lookups, voidLookups: r.spf.voidLookups, evaluation: r.spf.evaluation ?? null },
      dmarc: { name: r.dmarc.name ?? null, record: r.dmarc.record ?? null, policy: r.dmarc.policy ?? null, subdomainPolicy: r.dmarc.subdomainPolicy ?? null, pct: r.dmarc.pct ?? null, rua: r.dmarc.rua, ruf: r.dmarc.ruf, adkim: r.dmarc.adkim ?? null, aspf: r.dmarc.aspf ?? null },
      dkim: r.dkim.map((k) => ({ selector: k.selector, name: k.name, record: k.record ?? null, keyType: k.keyType ?? null, bits: k.bits ?? null })),
      mtaSts: { record: r.mtaSts.record ?? null, policyUrl: r.mtaSts.policyUrl ?? null, policy: r.mtaSts.policyText ?? null, mode: r.mtaSts.policy?.mode ?? null, mx: r.mtaSts.policy?.mx ?? [] },
      tlsRpt: { record: r.tlsRpt.record ?? null, rua: r.tlsRpt.rua },
    },
  };
}

function domainText(r: DomainReport, lang: Lang): string {
  const lines = [r.domain];
  for (const f of renderFindings(lang, r.findings)) lines.push(`  [${t(lang, `domain.label.severity.${f.severity}`)}] ${f.message}`);
  return lines.join("\n");
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function register(program: Command): void {
  const check = program.command("check").description("first triage: check addresses and domains (syntax, typos, DNS)");

  check
    .command("address")
    .description("check e-mail addresses: syntax (RFC 5321/5322/6531), typos, and with --dns where their mail goes")
    .argument("[addresses...]", "addresses to check (put them after -- if one starts with '-')")
    .option("--dns", "look the domain up: existence, MX, null MX, implicit MX")
    .option("--smtp-probe", "also ask the mail server with RCPT TO (nothing is sent; implies --dns; see the warning in the output)")
    .option("--smtp-port <port>", "port for --smtp-probe", "25")
    .option("--input <file>", "read addresses from FILE, one JSON string per line (- for stdin)")
    .option("--format <format>", "text or json", "text")
    .option("--lang <lang>", "ja or en (default: from the locale)")
    .option("--dns-server <host[:port]>", "DNS server to ask (default: MAILTRACE_DNS_SERVER, else the system's)")
    .option("--dns-timeout <ms>", "timeout of one DNS query in milliseconds", String(DEFAULT_TIMEOUT_MS))
    .action(async (addresses: string[], opts: CommonOpts & { dns?: boolean; input?: string; smtpProbe?: boolean; smtpPort: string }) => {
      const format = parseFormat(opts.format, FORMATS);
      const lang = langOf(opts.lang);
      const errors: string[] = [];
      const all = [...addresses, ...(opts.input ? readInputFile(opts.input, lang, errors) : [])];
      for (const e of errors) process.stderr.write(`mailtrace: ${e}\n`);
      if (all.length === 0) throw new UserError(t(lang, "address.input-empty"));
      const resolver = opts.dns || opts.smtpProbe ? resolverOf(opts) : undefined;
      const port = Number(opts.smtpPort);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UserError(`--smtp-port: "${opts.smtpPort}" is not a port number`);
      if (opts.smtpProbe) process.stderr.write(`mailtrace: ${t(lang, "address.probe-warning")}\n`);
      const reports: AddressReport[] = [];
      for (const a of all) {
        const r = await checkAddress(a, { lang, resolver, probe: opts.smtpProbe ? { port } : undefined });
        if (format === "json") reports.push(r);
        else process.stdout.write(`${addressText(r, lang)}\n\n`);
      }
      if (format === "json") process.stdout.write(`${formatJson(reports)}\n`);
      if (errors.length) process.exitCode = 1;
    });

  check
    .command("domain")
    .description("check a domain's mail DNS: MX, SPF, DMARC, DKIM, MTA-STS, TLS-RPT, hosting provider")
    .argument("<domains...>", "domains to check")
    .option("--ip <ip>", "evaluate SPF for mail from this IP address")
    .option("--selector <selector>", "DKIM selector to check (repeatable)", collect, [] as string[])
    .option("--format <format>", "text or json", "text")
    .option("--lang <lang>", "ja or en (default: from the locale)")
    .option("--dns-server <host[:port]>", "DNS server to ask (default: MAILTRACE_DNS_SERVER, else the system's)")
    .option("--dns-timeout <ms>", "timeout of one DNS query in milliseconds", String(DEFAULT_TIMEOUT_MS))
    .action(async (domains: string[], opts: CommonOpts & { ip?: string; selector: string[] }) => {
      const format = parseFormat(opts.format, FORMATS);
      const lang = langOf(opts.lang);
      if (opts.ip !== undefined && !/^[0-9a-f.:]+$/i.test(opts.ip)) throw new UserError(`--ip: "${opts.ip}" is not an IP address`);
      const resolver = resolverOf(opts);
      const fetcher = httpsFetcher(resolver);
      const out: unknown[] = [];
      let bad = 0;
      for (const d of domains) {
        const ascii = domainArgToAscii(d);
        if (!ascii) {
          // One bad argument does not stop the others; the exit code tells.
          process.stderr.write(`mailtrace: ${t(lang, "domain.not-a-domain", { domain: d })}\n`);
          bad++;
          continue;
        }
        const r = await checkDomain(resolver, ascii, { ip: opts.ip, selectors: opts.selector, fetcher });
        if (format === "json") out.push(domainJson(r, lang));
        else process.stdout.write(`${domainText(r, lang)}\n\n`);
      }
      if (format === "json") process.stdout.write(`${formatJson(out)}\n`);
      if (bad) process.exitCode = 1;
    });
}
