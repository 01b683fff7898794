/**
 * Library entry point: raw mails in, one Bounce per bounced recipient out, with the reason
 * and an explanation in the chosen language. Used by the CLI, the web console and triage.
 */
import type { Lang } from "../i18n/index.ts";
import { decodeMail } from "./decode.ts";
import { explainBounce } from "./explain.ts";
import { mailsOf, readInputs } from "./input.ts";
import { type ParsedMail, parseMail } from "./mime.ts";
import { readOrigin } from "./origin.ts";
import { classifyReason, isHardBounce, pseudoStatus, type Reason } from "./reason.ts";
import { settle } from "./settle.ts";
import { findAddress } from "./smtp.ts";
import type { Bounce } from "./types.ts";

export type { Bounce } from "./types.ts";

export interface AnalyzeOptions {
  lang?: Lang;
}

/** The outcome for one mail: its bounces, or why there are none. */
export interface MailResult {
  file: string;
  bounces: Bounce[];
  /** "not-a-bounce" when the mail was read but is no bounce; undefined otherwise. */
  note?: "not-a-bounce";
  /** One-line error when the input could not be read or parsed. */
  error?: string;
}

/** Exim's words for a recipient given up after temporary failures ran past the retry rules. */
const GAVE_UP_RETRYING = /\bretry timeout exceeded\b|\bha(?:ve|s) been failing for a long time\b/i;

function toIso(date: string | undefined): string {
  if (!date) return "";
  // Most dates parse as they are (comments included); only the rest is cleaned first.
  const direct = Date.parse(date);
  if (!Number.isNaN(direct) && !/[A-Z]{3,4}\s*(?:\([^)]*\))?\s*$/.test(date)) return new Date(direct).toISOString();
  const cleaned = date.replace(/\s*\([^)]*\)\s*$/, "").replace(/\s+[A-Z]{3,4}$/, (tz) => (tz.trim() === "JST" ? " +0900" : tz));
  const t = Date.parse(cleaned);
  return Number.isNaN(t) ? "" : new Date(t).toISOString();
}

/** Analyse one mail given as bytes. Never throws for bad mail content. */
export async function analyzeMail(bytes: Uint8Array, file: string, opts: AnalyzeOptions = {}): Promise<MailResult> {
  const lang = opts.lang ?? "en";
  let mail: Awaited<ReturnType<typeof parseMail>>;
  try {
    mail = await parseMail(bytes);
  } catch (err) {
    return { file, bounces: [], error: `${file}: cannot parse as a mail (${(err as Error).message.split("\n")[0]})` };
  }
  return analyzeParsed(mail, file, lang);
}

/** Analyse one mail already parsed by parseMail. */
export function analyzeParsed(mail: ParsedMail, file: string, lang: Lang = "en"): MailResult {
  const decoded = decodeMail(mail);
  if (!decoded) return { file, bounces: [], note: "not-a-bounce" };
  const origin = readOrigin(decoded.original);
  const addresser = findAddress(origin.from ?? "") || findAddress(mail.to) || "";
  const bounces: Bounce[] = [];
  for (const rec of decoded.records) {
    const s = settle(rec);
    let reason: Reason;
    if (rec.reason) reason = rec.reason;
    else {
      reason = classifyReason({
        status: s.status,
        replyCode: s.replyCode,
        diagnosticCode: s.diagnosticCode,
        smtpCommand: s.smtpCommand,
        action: rec.action,
        mta: decoded.mta,
        remoteMta: rec.remoteMta,
        reportingMta: rec.reportingMta,
        recipient: rec.recipient,
        diagnosticType: rec.diagnosticType,
      });
    }
    let status = s.status;
    let replyCode = s.replyCode;
    if (reason === "feedback" || reason === "vacation") {
      status = "";
      replyCode = "";
    } else if (!status) {
      const probe = `${replyCode} ${s.diagnosticCode}`;
      // A retry timeout means every attempt failed temporarily until the MTA gave up.
      const temporary =
        rec.action === "delayed" ||
        /^4/.test(replyCode) ||
        GAVE_UP_RETRYING.test(s.diagnosticCode) ||
        (!/^5/.test(replyCode) && /\b4\d\d\b|temporar/i.test(probe) && !/\b5\d\d\b|permanent/i.test(probe));
      status = pseudoStatus(reason, temporary);
    }
    const hardBounce = reason === "feedback" || reason === "vacation" || reason === "delivered" ? false : isHardBounce(reason, status);
    const action = rec.action || (reason === "delivered" ? "delivered" : reason === "expired" ? "delayed" : /^[45]/.test(status) ? "failed" : "");
    const diagnosticType = rec.diagnosticType || (reason === "mailererror" ? "X-UNIX" : reason === "feedback" || reason === "vacation" ? "" : "SMTP");
    const bounce: Bounce = {
      file,
      recipient: rec.recipient,
      addresser,
      status,
      replyCode,
      reason,
      hardBounce,
      action,
      diagnosticCode: s.diagnosticCode,
      diagnosticType,
      smtpCommand: s.smtpCommand,
      remoteMta: rec.remoteMta ?? "",
      reportingMta: rec.reportingMta ?? "",
      mta: decoded.mta,
      origin,
      timestamp: toIso(rec.date) || toIso(origin.date) || toIso(mail.date),
      explanation: { summary: "", responsible: "unknown", actions: [] },
    };
    if (rec.feedbackType) bounce.feedbackType = rec.feedbackType;
    bounce.explanation = explainBounce(
      { reason, status, replyCode, diagnosticCode: s.diagnosticCode, recipient: rec.recipient, smtpCommand: s.smtpCommand },
      lang,
    );
    bounces.push(bounce);
  }
  return { file, bounces };
}

/** Analyse paths (files, mboxes, Maildirs, directories, "-") or in-memory buffers. */
export async function* analyzeBounces(
  inputs: Array<string | { file: string; bytes: Uint8Array }>,
  opts: AnalyzeOptions = {},
): AsyncGenerator<MailResult> {
  for (const input of inputs) {
    if (typeof input !== "string") {
      for (const raw of mailsOf(input)) yield await analyzeMail(raw.bytes as Uint8Array, raw.file, opts);
      continue;
    }
    for await (const raw of readInputs([input])) {
      if (raw.error || !raw.bytes) yield { file: raw.file, bounces: [], error: raw.error ?? `${raw.file}: unreadable` };
      else yield await analyzeMail(raw.bytes, raw.file, opts);
    }
  }
}

/** Convenience: every result of analyzeBounces in one array. */
export async function analyzeAll(inputs: Array<string | { file: string; bytes: Uint8Array }>, opts: AnalyzeOptions = {}): Promise<MailResult[]> {
  const out: MailResult[] = [];
  for await (const r of analyzeBounces(inputs, opts)) out.push(r);
  return out;
}
