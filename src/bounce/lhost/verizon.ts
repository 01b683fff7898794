/**
 * Verizon Wireless: SMS/MMS gateway notices from post_master@vtext.com or
 * sysadmin@...vzwpix.com. They name no recipient in the error text: it is the "To:" (or the
 * "RCPT TO:" under "Message details:") of the quoted original. The error lines start with
 * "Error: "; the gateway's wording is a small fixed set ("No valid recipients for this MM",
 * "550 - Requested action not taken: no such user here", both: no such subscriber).
 */
import type { ParsedMail } from "../mime.ts";
import type { Reason } from "../reason.ts";
import { findAddress, isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { headerOf, oneLine } from "./common.ts";

const VOCABULARY: Array<[RegExp, Reason]> = [[/550 - Requested action not taken: no such user here|No valid recipients/i, "userunknown"]];

function isVerizon(mail: ParsedMail): boolean {
  const from = headerOf(mail, "from") || mail.from;
  return /post_master@vtext\.com/i.test(from) || /sysadmin@\S*\.vzwpix\.com/i.test(from);
}

export const verizon: LhostModule = {
  name: "verizon",
  detect: isVerizon,
  parse(mail) {
    const text = (mail.text || mail.body).replace(/\r/g, "");
    const cut = text.search(/^(Original Message:|Message details:)[ \t]*$/m);
    if (cut < 0) return undefined;
    const head = text.slice(0, cut);
    let tail = text.slice(text.indexOf("\n", cut) + 1);
    const details = /^Message details:/.test(text.slice(cut));
    if (details) {
      // An indented summary: rename its fields so it reads as a header block.
      tail = tail
        .split("\n")
        .map((l) => l.replace(/^\s+/, ""))
        .join("\n")
        .replace(/^Sent date:/m, "Date:")
        .replace(/^MAIL FROM:/m, "Return-Path:")
        .replace(/^RCPT TO:/m, "To:");
    }
    const start = head.search(/^Error: /m);
    if (start < 0) return undefined;
    const lines = head
      .slice(start)
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !/^-{2,}/.test(l) && !/^Content-[A-Za-z-]+:/i.test(l));
    const toLine = /^To:[ \t]*(.+)$/m.exec(tail)?.[1] ?? "";
    const recipient = findAddress(toLine) || toLine.trim();
    if (!isAddress(recipient)) return undefined;
    const d = oneLine(lines.join(" "));
    const record: DeliveryRecord = { recipient, action: "failed", diagnosticCode: d };
    const hit = VOCABULARY.find(([re]) => re.test(d));
    if (hit) record.reason = hit[1];
    const reply = /(?:^|\s)([45]\d\d) - /.exec(d);
    if (reply) record.replyCode = reply[1];
    return { records: [record], original: tail };
  },
};
