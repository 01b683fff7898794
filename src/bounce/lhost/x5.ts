/**
 * Unknown MTA #5 (sisimai's "X5"): a relay that wraps the real bounce. The outer mail goes
 * to "NotificationRecipients" from "Mail Delivery Subsystem" (an ISO-2022-JP encoded-word)
 * and carries the real RFC 3464 report as a message/rfc822 part; the delivery-status
 * fields and the returned original sit inside that nested message.
 */
import type { ParsedMail } from "../mime.ts";
import { decodeWords } from "../origin.ts";
import { originalPart, readDeliveryStatus } from "../rfc3464.ts";
import type { LhostModule } from "../types.ts";
import { headerOf } from "./common.ts";

function isX5(mail: ParsedMail): boolean {
  let score = 0;
  if (headerOf(mail, "to").includes("NotificationRecipients")) score++;
  if (decodeWords(headerOf(mail, "from")).includes("Mail Delivery Subsystem")) score++;
  if (decodeWords(headerOf(mail, "subject")).includes("Mail Delivery Subsystem")) score++;
  return score >= 2;
}

/** The body of the MIME part that starts after `marker` in a raw nested message. */
function nestedPart(raw: string, marker: RegExp): string {
  const m = marker.exec(raw);
  if (!m) return "";
  const rest = raw.slice(m.index + m[0].length);
  const blank = rest.search(/\n[ \t]*\n/);
  const body = blank >= 0 ? rest.slice(blank).replace(/^\s*\n/, "") : rest;
  const end = body.search(/^--[^\n]*$/m);
  return end >= 0 ? body.slice(0, end) : body;
}

export const x5: LhostModule = {
  name: "x5",
  detect: isX5,
  parse(mail) {
    const inner = originalPart(mail).replace(/\r/g, "");
    if (!inner) return undefined;
    const ds = nestedPart(inner, /^Content-Type:[ \t]*message\/delivery-status[^\n]*$/im);
    if (!ds) return undefined;
    const records = readDeliveryStatus(ds);
    if (records.length === 0) return undefined;
    const m = /^Content-Type:[ \t]*(message\/rfc822|text\/rfc822-headers)[^\n]*$/im.exec(inner);
    let original = "";
    if (m) {
      const rest = inner.slice(m.index + m[0].length);
      const blank = rest.search(/\n[ \t]*\n/);
      original = blank >= 0 ? rest.slice(blank).replace(/^\s*\n/, "") : rest;
    }
    return { records, original };
  },
};
