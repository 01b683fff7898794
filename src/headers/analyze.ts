/**
 * The header analyzer: a message or its pasted header block in, plain values out.
 *   analyzeHeaders(text, { lang }) -> { hops, totalDelaySeconds, auth, antispam, findings }
 * With `verify` and a resolver, DKIM and ARC signatures are checked as well (async variant).
 */
import type { Finding } from "../core/finding.ts";
import type { Lang } from "../i18n/index.ts";
import { type AntispamSummary, readAntispam } from "./antispam/index.ts";
import { type AuthSummary, readAuth } from "./auth.ts";
import { headerFindings } from "./findings.ts";
import { fieldsNamed, readHeaderBlock } from "./header-block.ts";
import { type Hop, hopsFromFields } from "./hops.ts";
import { type DnsResolve, type VerifyResult, verifyMessage } from "./verify.ts";

export interface HeaderAnalysis {
  hops: Hop[];
  totalDelaySeconds: number | null;
  auth: AuthSummary & { verified: VerifyResult | null };
  antispam: AntispamSummary;
  findings: Finding[];
  /** Facts about the input itself. */
  input: { fields: number; truncated: boolean; repairedLines: number; hasBody: boolean };
  subject: string | null;
  from: string | null;
  messageId: string | null;
}

export interface AnalyzeOptions {
  lang?: Lang;
}

export interface VerifyOptions extends AnalyzeOptions {
  /** How DKIM/ARC keys are looked up (node:dns/promises style resolve(name, rrtype)). */
  resolver: DnsResolve;
}

function build(text: string, lang: Lang, verified: VerifyResult | null): HeaderAnalysis {
  const block = readHeaderBlock(text);
  const { hops, totalDelaySeconds } = hopsFromFields(fieldsNamed(block, "Received"));
  const auth = readAuth(block);
  const antispam = readAntispam(block, lang);
  const findings = headerFindings({ hops, totalDelaySeconds, auth, antispam, truncated: block.truncated, repairedLines: block.repairedLines, verify: verified }, lang);
  const first = (name: string) => fieldsNamed(block, name)[0]?.value ?? null;
  return {
    hops,
    totalDelaySeconds,
    auth: { ...auth, verified },
    antispam,
    findings,
    input: { fields: block.fields.length, truncated: block.truncated, repairedLines: block.repairedLines, hasBody: block.bodyOffset >= 0 },
    subject: first("Subject"),
    from: first("From"),
    messageId: first("Message-ID"),
  };
}

/** Analyse header text (a whole message or only its header block). Throws UserError on garbage. */
export function analyzeHeaders(text: string, opts: AnalyzeOptions = {}): HeaderAnalysis {
  return build(text, opts.lang ?? "en", null);
}

/** Analyse and also verify DKIM/ARC of a whole message through `opts.resolver`. */
export async function analyzeAndVerify(message: string | Buffer, opts: VerifyOptions): Promise<HeaderAnalysis> {
  const text = typeof message === "string" ? message : message.toString("utf8");
  // Fail on garbage before any DNS work.
  readHeaderBlock(text);
  const verified = await verifyMessage(message, opts.resolver);
  return build(text, opts.lang ?? "en", verified);
}
