/**
 * Lotus Notes (IBM / HCL Notes) SMTP MTA bounces: Subject "Undeliverable message", then
 *
 *   ------- Failure Reasons  --------
 *   User not listed in public Name & Address Book
 *   user@example.com
 *   ------- Returned Message --------
 *
 * Each failed address stands alone on a line, the reason line(s) before it. A few of the
 * reason texts are Notes' own fixed wording and name the reason outright.
 */
import type { Reason } from "../reason.ts";
import { findAddress, isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { oneLine, splitAt } from "./common.ts";

const START = /^-+ Failure Reasons\s*-+\s*$/im;
const MARKERS = [/^-+ Returned Message\s*-+\s*$/im];

/** Notes' fixed texts (lower case, white space squeezed) -> reason. */
const NOTES_TEXTS: Array<[RegExp, Reason]> = [
  [/not listed in (?:the )?public name (?:&|and) address book|ディレクトリのリストにありません/, "userunknown"],
  [/message has exceeded maximum hop count/, "networkerror"],
];

export const notes: LhostModule = {
  name: "notes",
  detect: (mail) => /^\s*Undeliverable message/i.test(mail.subject) && START.test(mail.body),
  parse(mail) {
    const [head, original] = splitAt(mail.body, MARKERS);
    const start = START.exec(head);
    if (!start) return undefined;
    const records: DeliveryRecord[] = [];
    let pending: string[] = [];
    for (const raw of head.slice(start.index + start[0].length).split("\n")) {
      const line = raw.trim();
      if (!line || /^-+/.test(line)) continue;
      if (!/\s/.test(line) && line.includes("@")) {
        const a = findAddress(line);
        if (!isAddress(a)) continue;
        // No reason line of its own: the previous recipient's reason is shared.
        const diag = pending.length ? oneLine(pending.join(" ")) : (records.at(-1)?.diagnosticCode ?? "");
        records.push({ recipient: a, diagnosticCode: diag, action: "failed" });
        pending = [];
        continue;
      }
      pending.push(line);
    }
    // Reason lines after the last address belong to it.
    const last = records.at(-1);
    if (last && pending.length) last.diagnosticCode = oneLine(`${last.diagnosticCode ?? ""} ${pending.join(" ")}`);
    if (records.length === 0) {
      // No address in the reasons: the To: of the returned message is the recipient.
      const to = /^To:\s*(.+)$/im.exec(original)?.[1] ?? "";
      const a = findAddress(to);
      if (isAddress(a)) records.push({ recipient: a, diagnosticCode: oneLine(pending.join(" ")), action: "failed" });
    }
    for (const r of records) {
      const t = oneLine(r.diagnosticCode ?? "").toLowerCase();
      const hit = NOTES_TEXTS.find(([re]) => re.test(t));
      if (hit) r.reason = hit[1];
    }
    return { records, original };
  },
};
