/**
 * Hand-written test mails for the formats that another reader parses (a standard DSN, Exim's,
 * qmail's, Postfix's or Exchange's text) and that their own signs name: a DSN built here, or
 * one of our fixtures with a format's headers put in front.
 */
import { readFileSync } from "node:fs";
import { analyzeMail } from "../../../src/bounce/analyze.ts";
import type { Bounce } from "../../../src/bounce/types.ts";

export function fixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
}

export function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "latin1");
}

/** A fixture with header lines added at the top and others (matching `drop`) removed. */
export function withHeaders(name: string, add: string[], drop: RegExp[] = []): Buffer {
  const text = fixtureText(name);
  const cut = text.indexOf("\n\n");
  const head = text.slice(0, cut).split("\n").filter((l) => !drop.some((re) => re.test(l)));
  return Buffer.from(`${[...add, ...head].join("\n")}${text.slice(cut)}`, "latin1");
}

export interface DsnMail {
  headers: string[];
  /** The human-readable part. */
  human: string;
  recipient?: string;
  status?: string;
  diagnostic?: string;
  reportingMta?: string;
  /** Extra per-message fields of the report. */
  fields?: string[];
}

/** A multipart/report DSN with the given headers and texts (and an original's headers). */
export function dsnMail(m: DsnMail): Buffer {
  const b = "mailtrace-test-boundary";
  const rcpt = m.recipient ?? "nobody@rcpt.mailtrace.test";
  return Buffer.from(
    [
      ...m.headers,
      "MIME-Version: 1.0",
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${b}"`,
      "",
      `--${b}`,
      "Content-Type: text/plain; charset=us-ascii",
      "",
      m.human,
      "",
      `--${b}`,
      "Content-Type: message/delivery-status",
      "",
      `Reporting-MTA: dns; ${m.reportingMta ?? "mx.sender.mailtrace.test"}`,
      ...(m.fields ?? []),
      "",
      `Final-Recipient: rfc822; ${rcpt}`,
      "Action: failed",
      `Status: ${m.status ?? "5.1.1"}`,
      `Diagnostic-Code: smtp; ${m.diagnostic ?? `550 5.1.1 <${rcpt}>: Recipient address rejected: User unknown`}`,
      "",
      `--${b}`,
      "Content-Type: text/rfc822-headers",
      "",
      "From: Taro <taro@sender.mailtrace.test>",
      `To: ${rcpt}`,
      "Subject: Test message",
      "Message-ID: <built-original@sender.mailtrace.test>",
      "",
      `--${b}--`,
      "",
    ].join("\n"),
  );
}

export async function bouncesOf(bytes: Buffer, file = "test.eml"): Promise<Bounce[]> {
  return (await analyzeMail(bytes, file)).bounces;
}
