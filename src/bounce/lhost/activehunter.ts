/**
 * QUALITIA Active!hunter (a Japanese mail filtering gateway). Marked by the X-AHMAILID
 * header; the text looks like a Sendmail notice:
 *
 *     ----- The following addresses had permanent fatal errors -----
 *   >>> user@example.org <user@example.org>
 *     ----- Transcript of session follows -----
 *   550 sorry, no mailbox here by that name (#5.1.1 - chkusr)
 */
import { findAddress, isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { oneLine, originalOf, RFC822_MARKERS, splitAt } from "./common.ts";

const START = /^\s*-+ The following addresses had permanent fatal errors -+\s*$/im;
const TRANSCRIPT = /^\s*-+ Transcript of (?:the )?session follows -+\s*$/i;

export const activehunter: LhostModule = {
  name: "activehunter",
  detect: (mail) => mail.headers.has("x-ahmailid"),
  parse(mail) {
    const [head] = splitAt(mail.body, RFC822_MARKERS);
    const start = START.exec(head);
    if (!start) return undefined;
    const records: DeliveryRecord[] = [];
    let inTranscript = false;
    const transcript: string[] = [];
    for (const raw of head.slice(start.index + start[0].length).split("\n")) {
      const line = raw.trim();
      if (!line) continue;
      if (TRANSCRIPT.test(line)) {
        inTranscript = true;
        continue;
      }
      if (!inTranscript) {
        if (!line.startsWith(">>>")) continue;
        const a = findAddress(line.slice(3));
        if (a && isAddress(a) && !records.some((r) => r.recipient === a)) records.push({ recipient: a, action: "failed" });
        continue;
      }
      // The reply lines of the session: the first that starts with a letter or digit.
      if (/^[0-9A-Za-z]/.test(line)) transcript.push(line);
    }
    if (records.length === 0) return undefined;
    const diag = oneLine(transcript.slice(0, 1).join(" "));
    for (const r of records) r.diagnosticCode = diag;
    return { records, original: originalOf(mail, RFC822_MARKERS) };
  },
};
