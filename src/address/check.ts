/**
 * `check address`: syntax category and diagnoses, the normalized form, a suggestion for what
 * the user probably meant, and (with a resolver) where mail for the domain would go.
 * Returns plain values in the JSON shape the CLI prints (field names fixed by issue 5).
 */
import { type Lang, t } from "../i18n/index.ts";
import { checkMailDomain, type MxHost } from "../dns/mx.ts";
import type { DnsResolver } from "../dns/resolver.ts";
import { isLegacyCarrierDomain } from "./domains.ts";
import { normalizeAddress } from "./normalize.ts";
import { type Category, categoryOf, domainToAscii, parseAddress } from "./syntax.ts";
import { type ProbeOptions, type ProbeResult, probeRecipient } from "./smtp-probe.ts";
import { suggestAddress } from "./typo.ts";

export interface Diagnosis {
  code: string;
  message: string;
}

export interface AddressDomainInfo {
  exists: boolean | null;
  mx: Array<Pick<MxHost, "preference" | "exchange" | "addresses">>;
  nullMx: boolean;
  implicitMx: boolean;
}

export interface AddressReport {
  address: string;
  normalized: string;
  category: Category;
  diagnoses: Diagnosis[];
  suggestion: string | null;
  domain: AddressDomainInfo | null;
  /** Only with --smtp-probe: what the mail server answered to RCPT TO. */
  probe?: ProbeResult;
}

export interface AddressCheckOptions {
  lang: Lang;
  /** Look the domain up (MX, null MX, implicit MX) with this resolver. */
  resolver?: DnsResolver;
  /** Ask the mail server with RCPT TO (needs a resolver). */
  probe?: ProbeOptions;
}

const CATEGORY_RANK: Record<Category, number> = { valid: 0, warning: 1, invalid: 2 };
const worse = (a: Category, b: Category): Category => (CATEGORY_RANK[a] >= CATEGORY_RANK[b] ? a : b);

export async function checkAddress(input: string, o: AddressCheckOptions): Promise<AddressReport> {
  const parsed = parseAddress(input);
  const codes: Array<{ code: string; params?: Record<string, string | number> }> = parsed.diagnoses.map((d) => ({
    code: `address.${d.code}`,
    params: d.params,
  }));
  let category = categoryOf(parsed.worst);
  const norm = normalizeAddress(input);
  if (norm.mapped.length) {
    codes.unshift({ code: "address.fullwidth-characters" });
    category = worse(category, "warning");
  }
  // Legacy carrier addresses: dots the RFC forbids, but real mailboxes.
  const domainGuess = (parsed.domain ?? norm.text.slice(norm.text.lastIndexOf("@") + 1)).toLowerCase();
  const localGuess = norm.text.slice(0, norm.text.lastIndexOf("@"));
  if (isLegacyCarrierDomain(domainGuess) && /\.\.|\.$|^\./.test(localGuess)) codes.push({ code: "address.legacy-carrier-dots" });

  let suggestion = suggestAddress(input);
  let suggestedNote: (typeof codes)[number] | undefined;
  if (suggestion && o.resolver) {
    // Say whether the domain we suggest exists; "_" for "-" is only suggested when it does.
    const suggested = suggestion.address.slice(suggestion.address.lastIndexOf("@") + 1);
    const ascii = domainToAscii(suggested);
    if (ascii && suggested !== parsed.domain?.toLowerCase()) {
      const mail = await checkMailDomain(o.resolver, ascii);
      if (mail.exists === false && suggestion.reasons.includes("underscore-for-hyphen")) suggestion = undefined;
      else if (mail.exists !== null) suggestedNote = { code: mail.exists ? "address.suggested-domain-exists" : "address.suggested-domain-missing", params: { domain: suggested } };
    }
  }
  if (suggestion) {
    const reasons = suggestion.reasons.map((r) => t(o.lang, `address.fix.${r}`)).join(o.lang === "ja" ? "、" : "; ");
    codes.push({ code: "address.did-you-mean", params: { suggestion: suggestion.address, reasons } });
    if (suggestedNote) codes.push(suggestedNote);
    category = worse(category, "warning");
  }

  let domain: AddressDomainInfo | null = null;
  let probe: ProbeResult | undefined;
  if (o.resolver) {
    // Look up what the user meant when the address as written has no usable domain.
    const target = parsed.domain && !parsed.domainIsLiteral ? parsed.domain : suggestion?.address.split("@").pop();
    const ascii = target ? domainToAscii(target) : undefined;
    if (ascii) {
      const mail = await checkMailDomain(o.resolver, ascii);
      domain = {
        exists: mail.exists,
        mx: mail.mx.map((m) => ({ preference: m.preference, exchange: m.exchange, addresses: m.addresses })),
        nullMx: mail.nullMx,
        implicitMx: mail.implicitMx,
      };
      for (const f of mail.findings) if (f.severity !== "ok") codes.push({ code: f.code, params: f.params });
      if (o.probe && parsed.local !== undefined && !mail.nullMx) {
        const targets = mail.implicitMx ? [{ exchange: ascii, addresses: mail.implicitAddresses }] : mail.mx;
        probe = await probeRecipient(`${parsed.local}@${ascii}`, targets, o.probe);
        codes.push({ code: "address.probe-warning" });
        const kind = probe.stage !== "rcpt" ? "failed" : probe.accepted === true ? "accepted" : probe.accepted === false ? "refused" : "temporary";
        codes.push({ code: `address.probe-${kind}`, params: { host: probe.exchange ?? "-", reply: probe.reply ?? probe.error ?? "" } });
      }
      if (mail.exists === false || mail.nullMx || (mail.exists && !mail.implicitMx && !mail.mx.some((m) => m.addresses.length))) {
        category = "invalid";
      }
    }
  }
  return {
    address: input,
    normalized: norm.text,
    category,
    diagnoses: codes.map((c) => ({ code: c.code, message: t(o.lang, c.code, c.params) })),
    suggestion: suggestion?.address ?? null,
    domain,
    ...(probe ? { probe } : {}),
  };
}
