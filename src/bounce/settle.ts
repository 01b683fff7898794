/**
 * Settles status, reply code and command of one record from its fields and its diagnostic
 * text, before the reason is known (the pseudo status for a missing code needs the reason
 * and is added by the caller).
 */
import { findCommand, findReplyCode, findStatus, normalizeCommand, preferStatus } from "./smtp.ts";
import type { DeliveryRecord } from "./types.ts";

export interface Settled {
  status: string;
  replyCode: string;
  smtpCommand: string;
  diagnosticCode: string;
}

/** Collapse white space and cut html out of a diagnostic text. */
export function cleanDiagnostic(s: string): string {
  let d = s.replace(/\r/g, "");
  const lo = d.toLowerCase();
  const a = lo.indexOf("<html");
  const b = lo.lastIndexOf("</html>");
  if (a >= 0 && b > a) d = `${d.slice(0, a)} ${d.slice(b + 7)}`;
  return d.replace(/\s+/g, " ").trim().slice(0, 2000);
}

export function settle(r: DeliveryRecord): Settled {
  const diagnosticCode = cleanDiagnostic(r.diagnosticCode ?? "");
  let status = r.status ?? "";
  // A "Status:" with a class the reply code contradicts is still the report's own word.
  const inText = findStatus(diagnosticCode);
  let replyCode = r.replyCode && /^[245]\d\d$/.test(r.replyCode) ? r.replyCode : "";
  const replyInText = findReplyCode(diagnosticCode, (status || inText)[0] ?? "");
  if (!replyCode) replyCode = replyInText;
  status = preferStatus(status, inText, replyCode);
  if (status && replyCode && status[0] !== replyCode[0]) {
    const again = findReplyCode(diagnosticCode, status[0]);
    if (again) replyCode = again;
    else if (status[0] === "2" || replyCode[0] === "2") replyCode = "";
  }
  const smtpCommand = normalizeCommand(r.smtpCommand ?? "") || findCommand(diagnosticCode);
  return { status, replyCode, smtpCommand, diagnosticCode };
}
