/**
 * Compares mailtrace's bounce results with the expectations in ../shared/corpus/bounces
 * (sisimai's published results), by position per file, like sisimai's own tests.
 * Shared by the accuracy test and the benchmark.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { analyzeBounces } from "../../src/bounce/analyze.ts";
import type { Bounce } from "../../src/bounce/types.ts";

export interface Expected {
  file: string;
  index: number;
  status: string;
  replycode: string;
  reason: string;
  hardbounce: boolean;
  /** The format sisimai named, and whether it read the mail as a local format (lhost) or attributes it to a remote host (rhost). */
  mta?: string;
  kind?: string;
}

export interface Comparison {
  rows: number;
  files: number;
  /** Rows where the file's count matched and status and reason both agree. */
  agreed: number;
  countFiles: number;
  status: number;
  reason: number;
  replyCode: number;
  hardBounce: number;
  all4: number;
  /** Rows not attributed to a remote host (sisimai's `kind` other than rhost) and those whose format name agrees. */
  formatRows: number;
  format: number;
  confusion: Map<string, Map<string, number>>;
  misses: string[];
}

export function loadExpected(dir: string): Map<string, Expected[]> {
  const byFile = new Map<string, Expected[]>();
  for (const line of readFileSync(join(dir, "expected.jsonl"), "utf8").split("\n")) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as Expected;
    const list = byFile.get(e.file) ?? [];
    list.push(e);
    byFile.set(e.file, list);
  }
  for (const list of byFile.values()) list.sort((a, b) => a.index - b.index);
  return byFile;
}

export function loadMails(dir: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const emails = join(dir, "emails");
  for (const f of readdirSync(emails).sort()) out.set(f, readFileSync(join(emails, f)));
  return out;
}

export async function compareCorpus(dir: string): Promise<Comparison> {
  const expected = loadExpected(dir);
  const mails = loadMails(dir);
  const c: Comparison = { rows: 0, files: 0, agreed: 0, countFiles: 0, status: 0, reason: 0, replyCode: 0, hardBounce: 0, all4: 0, formatRows: 0, format: 0, confusion: new Map(), misses: [] };
  for (const [file, rows] of expected) {
    const bytes = mails.get(file);
    if (!bytes) continue;
    // As `mailtrace bounce FILE` reads it: a file may hold several mails (mbox, appended).
    const got: Bounce[] = [];
    for await (const r of analyzeBounces([{ file, bytes }], { lang: "en" })) got.push(...r.bounces);
    c.files++;
    const countOk = got.length === rows.length;
    if (countOk) c.countFiles++;
    for (const e of rows) {
      c.rows++;
      const g = got[e.index];
      const st = g?.status === e.status;
      const re = g?.reason === e.reason;
      const rc = (g?.replyCode ?? "") === e.replycode;
      const hb = g?.hardBounce === e.hardbounce;
      if (st) c.status++;
      if (re) c.reason++;
      if (rc && g) c.replyCode++;
      if (hb) c.hardBounce++;
      if (countOk && st && re) c.agreed++;
      else c.misses.push(`${file}#${e.index}: expected ${e.status} ${e.reason}, got ${g ? `${g.status} ${g.reason} (${g.mta})` : "nothing"}${countOk ? "" : ` [count ${got.length}/${rows.length}]`}`);
      if (countOk && st && re && rc && hb) c.all4++;
      if (e.kind !== "rhost" && e.mta) {
        c.formatRows++;
        if (g?.mta === e.mta) c.format++;
      }
      const row = c.confusion.get(e.reason) ?? new Map<string, number>();
      const key = g?.reason ?? "(none)";
      row.set(key, (row.get(key) ?? 0) + 1);
      c.confusion.set(e.reason, row);
    }
  }
  return c;
}

export function pct(n: number, d: number): string {
  return `${((100 * n) / Math.max(1, d)).toFixed(1)}%`;
}

export function summary(c: Comparison): string {
  return [
    `bounce corpus agreement (count per file + status + reason): ${c.agreed}/${c.rows} = ${pct(c.agreed, c.rows)}`,
    `  recipient count per file: ${c.countFiles}/${c.files} = ${pct(c.countFiles, c.files)}`,
    `  status: ${c.status}/${c.rows} = ${pct(c.status, c.rows)}   reason: ${c.reason}/${c.rows} = ${pct(c.reason, c.rows)}`,
    `  replyCode: ${c.replyCode}/${c.rows} = ${pct(c.replyCode, c.rows)}   hardBounce: ${c.hardBounce}/${c.rows} = ${pct(c.hardBounce, c.rows)}`,
    `  all of count+status+replyCode+reason+hardBounce: ${c.all4}/${c.rows} = ${pct(c.all4, c.rows)}`,
    `  format named as sisimai names it (mails it reads as a local format): ${c.format}/${c.formatRows} = ${pct(c.format, c.formatRows)}`,
  ].join("\n");
}
