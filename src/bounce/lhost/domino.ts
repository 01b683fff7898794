/**
 * HCL (formerly IBM / Lotus) Domino: Subject "DELIVERY FAILURE: ...", then
 *
 *   Your message
 *     Subject: ...
 *   was not delivered to:
 *     user@example.com
 *   because:
 *     User some.name (user@example.com) not listed in Domino Directory
 *
 * Newer Domino releases add a delivery-status part; its fields win where present. The
 * directory lookup failures are Domino's own fixed wording and name the reason outright.
 */
import type { Reason } from "../reason.ts";
import { findAddress, isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { dsnRecords, mergeRecords, oneLine, originalOf } from "./common.ts";

/** Domino's fixed texts (lower case) -> reason, in several of its languages. */
const DOMINO_TEXTS: Array<[RegExp, Reason]> = [
  [
    /not listed in (?:the )?domino directory|not listed in public name & address book|no se encuentra en el directorio de domino|non r.{1,2}pertori.{1,2} dans l'annuaire domino|domino ディレクトリには見つかりません/,
    "userunknown",
  ],
  [/cannot route mail to user/, "filtered"],
  [/several matches found in domino directory/, "systemerror"],
];

function subjectIsDomino(subject: string): boolean {
  return /^\s*DELIVERY FAILURE:/i.test(subject) || /DELIVERY_FAILURE/i.test(subject);
}

export const domino: LhostModule = {
  name: "domino",
  detect: (mail) => subjectIsDomino(mail.subject),
  parse(mail) {
    const text = mail.text;
    const records: DeliveryRecord[] = [];
    let group: DeliveryRecord[] = [];
    let state: "none" | "rcpts" | "because" = "none";
    let because: string[] = [];
    const close = () => {
      const d = oneLine(because.join(" "));
      for (const r of group) if (!r.diagnosticCode) r.diagnosticCode = d;
      group = [];
      because = [];
    };
    for (const raw of text.split("\n")) {
      const line = raw.trim();
      if (/^was not delivered to:$/i.test(line)) {
        close();
        state = "rcpts";
        continue;
      }
      if (/^because:$/i.test(line)) {
        state = "because";
        continue;
      }
      if (!line) {
        if (state === "because" && because.length) state = "none";
        continue;
      }
      if (state === "rcpts") {
        const a = findAddress(line);
        if (a && isAddress(a) && !/\s/.test(line.replace(/^<|>$/g, ""))) {
          const rec: DeliveryRecord = { recipient: a, action: "failed" };
          records.push(rec);
          group.push(rec);
        }
      } else if (state === "because") because.push(line);
    }
    close();
    const merged = mergeRecords(dsnRecords(mail), records);
    for (const r of merged) {
      const t = (r.diagnosticCode ?? "").toLowerCase();
      const hit = DOMINO_TEXTS.find(([re]) => re.test(t));
      if (hit) r.reason = hit[1];
    }
    if (merged.length === 0) return undefined;
    let original = originalOf(mail);
    if (!original) {
      const subj = /^\s+Subject:\s*(.+)$/m.exec(text)?.[1];
      original = `To: <${merged[0].recipient}>\n${subj ? `Subject: ${subj.trim()}\n` : ""}`;
    }
    return { records: merged, original };
  },
};
