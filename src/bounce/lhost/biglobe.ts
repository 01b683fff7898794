/**
 * BIGLOBE and the Japanese cable ISPs on the same system (inacatv, tmtv, ttv): a sendmail-
 * like notice from postmaster@<isp>.ne.jp, "Returned mail: ...", with the address lines under
 * "----- The following addresses had delivery problems -----" and the reason under
 * "----- Non-delivered information -----", worded from a small fixed set.
 */
import type { ParsedMail } from "../mime.ts";
import type { Reason } from "../reason.ts";
import { isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { headerOf, oneLine, originalOf, RFC822_MARKERS, splitAt } from "./common.ts";

const VOCABULARY: Array<[RegExp, Reason]> = [
  [/Mail Delivery Failed\.+ User unknown/i, "filtered"],
  [/The number of messages in recipient's mailbox exceeded the local limit/i, "mailboxfull"],
];

function isBiglobe(mail: ParsedMail): boolean {
  const from = headerOf(mail, "from") || mail.from;
  if (!/postmaster@(biglobe|inacatv|tmtv|ttv)\.ne\.jp/i.test(from)) return false;
  return /^Returned mail:/i.test(mail.subject.trim());
}

export const biglobe: LhostModule = {
  name: "biglobe",
  detect: isBiglobe,
  parse(mail) {
    const [head] = splitAt(mail.text || mail.body, RFC822_MARKERS);
    const records: DeliveryRecord[] = [];
    const info: string[] = [];
    let section: "" | "addresses" | "info" = "";
    for (const raw of head.split("\n")) {
      const line = raw.trim();
      if (/^-+ The following addresses had delivery problems -+$/.test(line)) {
        section = "addresses";
        continue;
      }
      if (/^-+ Non-delivered information -+$/.test(line)) {
        section = "info";
        continue;
      }
      if (!section || line === "" || line.startsWith("--")) continue;
      if (section === "addresses" && !/\s/.test(line) && line.includes("@")) {
        const a = line.replace(/^<|>$/g, "");
        if (isAddress(a)) records.push({ recipient: a, action: "failed" });
        continue;
      }
      info.push(line);
    }
    if (records.length === 0) return undefined;
    const d = oneLine(info.join(" "));
    const hit = VOCABULARY.find(([re]) => re.test(d));
    for (const r of records) {
      r.diagnosticCode = d;
      if (hit) r.reason = hit[1];
    }
    return { records, original: originalOf(mail, RFC822_MARKERS) };
  },
};
