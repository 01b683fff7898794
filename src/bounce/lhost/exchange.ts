/**
 * Microsoft Exchange 2007+ / Office 365 / Exchange Online NDRs. The administrator section
 * names each recipient with the remote reply, either as "Remote Server returned '550 5.1.1
 * ...'" or in the compact form "user@example.com #<host #5.7.1 smtp;530 5.7.1 ...> #SMTP#".
 */
import type { ParsedMail } from "../mime.ts";
import { findAddress, isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { dsnRecords, headerOf, mergeRecords, oneLine, originalOf } from "./common.ts";

const COMPACT = /([^\s<>"]+@[^\s<>"]+)\s*(?:<mailto:[^>]*>)?\s*#<([^>]*?)#(\d\.\d{1,3}\.\d{1,3})\s+(?:smtp;\s*)?([^>]*)>\s*#SMTP#/gi;

function isExchange(mail: ParsedMail): boolean {
  if (mail.headers.has("x-ms-exchange-message-is-ndr") || mail.headers.has("x-ms-exchange-crosstenant-originalarrivaltime")) return true;
  if (/#SMTP#/.test(mail.text)) return true;
  return /Diagnostic information for administrators|Generating server:|Remote Server returned '/i.test(mail.text) && /^(Undeliverable|Non remis|Non recapitabile|Unzustellbar|配信不能|Delivery has failed)/i.test(mail.subject.trim());
}

export const exchange2007: LhostModule = {
  name: "exchange2007",
  detect: isExchange,
  parse(mail) {
    const text = mail.text;
    const recs: DeliveryRecord[] = [];
    for (const m of text.includes("#SMTP#") ? text.matchAll(COMPACT) : []) {
      const a = findAddress(m[1]);
      if (!isAddress(a) || recs.some((r) => r.recipient === a)) continue;
      recs.push({ recipient: a, status: m[3], diagnosticCode: oneLine(m[4]), remoteMta: m[2].trim() });
    }
    const gen = /Generating server:\s*(\S+)/i.exec(text)?.[1] ?? "";
    // "user@example.com\r\nremote.host\r\nRemote Server returned '...'"
    for (const m of text.matchAll(/^([^\s<>]+@[^\s<>]+)\s*\n(?:([A-Za-z0-9.-]+)\s*\n)?\s*Remote Server returned '([^']*)'/gim)) {
      const a = findAddress(m[1]);
      if (!isAddress(a)) continue;
      const existing = recs.find((r) => r.recipient === a);
      if (existing) continue;
      recs.push({ recipient: a, diagnosticCode: oneLine(m[3]), remoteMta: m[2] ?? "", reportingMta: gen });
    }
    const records = mergeRecords(dsnRecords(mail), recs);
    for (const r of records) if (!r.reportingMta && gen) r.reportingMta = gen;
    if (records.length === 0) return undefined;
    return { records, original: originalOf(mail) || headerOf(mail, "x-original-headers") };
  },
};
