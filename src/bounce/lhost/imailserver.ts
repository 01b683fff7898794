/** Ipswitch IMail Server: "Unknown user: addr", "Body of message generated response: ...". */
import { findAddress, isAddress } from "../smtp.ts";
import type { LhostModule } from "../types.ts";
import { originalOf, splitAt, textBlocks } from "./common.ts";

const MARKERS = [/^Original message follows\.\s*$/m];

export const imailserver: LhostModule = {
  name: "imailserver",
  detect: (mail) => mail.headers.has("x-mailer") ? /IMail/i.test(mail.headers.get("x-mailer")?.[0] ?? "") || /^Undeliverable Mail\s*$/i.test(mail.subject) : /^Undeliverable Mail\s*$/i.test(mail.subject),
  parse(mail) {
    const [head] = splitAt(mail.body, MARKERS);
    const records = textBlocks(head, (line) => {
      const m = /^([A-Za-z][A-Za-z ]+?):\s+(\S+@\S+)\s*$/.exec(line.trim());
      const a = m ? findAddress(m[2]) : "";
      return a && isAddress(a) ? a : undefined;
    }, { keepFirstLine: true });
    return { records, original: originalOf(mail, MARKERS) };
  },
};
