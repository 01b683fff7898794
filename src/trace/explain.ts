/**
 * A trace recipient that did not arrive (failed, or pending: deferred and retried) explained
 * as a bounce would be: the MTA's own diagnostic text (Postfix's `said: 550 5.1.1 ...`, our own
 * refusal, `connect to ...: Connection refused`) goes through the bounce reason rules and the
 * bounce explanations, so `show` says what happened and who must act, in ja and en, with the
 * same taxonomy as `mailtrace bounce`.
 *
 * The bounce texts speak from the sending side, so a refusal by our own server (NOQUEUE: the
 * sender's "it never arrived" often ends there) has texts of its own (i18n `refusal.*`), picked
 * by REFUSALS from the same reason rules.
 */
import { type Explanation, explainBounce, type Responsible } from "../bounce/explain.ts";
import { classifyReason, type Reason } from "../bounce/reason.ts";
import { findCommand, findReplyCode, findStatus } from "../bounce/smtp.ts";
import { type Lang, t } from "../i18n/index.ts";
import type { CanonicalStatus } from "../logs/status.ts";

export interface RecipientOutcome {
  /** "NOQUEUE" for a refusal by our own server. */
  queueId: string;
  recipient: string;
  /** Where delivery was tried; none for what our own server refused (smtpd, cleanup, milters). */
  relay: string | null;
  status: CanonicalStatus;
  dsn: string | null;
  detail: string | null;
}

export interface OutcomeExplanation extends Explanation {
  /** The bounce reason; for our own refusals, the refusal's code (`blocklisted`, `greylisted`, ...). */
  reason: Reason | string;
}

/** The message's side of a refusal or a hold, for its texts. */
export interface RefusalContext {
  sender?: string | null;
  client?: string | null;
  host?: string | null;
}

/**
 * Our own refusals, tried in order: the refusal's code, when it is the one, who must act, and
 * how many actions its texts have. Texts first where they say more than the reason does.
 */
const REFUSALS: ReadonlyArray<[code: string, is: (reason: Reason, text: string) => boolean, responsible: Responsible, actions: number]> = [
  ["greylisted", (_r, x) => /greylist/i.test(x), "sender", 1],
  ["reverse-dns", (r, x) => r === "requireptr" || /cannot find your (?:reverse )?hostname|reverse (?:dns|hostname)/i.test(x), "sender", 1],
  ["helo", (_r, x) => /helo command rejected/i.test(x), "sender", 1],
  ["sender-domain", (_r, x) => /sender address rejected: (?:domain not found|malformed dns server reply)/i.test(x), "sender", 1],
  ["sender-auth", (r, x) => r === "authfailure" || /\bspf\b|\bdmarc\b/i.test(x), "sender", 1],
  ["blocklisted", (_r, x) => /blocked using|\blisted (?:at|on|in)\b|block ?list|black ?list|\bdnsbl\b|\brbl\b/i.test(x), "sender", 2],
  ["norelaying", (r, x) => r === "norelaying" || /relay access denied/i.test(x), "sender", 2],
  ["userunknown", (r) => r === "userunknown", "sender", 2],
  ["mailboxfull", (r) => r === "mailboxfull", "our-side", 1],
  ["too-big", (r) => r === "mesgtoobig" || r === "exceedlimit", "sender", 1],
  // Spam and virus verdicts, and cleanup's header and body checks (`header Content-Type: ...`).
  ["content", (r, x) => ["spamdetected", "virusdetected", "contenterror", "policyviolation"].includes(r) || /^(?:mime-|nested-)?(?:header|body) /i.test(x), "our-side", 2],
];

