/**
 * `mailtrace report --out FILE`: a trace over any range (90 days and more) written as CSV, page
 * by page in constant memory, optionally in the background and with a mail when it is ready.
 * `trace` holds its rows in memory and prints the newest --limit of them; a report has no
 * limit. The file is written as FILE.part and renamed when complete, so a file under the
 * asked name is always whole; a failure leaves FILE.part, and FILE.failed with the error.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { describeError, UserError } from "../core/errors.ts";
import { type Lang, resolveLang, t } from "../i18n/index.ts";
import { defaultStoreUrl, openStore } from "../store/open.ts";
import type { Store, TraceQuery } from "../store/store.ts";
import { tracePages } from "../trace/pages.ts";
import { parseRelay, type ReportMail, sendReportMail } from "../trace/report-mail.ts";
import { csvHeader, csvLines } from "./output.ts";
import { explainColumns, TRACE_COLUMNS, traceQueryOf, withTraceFilters } from "./trace.ts";

/** So that Excel (which reads a CSV without it in the system's code page, Shift_JIS in Japan) reads UTF-8. */
const BOM = "\uFEFF";

export interface WriteOptions {
  lang: Lang;
  explain: boolean;
  bom: boolean;
  onRows?: (rows: number) => void;
}

/**
 * Every row of `query` as CSV text, page by page (the header first): what a report file holds,
 * and what `serve` streams at /api/trace.csv.
 */
export async function* reportCsv(store: Store, query: TraceQuery, opts: WriteOptions): AsyncGenerator<string> {
  const columns = opts.explain ? [...TRACE_COLUMNS, ...explainColumns([], opts.lang)] : TRACE_COLUMNS;
  yield (opts.bom ? BOM : "") + csvHeader(columns);
  let rows = 0;
  for await (const page of tracePages(store, query)) {
    yield csvLines(page, opts.explain ? [...TRACE_COLUMNS, ...explainColumns(page, opts.lang)] : columns);
    rows += page.length;
    opts.onRows?.(rows);
  }
}

/** Writes every row of `query` to `path` (through `path`.part); the row count. */
export async function writeReport(store: Store, query: TraceQuery, path: string, opts: WriteOptions): Promise<number> {
  const part = `${path}.part`;
  const fd = openSync(part, "w", 0o600);
  let rows = 0;
  try {
    for await (const text of reportCsv(store, query, { ...opts, onRows: (n) => { rows = n; opts.onRows?.(n); } })) {
      const b = Buffer.from(text, "utf8");
      for (let off = 0; off < b.length; ) off += writeSync(fd, b, off);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(part, path);
  return rows;
}

/** The search in words, for the mail: the options as given. */
function queryText(o: Record<string, unknown>): string {
  const keys = ["sender", "recipient", "messageId", "queueId", "clientIp", "status", "since", "until", "minDelay"];
  const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const parts = keys.filter((k) => typeof o[k] === "string").map((k) => `${flag(k)} ${o[k]}`);
  // The range a search without one gets (buildTraceQuery's default).
  if (o.since === undefined && o.messageId === undefined && o.queueId === undefined) parts.push("--since 48h");
  return parts.join(" ");
}

function parseAddresses(list: string): string[] {
  const out = list.split(",").map((a) => a.trim()).filter(Boolean);
  for (const a of out) if (!/^[^\s@<>]+@[^\s@<>]+$/.test(a)) throw new UserError(`--mail-to: "${a}" is not a mail address`);
  if (!out.length) throw new UserError("--mail-to names no address");
  return out;
}

export function register(program: Command): void {
  const cmd = program
    .command("report")
    .description("write a trace over any range (90 days and more) as a CSV file, in the background if asked, with a mail when it is ready")
    .requiredOption("--out <file>", "the CSV file to write (written as FILE.part until complete)")
    .option("--store <url>", "store URL (default: $MAILTRACE_STORE or sqlite:./mailtrace.db)");
  withTraceFilters(cmd)
    .option("--explain", "also say why each failed or waiting row did not arrive, and who must act (reason, responsible, explanation)")
    .option("--background", "start the report and return at once; it goes on after this command ends")
    .option("--mail-to <addresses>", "when it is ready (or failed), mail these addresses (comma-separated)")
    .option("--mail-from <address>", "the notification's sender (default: mailtrace@this host)")
    .option("--smtp <host[:port]>", "the SMTP relay for the notification", "127.0.0.1:25")
    .option("--attach", `attach the CSV to the notification when it is at most 10 MB`)
    .option("--no-bom", "leave out the UTF-8 byte order mark (without it, Excel in Japan reads the file as Shift_JIS)")
    .option("--lang <lang>", "ja or en (default: from the locale)")
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const o = opts as Record<string, string | undefined>;
      const lang = resolveLang(o.lang);
      const query = traceQueryOf(o);
      const out = resolve(o.out as string);
      if (existsSync(out)) throw new UserError(`--out ${o.out}: the file exists (choose another name or remove it)`);
      if (!existsSync(dirname(out)) || !statSync(dirname(out)).isDirectory()) throw new UserError(`--out ${o.out}: no such folder ${dirname(out)}`);
      const mail: ReportMail | undefined = o.mailTo === undefined ? undefined : {
        to: parseAddresses(o.mailTo), from: o.mailFrom, relay: parseRelay(o.smtp ?? "127.0.0.1:25"), lang, attach: opts.attach === true,
      };
      if (opts.background) {
        // The same command without --background, on its own: it outlives this one.
        const args = process.argv.slice(2).filter((a) => a !== "--background");
        const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args], { detached: true, stdio: "ignore" });
        child.unref();
        const started = mail ? t(lang, "report.started-mail", { to: mail.to.join(", ") }) : "";
        process.stdout.write(`${t(lang, "report.started", { pid: child.pid ?? "?", path: out, mail: started })}\n`);
        return;
      }
      const t0 = performance.now();
      const tty = process.stderr.isTTY;
      let rows = 0;
      let error: string | undefined;
      let store: Store | undefined;
      try {
        // Opened here, not before: in the background, a store that cannot be read is a failure to mail.
        store = await openStore(defaultStoreUrl(o.store));
        rows = await writeReport(store, query, out, {
          lang, explain: opts.explain === true, bom: opts.bom !== false,
          onRows: (n) => {
            rows = n;
            if (tty) process.stderr.write(`\r${n.toLocaleString("en-US")} rows`);
          },
        });
        rmSync(`${out}.failed`, { force: true });
      } catch (err) {
        error = describeError(err);
        writeFileSync(`${out}.failed`, `${error}\n`);
      } finally {
        if (tty) process.stderr.write("\r\x1b[K");
        await store?.close();
      }
      const seconds = (performance.now() - t0) / 1000;
      if (error === undefined) process.stdout.write(`${t(lang, "report.done", { rows: rows.toLocaleString("en-US"), path: out, seconds: seconds.toFixed(1) })}\n`);
      else process.stderr.write(`mailtrace: ${t(lang, "report.failed-file", { error })}\n`);
      if (mail) {
        try {
          await sendReportMail(mail, { path: out, query: queryText(o), rows, seconds, error });
          process.stderr.write(`${t(lang, "report.mail-sent", { to: mail.to.join(", ") })}\n`);
        } catch (err) {
          process.stderr.write(`mailtrace: ${t(lang, "report.mail-failed", { to: mail.to.join(", "), error: describeError(err) })}\n`);
          process.exitCode = 1;
        }
      }
      if (error !== undefined) process.exitCode = 1;
    });
}
