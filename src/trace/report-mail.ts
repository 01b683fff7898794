/**
 * The mail that says a background report is ready (or failed), sent through an SMTP relay
 * (by default the machine's own MTA on 127.0.0.1:25) with nodemailer. The text comes from the
 * i18n catalogue; the CSV is attached only when asked and when it is small.
 */
import { statSync } from "node:fs";
import { hostname } from "node:os";
import { basename } from "node:path";
import nodemailer from "nodemailer";
import { parseHostPort } from "../core/host-port.ts";
import { type Lang, t } from "../i18n/index.ts";

/** A CSV larger than this is not attached (mail systems refuse big messages). */
export const MAX_ATTACHMENT_BYTES = 10 << 20;

export interface Relay {
  host: string;
  port: number;
}

export interface ReportMail {
  to: string[];
  from?: string;
  relay: Relay;
  lang: Lang;
  attach: boolean;
}

export interface ReportOutcome {
  path: string;
  query: string;
  rows: number;
  seconds: number;
  error?: string;
}

/** `HOST[:PORT]` (IPv6 in brackets), port 25 by default. */
export function parseRelay(spec: string): Relay {
  return parseHostPort(spec, "--smtp", { port: 25 }, "HOST[:PORT], e.g. 127.0.0.1:25");
}

function sizeText(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** Sends the mail; throws (the caller reports it) when the relay refuses it. */
export async function sendReportMail(mail: ReportMail, outcome: ReportOutcome): Promise<void> {
  const host = hostname();
  const { lang } = mail;
  const params = { ...outcome, host, rows: outcome.rows.toLocaleString("en-US"), seconds: outcome.seconds.toFixed(1) };
  let text: string;
  const attachments: { filename: string; path: string; contentType: string }[] = [];
  if (outcome.error === undefined) {
    const size = statSync(outcome.path).size;
    text = t(lang, "report.mail-body-done", { ...params, size: sizeText(size) });
    if (mail.attach && size <= MAX_ATTACHMENT_BYTES) {
      attachments.push({ filename: basename(outcome.path), path: outcome.path, contentType: "text/csv; charset=utf-8" });
      text += `\n\n${t(lang, "report.mail-attached")}`;
    } else if (mail.attach) {
      text += `\n\n${t(lang, "report.mail-too-big", { limit: sizeText(MAX_ATTACHMENT_BYTES), host })}`;
    }
  } else {
    text = t(lang, "report.mail-body-failed", params);
    if (outcome.rows > 0) text += `\n\n${t(lang, "report.mail-partial", params)}`;
  }
  const transport = nodemailer.createTransport({
    host: mail.relay.host, port: mail.relay.port, secure: false, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000,
    // The local relay may offer STARTTLS with a self-signed certificate: use it, but do not fail on it.
    tls: { rejectUnauthorized: false },
  });
  try {
    await transport.sendMail({
      from: mail.from ?? `mailtrace@${host}`,
      to: mail.to,
      subject: t(lang, outcome.error === undefined ? "report.mail-subject-done" : "report.mail-subject-failed", params),
      text,
      attachments,
      headers: { "Auto-Submitted": "auto-generated" },
    });
  } finally {
    transport.close();
  }
}
