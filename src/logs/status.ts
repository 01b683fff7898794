/**
 * The one mapping from MTA status words to mailtrace's canonical trace status.
 * Dialects emit the MTA's own word (Postfix `sent`, `deferred`, ...; later Exim/Sendmail/
 * Exchange words); everything after the dialect sees only the canonical status.
 */

export const CANONICAL_STATUSES = ["delivered", "failed", "pending", "expanded", "quarantined", "filtered", "resolved"] as const;
export type CanonicalStatus = (typeof CANONICAL_STATUSES)[number];

/** MTA word (lower case) -> canonical status. */
const STATUS_WORDS: Record<string, CanonicalStatus> = {
  // Postfix delivery agents (smtp, lmtp, local, virtual, pipe, error, discard, retry)
  sent: "delivered",
  deliverable: "delivered", // address verification probe
  deferred: "pending",
  undeliverable: "failed", // address verification probe
  bounced: "failed",
  softbounce: "pending", // soft_bounce=yes turns bounces into deferrals
  expired: "failed", // qmgr: returned to sender after maximal_queue_lifetime
  // Postfix smtpd/postscreen/cleanup actions
  reject: "failed",
  defer: "pending",
  hold: "quarantined",
  release: "pending", // postsuper -H: out of the hold queue, waiting for delivery again
  discard: "filtered",
  redirect: "resolved",
  forwarded: "resolved", // local(8) "forwarded as QUEUEID"
  expanded: "expanded",
  queued: "pending", // accepted, no delivery attempt logged yet
  // Exim / Sendmail / Exchange words that later dialects will emit
  delivered: "delivered",
  completed: "delivered",
  deliver: "delivered",
  failed: "failed",
  fail: "failed",
  bounce: "failed",
  quarantine: "quarantined",
  quarantined: "quarantined",
  expand: "expanded",
  resolve: "resolved",
  resolved: "resolved",
  filtered: "filtered",
  pending: "pending",
};

/** The canonical status for an MTA status word, or undefined when the word is unknown. */
export function canonicalStatus(word: string): CanonicalStatus | undefined {
  return STATUS_WORDS[word] ?? STATUS_WORDS[word.toLowerCase()];
}

export function isCanonicalStatus(s: string): s is CanonicalStatus {
  return (CANONICAL_STATUSES as readonly string[]).includes(s);
}
