/** `mailtrace bounce`: read bounce mails (DSN/NDR) and say what happened and who must act. */
import type { Command } from "commander";
import { analyzeBounces, type Bounce } from "../bounce/analyze.ts";
import { UserError } from "../core/errors.ts";
import { type Lang, resolveLang, t } from "../i18n/index.ts";
import { JsonListWriter, parseFormat } from "./output.ts";

const FORMATS = ["text", "json"] as const;

function textBlock(b: Bounce, lang: Lang): string {
  const L = (k: string) => t(lang, `bouncereport.${k}`);
  const rows: Array<[string, string]> = [
    [L("recipient"), b.recipient],
    [L("sender"), b.addresser],
    [L("status"), [b.status, b.replyCode].filter(Boolean).join(" / ")],
    [L("reason"), `${b.reason} (${b.hardBounce ? L("hard") : L("soft")})`],
    [L("command"), b.smtpCommand],
    [L("remote"), b.remoteMta],
    [L("reporting"), b.reportingMta],
    [L("format"), b.mta],
    [L("diagnostic"), b.diagnosticCode.length > 300 ? `${b.diagnosticCode.slice(0, 300)}…` : b.diagnosticCode],
    [L("original"), [b.origin.subject, b.origin.messageId, b.origin.date].filter(Boolean).join(" | ")],
    [L("summary"), b.explanation.summary],
    [L("responsible"), L(`who.${b.explanation.responsible}`)],
  ];
  const lines = rows.filter(([, v]) => v).map(([k, v]) => `  ${k}: ${v}`);
  if (b.explanation.actions.length) {
    lines.push(`  ${L("actions")}:`);
    for (const a of b.explanation.actions) lines.push(`    - ${a}`);
  }
  return lines.join("\n");
}

export function register(program: Command): void {
  program
    .command("bounce")
    .description("analyse bounce mails (DSN/NDR): reason, status and who must act")
    .argument("<paths...>", ".eml files, mboxes, Maildirs, directories, providers' webhook .json files, or - for stdin")
    .option("--format <format>", "text or json", "text")
    .option("--lang <lang>", "ja or en (default: from the locale)")
    .option("--jobs <n>", "threads for a large batch (default: one per core, at most 4; 1: no worker threads)")
    .action(async (paths: string[], opts: { format: string; lang?: string; jobs?: string }) => {
      const format = parseFormat(opts.format, FORMATS);
      const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
      if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1 && jobs <= 64)) throw new UserError(`--jobs must be a whole number from 1 to 64, not "${opts.jobs}"`);
      if (opts.lang && opts.lang !== "ja" && opts.lang !== "en") throw new UserError(`unknown language "${opts.lang}" (expected ja or en)`);
      const lang = resolveLang(opts.lang);
      let mails = 0;
      let errors = 0;
      let bounces = 0;
      const notes: string[] = [];
      // JSON is written bounce by bounce as the results come: a huge Maildir is never held whole.
      const json = format === "json" ? new JsonListWriter((s) => process.stdout.write(s), "bounces") : undefined;
      for await (const r of analyzeBounces(paths, { lang, jobs })) {
        mails++;
        if (r.error) {
          errors++;
          process.stderr.write(`mailtrace: ${r.error}\n`);
          continue;
        }
        if (r.note) {
          const note = t(lang, "bouncereport.not-a-bounce", { file: r.file });
          notes.push(note);
          if (format === "text") process.stdout.write(`${note}\n`);
          continue;
        }
        bounces += r.bounces.length;
        for (const b of r.bounces) {
          if (json) json.item(b);
          else process.stdout.write(`${b.file}\n${textBlock(b, lang)}\n\n`);
        }
      }
      if (json) json.end({ notes });
      else process.stdout.write(`${t(lang, "bouncereport.totals", { mails, bounces, errors })}\n`);
      // A batch goes on past a bad file, but the exit code says something failed.
      if (errors > 0) process.exitCode = 1;
    });
}
