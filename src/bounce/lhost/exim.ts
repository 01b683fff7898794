/**
 * Exim (also the Exim-based bounces of Mail.ru, MXLogic and others): "The following
 * address(es) failed:", each address on an indented line, the error indented below it.
 * Variants on the address line itself:
 *  - "  <addr>: 550 ..." (MXLogic) or "  addr: forced freeze": the error follows the colon;
 *  - "  addr <other>: malformed address: ..." (Exim's address parser, "A message that you
 *    sent contained one or more recipient addresses that were incorrectly constructed"):
 *    the recipient is the address in brackets, the line is the error.
 */
import type { ParsedMail } from "../mime.ts";
import { findAddress, findCommand, isAddress } from "../smtp.ts";
import type { LhostModule } from "../types.ts";
import { dsnRecords, headerOf, mergeRecords, oneLine, originalOf, splitAt, textBlocks } from "./common.ts";

const MARKERS = [
  /^-+ This is a copy of (the|your) message.*$/im,
  /^-+ The body of the message is .*$/im,
  /^-+ This is a copy of the message, including all the headers.*$/im,
  /^Content-Type:[ \t]*(message\/rfc822|text\/rfc822-headers)[^\n]*$/im,
  /^-+ Original message -+$/im,
  // MXLogic (McAfee SaaS), an Exim derivative, returns only the headers.
  /^Included is a copy of the message header:[ \t]*$/im,
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
    const start = head.search(/address(es)? failed:|incorrectly constructed:|following address(es)?|could not be delivered to|has not yet been delivered to the following|has been frozen|was frozen|recipients:|failed:/i);
    const body = start >= 0 ? head.slice(head.indexOf("\n", start) + 1) : head;
    // The part of an address line that is already the error, by recipient, with the line.
    const inline = new Map<string, [string, string]>();
    const recs = textBlocks(body, (line) => {
      const m = /^ {1,2}(\S+@\S+?|pipe to \|.*|save to .*)(?:\s+<[^>]+>)?\s*$/.exec(line);
      if (m) {
        const a = findAddress(line);
        return a && isAddress(a) ? a : undefined;
      }
      const bad = /^ {1,2}[^\s<>@]+@[^\s<>]+\s+<([^<>\s]+@[^<>\s]+)>:\s*(.+)$/.exec(line);
      if (bad && isAddress(bad[1])) {
        inline.set(bad[1], [line, line.trim()]);
        return bad[1];
      }
      const said = /^ {1,2}<?([^\s<>@:]+@[^\s<>:]+?)>?:\s+(\S.*)$/.exec(line);
      if (said && isAddress(said[1])) {
        inline.set(said[1], [line, said[2].trim()]);
        return said[1];
      }
      return undefined;
    });
    for (const r of recs) {
      const first = inline.get(r.recipient);
      if (!first) continue;
      // The error is the rest of that paragraph; the text after a blank line is Exim's advice.
      const at = body.indexOf(first[0]) + first[0].length;
      const end = body.indexOf("\n\n", at);
      r.diagnosticCode = oneLine(`${first[1]} ${body.slice(at, end < 0 ? undefined : end)}`);
    }
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
