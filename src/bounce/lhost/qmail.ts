/**
 * qmail and its relatives (qmail-send, Yahoo!'s and other qmail-derived systems, vpopmail):
 * "<addr>:" on its own line, the error below it, "--- Below this line is a copy of the message."
 */
import type { ParsedMail } from "../mime.ts";
import { findAddress } from "../smtp.ts";
import type { LhostModule } from "../types.ts";
import { originalOf, splitAt, textBlocks } from "./common.ts";

const MARKERS = [/^--- ?Below this line is a copy of the message\.?.*$/im, /^--- ?Original message follows\.?.*$/im, /^--- ?Enclosed are the original headers of the message\.?.*$/im, /^Content-Type:[ \t]*message\/rfc822[^\n]*$/im];

function isQmail(mail: ParsedMail): boolean {
  if (/This is the qmail-send program|qmail-send program at|I'm afraid I wasn't able to deliver your message|Sorry, we were unable to deliver your message|I tried to deliver a bounce message|Unable to deliver message to the following address/i.test(mail.text)) return true;
  return /^failure notice$/i.test(mail.subject.trim()) && MARKERS[0].test(mail.body);
}

export const qmail: LhostModule = {
  name: "qmail",
  detect: isQmail,
  parse(mail) {
    const [head] = splitAt(mail.body, MARKERS);
    const records = textBlocks(head, (line) => {
      const m = /^<([^<>\s]+@[^<>\s]+)>:?\s*$/.exec(line.trim());
      return m ? findAddress(`<${m[1]}>`) : undefined;
    }, { stopAtBlank: true });
    for (const r of records) {
      const d = r.diagnosticCode ?? "";
      const cmd = /(?:most progress was|for|after)\s+(RCPT TO|MAIL FROM|DATA|HELO|EHLO)\b/i.exec(d) ?? /\[(RCPT_TO|MAIL_FROM|DATA)\]/i.exec(d);
      if (cmd) r.smtpCommand = cmd[1].replace("_", " ");
      // qmail-remote's own words say which command the remote host refused.
      else if (/\bdoes not like recipient\b/i.test(d)) r.smtpCommand = "RCPT";
      else if (/\bdoes not like sender\b/i.test(d)) r.smtpCommand = "MAIL";
      else if (/\bfailed after I sent the message\b/i.test(d)) r.smtpCommand = "DATA";
      else if (/\bdid not like my (?:HELO|EHLO)\b/i.test(d)) r.smtpCommand = "HELO";
      const host = /remote host\s+([A-Za-z0-9.-]+\.[A-Za-z]{2,}|\d+\.\d+\.\d+\.\d+)\s+said/i.exec(d);
      if (host) r.remoteMta = host[1];
      if (/temporary|will keep trying/i.test(head.slice(0, 600)) && !/permanent error/i.test(head.slice(0, 600))) r.action = "delayed";
    }
    return { records, original: originalOf(mail, MARKERS) };
  },
};
