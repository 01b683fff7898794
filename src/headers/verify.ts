/**
 * `--verify`: check the DKIM signatures and the ARC chain of a whole message with mailauth
 * (RFC 6376, RFC 8617). Keys are looked up through the resolver passed in, so the caller
 * decides which DNS server answers (tests run a real one on loopback). Verification needs
 * the body: on a header block alone every body hash fails, and we say so.
 */
import { arc as arcVerify } from "mailauth/lib/arc/index.js";
import { dkimVerify } from "mailauth/lib/dkim/verify.js";
import { describeError } from "../core/errors.ts";

/** mailauth's resolver contract, the same as node:dns/promises `resolve(name, rrtype)`. */
export type DnsResolve = (name: string, rrtype: string) => Promise<unknown>;

export interface VerifiedSignature {
  domain: string | null;
  selector: string | null;
  algorithm: string | null;
  /** pass, fail, neutral, policy, temperror, permerror */
  result: string;
  reason: string | null;
  /** Whether the signing domain aligns with the From domain. */
  aligned: boolean | null;
}

export interface VerifyResult {
  dkim: VerifiedSignature[];
  arc: { result: string; instances: number; reason: string | null } | null;
  /** The From domain mailauth read. */
  headerFrom: string | null;
  /** Set when verification could not run at all. */
  error: string | null;
}

/** Whole messages up to this size are verified; bigger ones are refused rather than read into memory twice. */
export const MAX_VERIFY_BYTES = 64 * 1024 * 1024;

export async function verifyMessage(message: string | Buffer, resolver: DnsResolve): Promise<VerifyResult> {
  const size = typeof message === "string" ? Buffer.byteLength(message) : message.length;
  if (size > MAX_VERIFY_BYTES) return { dkim: [], arc: null, headerFrom: null, error: `message too large to verify (${size} bytes)` };
  try {
    const dkim = await dkimVerify(message, { resolver: resolver as never });
    const sigs: VerifiedSignature[] = (dkim.results ?? [])
      .filter((r: { signingDomain?: string; status: { result: string } }) => r.signingDomain || r.status.result !== "none")
      .map((r: { signingDomain?: string; selector?: string; algo?: string; status: { result: string; comment?: string; aligned?: string | false } }) => ({
        domain: r.signingDomain ?? null,
        selector: r.selector ?? null,
        algorithm: r.algo ?? null,
        result: r.status.result,
        reason: r.status.comment ?? null,
        aligned: r.status.aligned === undefined ? null : Boolean(r.status.aligned),
      }));
    let arc: VerifyResult["arc"] = null;
    if (dkim.arc) {
      const a = (await arcVerify(dkim.arc as never, { resolver: resolver as never })) as { status: { result: string; comment?: string }; i?: number | false };
      arc = { result: a.status.result, instances: typeof a.i === "number" ? a.i : 0, reason: a.status.comment ?? null };
    }
    const from = (dkim as { headerFrom?: string[] | string }).headerFrom;
    return { dkim: sigs, arc, headerFrom: Array.isArray(from) ? (from[0] ?? null) : (from ?? null), error: null };
  } catch (err) {
    return { dkim: [], arc: null, headerFrom: null, error: describeError(err) };
  }
}
