/** `mailtrace summary`: a trace search counted by destination domain, relay, sender domain or hour. */
import type { Command } from "commander";
import { UserError } from "../core/errors.ts";
import { resolveLang, t } from "../i18n/index.ts";
import { formatTime } from "../logs/syslog.ts";
import { defaultStoreUrl, openStore } from "../store/open.ts";
import { SUMMARY_KEYS, type SummaryGroup, type SummaryKey, summarize } from "../trace/summary.ts";
import { type Column, formatRows, parseFormat } from "./output.ts";
import { traceQueryOf, withTraceFilters } from "./trace.ts";

const FORMATS = ["table", "json", "csv"] as const;

export function summaryColumns(by: SummaryKey): Column<SummaryGroup>[] {
  return [
    { key: "key", title: by, get: (g) => g.key || "-", maxWidth: 36 },
    { key: "total", get: (g) => g.total },
    { key: "delivered", get: (g) => g.counts.delivered },
    { key: "pending", get: (g) => g.counts.pending },
    { key: "failed", get: (g) => g.counts.failed },
    { key: "quarantined", get: (g) => g.counts.quarantined },
    { key: "filtered", get: (g) => g.counts.filtered },
    { key: "other", get: (g) => g.counts.expanded + g.counts.resolved },
    // What did not (yet) arrive, as a share of the group.
    { key: "problemShare", title: "problems", get: (g) => `${Math.round((100 * g.problems) / g.total)}%` },
    { key: "lastProblemTime", title: "last problem", get: (g) => (g.lastProblem ? formatTime(g.lastProblem.time, g.lastProblem.offset) : null) },
    { key: "lastProblemDsn", title: "dsn", get: (g) => g.lastProblem?.dsn ?? null },
    { key: "lastProblemDetail", title: "detail", get: (g) => g.lastProblem?.detail ?? null, maxWidth: 60 },
  ];
}

export function register(program: Command): void {
  const cmd = program
    .command("summary")
    .description("count a trace search by destination domain (or relay, sender domain, hour): which destinations fail or wait, and since when")
    .option("--store <url>", "store URL (default: $MAILTRACE_STORE or sqlite:./mailtrace.db)");
  withTraceFilters(cmd)
    .option("--by <key>", SUMMARY_KEYS.join(", "), "domain")
    .option("--limit <n>", "most groups to print (those with the most failed and pending rows first)", "50")
    .option("--format <format>", "table, json or csv", "table")
    .option("--lang <lang>", "ja or en (default: from the locale)")
    .action(async (opts: Record<string, string | undefined>) => {
      const lang = resolveLang(opts.lang);
      const format = parseFormat(opts.format ?? "table", FORMATS);
      const by = opts.by as SummaryKey;
      if (!(SUMMARY_KEYS as readonly string[]).includes(by)) throw new UserError(`--by ${opts.by}: expected one of ${SUMMARY_KEYS.join(", ")}`);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UserError(`--limit must be a positive whole number, not "${opts.limit}"`);
      const query = traceQueryOf({ ...opts, limit: undefined });
      const store = await openStore(defaultStoreUrl(opts.store));
      try {
        const { rows, groups } = await summarize(store, query, by, limit);
        if (rows === 0 && format === "table") {
          process.stderr.write(`${t(lang, "trace.no-rows")}\n`);
          return;
        }
        process.stdout.write(`${formatRows(groups, summaryColumns(by), format)}\n`);
        if (format === "table") process.stderr.write(`${t(lang, "trace.summary-rows", { rows: rows.toLocaleString("en-US"), groups: groups.length })}\n`);
      } finally {
        await store.close();
      }
    });
}
