/**
 * The last resort for bounces of no known format: a mail from a mailer daemon or postmaster
 * about a failed delivery, whose readable part names the failed addresses in free text
 * ("User's mailbox is full: <a@example.jp>", "a@example.jp ... unknown host"). Each address
 * named outside header-like lines becomes a record with its line as the diagnostic; the
 * returned message (after a copy marker or at the first Received: line) is not searched.
 */
import { RFC822_MARKERS, splitAt } from "./lhost/common.ts";
import type { ParsedMail } from "./mime.ts";
import { originalPart } from "./rfc3464.ts";
import { findAddress, isAddress } from "./smtp.ts";
import type { DeliveryRecord, FormatResult } from "./types.ts";

const DAEMON = /mailer-daemon|postmaster|mail ?delivery|mail ?administrator|\bmailer\b|\bdaemon\b/i;
const FAILURE_SUBJECT =
  /undeliver|returned mail|returning|delivery (?:status|failure|failed|problem|notification)|(?:mail|delivery) (?:failed|failure|error)|failure notice|non[- ]?deliver|not (?:be )?delivered|could not|bounced?|rejected|error|配信|不達|エラー/i;

/** Where the returned message starts in a flattened body. */
const COPY_MARKERS = [
  ...RFC822_MARKERS,
  /^[-|=* \t]*(?:message text follows|original message|returned message|your message follows|below this line is a copy|this is a copy of)[^\n]*$/im,
  /^Received:[ \t]/im,
];

const HEADER_LIKE = /^\s*(?:to|from|cc|bcc|subject|date|message-id|reply-to|return-path|sender)\s*:/i;
/** Lines that name an address to write to, not one that failed. */
const HELP_LINE = /\b(?:contact|send (?:mail|a message|email) to|write to|questions?|assistance|help|support)\b/i;
/** A failure line says something went wrong. */
const FAILURE_WORDS =
  /\b(?:unknown|full|fail|failed|failure|reject|rejected|denied|not|no such|invalid|error|unable|couldn'?t|cannot|refused|expired|timed? ?out|host|exist|reach|deliver|quota|disabled|suspended|blocked|unavailable)\b|できません|存在しません|エラー/i;

/** At most this many recipients are taken from free text (a long list is rather a digest). */
const MAX_RECIPIENTS = 50;

export function parseFreeText(mail: ParsedMail): FormatResult | undefined {
  if (!DAEMON.test(mail.from) || !FAILURE_SUBJECT.test(mail.subject)) return undefined;
  const [head, after] = splitAt(mail.text || mail.body, COPY_MARKERS);
  const own = new Set([findAddress(mail.from), findAddress(mail.to)].filter(Boolean).map((a) => a.toLowerCase()));
  const records: DeliveryRecord[] = [];
  const lines = head.split("\n");
  for (let i = 0; i < lines.length && records.length < MAX_RECIPIENTS; i++) {
    const line = lines[i];
    if (HEADER_LIKE.test(line) || HELP_LINE.test(line)) continue;
    for (const m of line.matchAll(/<?[^\s<>()"',;:]+@[A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9]>?/g)) {
      const address = findAddress(m[0]);
      if (!isAddress(address) || own.has(address.toLowerCase())) continue;
      if (records.some((r) => r.recipient.toLowerCase() === address.toLowerCase())) continue;
      // A bare address line: the words are on the next line that is not blank.
      let text = line.trim();
      if (text.replace(m[0], "").trim().length < 4) text = `${text} ${(lines.slice(i + 1).find((l) => l.trim()) ?? "").trim()}`;
      if (!FAILURE_WORDS.test(text.replace(m[0], ""))) continue;
      records.push({ recipient: address, diagnosticCode: text.replace(/^[|\s]+|[|\s]+$/g, "") });
    }
  }
  if (records.length === 0) return undefined;
  return { records, original: originalPart(mail) || after };
}
