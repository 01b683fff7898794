/**
 * A trace recipient that did not arrive (failed, or pending: deferred and retried) explained
 * as a bounce would be: the MTA's own diagnostic text (Postfix's `said: 550 5.1.1 ...`, our own
 * refusal, `connect to ...: Connection refused`) goes through the bounce reason rules and the
 * bounce explanations, so `show` says what happened and who must act, in ja and en, with the
 * same taxonomy as `mailtrace bounce`.
 *
 * Only for mail our server took and tried to deliver: the bounce texts speak from the sending
 * side. A refusal by our own server (NOQUEUE) shows its reply as it is.
 */
import { type Explanation, explainBounce } from "../bounce/explain.ts";
import { classifyReason, type Reason } from "../bounce/reason.ts";
import { findCommand, findReplyCode, findStatus } from "../bounce/smtp.ts";
import type { Lang } from "../i18n/index.ts";
import type { CanonicalStatus } from "../logs/status.ts";

export interface RecipientOutcome {
  /** "NOQUEUE" for a refusal by our own server. */
  queueId: string;
  recipient: string;
  status: CanonicalStatus;
  dsn: string | null;
  detail: string | null;
}

export interface OutcomeExplanation extends Explanation {
  reason: Reason;
}

/** Why a recipient failed or waits, or undefined for one that needs no explaining (delivered, held, ...). */
export function explainOutcome(r: RecipientOutcome, lang: Lang): OutcomeExplanation | undefined {
  if ((r.status !== "failed" && r.status !== "pending") || r.queueId === "NOQUEUE") return undefined;
  const text = r.detail ?? "";
  const status = r.dsn || findStatus(text);
  // An expiry is Postfix's own verdict, whatever the last attempt said.
  const expired = /^expired\b/.test(text);
  let reason = expired ? "expired" : classifyReason({ status, diagnosticCode: text, replyCode: findReplyCode(text), smtpCommand: findCommand(text), recipient: r.recipient });
  if (reason === "delivered") return undefined;
  // 4.4.x reads as "expired" to the bounce rules; a message still retried has not expired yet.
  if (reason === "expired" && !expired) reason = "networkerror";
  // An expiry is final, whatever the class of the last attempt's status: no "it is retried".
  const klass = expired ? { status: "", replyCode: "" } : { status, replyCode: findReplyCode(text) };
  return { reason, ...explainBounce({ reason, ...klass, diagnosticCode: text, recipient: r.recipient, smtpCommand: findCommand(text) }, lang) };
}
