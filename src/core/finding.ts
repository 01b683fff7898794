/** One checked fact, shared by every diagnostic module (address, domain, headers, bounce, diagnose). */
export type Severity = "ok" | "info" | "warning" | "error";

export interface Finding {
  severity: Severity;
  /** Stable code, also the key of the explanation in the i18n catalogues. */
  code: string;
  /** The explanation in the chosen language. */
  message: string;
}
