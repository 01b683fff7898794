/**
 * Digital Arts m-FILTER: Subject "failure notice", X-Mailer "m-FILTER", a Japanese
 * preamble, then the failed address alone on a line and two labelled sections:
 *
 *   user@example.com
 *   -------server message
 *   550 5.1.1 unknown user <user@example.com>
 *   -------SMTP command
 *   DATA
 *   -------original message      (or "-------original mail info")
 */
import { isAddress, normalizeCommand } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { headerOf, splitAt } from "./common.ts";

const MARKERS = [/^-+original (?:message|mail info)\s*$/im];

export const mfilter: LhostModule = {
  name: "mfilter",
  detect: (mail) => /^\s*m-FILTER\b/i.test(headerOf(mail, "x-mailer")),
  parse(mail) {
    const [head, original] = splitAt(mail.body, MARKERS);
    const records: DeliveryRecord[] = [];
    let cur: DeliveryRecord | undefined;
    let section: "" | "server" | "command" = "";
    for (const raw of head.split("\n")) {
      const line = raw.trim();
      if (!line) continue;
      if (/^-+server message$/i.test(line)) {
        section = "server";
        continue;
      }
      if (/^-+SMTP command$/i.test(line)) {
        section = "command";
        continue;
      }
      if (!/\s/.test(line) && line.includes("@") && isAddress(line.replace(/^<|>$/g, ""))) {
        cur = { recipient: line.replace(/^<|>$/g, ""), action: "failed" };
        records.push(cur);
        section = "";
        continue;
      }
      if (!cur) continue;
      if (section === "server") {
        cur.diagnosticCode = cur.diagnosticCode ? `${cur.diagnosticCode} ${line}` : line;
      } else if (section === "command") {
        const c = normalizeCommand(line);
        if (c && !cur.smtpCommand) cur.smtpCommand = c;
        section = "";
      }
    }
    if (records.length === 0) return undefined;
    return { records, original };
  },
};
