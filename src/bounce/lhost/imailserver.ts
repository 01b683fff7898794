/**
 * Ipswitch / Progress IMail Server (X-Mailer "<SMTP32 v...>"): one line per recipient,
 * "Unknown user: addr", "Delivery failed 20 attempts: addr", "undeliverable to addr", and
 * sometimes "Body of message generated response:" with the remote reply after it. The
 * original follows "Original message follows.". The leading phrases are IMail's own fixed
 * wording, so the reason for the ones we know is taken from them.
 */
import type { Reason } from "../reason.ts";
import type { ParsedMail } from "../mime.ts";
import { findAddress, findCommand, isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { headerOf, oneLine, originalOf, splitAt } from "./common.ts";

const MARKERS = [/^Original message follows\.\s*$/m];

/** IMail's fixed phrases (lower case) -> reason. */
const IMAIL_TEXTS: Array<[RegExp, Reason]> = [
  [/^unknown host\b/, "hostunknown"],
  [/^(?:unknown user|invalid final delivery userid)\b/, "userunknown"],
  [/^user mailbox exceeds allowed size\b/, "mailboxfull"],
  [/requested action not taken: virus detected/, "virusdetected"],
  [/blacklisted url in message/, "spamdetected"],
  [/^delivery failed \d+ attempts\b/, "expired"],
];

function isIMail(mail: ParsedMail): boolean {
  const mailer = headerOf(mail, "x-mailer");
  if (/^\s*<SMTP32 v/i.test(mailer) || /\bIMail\b/i.test(mailer)) return true;
  return /^\s*Undeliverable Mail\s*$/i.test(mail.subject);
}

export const imailserver: LhostModule = {
  name: "imailserver",
  detect: isIMail,
  parse(mail) {
    const [head] = splitAt(mail.body, MARKERS);
    const records: DeliveryRecord[] = [];
    const response: string[] = [];
    let inResponse = false;
    for (const raw of head.split("\n")) {
      const line = raw.trim();
      // "Unknown user: addr" (a phrase of words, then the address) or "undeliverable to addr"
      const m = /^([A-Za-z][A-Za-z0-9 ]{3,}?):\s+(\S+@\S+)\s*$/.exec(line) ?? /^(undeliverable to)\s+(\S+@\S+)\s*$/i.exec(line);
      const a = m ? findAddress(m[2]) : "";
      if (a && isAddress(a)) {
        inResponse = false;
        if (!records.some((r) => r.recipient === a)) records.push({ recipient: a, diagnosticCode: line, action: "failed" });
        continue;
      }
      if (/Body of message generated response:/i.test(line)) {
        inResponse = true;
        response.push(line);
        continue;
      }
      if (inResponse && line) response.push(line);
    }
    if (records.length === 0) return undefined;
    const extra = oneLine(response.join(" "));
    for (const r of records) {
      const own = r.diagnosticCode ?? "";
      const hit = IMAIL_TEXTS.find(([re]) => re.test(own.toLowerCase()) || re.test(extra.toLowerCase()));
      r.diagnosticCode = extra ? `${extra} ${own}` : own;
      if (hit) r.reason = hit[1];
      r.smtpCommand = findCommand(r.diagnosticCode) || undefined;
    }
    return { records, original: originalOf(mail, MARKERS) };
  },
};
