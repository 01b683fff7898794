/**
 * Status code + reply code + diagnostic text -> bounce reason, in sisimai 5's taxonomy.
 *
 * Order of evidence (the precedence sisimai learned from real mail, rewritten here):
 *   1. a reason the bounce format itself states (ARF feedback, auto-reply), unless it is
 *      one of the vague ones that deserve a second look;
 *   2. a 2.x.x status: delivered;
 *   3. the remote host's own rules for big providers (their codes are precise);
 *   4. "probes": each reason checks status, reply code, SMTP command and text together, in a
 *      fixed order where specific reasons come before generic ones (a full mailbox says
 *      "mailbox" too, a spam refusal often says 5.7.1);
 *   5. when the status code is vague or absent: the phrase table alone, then class fallbacks
 *      (X.6 content, X.7 security), the reply code (5xx syntax), the action (delayed),
 *      the command (refused at HELO), and finally onhold / undefined.
 * The SMTP command matters: an unknown-user text at RCPT is a missing mailbox, the same
 * text after DATA is usually a filter; a spam verdict cannot come before DATA.
 */
import { rhostReason } from "./rhost.ts";
import { says } from "./reason-phrases.ts";
import { isPseudoStatus, pseudoStatusCode, reasonOfStatus } from "./status-codes.ts";

export type Reason =
  | "userunknown"
  | "hostunknown"
  | "mailboxfull"
  | "filtered"
  | "rejected"
  | "blocked"
  | "spamdetected"
  | "policyviolation"
  | "securityerror"
  | "authfailure"
  | "expired"
  | "suspend"
  | "norelaying"
  | "toomanyconn"
  | "speeding"
  | "systemerror"
  | "mailererror"
  | "networkerror"
  | "contenterror"
  | "exceedlimit"
  | "syntaxerror"
  | "mesgtoobig"
  | "notaccept"
  | "notcompliantrfc"
  | "onhold"
  | "vacation"
  | "feedback"
  | "delivered"
  | "badreputation"
  | "requireptr"
  | "virusdetected"
  | "failedstarttls"
  | "hasmoved"
  | "systemfull"
  | "undefined";

export const REASONS: readonly Reason[] = [
  "userunknown", "hostunknown", "mailboxfull", "filtered", "rejected", "blocked", "spamdetected",
  "policyviolation", "securityerror", "authfailure", "expired", "suspend", "norelaying", "toomanyconn",
  "speeding", "systemerror", "mailererror", "networkerror", "contenterror", "exceedlimit", "syntaxerror",
  "mesgtoobig", "notaccept", "notcompliantrfc", "onhold", "vacation", "feedback", "delivered",
  "badreputation", "requireptr", "virusdetected", "failedstarttls", "hasmoved", "systemfull", "undefined",
];

export function isReason(s: string): s is Reason {
  return (REASONS as readonly string[]).includes(s);
}

export interface ReasonInput {
  status?: string;
  replyCode?: string;
  diagnosticCode?: string;
  smtpCommand?: string;
  action?: string;
  mta?: string;
  remoteMta?: string;
  /** The host that wrote the report: a provider's own bounce words its causes its own way. */
  reportingMta?: string;
  /** A reason the bounce format itself decided (e.g. an lhost module); vague ones are re-checked. */
  reason?: Reason;
  /** Diagnostic-Code type: "SMTP", "X-Unix", "X-Postfix", ... */
  diagnosticType?: string;
  /** The bounced address; its domain picks provider rules when the remote host is unknown. */
  recipient?: string;
}

/** Reasons too vague to keep when the status or text says more. */
const RETRY = new Set<Reason>(["undefined", "onhold", "systemerror", "securityerror", "expired", "networkerror", "hostunknown", "userunknown"]);

/** Commands that come before the message content is sent: no content verdict is possible. */
const BEFORE_DATA = new Set(["CONN", "HELO", "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT"]);

interface Facts {
  status: string;
  /** The reason the status code alone stands for ("" when none or pseudo). */
  byStatus: Reason | "";
  reply: string;
  text: string;
  command: string;
  action: string;
  diagnosticType: string;
}

/** "mail.local: unknown user: taro", "procmail: Unknown user", as local delivery agents say it. */
const LOCAL_AGENT_UNKNOWN = /\b(?:mail\.local|local|procmail|dovecot-lda|deliver|maildrop|cyrus|lmtp)(?:\[\d+\])?: (?:unknown user|user unknown|no such user|unknown mailbox)\b/;

