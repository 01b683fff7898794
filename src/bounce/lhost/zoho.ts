/**
 * Zoho Mail: the address at the start of a line, then "Invalid Address, ERROR_CODE :550,
 * ERROR_CODE :5.1.1 ...", or, in the delay warnings, "[Status: Error, Address: <addr>,
 * ResponseCode 421, , Host not reachable.]". The returned header follows after a blank line
 * ("Received:from mail.zoho.com by mx.zohomail.com ...").
 */
import { findAddress, isAddress } from "../smtp.ts";
import type { LhostModule } from "../types.ts";
import { originalOf, splitAt, textBlocks } from "./common.ts";

const MARKERS = [/^Received: *from \S+ by mx\.zohomail\.com.*$/im, /^Content-Type:[ \t]*message\/rfc822[^\n]*$/im];

export const zoho: LhostModule = {
  name: "zoho",
  detect: (mail) => /mailer-daemon@mail\.zoho\.com/i.test(mail.from) || mail.headers.has("x-zohomail"),
  parse(mail) {
    const [head] = splitAt(mail.body, MARKERS);
    const records = textBlocks(head, (line) => {
      const status = /^\[Status: [^,\]]*, Address: <([^<>\s]+@[^<>\s]+)>/.exec(line);
      if (status) return isAddress(status[1]) ? status[1] : undefined;
      const m = /^([^\s@<>]+@[^\s<>]+)\s+\S/.exec(line);
      const a = m ? findAddress(m[1]) : "";
      return a && isAddress(a) ? a : undefined;
    }, { keepFirstLine: true });
    const delayed = /temporar|will be retried|queued|THIS IS A WARNING MESSAGE ONLY/i.test(head);
    for (const r of records) {
      const raw = r.diagnosticCode ?? "";
      const reply = /(?:ERROR_CODE :|ResponseCode )([245]\d\d)\b/.exec(raw);
      if (reply) r.replyCode = reply[1];
      r.diagnosticCode = raw
        .replace(/^\[Status: [^,\]]*, Address: <[^<>]*>,\s*/, "")
        .replace(/\]\s*$/, "")
        .replace(/ERROR_CODE :/g, "")
        .replace(/ResponseCode /g, "");
      r.action = delayed ? "delayed" : "failed";
      // Zoho's own phrase for a destination it could not connect to until it gave up.
      if (/Host not reachable/i.test(raw)) r.reason = "expired";
    }
    return { records, original: originalOf(mail, MARKERS) };
  },
};
