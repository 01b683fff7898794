/**
 * How often classifyReason agrees with the corpus expectations (sisimai's reasons), per
 * reason, reading each mail with the project's bounce reader (src/bounce/analyze.ts).
 * Usage: node bench/bounce-reasons.ts [--misses] [file-substring]
 * Prints counts only; no corpus text is written anywhere.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { analyzeBounces } from "../src/bounce/analyze.ts";

const dir = process.env.MAILTRACE_CORPUS ?? join(import.meta.dirname, "../../shared/corpus/bounces");
if (!existsSync(join(dir, "expected.jsonl"))) {
  console.log(`skipped: no bounce corpus at ${dir}`);
  process.exit(0);
}
const showMisses = process.argv.includes("--misses");
const only = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? "";

interface Row { file: string; index: number; status: string; reason: string }
const byFile = new Map<string, Row[]>();
for (const line of readFileSync(join(dir, "expected.jsonl"), "utf8").split("\n")) {
  if (!line.trim()) continue;
  const e = JSON.parse(line) as Row;
  if (only && !e.file.includes(only)) continue;
  byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
}
const files = new Set(readdirSync(join(dir, "emails")));
const table = new Map<string, { n: number; ok: number; got: Map<string, number> }>();
let n = 0, ok = 0, both = 0;
for (const [file, rows] of byFile) {
  if (!files.has(file)) continue;
  const got = [];
  for await (const r of analyzeBounces([{ file, bytes: readFileSync(join(dir, "emails", file)) }])) got.push(...r.bounces);
  for (const e of rows) {
    const g = got[e.index];
    const reason = g?.reason ?? "(none)";
    n++;
    const t = table.get(e.reason) ?? { n: 0, ok: 0, got: new Map() };
    t.n++;
    if (reason === e.reason) { ok++; t.ok++; if (g.status === e.status) both++; }
    else {
      t.got.set(reason, (t.got.get(reason) ?? 0) + 1);
      if (showMisses) console.log(`MISS ${file}#${e.index} expect=${e.reason} ${e.status} got=${reason} ${g?.status ?? ""} reply=${g?.replyCode ?? ""} cmd=${g?.smtpCommand ?? ""} mta=${g?.mta ?? ""} rhost=${g?.remoteMta ?? ""} | ${(g?.diagnosticCode ?? "").slice(0, 220)}`);
    }
    table.set(e.reason, t);
  }
}
console.log("reason            expected  agreed   rate  (what was given instead)");
for (const [r, t] of [...table].sort((a, b) => b[1].n - a[1].n)) {
  const instead = [...t.got].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}:${v}`).join(" ");
  console.log(`${r.padEnd(17)} ${String(t.n).padStart(8)} ${String(t.ok).padStart(7)} ${((100 * t.ok) / t.n).toFixed(1).padStart(6)}%  ${instead}`);
}
console.log(`reason agreement: ${ok}/${n} = ${((100 * ok) / Math.max(1, n)).toFixed(1)}%   reason+status: ${both}/${n} = ${((100 * both) / Math.max(1, n)).toFixed(1)}%`);
