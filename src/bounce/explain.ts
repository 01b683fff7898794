/**
 * Bounce -> a short explanation in Japanese or English: what happened, who must act, and
 * what to do. The reason gives the default; the status class adds "permanent" or "wait,
 * it is retried"; a few diagnostic texts change who must act (an anonymous-mail refusal is
 * the remote administrator's to fix, an SPF failure is ours, a relay refusal to a client
 * that did not log in is the sender's mail client).
 */
import { t, type Lang } from "../i18n/index.ts";
import type { Reason } from "./reason.ts";
import { normalizeText } from "./reason.ts";

export type Responsible = "sender" | "recipient-side" | "our-side" | "network" | "unknown";

export interface Explanation {
  summary: string;
  responsible: Responsible;
  actions: string[];
}

export interface ExplainInput {
  reason: Reason;
  status: string;
  replyCode: string;
  diagnosticCode: string;
  recipient: string;
  smtpCommand?: string;
}

/**
 * Who must act, by reason. "sender" is the person who wrote the mail (fix the address, the
 * content), "our-side" our mail system and its administrators, "recipient-side" the
 * recipient or their administrator.
 */
const RESPONSIBLE: Record<Reason, Responsible> = {
  userunknown: "sender",
  hostunknown: "sender",
  hasmoved: "sender",
  notaccept: "sender",
  mesgtoobig: "sender",
  exceedlimit: "sender",
  spamdetected: "sender",
  virusdetected: "sender",
  policyviolation: "sender",
  contenterror: "sender",
  mailboxfull: "recipient-side",
  suspend: "recipient-side",
  filtered: "recipient-side",
  norelaying: "recipient-side",
  systemerror: "recipient-side",
  systemfull: "recipient-side",
  mailererror: "recipient-side",
  vacation: "recipient-side",
  rejected: "our-side",
  blocked: "our-side",
  badreputation: "our-side",
  requireptr: "our-side",
  speeding: "our-side",
  toomanyconn: "our-side",
  authfailure: "our-side",
  notcompliantrfc: "our-side",
  syntaxerror: "our-side",
  failedstarttls: "our-side",
  feedback: "our-side",
  securityerror: "unknown",
  expired: "network",
  networkerror: "network",
  onhold: "unknown",
  undefined: "unknown",
  delivered: "unknown",
};

/** Reasons for which the number of actions in the catalogue is 3 (others have 2, a few 1). */
const ACTION_COUNT: Partial<Record<Reason, number>> = {
  userunknown: 3, hostunknown: 3, rejected: 3, blocked: 3, badreputation: 3, spamdetected: 3,
  authfailure: 3, expired: 3, vacation: 1, delivered: 1,
};

export function actionCount(reason: Reason): number {
  return ACTION_COUNT[reason] ?? 2;
}

type Variant = "anonymous" | "spf" | "relay-auth";

/** A refusal whose text moves the responsibility elsewhere than the reason's default. */
function variantOf(reason: Reason, text: string): Variant | undefined {
  const authWords = /\b(?:client|sender|you) (?:was |were |are )?not authenticated\b|\banonymous (?:mail|sender|connection|user)s?\b|\bsend anonymous mail\b/;
  if (["blocked", "securityerror", "rejected", "authfailure", "norelaying", "policyviolation"].includes(reason)) {
    if (authWords.test(text)) {
      // A relay refusal that asks the client to log in comes from our own submission server.
      if (/\brelay/.test(text)) return "relay-auth";
      return "anonymous";
    }
  }
  if (reason === "norelaying" && /\bauthenticat/.test(text)) return "relay-auth";
  if (["authfailure", "blocked", "rejected", "securityerror", "policyviolation", "spamdetected"].includes(reason)) {
    if (/\bspf\b|sender policy framework/.test(text) && !/\bdkim\b|\bdmarc\b/.test(text)) return "spf";
  }
  return undefined;
}

const VARIANT_RESPONSIBLE: Record<Variant, Responsible> = {
  anonymous: "recipient-side",
  spf: "our-side",
  "relay-auth": "sender",
};

export function explainBounce(b: ExplainInput, lang: Lang): Explanation {
  const recipient = b.recipient || "?";
  const at = recipient.lastIndexOf("@");
  const domain = at >= 0 ? recipient.slice(at + 1) : "?";
  const status = b.status || b.replyCode || "?";
  const params = { recipient, domain, status };
  const text = normalizeText(b.diagnosticCode);

  const variant = variantOf(b.reason, text);
  let summary: string;
  let actions: string[];
  let responsible: Responsible;
  if (variant) {
    summary = t(lang, `bounce.variant.${variant}.summary`, params);
    actions = [t(lang, `bounce.variant.${variant}.action1`, params), t(lang, `bounce.variant.${variant}.action2`, params)];
    responsible = VARIANT_RESPONSIBLE[variant];
  } else {
    summary = t(lang, `bounce.reason.${b.reason}.summary`, params);
    actions = [];
    for (let i = 1; i <= actionCount(b.reason); i++) actions.push(t(lang, `bounce.reason.${b.reason}.action${i}`, params));
    responsible = RESPONSIBLE[b.reason];
  }

  // 5.x.x: permanent; 4.x.x: transient and retried, so the first thing to do is wait.
  const klass = (b.status || b.replyCode).charAt(0);
  const informational = b.reason === "delivered" || b.reason === "vacation" || b.reason === "feedback";
  if (!informational && klass === "5") summary = `${summary} ${t(lang, "bounce.class.permanent", params)}`;
  if (!informational && klass === "4") {
    summary = `${summary} ${t(lang, "bounce.class.transient", params)}`;
    actions = [t(lang, "bounce.action.wait", params), ...actions].slice(0, 3);
  }
  return { summary, responsible, actions };
}
