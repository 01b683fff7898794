/**
 * Sendmail version 5 (and appliances built on it): no delivery-status part, only a
 * transcript. "----- Transcript of session follows -----", then per recipient a line
 * "5xx <addr>... text", preceded by what the remote server said ("While talking to host:",
 * ">>> COMMAND", "<<< reply"); the returned mail follows "----- Unsent message follows -----".
 * Lines such as "421 host (smtp)... Deferred: ..." name a host, not a recipient.
 */
import type { ParsedMail } from "../mime.ts";
import { findAddress, isAddress, normalizeCommand } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { oneLine, splitAt } from "./common.ts";

const TRANSCRIPT = /^[ \t]*-+ ?Transcript of session follows ?-+[ \t]*$/im;
const MARKERS = [/^[ \t]*-+ ?Unsent message follows ?-+[ \t]*$/im, /^[ \t]*-+ ?No message was collected ?-+[ \t]*$/im];

function isV5(mail: ParsedMail): boolean {
  if (!/^\s*Returned mail: /i.test(mail.subject)) return false;
  return TRANSCRIPT.test(mail.body) && MARKERS.some((m) => m.test(mail.body));
}

/** "To:" of the returned message: the only recipient a transcript without addresses leaves. */
function originalTo(original: string): string {
  const m = /^To:[ \t]*(.+)$/im.exec(original.split(/\n\s*\n/)[0] ?? "");
  const a = m ? findAddress(m[1]) : "";
  return isAddress(a) ? a : "";
}

export const v5sendmail: LhostModule = {
  name: "v5sendmail",
  detect: isV5,
  parse(mail) {
    const [head, original] = splitAt(mail.body, MARKERS);
    const t = TRANSCRIPT.exec(head);
    if (!t) return undefined;
    const records: DeliveryRecord[] = [];
    // What the server said since the last recipient line: it belongs to the next one.
    let host = "";
    let command = "";
    let replies: string[] = [];
    let hostError = "";
    for (const raw of head.slice(t.index + t[0].length).split("\n")) {
      const line = raw.trim();
      if (!line) continue;
      const talk = /^(?:\.\.\. )?while talking to ([^\s:]+?)\.?:\s*$/i.exec(line);
      if (talk) {
        host = talk[1];
        command = "";
        replies = [];
        continue;
      }
      const sent = /^>>>\s*(\S+(?:\s+(?:TO|FROM))?)/i.exec(line);
      if (sent) {
        command = normalizeCommand(sent[1]);
        continue;
      }
      const said = /^<<<\s*(.*)$/.exec(line);
      if (said) {
        replies.push(said[1]);
        continue;
      }
      const rcpt = /^([45]\d\d)\s+<([^<>\s]+@[^<>\s]+)>\.\.\.\s*(.*)$/.exec(line);
      if (rcpt) {
        // The server's own reply first, then Sendmail's note about it.
        const text = [...replies, rcpt[3]].filter(Boolean).join(": ");
        const rec: DeliveryRecord = { recipient: rcpt[2], diagnosticCode: oneLine(text), action: rcpt[1].startsWith("4") ? "delayed" : "failed" };
        if (command) rec.smtpCommand = command;
        if (host) rec.remoteMta = host;
        records.push(rec);
        host = "";
        command = "";
        replies = [];
        continue;
      }
      const other = /^([45]\d\d)\s+\S+.*?\.\.\.\s+(.+)$/.exec(line);
      if (other) hostError ||= other[2];
    }
    if (records.length === 0) {
      const to = originalTo(original);
      if (!to) return undefined;
      records.push({ recipient: to, diagnosticCode: oneLine([...replies, hostError].filter(Boolean).join(": ")), action: "failed" });
    }
    return { records, original };
  },
};
