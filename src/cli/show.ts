/** `mailtrace show KEY`: one message (queue ID or Message-ID) with linked entries, recipients and timeline. */
import type { Command } from "commander";
import { UserError } from "../core/errors.ts";
import { type Lang, resolveLang, t } from "../i18n/index.ts";
import { formatTime } from "../logs/syslog.ts";
import { defaultStoreUrl, openStore } from "../store/open.ts";
import type { ShowMessage, ShowRecipient, ShowResult } from "../store/store.ts";
import { explainOutcome, type RefusalContext } from "../trace/explain.ts";
import { withPassedOn } from "../trace/hops.ts";
import { formatJson, parseFormat } from "./output.ts";

const FORMATS = ["text", "json"] as const;

/** The JSON shape fixed by issue 3: `{ messages, recipients, events: [{ time, host, program, queueId, kind, recipient, dsn, text }] }`. */
export function showJson(r: ShowResult, lang: Lang): unknown {
  return {
    messages: r.messages.map((m) => ({
      time: formatTime(m.time, m.offset), host: m.host, queueId: m.queueId, messageId: m.messageId, sender: m.sender,
      size: m.size, nrcpt: m.nrcpt, clientHost: m.clientHost, clientIp: m.clientIp, saslUsername: m.saslUsername,
      subject: m.subject, origin: m.origin, removed: m.removedTime === null ? null : formatTime(m.removedTime, m.offset),
      link: m.link ? { kind: m.link.kind, from: r.messages.find((x) => x.id === m.link?.from)?.queueId ?? null } : null,
    })),
    recipients: r.recipients.map((x) => ({
      queueId: x.queueId, recipient: x.recipient || null, origTo: x.origTo, status: x.status, dsn: x.dsn, relay: x.relay,
      delay: x.delay, detail: x.detail, time: formatTime(x.time, x.offset), explanation: explainOutcome(x, lang, refusalContext(r, x)) ?? null,
    })),
    events: r.events.map((e) => ({
      time: formatTime(e.time, e.offset), host: e.host, program: e.program, queueId: e.queueId, kind: e.kind,
      recipient: e.recipient, dsn: e.dsn, text: e.text,
    })),
  };
}

/** The sender and sending server of a recipient's message, for the texts of a refusal. */
function refusalContext(r: ShowResult, x: ShowRecipient): RefusalContext {
  const m = r.messages.find((y) => y.id === x.message);
  return { sender: m?.sender, client: m ? clientOf(m) : null, host: m?.host };
}

/** The sending client as Postfix writes it, `host[ip]`, or null when none was logged. */
function clientOf(m: ShowMessage): string | null {
  return m.clientHost || m.clientIp ? `${m.clientHost ?? ""}[${m.clientIp ?? ""}]` : null;
}

function showText(r: ShowResult, lang: Lang): string {
  const out: string[] = [];
  for (const m of r.messages) {
    const link = m.link ? ` (${t(lang, `trace.link.${m.link.kind}`)} ← ${r.messages.find((x) => x.id === m.link?.from)?.queueId ?? "?"})` : "";
    out.push(`${t(lang, "trace.show-message")} ${m.queueId} @ ${m.host}${link}`);
    const fields: Array<[string, unknown]> = [
      ["time", formatTime(m.time, m.offset)], ["message-id", m.messageId], ["from", m.sender], ["size", m.size],
      ["client", clientOf(m)],
      ["sasl", m.saslUsername], ["subject", m.subject],
    ];
    for (const [k, v] of fields) if (v !== null && v !== undefined && v !== "") out.push(`  ${k}: ${v}`);
  }
  out.push("", `${t(lang, "trace.show-recipients")}:`);
  for (const x of r.recipients) {
    const asSent = x.origTo && x.origTo.toLowerCase() !== x.recipient.toLowerCase() ? `  [${t(lang, "trace.show-orig-to", { address: x.origTo })}]` : "";
    out.push(`  ${x.queueId}  ${x.recipient || "-"}${asSent}  ${x.status}${x.dsn ? ` ${x.dsn}` : ""}${x.relay ? `  relay=${x.relay}` : ""}${x.detail ? `  (${x.detail})` : ""}`);
    // Why it did not arrive, and who must act (as `mailtrace bounce` says it).
    const why = explainOutcome(x, lang, refusalContext(r, x));
    if (why) {
      out.push(`      ${why.reason}: ${why.summary}`);
      out.push(`      ${t(lang, "bouncereport.responsible")}: ${t(lang, `bouncereport.who.${why.responsible}`)}`);
      for (const a of why.actions) out.push(`      - ${a}`);
    }
  }
  out.push("", `${t(lang, "trace.show-events")}:`);
  for (const e of r.events) out.push(`  ${formatTime(e.time, e.offset)}  ${e.host}  ${e.program}  ${e.queueId}  ${e.text}`);
  return out.join("\n");
}

export function register(program: Command): void {
  program
    .command("show")
    .description("one message by queue ID or Message-ID: linked queue entries, recipients and the whole timeline")
    .argument("<key>", "queue ID or Message-ID")
    .option("--store <url>", "store URL (default: $MAILTRACE_STORE or sqlite:./mailtrace.db)")
    .option("--format <format>", "text or json", "text")
    .option("--lang <lang>", "ja or en (default: from the locale)")
    .action(async (key: string, opts: { store?: string; format: string; lang?: string }) => {
      const format = parseFormat(opts.format, FORMATS);
      const lang = resolveLang(opts.lang);
      const store = await openStore(defaultStoreUrl(opts.store));
      try {
        const r = withPassedOn(await store.show(key));
        if (!r.messages.length) throw new UserError(t(lang, "trace.not-found", { key }), 1);
        process.stdout.write(`${format === "json" ? formatJson(showJson(r, lang)) : showText(r, lang)}\n`);
      } finally {
        await store.close();
      }
    });
}
