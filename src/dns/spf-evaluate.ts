/**
 * SPF evaluation (RFC 7208 check_host) is mailauth's, not ours: this wraps it so that every
 * caller passes the resolver in (the real DnsResolver, or an in-memory one in the RFC suite test).
 */
import { spf } from "mailauth/lib/spf/index.js";

/** Resolves like dns.promises.resolve and rejects with node's error codes (ENOTFOUND, ENODATA ...). */
export type MailauthResolver = (name: string, type: string) => Promise<unknown[]>;

export type SpfResult = "pass" | "fail" | "softfail" | "neutral" | "none" | "permerror" | "temperror";

export interface SpfEvaluation {
  result: SpfResult;
  /** mailauth's comment, e.g. "... designates 192.0.2.1 as permitted sender". */
  comment?: string;
  /** The Received-SPF header mailauth would add. */
  header?: string;
  lookups?: { count: number; limit: number; void: number };
}

export interface SpfQuery {
  ip: string;
  /** MAIL FROM address; empty for a null reverse path (then the HELO identity is checked). */
  sender: string;
  helo: string;
  resolver: MailauthResolver;
  /**
   * RFC 7208 to the letter (mailauth's strict mode, our default: a diagnosis should say what
   * the RFC says); false = mailauth's lenient mode, closer to what some receivers do.
   */
  strict?: boolean;
  maxElapsedMs?: number;
}

export async function evaluateSpf(q: SpfQuery): Promise<SpfEvaluation> {
  const r = (await spf({
    ip: q.ip,
    sender: q.sender,
    helo: q.helo,
    mta: "mailtrace",
    resolver: q.resolver,
    strict: q.strict ?? true,
    maxElapsedTime: q.maxElapsedMs ?? 20_000,
  } as Parameters<typeof spf>[0])) as unknown as {
    status: { result: SpfResult; comment?: string };
    header?: string;
    lookups?: { count: number; limit: number; void: number };
  };
  return { result: r.status.result, comment: r.status.comment, header: r.header, lookups: r.lookups };
}
