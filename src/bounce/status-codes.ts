/**
 * The ONE mapping table from enhanced status codes (RFC 3463, the IANA registry and its
 * later additions: RFC 7372 authentication codes, RFC 7505 null MX) to bounce reasons, and
 * the pseudo codes used when a bounce carries no usable status at all.
 *
 * The mapping follows the reading that sisimai made the common one, so that results stay
 * comparable with it. Codes that only say "something in this area went wrong" (X.0.0,
 * 4.3.0, 4.4.0, 4.5.0, 4.7.0, 5.5.1 ...) are left out on purpose: for them the text decides.
 */
import type { Reason } from "./reason.ts";

const STATUS_REASON: Record<string, Reason> = {
  "2.1.5": "delivered",
  // --- transient (4.x.x) --------------------------------------------------------------
  "4.1.6": "hasmoved",
  "4.1.7": "rejected", // bad sender mailbox syntax
  "4.1.8": "rejected", // bad sender system address
  "4.1.9": "systemerror",
  "4.2.1": "blocked", // mailbox disabled for now: usually the receiving side throttling us
  "4.2.2": "mailboxfull",
  "4.2.3": "exceedlimit",
  "4.2.4": "filtered",
  "4.3.1": "systemfull",
  "4.3.2": "notaccept",
  "4.3.3": "systemerror",
  "4.3.5": "systemerror",
  "4.4.1": "expired", // no answer from host
  "4.4.2": "networkerror",
  "4.4.3": "systemerror",
  "4.4.4": "networkerror",
  "4.4.5": "systemfull",
  "4.4.6": "networkerror",
  "4.4.7": "expired",
  "4.4.8": "networkerror", // retry on IPv4
  "4.5.3": "systemerror",
  "4.5.5": "systemerror",
  "4.6.0": "contenterror",
  "4.6.2": "contenterror",
  "4.6.5": "contenterror",
  "4.7.1": "blocked",
  "4.7.2": "blocked",
  "4.7.5": "securityerror",
  "4.7.6": "securityerror",
  "4.7.7": "securityerror",
  "4.7.12": "securityerror",
  "4.7.15": "securityerror",
  "4.7.16": "mesgtoobig",
  "4.7.24": "authfailure", // SPF validation error
  "4.7.25": "requireptr",
  "4.7.26": "authfailure",
  // --- permanent (5.x.x) --------------------------------------------------------------
  "5.1.0": "userunknown",
  "5.1.1": "userunknown",
  "5.1.2": "hostunknown",
  "5.1.3": "userunknown", // bad destination mailbox syntax
  "5.1.4": "filtered", // ambiguous
  "5.1.6": "hasmoved",
  "5.1.7": "rejected",
  "5.1.8": "rejected",
  "5.1.9": "systemerror",
  "5.1.10": "notaccept", // recipient domain has a null MX (RFC 7505)
  "5.2.0": "filtered",
  "5.2.1": "filtered", // mailbox disabled, not accepting messages
  "5.2.2": "mailboxfull",
  "5.2.3": "exceedlimit",
  "5.2.4": "filtered",
  "5.3.0": "systemerror",
  "5.3.1": "systemfull",
  "5.3.2": "notaccept",
  "5.3.3": "systemerror",
  "5.3.4": "mesgtoobig",
  "5.3.5": "systemerror",
  "5.4.0": "networkerror",
  "5.4.3": "systemerror",
  "5.4.4": "hostunknown", // unable to route
  "5.5.2": "syntaxerror",
  "5.5.3": "toomanyconn", // too many recipients
  "5.5.4": "systemerror",
  "5.5.5": "systemerror",
  "5.5.6": "syntaxerror",
  "5.6.0": "contenterror",
  "5.6.1": "contenterror",
  "5.6.2": "contenterror",
  "5.6.3": "contenterror",
  "5.6.5": "contenterror",
  "5.6.6": "contenterror",
  "5.6.7": "contenterror",
  "5.6.8": "contenterror",
  "5.6.9": "contenterror",
  "5.7.0": "securityerror",
  "5.7.1": "securityerror",
  "5.7.2": "securityerror",
  "5.7.3": "securityerror",
  "5.7.4": "securityerror",
  "5.7.5": "securityerror",
  "5.7.6": "securityerror",
  "5.7.7": "securityerror",
  "5.7.8": "securityerror",
  "5.7.9": "securityerror",
  "5.7.10": "securityerror",
  "5.7.11": "securityerror",
  "5.7.13": "suspend", // user account disabled
  "5.7.14": "securityerror",
  "5.7.15": "securityerror",
  "5.7.16": "mesgtoobig",
  "5.7.17": "hasmoved", // mailbox owner has changed
  "5.7.18": "hasmoved", // domain owner has changed
  "5.7.19": "securityerror",
  "5.7.20": "authfailure", // no passing DKIM signature
  "5.7.21": "authfailure",
  "5.7.22": "authfailure",
  "5.7.23": "authfailure", // SPF validation failed
  "5.7.24": "authfailure",
  "5.7.25": "requireptr", // reverse DNS validation failed
  "5.7.26": "authfailure", // multiple authentication checks failed
  "5.7.27": "notaccept", // sender domain has a null MX
  "5.7.28": "spamdetected", // mail flood
  "5.7.29": "authfailure", // ARC validation failed
  "5.7.30": "failedstarttls", // REQUIRETLS required
};

/** The reason an enhanced status code stands for, or "" when the code alone does not say. */
export function reasonOfStatus(status: string): Reason | "" {
  return STATUS_REASON[status] ?? "";
}

/**
 * Pseudo status codes (the sisimai convention X.0.9NN): one per reason, so that a bounce
 * without any DSN status still carries a code that sorts and groups like a real one.
 * Reasons missing from the transient column have no transient form (a user either exists
 * or not) and use the permanent code.
 */
const PSEUDO: Partial<Record<Reason, number>> = {
  undefined: 900,
  onhold: 901,
  syntaxerror: 902,
  norelaying: 909,
  filtered: 910,
  userunknown: 911,
  hostunknown: 912,
  hasmoved: 916,
  rejected: 918,
  suspend: 921,
  mailboxfull: 922,
  exceedlimit: 923,
  systemerror: 930,
  systemfull: 931,
  notaccept: 932,
  mesgtoobig: 934,
  mailererror: 939,
  networkerror: 944,
  toomanyconn: 945,
  speeding: 946,
  expired: 947,
  contenterror: 960,
  securityerror: 970,
  blocked: 971,
  policyviolation: 972,
  requireptr: 973,
  notcompliantrfc: 974,
  badreputation: 975,
  failedstarttls: 976,
  spamdetected: 980,
  virusdetected: 981,
  authfailure: 926,
};
const NO_TRANSIENT_FORM = new Set<Reason>(["userunknown", "hostunknown", "hasmoved"]);

export function pseudoStatusCode(reason: Reason, temporary: boolean): string {
  if (reason === "delivered") return "2.0.0";
  if (reason === "feedback" || reason === "vacation") return "";
  const n = PSEUDO[reason] ?? 900;
  if (temporary && !NO_TRANSIENT_FORM.has(reason)) {
    // a transient "filtered" has its own number (a mailbox rule that may lift again)
    return `4.0.${reason === "filtered" ? 924 : n}`;
  }
  return `5.0.${n}`;
}

/** True for sisimai-style pseudo codes, which say nothing the reason does not already say. */
export function isPseudoStatus(status: string): boolean {
  return /^[245]\.0\.9\d\d$/.test(status);
}
