/**
 * Findings of the DNS checks before they are put into words: a code from the "domain."
 * section of the catalogues and the values for its placeholders. The CLI (or the web console)
 * renders them in the user's language with `renderFindings`.
 */
import type { Finding, Severity } from "../core/finding.ts";
import { type Lang, t } from "../i18n/index.ts";

export interface RawFinding {
  severity: Severity;
  code: string;
  params?: Record<string, string | number>;
}

export function finding(severity: Severity, code: string, params?: Record<string, string | number>): RawFinding {
  return params ? { severity, code, params } : { severity, code };
}

export function renderFindings(lang: Lang, findings: readonly RawFinding[]): Finding[] {
  return findings.map((f) => ({ severity: f.severity, code: f.code, message: t(lang, f.code, f.params) }));
}
