/** `mailtrace trace`: one row per message per recipient, newest first. */
import type { Command } from "commander";
import { type Lang, resolveLang, t } from "../i18n/index.ts";
import { formatTime } from "../logs/syslog.ts";
import { defaultStoreUrl, openStore } from "../store/open.ts";
import { refusalRef, type TraceQuery, type TraceRow } from "../store/store.ts";
import { explainOutcome, type OutcomeExplanation } from "../trace/explain.ts";
import { searchTrace } from "../trace/hops.ts";
import { buildTraceQuery, DEFAULT_LIMIT } from "../trace/query.ts";
import { type Column, formatRows, parseFormat } from "./output.ts";

const FORMATS = ["table", "json", "csv"] as const;

/** The JSON/CSV fields fixed by the trace contract (issue 3), in this order; fields added since go last. */
export const TRACE_COLUMNS: Column<TraceRow>[] = [
  { key: "time", get: (r) => formatTime(r.time, r.offset) },
  { key: "host", get: (r) => r.host, maxWidth: 16 },
  { key: "queueId", title: "queue", get: (r) => r.queueId },
  { key: "messageId", get: (r) => r.messageId },
  { key: "sender", get: (r) => r.sender, maxWidth: 32 },
  { key: "recipient", get: (r) => r.recipient, maxWidth: 32 },
  { key: "status", get: (r) => r.status },
  { key: "dsn", get: (r) => r.dsn },
  { key: "relay", get: (r) => r.relay },
  { key: "detail", get: (r) => r.detail },
  { key: "clientIp", get: (r) => r.clientIp },
  { key: "size", get: (r) => r.size },
  { key: "subject", get: (r) => r.subject },
  { key: "origTo", get: (r) => r.origTo },
  // What `show` takes for this row: its queue ID, or for a refusal (no queue ID) NOQUEUE-<id>.
  { key: "ref", get: (r) => r.queueId ?? refusalRef(r.message) },
  // Seconds from arrival to the last attempt: "it arrived, but late".
  { key: "delay", get: (r) => r.delay },
  // The queue IDs before the one whose outcome the row shows (content filter, relay hops; trace/hops.ts).
  { key: "hops", get: (r) => r.hops ?? null },
];

/** The narrower set of columns a terminal table shows. */
const TABLE_COLUMNS: Column<TraceRow>[] = ["time", "ref", "sender", "recipient", "status", "dsn", "relay", "detail"].map(
  (k) => TRACE_COLUMNS.find((c) => c.key === k) as Column<TraceRow>,
).map((c) => (c.key === "detail" ? { ...c, maxWidth: 50 } : c.key === "relay" ? { ...c, maxWidth: 28 } : c.key === "ref" ? { ...c, title: "queue" } : c));

/**
 * `--explain`: why each failed or waiting row did not arrive and who must act, as `show` says
 * it (trace/explain.ts; about 15 us a row, so only when asked).
 */
export function explainColumns(rows: TraceRow[], lang: Lang): Column<TraceRow>[] {
  const why = new Map<TraceRow, OutcomeExplanation | undefined>();
  for (const r of rows) {
    const outcome = { queueId: r.queueId ?? "NOQUEUE", recipient: r.recipient ?? "", relay: r.relay, status: r.status, dsn: r.dsn, detail: r.detail };
    why.set(r, explainOutcome(outcome, lang, { sender: r.sender, client: r.clientIp && `[${r.clientIp}]`, host: r.host }));
  }
  return [
    { key: "reason", get: (r) => why.get(r)?.reason },
    { key: "responsible", get: (r) => why.get(r)?.responsible },
    { key: "explanation", get: (r) => why.get(r)?.summary, maxWidth: 60 },
  ];
}

/** The search options of `trace`, shared by `report`. */
export function withTraceFilters(cmd: Command): Command {
  return cmd
    .option("--sender <pattern>", "address, *@example.com, *.example.com, or a * glob")
    .option("--recipient <pattern>", "address, *@example.com, *.example.com, or a * glob; also matches the address as sent (orig_to)")
    .option("--message-id <id>", "Message-ID (with or without <>)")
    .option("--queue-id <id>", "MTA queue ID")
    .option("--client-ip <ip>", "IP address of the sending client")
    .option("--status <list>", "delivered,failed,pending,expanded,quarantined,filtered,resolved")
    .option("--since <when>", "duration (90m, 48h, 7d) or time; default 48h (no default with --message-id/--queue-id)")
    .option("--until <when>", "time (or duration ago)")
    .option("--min-delay <duration>", "only deliveries that took at least this long (30m, 2h; the MTA's delay, arrival to the attempt)")
    .option("--each-hop", "a row per queue entry: a message passed through a content filter or a relay hop shows each entry's row (default: one row with the last hop's outcome)");
}

/** The store query of those options (and `--limit`, where the command has it). */
export function traceQueryOf(o: Record<string, string | boolean | undefined>): TraceQuery {
  const text = (v: string | boolean | undefined) => (typeof v === "string" ? v : undefined);
  return buildTraceQuery({
    sender: text(o.sender), recipient: text(o.recipient), messageId: text(o.messageId), queueId: text(o.queueId),
    clientIp: text(o.clientIp), status: text(o.status), since: text(o.since), until: text(o.until), minDelay: text(o.minDelay),
    limit: text(o.limit), eachHop: o.eachHop === true || o.eachHop === "1" || o.eachHop === "true",
  });
}

export function register(program: Command): void {
  const cmd = program
    .command("trace")
    .description("search the trace store: one row per message per recipient, newest first")
    .option("--store <url>", "store URL (default: $MAILTRACE_STORE or sqlite:./mailtrace.db)");
  withTraceFilters(cmd)
    .option("--limit <n>", "most rows to print", "1000")
    .option("--format <format>", "table, json or csv", "table")
    .option("--explain", "also say why each failed or waiting row did not arrive, and who must act (reason, responsible, explanation)")
    .option("--lang <lang>", "ja or en (default: from the locale)")
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const o = opts as Record<string, string | undefined>;
      const lang = resolveLang(o.lang);
      const format = parseFormat(o.format ?? "table", FORMATS);
      const query = traceQueryOf(o);
      const store = await openStore(defaultStoreUrl(o.store));
      try {
        // One row more than the limit says whether the rows shown are all there is.
        const limit = query.limit ?? DEFAULT_LIMIT;
        const rows = await searchTrace(store, { ...query, limit: limit + 1 });
        const more = rows.length > limit;
        if (more) rows.length = limit;
        if (format === "table" && rows.length === 0) {
          process.stderr.write(`${t(lang, "trace.no-rows")}\n`);
          return;
        }
        let columns = format === "table" ? TABLE_COLUMNS : TRACE_COLUMNS;
        if (opts.explain) {
          const extra = explainColumns(rows, lang);
          // A table keeps its width: the reason, who and the explanation in place of relay and detail.
          columns = [...(format === "table" ? columns.filter((c) => c.key !== "relay" && c.key !== "detail") : columns), ...extra];
        }
        process.stdout.write(`${formatRows(rows, columns, format)}\n`);
        if (more) process.stderr.write(`${t(lang, "trace.more-rows", { n: limit })}\n`);
      } finally {
        await store.close();
      }
    });
}
