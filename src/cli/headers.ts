/** `mailtrace headers`: the Received route, authentication and antispam verdicts of a message. */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { describeError, UserError } from "../core/errors.ts";
import type { AntispamReport } from "../headers/antispam/types.ts";
import { analyzeAndVerify, analyzeHeaders, type HeaderAnalysis } from "../headers/analyze.ts";
import { formatDuration } from "../headers/duration.ts";
import type { Hop } from "../headers/hops.ts";
import { MAX_VERIFY_BYTES } from "../headers/verify.ts";
import { type Lang, resolveLang, t } from "../i18n/index.ts";
import { type Column, formatJson, formatTable, parseFormat } from "./output.ts";

const FORMATS = ["text", "json"] as const;

function readInput(path: string): Buffer {
  let data: Buffer;
  try {
    data = path === "-" ? readFileSync(0) : readFileSync(path);
  } catch (err) {
    throw new UserError(describeError(err));
  }
  if (data.length > MAX_VERIFY_BYTES) throw new UserError(`${path}: larger than ${MAX_VERIFY_BYTES} bytes`);
  if (data.length === 0) throw new UserError(`${path === "-" ? "standard input" : path} is empty`);
  return data;
}

function hopColumns(lang: Lang): Column<Hop>[] {
  const L = (k: string) => t(lang, `headers.label.${k}`);
  return [
    { key: "index", title: "#", get: (h) => h.index },
    {
      key: "delay",
      title: L("delay"),
      get: (h) => (h.delaySeconds === null ? "" : `${formatDuration(lang, h.delaySeconds)}${h.clockSkew ? ` (${L("skew")})` : ""}`),
    },
    { key: "time", title: L("time"), get: (h) => h.time?.replace(".000Z", "Z") ?? "" },
    {
      key: "from",
      title: L("from"),
      maxWidth: 48,
      get: (h) => (!h.parsed ? L("unparsed") : !h.from && !h.by ? h.raw.replace(/\s+/g, " ").replace(/;[^;]*$/, "") : [h.from?.name, h.from?.reverseName && h.from.reverseName !== h.from.name ? `(${h.from.reverseName})` : "", h.from?.ip ? `[${h.from.ip}]` : ""].filter(Boolean).join(" ")),
    },
    { key: "by", title: L("by"), maxWidth: 40, get: (h) => h.by?.host ?? "" },
    { key: "with", title: L("with"), get: (h) => h.with?.protocol ?? h.with?.text.split(" ")[0] ?? "" },
    { key: "tls", title: L("tls"), get: (h) => (h.with?.tls === true ? (h.with.tlsVersion ?? "yes") : h.with?.tls === false ? "no" : "") },
    { key: "id", title: L("id"), maxWidth: 24, get: (h) => h.id ?? "" },
  ];
}

function antispamLines(name: string, r: AntispamReport, lang: Lang): string[] {
  const lines = [`  ${name}${r.spam === true ? " !" : ""}`];
  for (const f of r.fields) lines.push(`    ${f.label.includes(`(${f.key})`) || f.label === f.key ? f.label : `${f.label} (${f.key})`}: ${f.value.length > 120 ? `${f.value.slice(0, 120)}…` : f.value}${f.meaning ? ` - ${f.meaning}` : ""}`);
  if (r.rules.length) {
    lines.push(`    ${t(lang, "headers.label.rules")}: ${r.rules.map((x) => (x.score !== null ? `${x.name}(${x.score})` : x.name)).join(", ")}`);
  }
  if (r.unparsed) lines.push(`    ${r.unparsed}`);
  return lines;
}