/** Each probe: does the evidence point at this reason? Tried in PROBE_ORDER. */
const PROBES: Partial<Record<Reason, (f: Facts) => boolean>> = {
  mailboxfull: (f) => f.byStatus === "mailboxfull" || says("mailboxfull", f.text),
  mesgtoobig: (f) => {
    if (f.byStatus === "mesgtoobig") return true;
    if (f.byStatus === "exceedlimit") return false;
    return says("mesgtoobig", f.text);
  },
  exceedlimit: (f) => f.byStatus === "exceedlimit" || says("exceedlimit", f.text),
  suspend: (f) => f.reply === "525" || says("suspend", f.text),
  hasmoved: (f) => says("hasmoved", f.text),
  norelaying: (f) => !["CONN", "HELO", "EHLO"].includes(f.command) && says("norelaying", f.text),
  authfailure: (f) => f.byStatus === "authfailure" || says("authfailure", f.text),
  userunknown: (f) => {
    // At MAIL FROM no recipient has been named yet: "does not exist" there is about our sender.
    if (f.command === "MAIL") return false;
    if (f.byStatus === "userunknown") {
      // 5.1.1 is also sent for refusals that are really about us, the mailbox size or a pipe
      for (const other of ["norelaying", "blocked", "mailboxfull", "hasmoved", "rejected", "notaccept", "mailererror"] as const) {
        if (says(other, f.text)) return false;
      }
      return true;
    }
    // Exchange uses 5.1.10 (null MX in the registry) and 5.1.3xx for "recipient not found".
    if ((f.status === "5.1.10" || /^5\.1\.\d{3}$/.test(f.status)) && says("userunknown", f.text)) return true;
    // The local delivery agent itself found no such user: no filter speaks for it.
    if (LOCAL_AGENT_UNKNOWN.test(f.text)) return true;
    // Without RCPT as the failing command an "unknown user" may be a filter's polite lie
    // (Japanese carriers, appliances): the filtered probe below decides those.
    return f.command === "RCPT" && says("userunknown", f.text);
  },
  filtered: (f) => {
    if (f.byStatus === "filtered") return says("userunknown", f.text) || says("filtered", f.text);
    if (BEFORE_DATA.has(f.command)) return false;
    // After DATA (or with no command known) the recipient was not refused at RCPT:
    // "unknown user" then usually means a filter said no.
    if (f.byStatus && !RETRY.has(f.byStatus)) return false;
    if (says("mailererror", f.text)) return false;
    return says("filtered", f.text) || says("userunknown", f.text);
  },
  requireptr: (f) => f.byStatus === "requireptr" || says("requireptr", f.text),
  notcompliantrfc: (f) => says("notcompliantrfc", f.text),
  badreputation: (f) => says("badreputation", f.text),
  contenterror: (f) => {
    if (PROBES.spamdetected!(f)) return false;
    return f.byStatus === "contenterror" || says("contenterror", f.text);
  },
  rejected: (f) => {
    if (f.byStatus === "rejected") return true;
    // Refused at connection or greeting: no sender was named yet, so it is not about it.
    if (f.command === "CONN" || f.command === "HELO" || f.command === "EHLO") return false;
    const vague = f.byStatus === "" || f.byStatus === "securityerror" || f.byStatus === "systemerror";
    // A 5.1.x "unknown" at MAIL FROM is about our envelope sender.
    if (f.command === "MAIL") return says("rejected", f.text) || f.byStatus === "userunknown" || f.byStatus === "hostunknown";
    if (f.command === "DATA" && f.byStatus !== "userunknown") return says("rejected", f.text);
    return vague && says("rejected", f.text);
  },
  hostunknown: (f) => {
    // X.1.2 says "bad destination system" outright; X.4.4 ("unable to route") may also be
    // a domain that publishes no mail host, which its text then tells (notaccept).
    if (f.byStatus === "hostunknown") return !says("networkerror", f.text) && (/^[45]\.1\.2$/.test(f.status) || !says("notaccept", f.text));
    // "Host not found, try again" is a DNS failure of the moment, not a missing domain.
    return says("hostunknown", f.text) && !says("networkerror", f.text);
  },
  spamdetected: (f) => {
    if (!f.status) return false;
    if (f.byStatus === "spamdetected") return true;
    if (BEFORE_DATA.has(f.command)) return false;
    return says("spamdetected", f.text);
  },
  speeding: (f) => says("speeding", f.text),
  toomanyconn: (f) => f.byStatus === "toomanyconn" || says("toomanyconn", f.text),
  failedstarttls: (f) => f.command === "STARTTLS" || f.reply === "523" || f.reply === "524" || f.reply === "538",
  blocked: (f) => f.byStatus === "blocked" || says("blocked", f.text),
};

const PROBE_ORDER: readonly Reason[] = [
  "mailboxfull", "mesgtoobig", "exceedlimit", "suspend", "hasmoved", "norelaying", "authfailure",
  "userunknown", "filtered", "requireptr", "notcompliantrfc", "badreputation", "contenterror",
  "rejected", "hostunknown", "spamdetected", "speeding", "toomanyconn", "failedstarttls", "blocked",
];

/** Text-only order used when the status code did not settle it. */
const TEXT_ORDER: readonly Reason[] = [
  "mailboxfull", "authfailure", "badreputation", "speeding", "spamdetected", "virusdetected",
  "policyviolation", "norelaying", "systemerror", "networkerror", "suspend", "contenterror",
  "systemfull", "notaccept", "expired", "failedstarttls", "securityerror", "mailererror", "syntaxerror",
];

