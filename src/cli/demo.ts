/**
 * `mailtrace demo [FILE...]` (what `npm start` runs): ingest the given logs, or a realistic
 * Postfix log the project generates (src/demo/postfix-log.ts) when none is given, into the
 * store, then show the last 48 hours and what to try next.
 */
import type { Command } from "commander";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writePostfixLog } from "../demo/postfix-log.ts";
import { type Lang, resolveLang, t } from "../i18n/index.ts";
import { ingestFiles } from "../logs/ingest.ts";
import { CANONICAL_STATUSES } from "../logs/status.ts";
import { defaultStoreUrl, openStore } from "../store/open.ts";
import { refusalRef, type TraceRow } from "../store/store.ts";
import { searchTrace } from "../trace/hops.ts";
import { DEFAULT_SINCE_MS } from "../trace/query.ts";
import { type Column, formatRows } from "./output.ts";
import { TRACE_COLUMNS } from "./trace.ts";

/** Hours of traffic in the generated log: a bit more than the default 48-hour window. */
const DEMO_HOURS = 50;
/** Rows counted for the summary; the table shows the newest few. */
const COUNT_LIMIT = 100_000;
const SHOWN = 20;

const SHOWN_COLUMNS: Column<TraceRow>[] = ["time", "ref", "sender", "recipient", "status", "dsn", "detail"]
  .map((k) => TRACE_COLUMNS.find((c) => c.key === k) as Column<TraceRow>)
  .map((c) => (c.key === "detail" ? { ...c, maxWidth: 48 } : c.key === "ref" ? { ...c, title: "queue" } : c));

/**
 * The generated log ends at "now" rounded down to 10 minutes and has a fixed seed, so running
 * the demo twice within those minutes writes the same lines (and the store keeps them once).
 */
export async function writeDemoLog(path: string, now = Date.now()) {
  const end = Math.floor(now / 600_000) * 600_000;
  return writePostfixLog(path, { start: end - DEMO_HOURS * 3600_000, end, seed: 20260401 });
}

function hints(lang: Lang, rows: TraceRow[]): string[] {
  const failed = rows.find((r) => r.status === "failed" && r.queueId && r.relay && r.relay !== "none");
  const refused = rows.find((r) => r.status === "failed" && r.queueId === null);
  const carrier = rows.find((r) => /@(docomo\.ne\.jp|ezweb\.ne\.jp|au\.com|softbank\.ne\.jp|i\.softbank\.jp)$/.test(r.recipient ?? ""));
  const domain = carrier?.recipient?.split("@")[1] ?? "docomo.ne.jp";
  const lines = [
    [`mailtrace trace --status failed`, t(lang, "demo.try-failed")],
    [`mailtrace trace --recipient '*@${domain}'`, t(lang, "demo.try-domain")],
    [`mailtrace show ${failed?.queueId ?? "QUEUEID"}`, t(lang, "demo.try-show")],
    ...(refused ? [[`mailtrace show ${refusalRef(refused.message)}`, t(lang, "demo.try-refusal")]] : []),
    [`mailtrace trace --status pending --since 7d`, t(lang, "demo.try-pending")],
    [`mailtrace trace --status failed --format json`, t(lang, "demo.try-json")],
    [`mailtrace summary --status failed,pending`, t(lang, "demo.try-summary")],
    [`mailtrace report --since 7d --out week.csv`, t(lang, "demo.try-report")],
    [`mailtrace serve`, t(lang, "demo.try-serve")],
    [`mailtrace ingest /var/log/mail.log`, t(lang, "demo.try-own")],
  ];
  const width = Math.max(...lines.map(([c]) => c.length));
  return lines.map(([c, what]) => `  ${c.padEnd(width)}   # ${what}`);
}

export function register(program: Command): void {
  program
    .command("demo")
    .description("ingest the given logs (or a generated realistic Postfix log) and show the last 48 hours")
    .argument("[files...]", "log files to ingest instead of the generated demo log")
    .option("--store <url>", "store URL (default: $MAILTRACE_STORE or sqlite:./mailtrace.db)")
    .option("--lang <lang>", "ja or en (default: from the locale)")
    .action(async (files: string[], opts: { store?: string; lang?: string }) => {
      const lang = resolveLang(opts.lang);
      const out = (s: string) => process.stdout.write(`${s}\n`);
      let inputs = files;
      if (inputs.length === 0) {
        const path = join(tmpdir(), "mailtrace-demo-postfix.log");
        const g = await writeDemoLog(path);
        out(t(lang, "demo.wrote-log", { lines: g.lines, messages: g.messages, hours: DEMO_HOURS, path }));
        inputs = [path];
      }
      const url = defaultStoreUrl(opts.store);
      const store = await openStore(url);
      try {
        out(t(lang, "demo.ingesting", { store: url }));
        const summary = await ingestFiles(store, inputs, {
          onFile: (f) => {
            if (f.error) process.stderr.write(`mailtrace: ${f.path}: ${f.error}\n`);
          },
        });
        out(t(lang, "trace.ingest-summary", {
          lines: summary.lines, events: summary.events, messages: summary.messages, unparsed: summary.unparsed,
          other: summary.otherPrograms, files: summary.files,
        }));
        if (summary.errors.length) process.exitCode = 1;

        const rows = await searchTrace(store, { since: Date.now() - DEFAULT_SINCE_MS, limit: COUNT_LIMIT });
        out("");
        if (rows.length === 0) {
          out(t(lang, "demo.no-rows"));
          return;
        }
        const counts = CANONICAL_STATUSES.map((s) => [s, rows.filter((r) => r.status === s).length] as const)
          .filter(([, n]) => n > 0)
          .map(([s, n]) => `${s} ${n}`)
          .join(", ");
        out(t(lang, rows.length >= COUNT_LIMIT ? "demo.summary-capped" : "demo.summary", { rows: rows.length, counts }));
        out(t(lang, "demo.newest", { n: Math.min(SHOWN, rows.length) }));
        out(formatRows(rows.slice(0, SHOWN), SHOWN_COLUMNS, "table"));
        out("");
        out(t(lang, "demo.try"));
        for (const h of hints(lang, rows)) out(h);
      } finally {
        await store.close();
      }
    });
}
