/** Zoho Mail: the address at the start of a line, then "Invalid Address, ERROR_CODE :550, ...". */
import { findAddress, isAddress } from "../smtp.ts";
import type { LhostModule } from "../types.ts";
import { originalOf, splitAt, textBlocks } from "./common.ts";

const MARKERS = [/^Received: *from mail\.zoho\.com by mx\.zohomail\.com.*$/im, /^Content-Type:[ \t]*message\/rfc822[^\n]*$/im];

export const zoho: LhostModule = {
  name: "zoho",
  detect: (mail) => /mailer-daemon@mail\.zoho\.com/i.test(mail.from) || mail.headers.has("x-zohomail"),
  parse(mail) {
    const [head] = splitAt(mail.body, MARKERS);
    const records = textBlocks(head, (line) => {
      const m = /^([^\s@<>]+@[^\s<>]+)\s+\S/.exec(line);
      const a = m ? findAddress(m[1]) : "";
      return a && isAddress(a) ? a : undefined;
    }, { keepFirstLine: true });
    for (const r of records) {
      const d = (r.diagnosticCode ?? "").replace(/ERROR_CODE :/g, "");
      r.diagnosticCode = d;
      if (/temporar|will be retried|queued/i.test(head)) r.action = "delayed";
    }
    return { records, original: originalOf(mail, MARKERS) };
  },
};