/** A Google Groups bounce always says the list refused our post (no such group, no permission). */
const FORMAT_REASON: Record<string, Reason> = { googlegroups: "rejected" };

function normalizeStatus(s: string | undefined): string {
  const m = /^\s*([245])\.(\d{1,3})\.(\d{1,3})/.exec(s ?? "");
  return m ? `${m[1]}.${Number(m[2])}.${Number(m[3])}` : "";
}

/** Lower case, one space for any run of white space, capped (phrases sit near the start). */
let lastRaw: string | undefined;
let lastNormal = "";
export function normalizeText(s: string | undefined): string {
  // The classifier and the explanation ask for the same text one after the other.
  if (s === lastRaw) return lastNormal;
  lastRaw = s;
  lastNormal = normalize(s);
  return lastNormal;
}

function normalize(s: string | undefined): string {
  let t = (s ?? "").slice(0, 4000).toLowerCase().replace(/\s+/g, " ").trim();
  // Multi-line replies repeat "550-5.7.1 " on every line; drop the repeats so phrases join up.
  t = t.replace(/(^|\s)[245]\d\d-(?:[245]\.\d{1,3}\.\d{1,3}\s)?/g, "$1");
  const head = /^[245]\d\d [245]\.\d{1,3}\.\d{1,3} /.exec(t)?.[0];
  if (head) t = head + t.slice(head.length).split(head).join("");
  return t;
}

export function classifyReason(input: ReasonInput): Reason {
  if (input.reason && !RETRY.has(input.reason)) return input.reason;
  const status = normalizeStatus(input.status);
  if (status.startsWith("2.")) return "delivered";

  const facts: Facts = {
    status: isPseudoStatus(status) ? "" : status,
    byStatus: isPseudoStatus(status) ? "" : reasonOfStatus(status),
    reply: /^[245]\d\d$/.test(input.replyCode ?? "") ? input.replyCode! : "",
    text: normalizeText(input.diagnosticCode),
    command: (input.smtpCommand ?? "").trim().toUpperCase(),
    action: (input.action ?? "").trim().toLowerCase(),
    diagnosticType: (input.diagnosticType ?? "").trim().toUpperCase(),
  };
  if (!facts.status && facts.reply.startsWith("2") && !facts.text.includes("550")) return "delivered";

  // Formats whose every bounce means one thing.
  const byFormat = FORMAT_REASON[(input.mta ?? "").toLowerCase()];
  if (byFormat) return byFormat;

  const byHost = rhostReason({ remoteMta: input.remoteMta ?? "", reportingMta: input.reportingMta, recipient: input.recipient }, facts);
  if (byHost) return byHost;

  let reason: Reason | "" = "";
  // A local program's exit code (X-Unix) is no SMTP reply: the probes do not apply to it.
  if (!facts.diagnosticType.startsWith("X-UNIX")) {
    for (const r of PROBE_ORDER) {
      if (PROBES[r]!(facts)) {
        reason = r;
        break;
      }
    }
  }
  if (!reason) reason = fallback(facts);
  if (!reason && input.reason) reason = input.reason;
  if (!reason) {
    if (says("vacation", facts.text)) return "vacation";
    return facts.text ? "onhold" : "undefined";
  }
  return reason;
}

/** When no probe fired: the status name, then the text alone, then the coarse fallbacks. */
function fallback(f: Facts): Reason | "" {
  const named = f.byStatus;
  if (named && !RETRY.has(named) && f.diagnosticType !== "X-UNIX" && f.diagnosticType !== "X-POSTFIX") return named;
  // Here a spam or virus verdict counts even before DATA: pre-queue filters and IP-based
  // "spam source" refusals answer at RCPT too.
  for (const r of TEXT_ORDER) if (says(r, f.text)) return r;
  if (named) return named;
  const head = f.status.slice(0, 3);
  if (head === "5.6" || head === "4.6") return "contenterror";
  if (head === "5.7" || head === "4.7") return "securityerror";
  if (f.diagnosticType.startsWith("X-UNIX")) return "mailererror";
  const reply = Number(f.reply);
  if ((reply > 500 && reply < 508) || (reply > 400 && reply < 408)) return "syntaxerror";
  if (f.action === "delayed" || f.action === "expired") return "expired";
  // Refused at the greeting: before any sender was named, so it is about our host.
  if (f.command === "CONN" || f.command === "HELO" || f.command === "EHLO") return "blocked";
  return "";
}

/** A sisimai-style pseudo status ("5.0.911") for a bounce without a usable DSN status. */
export function pseudoStatus(reason: Reason, temporary: boolean): string {
  return pseudoStatusCode(reason, temporary);
}

/**
 * sisimai 5's hard-bounce rule: only a recipient that does not exist (user or domain),
 * has moved, or whose domain permanently accepts no mail counts as hard. Everything else
 * may succeed later or after someone changes something.
 */
export function isHardBounce(reason: Reason, status: string): boolean {
  if (reason === "userunknown" || reason === "hostunknown" || reason === "hasmoved") return true;
  if (reason === "notaccept") return !status.startsWith("4");
  return false;
}
