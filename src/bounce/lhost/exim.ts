/**
 * Exim (also the Exim-based bounces of Mail.ru, MXLogic and others): "The following
 * address(es) failed:", each address on an indented line, the error indented below it.
 */
import type { ParsedMail } from "../mime.ts";
import { findAddress, findCommand, isAddress } from "../smtp.ts";
import type { LhostModule } from "../types.ts";
import { dsnRecords, headerOf, mergeRecords, originalOf, splitAt, textBlocks } from "./common.ts";

const MARKERS = [
  /^-+ This is a copy of (the|your) message.*$/im,
  /^-+ The body of the message is .*$/im,
  /^-+ This is a copy of the message, including all the headers.*$/im,
  /^Content-Type:[ \t]*(message\/rfc822|text\/rfc822-headers)[^\n]*$/im,
  /^-+ Original message -+$/im,
];

function looksExim(mail: ParsedMail): boolean {
  if (mail.headers.has("x-failed-recipients")) return true;
  const id = headerOf(mail, "message-id");
  if (/^<?E1[0-9A-Za-z]{5}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2}@/.test(id)) return true;
  if (/^(Mail delivery failed|Mail failure|Warning: message .* delayed|Message frozen)/i.test(mail.subject) && /mailer-daemon/i.test(mail.from)) return true;
  return /This message was created automatically by mail delivery software|could not be delivered to one or more of its\s+recipients/i.test(mail.text);
}

export const exim: LhostModule = {
  name: "exim",
  detect: looksExim,
  parse(mail) {
    const [head] = splitAt(mail.body, MARKERS);
    const delayed = /has not yet been delivered|delayed|is still in the queue|retry time not reached/i.test(head.slice(0, 2000)) && !/permanent error|failed:/i.test(head.slice(0, 1500));
    const start = head.search(/address(es)? failed:|following address(es)?|could not be delivered to|has not yet been delivered to the following|has been frozen|was frozen|recipients:|failed:/i);
    const body = start >= 0 ? head.slice(head.indexOf("\n", start) + 1) : head;
    const recs = textBlocks(body, (line) => {
      const m = /^ {1,2}(\S+@\S+?|pipe to \|.*|save to .*)(?:\s+<[^>]+>)?\s*$/.exec(line);
      if (!m) return undefined;
      const a = findAddress(line);
      return a && isAddress(a) ? a : undefined;
    });
    for (const r of recs) {
      const d = r.diagnosticCode ?? "";
      r.smtpCommand = /SMTP error from remote (mail server|mailer) after\s+([A-Z]+(?: [A-Z]+)?|end of data|initial connection)/i.exec(d)?.[2] ?? findCommand(d);
      const host = /host\s+([A-Za-z0-9.-]+\.[A-Za-z]{2,})\s*\[/.exec(d);
      if (host) r.remoteMta = host[1];
      if (delayed) r.action = "delayed";
      else r.action = "failed";
    }
    if (recs.length === 0) {
      for (const v of mail.headers.get("x-failed-recipients") ?? []) {
        for (const a of v.split(",")) {
          const addr = findAddress(a.trim()) || a.trim();
          if (isAddress(addr)) recs.push({ recipient: addr, diagnosticCode: body.replace(/\s+/g, " ").trim().slice(0, 500) });
        }
      }
    }
    const records = mergeRecords(dsnRecords(mail), recs);
    return { records, original: originalOf(mail, MARKERS) };
  },
};
