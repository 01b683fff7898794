/**
 * amavisd-new, the content filter many Postfix servers hand mail to (127.0.0.1:10024): its
 * verdict line names the Postfix queue ID of the message it judged, so it joins that message.
 *
 *   (12345-01) Blocked SPAM {DiscardedInbound,Quarantined}, [192.0.2.1]:25 [192.0.2.1] <a@x> -> <b@y>,
 *     quarantine: spam-AbCdEf.gz, Queue-ID: 4Bd9Xk0sQz1, Message-ID: <...>, mail_id: AbCdEf, Hits: 12.3, ...
 *
 * Blocked and quarantined: the message is held by amavis (an administrator can release it), so
 * quarantined; blocked without a quarantine: discarded (filtered). Passed: a timeline entry.
 * Postfix's own line for the same hand-over (`250 2.7.0 Ok, discarded`) comes after it and
 * says only "filtered"; the correlator keeps the quarantine.
 */
import type { Envelope } from "../syslog.ts";
import type { Dialect, Fact } from "./types.ts";

// `(id) Passed|Blocked CATEGORY [(virus name, banned file, ...)] {actions}`
const VERDICT_RE = /^\([\w.-]+\) (Passed|Blocked) ([A-Z][A-Z-]*(?: [A-Z][A-Z-]*)*)(?: \([^)]*\))? \{([^}]*)\}/;
const QUEUE_ID_RE = /\bQueue-ID: ([0-9A-Za-z]{5,20})\b/;
const QUARANTINE_RE = /\bquarantine: ([^,\s]+)/;

function parseAmavis(env: Envelope): Fact {
  const text = env.message;
  const v = VERDICT_RE.exec(text);
  const q = QUEUE_ID_RE.exec(text);
  // Start-up, child process and per-check lines: nothing of a message.
  if (!v || !q) return { kind: "noise" };
  const queueId = q[1];
  if (v[1] === "Passed") return { kind: "info", queueId };
  const quarantined = /\bQuarantined\b/.test(v[3]);
  const where = QUARANTINE_RE.exec(text)?.[1];
  return {
    kind: "action", queueId, status: quarantined ? "quarantine" : "discard",
    detail: `amavis: ${v[1]} ${v[2]}${where ? `, quarantine: ${where}` : ""}`,
  };
}

export const amavis: Dialect = {
  name: "amavis",
  accepts: (program) => program === "amavis" || program === "amavisd" || program === "amavisd-new",
  parse: parseAmavis,
};