export function formatText(a: HeaderAnalysis, lang: Lang): string {
  const L = (k: string) => t(lang, `headers.label.${k}`);
  const out: string[] = [];
  if (a.subject) out.push(`Subject: ${a.subject}`);
  if (a.from) out.push(`From: ${a.from}`);
  if (a.messageId) out.push(`Message-ID: ${a.messageId}`);
  if (out.length) out.push("");
  out.push(L("route"));
  if (a.hops.length) out.push(formatTable(a.hops, hopColumns(lang)).replace(/^/gm, "  "));
  else out.push(`  ${L("none")}`);
  for (const h of a.hops.filter((x) => !x.parsed)) out.push(`  #${h.index} ${L("unparsed")}: ${h.raw.replace(/\s+/g, " ")}`);
  if (a.totalDelaySeconds !== null) out.push(`  ${L("total")}: ${formatDuration(lang, a.totalDelaySeconds)}`);
  out.push("", L("auth"));
  const { spf, dkim, dmarc, arc, dkimSignatures, verified } = a.auth;
  out.push(`  SPF:   ${spf ? `${spf.result}${spf.domain ? ` (${spf.domain})` : ""}` : L("none")}`);
  out.push(`  DKIM:  ${dkim.length ? dkim.map((d) => `${d.result}${d.domain ? ` (${d.domain}${d.selector ? ` s=${d.selector}` : ""})` : ""}`).join(", ") : L("none")}`);
  out.push(`  DMARC: ${dmarc ? `${dmarc.result}${dmarc.domain ? ` (${dmarc.domain}${dmarc.policy ? ` p=${dmarc.policy}` : ""})` : ""}` : L("none")}`);
  out.push(`  ARC:   ${arc ? `${arc.result} (i=${arc.instances})` : L("none")}`);
  if (dkimSignatures.length) out.push(`  ${L("signatures")}: ${dkimSignatures.map((s) => `d=${s.domain ?? "?"} s=${s.selector ?? "?"}`).join(", ")}`);
  if (verified) {
    const parts = verified.dkim.map((d) => `DKIM ${d.result} (d=${d.domain ?? "?"} s=${d.selector ?? "?"})`);
    if (verified.arc) parts.push(`ARC ${verified.arc.result}`);
    out.push(`  ${L("verified")}: ${verified.error ?? (parts.join(", ") || L("none"))}`);
  }
  const as = a.antispam;
  const vendors = (["microsoft", "spamassassin", "rspamd", "google", "generic"] as const).filter((k) => as[k]);
  if (vendors.length) {
    out.push("", L("antispam"));
    for (const k of vendors) out.push(...antispamLines(k, as[k] as AntispamReport, lang));
  }
  out.push("", L("findings"));
  for (const f of a.findings) out.push(`  [${f.severity}] ${f.message}`);
  return out.join("\n");
}

export function register(program: Command): void {
  program
    .command("headers")
    .description("analyse message headers: Received route and delays, SPF/DKIM/DMARC/ARC, antispam verdicts")
    .argument("<file>", "a message (.eml) or its header text, or - for stdin")
    .option("--format <format>", "text or json", "text")
    .option("--lang <lang>", "ja or en (default: from the locale)")
    .option("--verify", "verify DKIM and ARC signatures of the whole message (needs DNS)")
    .option("--dns-server <host[:port]>", "DNS server for --verify (default: MAILTRACE_DNS_SERVER, else the system's)")
    .action(async (file: string, opts: { format: string; lang?: string; verify?: boolean; dnsServer?: string }) => {
      const format = parseFormat(opts.format, FORMATS);
      if (opts.lang && opts.lang !== "ja" && opts.lang !== "en") throw new UserError(`unknown language "${opts.lang}" (expected ja or en)`);
      const lang = resolveLang(opts.lang);
      const data = readInput(file);
      let analysis: HeaderAnalysis;
      if (opts.verify) {
        // Loaded only for --verify, so plain header reading never depends on DNS code.
        const { DnsResolver, dnsServerFrom } = await import("../dns/resolver.ts");
        const resolver = new DnsResolver({ server: dnsServerFrom(opts.dnsServer) });
        analysis = await analyzeAndVerify(data, { lang, resolver: resolver.forMailauth() });
      } else {
        analysis = analyzeHeaders(data.toString("utf8"), { lang });
      }
      process.stdout.write(`${format === "json" ? formatJson(analysis) : formatText(analysis, lang)}\n`);
    });
}
