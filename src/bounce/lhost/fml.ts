/**
 * fml (the Japanese mailing-list manager) refusing a post: From "<list>-admin@", an
 * X-MLServer header naming fml, Message-Id "<...FML...>", a short notice naming the poster
 * or the list in <...>, then "Original mail as follows:". fml's notices are its own fixed
 * texts, so the reason is decided here: not a member / spam / mail-loop header -> rejected,
 * loop detection and duplicated Message-ID -> systemerror, "Security alert" -> securityerror.
 */
import type { ParsedMail } from "../mime.ts";
import type { Reason } from "../reason.ts";
import { isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { headerOf, oneLine, originalOf, splitAt } from "./common.ts";

const MARKERS = [/^[ \t]*Original mail as follows:?[ \t]*$/im];

/** fml's notice texts (body first, then the Subject) and what they mean. */
const NOTICES: Array<[Reason, RegExp]> = [
  ["rejected", /\bnot (?:a )?member\b|NOT MEMBER article from|\breject(?:ed)? (?:mail|spammers?)\b|spam mail from a spammer is rejected|header may cause mail loop/i],
  ["systemerror", /loop condition|duplicated message-id|loop back warning|loop alert|UNIX FROM loop|fml system error/i],
  ["securityerror", /security alert/i],
];

function isFml(mail: ParsedMail): boolean {
  const server = headerOf(mail, "x-mlserver");
  if (!/\bfml\b/i.test(server) && !/\.FML/.test(headerOf(mail, "message-id"))) return false;
  return /-admin@/i.test(headerOf(mail, "from")) && MARKERS[0].test(mail.body);
}

function noticeReason(text: string, subject: string): Reason | undefined {
  for (const [reason, re] of NOTICES) if (re.test(text)) return reason;
  for (const [reason, re] of NOTICES) if (re.test(subject)) return reason;
  return undefined;
}

/** fml indents the returned mail; take the indentation off so its headers can be read. */
function dedent(text: string): string {
  const lines = text.split("\n");
  const indents = lines.filter((l) => l.trim()).map((l) => /^[ ]*/.exec(l)![0].length);
  const n = indents.length ? Math.min(...indents) : 0;
  return n > 0 ? lines.map((l) => l.slice(Math.min(n, /^[ ]*/.exec(l)![0].length))).join("\n") : text;
}

export const fml: LhostModule = {
  name: "fml",
  detect: isFml,
  parse(mail) {
    const [head] = splitAt(mail.body, MARKERS);
    const records: DeliveryRecord[] = [];
    let cur: DeliveryRecord | undefined;
    // A notice line naming an address starts a record; the first address line does when no
    // line is a known notice. Later lines (the list's help text, its -ctl address) follow it.
    const lines = head.split("\n").filter((l) => l.trim());
    const named = (l: string) => /<([^<>\s]+@[^<>\s]+)>/.exec(l)?.[1] ?? "";
    const starts = lines.filter((l) => isAddress(named(l)) && NOTICES.some(([, re]) => re.test(l)));
    if (starts.length === 0) {
      const first = lines.find((l) => isAddress(named(l)));
      if (first) starts.push(first);
    }
    for (const line of lines) {
      if (starts.includes(line)) {
        cur = { recipient: named(line), diagnosticCode: line.trim(), action: "failed" };
        records.push(cur);
      } else if (cur) cur.diagnosticCode = `${cur.diagnosticCode} ${line.trim()}`;
    }
    for (const r of records) {
      r.diagnosticCode = oneLine(r.diagnosticCode ?? "");
      const reason = noticeReason(r.diagnosticCode, mail.subject);
      if (reason) r.reason = reason;
    }
    return records.length ? { records, original: dedent(originalOf(mail, MARKERS)) } : undefined;
  },
};
