/** `mailtrace ingest FILE...`: read MTA logs into the store (idempotent; gzip and `-` accepted). */
import type { Command } from "commander";
import { UserError } from "../core/errors.ts";
import { resolveLang, t } from "../i18n/index.ts";
import { followFiles } from "../logs/follow.ts";
import { type IngestOptions, ingestFiles } from "../logs/ingest.ts";
import { addressText, checkListen, type ListenAddress, parseListen, type ReceiveSummary, receiveSyslog } from "../logs/receive.ts";
import { checkZone } from "../logs/syslog.ts";
import { DryRunStore } from "../store/dry-run.ts";
import { defaultStoreUrl, openStore, sqlitePath } from "../store/open.ts";

export function parseYear(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{4}$/.test(v)) throw new UserError(`--year must be a four-digit year, not "${v}"`);
  return Number(v);
}

export function parseZone(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  try {
    checkZone(v);
  } catch {
    throw new UserError(`unknown time zone "${v}" (use an IANA name such as Asia/Tokyo or UTC)`);
  }
  return v;
}

function progressBar(path: string, bytes: number, total: number | undefined, lines: number): string {
  const mb = (bytes / 1048576).toFixed(0);
  if (!total) return `\r${path}: ${mb} MB, ${lines} lines`;
  const pct = Math.min(100, Math.floor((bytes / total) * 100));
  return `\r${path}: ${pct}% (${mb} MB, ${lines} lines)`;
}

