/**
 * Library entry point: raw mails in, one Bounce per bounced recipient out, with the reason
 * and an explanation in the chosen language. Used by the CLI, the web console and triage.
 */
import type { Lang } from "../i18n/index.ts";
import { decodeMail } from "./decode.ts";
import { explainBounce } from "./explain.ts";
import { type InputEntry, listInputs, mailsOf, type RawMail, readFileMails } from "./input.ts";
import { type ParsedMail, parseMail } from "./mime.ts";
import { readOrigin } from "./origin.ts";
import { type AnalyzerPool, defaultJobs, type MailJob, sharedPool } from "./pool.ts";
import { classifyReason, isHardBounce, pseudoStatus, type Reason } from "./reason.ts";
import { settle } from "./settle.ts";
import { findAddress } from "./smtp.ts";
import type { Bounce } from "./types.ts";

export type { Bounce } from "./types.ts";

export interface AnalyzeOptions {
  lang?: Lang;
  /**
   * Threads for a large batch (analyzeBounces): worker threads take over after the first
   * mails. Default: one per core (at most 4); 1 analyses everything in the calling thread.
   */
  jobs?: number;
}

/** Mails analysed in the calling thread before worker threads are worth starting. */
const SERIAL_FIRST = 64;
/** A worker's batch: at most this many files (or mails in hand) or bytes of mails in hand (one message between threads each way). */
const BATCH_MAILS = 64;
const BATCH_BYTES = 1 << 20;

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

/** The files of the inputs (to read) and mails already in hand, in order. */
async function* entriesOf(inputs: Array<string | { file: string; bytes: Uint8Array }>): AsyncGenerator<InputEntry> {
  for (const input of inputs) {
    if (typeof input === "string") yield* listInputs([input]);
    else yield* mailsOf(input);
  }
}

/** Analyse one mail as the input reader gave it (an unreadable one is its error). */
export function analyzeRaw(raw: RawMail, lang: Lang): Promise<MailResult> | MailResult {
  if (raw.error || !raw.bytes) return { file: raw.file, bounces: [], error: raw.error ?? `${raw.file}: unreadable` };
  return analyzeMail(raw.bytes, raw.file, { lang });
}

/** The results of one file (read now) or one mail in hand: what a thread does with one item of a batch. */
export async function analyzeItem(item: { path: string } | RawMail, lang: Lang): Promise<MailResult[]> {
  const out: MailResult[] = [];
  for (const raw of "path" in item ? readFileMails(item.path) : [item]) out.push(await analyzeRaw(raw, lang));
  return out;
}

/**
 * Analyse paths (files, mboxes, Maildirs, directories, "-") or in-memory buffers. Results come
 * in input order; past the first files of a batch, worker threads read and analyse them while
 * this thread lists the files and keeps the order (see pool.ts).
 */
export async function* analyzeBounces(
  inputs: Array<string | { file: string; bytes: Uint8Array }>,
  opts: AnalyzeOptions = {},
): AsyncGenerator<MailResult> {
  const lang = opts.lang ?? "en";
  const jobs = opts.jobs ?? defaultJobs();
  let pool: AnalyzerPool | undefined;
  let count = 0;
  // Results in input order: one slot per file or worker batch, filled when its results are in.
  const queue: Array<{ results?: MailResult[] }> = [];
  const ready = () => queue.length > 0 && queue[0].results !== undefined;
  let batch: MailJob[] = [];
  let batchBytes = 0;
  const here = async (items: MailJob[]) => {
    for (const it of items) queue.push({ results: await analyzeItem(it, lang) });
  };
  // Hands the batch to a worker. When every worker is full, hands on what is ready until one has
  // room (waiting for any worker, not only the one holding the oldest results).
  async function* dispatch(): AsyncGenerator<MailResult> {
    if (!batch.length || !pool) return;
    const items = batch;
    batch = [];
    batchBytes = 0;
    let p = pool.tryAnalyze(items, lang);
    while (!p && pool.started) {
      await pool.finished();
      while (ready()) yield* queue.shift()?.results as MailResult[];
      p = pool.tryAnalyze(items, lang);
    }
    if (!p) return here(items); // no worker left
    const slot: { results?: MailResult[] } = {};
    queue.push(slot);
    p.then((r) => {
      slot.results = r;
    });
  }
  for await (const entry of entriesOf(inputs)) {
    if (!pool && jobs > 1 && ++count > SERIAL_FIRST) pool = sharedPool(jobs);
    if ("path" in entry || (entry.bytes && !entry.error)) {
      if (pool?.started) {
        if ("path" in entry) batch.push(entry);
        else {
          batch.push({ file: entry.file, bytes: entry.bytes as Uint8Array });
          batchBytes += (entry.bytes as Uint8Array).byteLength;
        }
        if (batch.length >= BATCH_MAILS || batchBytes >= BATCH_BYTES) yield* dispatch();
      } else await here([entry as MailJob]);
    } else {
      yield* dispatch();
      queue.push({ results: [await analyzeRaw(entry, lang)] });
    }
    while (ready()) yield* queue.shift()?.results as MailResult[];
  }
  yield* dispatch();
  while (queue.length) {
    while (!ready()) await (pool as AnalyzerPool).finished();
    yield* queue.shift()?.results as MailResult[];
  }
}

/** Convenience: every result of analyzeBounces in one array. */
export async function analyzeAll(inputs: Array<string | { file: string; bytes: Uint8Array }>, opts: AnalyzeOptions = {}): Promise<MailResult[]> {
  const out: MailResult[] = [];
  for await (const r of analyzeBounces(inputs, opts)) out.push(r);
  return out;
}
