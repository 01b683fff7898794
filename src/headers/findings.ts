/**
 * Checked facts about a header analysis, each with a severity, a stable code and a text in the
 * chosen language: slow hops and where, clock skew, SPF/DKIM/DMARC/ARC failing or missing,
 * spam filtering, hops without TLS, and Received headers we could not read.
 */
import type { Finding, Severity } from "../core/finding.ts";
import { type Lang, t } from "../i18n/index.ts";
import type { AntispamSummary } from "./antispam/index.ts";
import type { AuthSummary } from "./auth.ts";
import { formatDuration } from "./duration.ts";
import type { Hop } from "./hops.ts";
import type { VerifyResult } from "./verify.ts";

/** A hop slower than this is reported; queues that hold mail for minutes mean a problem. */
export const SLOW_HOP_SECONDS = 300;

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

function hopLabel(h: Hop): { from: string; by: string } {
  return {
    from: h.from?.name ?? h.from?.ip ?? "?",
    by: h.by?.host ?? "?",
  };
}

export interface FindingInput {
  hops: Hop[];
  totalDelaySeconds: number | null;
  auth: AuthSummary;
  antispam: AntispamSummary;
  truncated: boolean;
  repairedLines: number;
  verify: VerifyResult | null;
}

export function headerFindings(input: FindingInput, lang: Lang): Finding[] {
  const out: Finding[] = [];
  const add = (severity: Severity, code: string, params: Record<string, string | number> = {}) =>
    out.push({ severity, code: `headers.${code}`, message: t(lang, `headers.${code}`, params) });

  if (input.truncated) add("warning", "truncated");
  if (input.repairedLines > 0) add("info", "repaired-lines", { count: input.repairedLines });

  const { hops } = input;
  if (hops.length === 0) add("info", "no-received");
  const unparsed = hops.filter((h) => !h.parsed);
  if (unparsed.length) add("warning", "unparsed-received", { count: unparsed.length, hops: unparsed.map((h) => h.index).join(", ") });
  const undated = hops.filter((h) => h.parsed && h.time === null);
  if (undated.length) add("info", "undated-received", { hops: undated.map((h) => h.index).join(", ") });

  for (const h of hops) {
    const { from, by } = hopLabel(h);
    if (h.delaySeconds !== null && h.delaySeconds >= SLOW_HOP_SECONDS) add("warning", "slow-hop", { index: h.index, from, by, delay: formatDuration(lang, h.delaySeconds) });
    if (h.clockSkew && h.delaySeconds !== null) add("info", "clock-skew", { index: h.index, from, by, delay: formatDuration(lang, h.delaySeconds) });
    // Mail passed between processes on one host (content filters, LMTP) needs no TLS.
    const local = (h.from?.ip && LOOPBACK.test(h.from.ip)) || /^localhost$/i.test(h.from?.name ?? "");
    if (h.with?.tls === false && h.from && !local) add("warning", "no-tls", { index: h.index, from, by, protocol: h.with.protocol ?? h.with.text });
  }
  if (input.totalDelaySeconds !== null) add("info", "total-delay", { delay: formatDuration(lang, input.totalDelaySeconds), hops: hops.length });

  const { auth } = input;
  // Without smtp.remote-ip, the client of the newest hop is the server SPF judged.
  const lastClientIp = [...hops].reverse().find((h) => h.from?.ip)?.from?.ip ?? "?";
  // SPF
  if (!auth.spf) add("info", "spf-missing");
  else if (auth.spf.result === "pass") add("ok", "spf-pass", { domain: auth.spf.domain ?? "?" });
  else if (auth.spf.result === "fail") add("error", "spf-fail", { domain: auth.spf.domain ?? "?", ip: auth.spf.ip ?? lastClientIp });
  else add("warning", "spf-weak", { result: auth.spf.result, domain: auth.spf.domain ?? "?" });
  // DKIM
  const dkimPass = auth.dkim.filter((d) => d.result === "pass");
  // "dkim=none" means the receiver found no signature.
  const dkimTried = auth.dkim.filter((d) => d.result !== "none");
  if (dkimPass.length) add("ok", "dkim-pass", { domains: dkimPass.map((d) => d.domain ?? "?").join(", ") });
  else if (dkimTried.length) add("error", "dkim-fail", { result: dkimTried.map((d) => d.result).join(", "), domains: dkimTried.map((d) => d.domain ?? "?").join(", ") });
  else if (auth.dkimSignatures.length) add("info", "dkim-unverified", { domains: auth.dkimSignatures.map((d) => d.domain ?? "?").join(", ") });
  else add("warning", "dkim-missing");
  // DMARC
  if (!auth.dmarc) add("info", "dmarc-missing");
  else if (auth.dmarc.result === "pass") add("ok", "dmarc-pass", { domain: auth.dmarc.domain ?? "?" });
  else if (auth.dmarc.result === "fail") add("error", "dmarc-fail", { domain: auth.dmarc.domain ?? "?", policy: auth.dmarc.policy ?? "?" });
  else add("warning", "dmarc-weak", { result: auth.dmarc.result, domain: auth.dmarc.domain ?? "?" });
  // ARC
  if (auth.arc && auth.arc.result === "fail") add("warning", "arc-fail", { instances: auth.arc.instances });
  else if (auth.arc && auth.arc.result === "pass") add("ok", "arc-pass", { instances: auth.arc.instances });

  if (input.antispam.spamFiltered) add("warning", "spam-filtered", { filters: input.antispam.filteredBy.join(", ") });

  const v = input.verify;
  if (v) {
    if (v.error) add("warning", "verify-error", { error: v.error });
    for (const d of v.dkim) {
      if (d.result === "pass") add("ok", "verify-dkim-pass", { domain: d.domain ?? "?", selector: d.selector ?? "?" });
      else add("error", "verify-dkim-fail", { domain: d.domain ?? "?", selector: d.selector ?? "?", result: d.result, reason: d.reason ?? "" });
    }
    if (!v.error && v.dkim.length === 0) add("warning", "verify-dkim-none");
    if (v.arc && v.arc.result !== "none") {
      if (v.arc.result === "pass") add("ok", "verify-arc-pass", { instances: v.arc.instances });
      else add("warning", "verify-arc-fail", { result: v.arc.result, reason: v.arc.reason ?? "" });
    }
  }
  return out;
}