/** Commander's way to take an option more than once. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  program
    .command("ingest")
    .description("read MTA log files (plain, gzip, or - for stdin) into the trace store")
    .argument("[files...]", "log files; - reads standard input")
    .option("--store <url>", "store URL (default: $MAILTRACE_STORE or sqlite:./mailtrace.db)")
    .option("--year <yyyy>", "year of the first line of logs without a year (default: inferred from the file date)")
    .option("--tz <zone>", "time zone of logs without an offset, e.g. Asia/Tokyo (default: local)")
    .option("--dry-run", "read, parse and correlate the files and print the summary, storing nothing (what a new store would get)")
    .option("--from-start", "read every file from its first line, also what an earlier ingest read (default: go on from where it stopped)")
    .option("--follow", "after reading the files, keep reading what is added to them (log rotation too) until stopped (Ctrl-C, SIGTERM)")
    .option("--poll <seconds>", "with --follow or --listen: how often to look at the files (the spool)", "2")
    .option("--listen <addr>", "receive syslog instead of reading files: udp:[HOST:]PORT, tcp:... or tls:... (repeatable; HOST 127.0.0.1 unless tls:)", collect, [])
    .option("--spool <dir>", "with --listen: where received lines wait for ingest (default: the store file's name + .spool)")
    .option("--tls-cert <file>", "with --listen tls:...: the server's certificate (PEM)")
    .option("--tls-key <file>", "with --listen tls:...: its private key (PEM)")
    .option("--tls-ca <file>", "with --listen tls:...: the CA that signs the senders' client certificates (PEM); senders without one are refused")
    .option("--lang <lang>", "ja or en (default: from the locale)")
    .action(async (files: string[], opts: {
      store?: string; year?: string; tz?: string; lang?: string; fromStart?: boolean; dryRun?: boolean; follow?: boolean; poll: string;
      listen: string[]; spool?: string; tlsCert?: string; tlsKey?: string; tlsCa?: string;
    }) => {
      const lang = resolveLang(opts.lang);
      const year = parseYear(opts.year);
      const tz = parseZone(opts.tz);
      const pollSeconds = Number(opts.poll);
      if (!(pollSeconds >= 0.1 && pollSeconds <= 3600)) throw new UserError(`--poll must be a number of seconds from 0.1 to 3600, not "${opts.poll}"`);
      if (opts.follow && opts.dryRun) throw new UserError("--follow and --dry-run do not go together: a dry run stores nothing to follow on from");
      const listen: ListenAddress[] = opts.listen.map(parseListen);
      const tls = { cert: opts.tlsCert, key: opts.tlsKey, ca: opts.tlsCa };
      let spool = opts.spool;
      if (listen.length) {
        if (files.length) throw new UserError("--listen takes no files: follow them with another ingest --follow into the same store");
        if (opts.dryRun || opts.follow) throw new UserError("--listen does not go with --dry-run or --follow");
        checkListen(listen, tls);
        const path = sqlitePath(defaultStoreUrl(opts.store));
        spool ??= path && path !== ":memory:" ? `${path}.spool` : undefined;
        if (!spool) throw new UserError("--listen needs --spool DIR for this store");
      } else {
        if (!files.length) throw new UserError("ingest needs log files, - for standard input, or --listen");
        if (opts.spool || opts.tlsCert || opts.tlsKey || opts.tlsCa) throw new UserError("--spool and --tls-* go with --listen");
      }
      const store = opts.dryRun ? new DryRunStore() : await openStore(defaultStoreUrl(opts.store));
      const tty = process.stderr.isTTY;
      let shown = false;
      const added = { lines: 0, messages: 0 };
      // --follow: the first signal ends it after the poll under way; a second one, at once.
      const stop = new AbortController();
      const onSignal = () => {
        stop.abort();
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      };
      if (opts.follow || listen.length) {
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
      }
      try {
        const ingestOpts: IngestOptions = {
          year, tz, fromStart: opts.fromStart === true,
          onProgress: tty
            ? (p) => {
                shown = true;
                process.stderr.write(progressBar(p.path, p.bytes, p.total, p.lines));
              }
            : undefined,
          onFile: (f) => {
            if (shown) {
              process.stderr.write("\r\x1b[K");
              shown = false;
            }
            if (f.error) process.stderr.write(`mailtrace: ${f.path}: ${f.error}\n`);
          },
        };
        // On a terminal, one line that says what the looks have added so far.
        const onPoll = tty
          ? (s: { lines: number; messages: number }) => {
              added.lines += s.lines;
              added.messages += s.messages;
              shown = true;
              process.stderr.write(`\r${t(lang, "trace.follow-status", added)}`);
            }
          : undefined;
        const onBusy = (message: string) => process.stderr.write(`mailtrace: ${message}\n`);
        const summary = listen.length
          ? await receiveSyslog(store, {
              ...ingestOpts, listen, spool: spool as string, tls: tls as { cert: string; key: string; ca: string }, pollMs: pollSeconds * 1000,
              signal: stop.signal, onBusy, onPoll,
              onListening: (bound) => process.stderr.write(`${t(lang, "trace.listening", { addresses: bound.map(addressText).join(", "), spool: spool as string })}\n`),
            })
          : opts.follow
            ? await followFiles(store, files, { ...ingestOpts, pollMs: pollSeconds * 1000, signal: stop.signal, onBusy, onPoll })
            : await ingestFiles(store, files, ingestOpts);
        process.stdout.write(`${t(lang, "trace.ingest-summary", {
          lines: summary.lines, events: summary.events, messages: summary.messages, unparsed: summary.unparsed,
          other: summary.otherPrograms, files: summary.files,
        })}${summary.resumed + summary.unchanged ? t(lang, "trace.ingest-resumed", { resumed: summary.resumed, unchanged: summary.unchanged }) : ""}${
          opts.dryRun ? t(lang, "trace.ingest-dry-run") : ""
        }\n`);
        if (listen.length) process.stdout.write(`${t(lang, "trace.received", { received: (summary as Partial<ReceiveSummary>).received })}\n`);
        // A dry run is how a new log is tried out: show what was not understood.
        if (opts.dryRun) for (const line of summary.unparsedSamples) process.stderr.write(`${t(lang, "trace.ingest-unparsed-line", { line })}\n`);
        if (summary.errors.length) process.exitCode = 1;
      } finally {
        if (shown) process.stderr.write("\r\x1b[K");
        onSignal();
        await store.close();
      }
    });
}