/** Why a recipient failed, waits or is held, or undefined for one that needs no explaining (delivered, ...). */
export function explainOutcome(r: RecipientOutcome, lang: Lang, context: RefusalContext = {}): OutcomeExplanation | undefined {
  if (r.status === "quarantined") return explainHeld(r, lang, context);
  if (r.status !== "failed" && r.status !== "pending") return undefined;
  // Deleted from the queue by our administrator (postsuper -d): whatever its last attempt said.
  if (r.status === "failed" && /^deleted\b/.test(r.detail ?? "")) {
    const params = { host: context.host || "?", queueId: r.queueId };
    return { reason: "deleted", summary: t(lang, "deleted.summary", params), responsible: "our-side", actions: [t(lang, "deleted.action1", params)] };
  }
  // Refused by our own server: before queueing (NOQUEUE), or after it by cleanup's header and
  // body checks or a milter. Every delivery attempt logs a relay; a refusal has none.
  if (r.queueId === "NOQUEUE" || (r.relay === null && r.status === "failed")) return explainRefusal(r, lang, context);
  if (!r.detail) {
    // Queued, not tried yet (or its next lines not read yet): say so rather than nothing.
    if (r.status !== "pending") return undefined;
    const params = { host: context.host || "?", queueId: r.queueId };
    return { reason: "queued", summary: t(lang, "queued.summary", params), responsible: "unknown", actions: [t(lang, "queued.action1", params)] };
  }
  const text = r.detail;
  const status = r.dsn || findStatus(text);
  const replyCode = findReplyCode(text);
  const smtpCommand = findCommand(text);
  // An expiry is Postfix's own verdict, whatever the last attempt said.
  const expired = /^expired\b/.test(text);
  let reason = expired ? "expired" : classifyReason({ status, diagnosticCode: text, replyCode, smtpCommand, recipient: r.recipient });
  if (reason === "delivered") return undefined;
  // 4.4.x reads as "expired" to the bounce rules; a message still retried has not expired yet.
  if (reason === "expired" && !expired) reason = "networkerror";
  // An expiry is final, whatever the class of the last attempt's status: no "it is retried".
  const klass = expired ? { status: "", replyCode: "" } : { status, replyCode };
  return { reason, ...explainBounce({ reason, ...klass, diagnosticCode: text, recipient: r.recipient, smtpCommand }, lang) };
}

/** A refusal by our own server, said from the receiving side. */
function explainRefusal(r: RecipientOutcome, lang: Lang, context: RefusalContext): OutcomeExplanation {
  const text = r.detail ?? "";
  const reason = classifyReason({ status: r.dsn || findStatus(text), diagnosticCode: text, replyCode: findReplyCode(text), smtpCommand: findCommand(text), recipient: r.recipient });
  const [code, , responsible, count] = REFUSALS.find(([, is]) => is(reason, text)) ?? ["other", () => true, "our-side", 1];
  const at = r.recipient.lastIndexOf("@");
  const params = {
    recipient: r.recipient || "?", domain: at >= 0 ? r.recipient.slice(at + 1) : "?", sender: context.sender || "<>",
    client: context.client || "?", reply: text || r.dsn || "?",
  };
  const actions: string[] = [];
  for (let i = 1; i <= count; i++) actions.push(t(lang, `refusal.${code}.action${i}`, params));
  return { reason: code, summary: t(lang, `refusal.${code}.summary`, params), responsible, actions };
}

/**
 * Held by our side: in Postfix's hold queue (header_checks HOLD, a milter) or in amavis's
 * quarantine (its detail begins `amavis:`). Either can be released: say how.
 */
function explainHeld(r: RecipientOutcome, lang: Lang, context: RefusalContext): OutcomeExplanation {
  const amavis = (r.detail ?? "").startsWith("amavis:");
  const code = amavis ? "amavis" : "hold-queue";
  const params = { queueId: r.queueId, host: context.host || "?", why: (amavis ? r.detail?.slice(8) : r.detail) || "?" };
  return { reason: code, summary: t(lang, `held.${code}.summary`, params), responsible: "our-side", actions: [t(lang, `held.${code}.action1`, params)] };
}
