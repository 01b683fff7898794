/**
 * Postfix log lines -> facts. Dispatch is on the daemon name (the last segment of the syslog
 * program, so `postfix/smtpd`, `postfix-out/smtp` and `postfix/submission/smtpd` all work),
 * then on the first word of the text, so most lines meet at most one regex.
 * Formats learned from Postfix's own log statements and public parsers' test cases
 * (postfix-grok-patterns, pmg-log-tracker); the code is ours.
 */
import type { Envelope } from "../syslog.ts";
import type { Dialect, Fact } from "./types.ts";

const NOISE: Fact = Object.freeze({ kind: "noise" }) as Fact;
const UNPARSED: Fact = Object.freeze({ kind: "unparsed" }) as Fact;

/** Short (hex) or long (base-52 without vowels) Postfix queue IDs. */
export function isQueueId(s: string): boolean {
  const n = s.length;
  if (n < 5 || n > 20) return false;
  let hex = true;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const upper = c >= 65 && c <= 90;
    const lower = c >= 97 && c <= 122;
    if (!digit && !upper && !lower) return false;
    if (!(digit || (c >= 65 && c <= 70))) hex = false;
  }
  if (hex) return true;
  // Long IDs (enable_long_queue_ids) use 0-9, B-Z, b-z without vowels and are 12+ long.
  return n >= 12 && !/[AEIOUaeiou]/.test(s);
}

/** Splits `QUEUEID: rest`; returns [queueId, rest] or undefined. */
function splitQueueId(msg: string): [string, string] | undefined {
  const i = msg.indexOf(": ");
  if (i < 5 || i > 20) return undefined;
  const id = msg.slice(0, i);
  return isQueueId(id) ? [id, msg.slice(i + 2)] : undefined;
}

function stripAngle(s: string): string {
  return s.length >= 2 && s.charCodeAt(0) === 60 && s.charCodeAt(s.length - 1) === 62 ? s.slice(1, -1) : s;
}

/**
 * The values of `key=value` lists that some parser reads; other keys are skipped. One class
 * with every field set: parsing runs on most lines, and objects of one shape with constant
 * keys are much cheaper than a record keyed by strings cut from each line.
 */
class Kv {
  to: string | undefined = undefined;
  orig_to: string | undefined = undefined;
  relay: string | undefined = undefined;
  delay: string | undefined = undefined;
  dsn: string | undefined = undefined;
  status: string | undefined = undefined;
  from: string | undefined = undefined;
  sender: string | undefined = undefined;
  size: string | undefined = undefined;
  nrcpt: string | undefined = undefined;
  client: string | undefined = undefined;
  sasl_username: string | undefined = undefined;
  helo: string | undefined = undefined;
  /** Where the value of the stop key starts, or -1. */
  stopAt = -1;
}

type KvKey = Exclude<keyof Kv, "stopAt">;

/** The known key spelled at s[i..eq), without cutting it out. */
function kvKey(s: string, i: number, eq: number): KvKey | undefined {
  switch (eq - i) {
    case 2:
      return s.startsWith("to", i) ? "to" : undefined;
    case 3:
      return s.startsWith("dsn", i) ? "dsn" : undefined;
    case 4:
      return s.startsWith("from", i) ? "from" : s.startsWith("size", i) ? "size" : s.startsWith("helo", i) ? "helo" : undefined;
    case 5:
      return s.startsWith("relay", i) ? "relay" : s.startsWith("delay", i) ? "delay" : s.startsWith("nrcpt", i) ? "nrcpt" : undefined;
    case 6:
      return s.startsWith("status", i) ? "status" : s.startsWith("client", i) ? "client" : s.startsWith("sender", i) ? "sender" : undefined;
    case 7:
      return s.startsWith("orig_to", i) ? "orig_to" : undefined;
    case 13:
      return s.startsWith("sasl_username", i) ? "sasl_username" : undefined;
    default:
      return undefined;
  }
}

/**
 * Parses `key=value, key=value` (values may be `<...>` holding commas) up to `stopKey=` if
 * given (its value's start is then `stopAt`). A key given twice keeps its last value.
 */
function parseKv(s: string, from: number, sep: ", " | " ", stopKey?: KvKey): Kv {
  const out = new Kv();
  const closeSep = sep === ", " ? ">, " : "> ";
  let i = from;
  const n = s.length;
  while (i < n) {
    const eq = s.indexOf("=", i);
    if (eq < 0) break;
    const key = kvKey(s, i, eq);
    if (key !== undefined && key === stopKey) {
      out.stopAt = eq + 1;
      return out;
    }
    let end: number;
    let value: string | undefined;
    if (s.charCodeAt(eq + 1) === 60) {
      const close = s.indexOf(closeSep, eq + 1);
      end = close < 0 ? (s.endsWith(">") ? n - 1 : n) : close;
      if (key !== undefined) value = s.slice(eq + 2, end);
      end++;
    } else {
      end = s.indexOf(sep, eq + 1);
      if (end < 0) end = n;
      if (key !== undefined) value = s.slice(eq + 1, end);
    }
    if (key !== undefined) out[key] = value;
    i = end + sep.length;
  }
  return out;
}

/** `host[ip]` or `host[ip]:port` or `[ip]:port` -> [host, ip]. */
function splitClient(s: string): [string, string] {
  const open = s.indexOf("[");
  const close = s.lastIndexOf("]");
  if (open < 0 || close < open) return [s, ""];
  return [s.slice(0, open), s.slice(open + 1, close)];
}

const DSN_RE = /^\d\.\d{1,3}\.\d{1,3}$/;

/** `550 5.1.1 <a@b>: text` -> dsn (enhanced code, else derived from the reply code's class). */
function replyDsn(reply: string): string | undefined {
  const sp = reply.indexOf(" ");
  const first = sp > 0 ? reply.slice(0, sp) : reply;
  if (DSN_RE.test(first)) return first;
  const second = sp > 0 ? reply.slice(sp + 1, reply.indexOf(" ", sp + 1) >>> 0) : "";
  if (DSN_RE.test(second)) return second;
  const c = reply.charCodeAt(0);
  if (c === 52) return "4.0.0";
  if (c === 53) return "5.0.0";
  return undefined;
}

const QUEUED_AS_RE = /queued as ([0-9A-Za-z]{5,20})\)?\s*$/;
const FORWARDED_AS_RE = /^forwarded as ([0-9A-Za-z]{5,20})/;
/**
 * A content filter's reply when it threw the message away (amavisd-new: `250 2.7.0 Ok,
 * discarded, id=12345-01 - SPAM`, or `- INFECTED: ...`): Postfix logs it as sent, but nobody
 * will get it.
 */
const FILTER_DISCARDED_RE = /^250 2\.7\.\d{1,3} Ok, discarded\b/i;

/** `to=<..>, orig_to=<..>, relay=.., delay=.., delays=.., dsn=.., status=WORD (detail)` */
function parseDelivery(daemon: string, queueId: string, rest: string): Fact {
  const kv = parseKv(rest, 0, ", ", "status");
  const statusAt = kv.stopAt;
  if (kv.to === undefined) return { kind: "info", queueId };
  let word: string;
  let detail: string | undefined;
  if (statusAt >= 0) {
    let sp = rest.indexOf(" ", statusAt);
    if (sp < 0) sp = rest.length;
    word = rest.slice(statusAt, sp);
    if (word.endsWith(",")) word = word.slice(0, -1);
    const tail = rest.slice(sp + 1);
    if (tail.length) detail = tail.charCodeAt(0) === 40 && tail.endsWith(")") ? tail.slice(1, -1) : tail;
  } else {
    return { kind: "info", queueId, recipient: kv.to };
  }
  const fact: Fact = {
    kind: "delivery", queueId, recipient: kv.to, status: word, dsn: kv.dsn, relay: kv.relay, detail,
  };
  if (kv.orig_to !== undefined) fact.origTo = kv.orig_to;
  if (kv.delay !== undefined) fact.delay = Number(kv.delay);
  if (detail) {
    let m = QUEUED_AS_RE.exec(detail);
    if (m && word === "sent") {
      fact.childQueueId = m[1];
      fact.linkKind = "relay";
    } else if ((m = FORWARDED_AS_RE.exec(detail))) {
      fact.childQueueId = m[1];
      fact.linkKind = "forward";
      fact.status = "forwarded";
    }
  }
  if (word === "sent" && (daemon === "discard" || (detail !== undefined && FILTER_DISCARDED_RE.test(detail)))) fact.status = "discard";
  return fact;
}

/**
 * Policy lines: `ACTION: STAGE from CLIENT: REPLY; from=<s> to=<r> proto=P helo=<h>`
 * (smtpd access actions, postscreen with `, ` separators, milter actions), or cleanup's
 * `ACTION: header Subject: text from CLIENT; from=<s> to=<r> proto=P helo=<h>: optional text`.
 */
function parsePolicy(action: string, body: string, queueId: string | undefined, kind: "reject" | "action"): Fact {
  const fromAt = body.lastIndexOf("; from=<");
  const head = fromAt >= 0 ? body.slice(0, fromAt) : body;
  const fact: Fact = { kind, status: action };
  if (queueId) fact.queueId = queueId;
  if (fromAt >= 0) {
    const kvText = body.slice(fromAt + 2);
    const sep = kvText.includes(">, to=<") || kvText.startsWith("from=<>, ") ? ", " : " ";
    const kv = parseKv(kvText, 0, sep);
    fact.sender = kv.from ?? "";
    if (kv.to !== undefined) fact.recipient = kv.to;
    // cleanup appends `: optional text` after helo=<...>
    const helo = kv.helo;
    if (helo !== undefined) {
      const colon = helo.indexOf(">: ");
      if (colon >= 0) fact.detail = helo.slice(colon + 3);
    }
  }
  if (head.startsWith("header ") || head.startsWith("body ")) {
    // `header Subject: text from host[ip]` (or `from local`)
    const fromClient = head.lastIndexOf(" from ");
    const what = fromClient > 0 ? head.slice(0, fromClient) : head;
    if (fromClient > 0) {
      const [h, ip] = splitClient(head.slice(fromClient + 6));
      fact.clientHost = h;
      if (ip) fact.clientIp = ip;
    }
    if (/^header subject: /i.test(what)) fact.subject = what.slice(16);
    fact.detail = fact.detail ? `${what}: ${fact.detail}` : what;
    return fact;
  }
  // `RCPT from host[ip]: 550 5.1.1 <x>: text` / `END-OF-MESSAGE from host[ip]: 5.7.1 text`
  const fromWord = head.indexOf(" from ");
  if (fromWord >= 0) {
    const colon = head.indexOf(": ", fromWord + 6);
    const client = head.slice(fromWord + 6, colon < 0 ? head.length : colon);
    const [h, ip] = splitClient(client);
    fact.clientHost = h;
    if (ip) fact.clientIp = ip;
    if (colon >= 0) {
      const reply = head.slice(colon + 2);
      fact.detail = reply;
      const dsn = replyDsn(reply);
      if (dsn) fact.dsn = dsn;
    }
  } else {
    fact.detail = head;
  }
  return fact;
}

/** Action words smtpd/cleanup log before `: ` (access(5), header_checks(5), milters). */
const ACTIONS = new Set([
  "reject", "warn", "hold", "discard", "redirect", "filter", "replace", "prepend", "permit", "defer",
  "milter-reject", "milter-hold", "milter-discard", "proxy-reject", "bcc", "strip", "info",
]);

function actionWord(a: string): string {
  if (a.startsWith("milter-")) return a.slice(7);
  if (a === "proxy-reject") return "reject";
  return a;
}

/** Lines that belong to no message and carry nothing to keep (prefix match). */
const NOISE_PREFIXES = [
  "connect from ", "disconnect from ", "lost connection ", "timeout after ", "too many errors ",
  "improper command pipelining", "warning: ", "fatal: ", "error: ", "panic: ", "statistics: ",
  "Anonymous TLS ", "Trusted TLS ", "Untrusted TLS ", "Verified TLS ", "SSL_accept error", "SSL_connect error",
  "TLS library problem", "setting up TLS", "connect to ", "network_biff", "daemon started",
  "terminating on signal", "reload ", "refreshing the Postfix", "starting the Postfix", "stopping the Postfix",
  "Postfix is running", "Postfix is using", "host ", "Host offered STARTTLS", "certificate verification failed",
  "server certificate verification failed", "using backwards-compatible", "table ", "dict_", "mapping ",
  "addr ", "begin ", "end ", "sent ", "proxy-accept: ", "NOQUEUE: client=", "NOQUEUE: lost connection",
  "NOQUEUE: warn: ", "NOQUEUE: permit: ", "NOQUEUE: filter: ", "NOQUEUE: info: ", "Deleted: ", "Requeued: ",
  "Placed on hold: ", "Released from hold: ", "cache ", "match_", "SASL ", "SASL authentication failure",
  "gethostbyname", "getaddrinfo", "hostname ", "message repeated", "unable to ", "cannot ", "open ", "close ",
  "lookup ", "open database", "restarting", "closing ", "handle_", "enabling PIX", "conversation with ",
  "Connection refused", "dnsblog_query", "addresses ", "rbl_", "mail for ", "skipped,", "NON-SMTP COMMAND",
  "BARE NEWLINE", "COMMAND ", "CONNECT from ", "PASS NEW ", "PASS OLD ", "WHITELISTED ", "ALLOWLISTED ",
  "BLACKLISTED ", "DENYLISTED ", "WHITELIST VETO ", "ALLOWLIST VETO ", "DNSBL rank ", "PREGREET ",
  "HANGUP ", "DISCONNECT ", "COMMAND PIPELINING", "COMMAND TIME LIMIT", "COMMAND COUNT LIMIT",
  "COMMAND LENGTH LIMIT", "NOQUEUE: discard: ", "NOQUEUE: hold: ", "NOQUEUE: redirect: ",
];

/** Daemons whose lines never belong to a message. */
const NOISE_DAEMONS = new Set([
  "anvil", "scache", "tlsmgr", "master", "postfix-script", "tlsproxy", "dnsblog", "verify", "proxymap",
  "trivial-rewrite", "postlogd", "flush", "showq", "spawn", "postmap", "postconf", "postalias", "postlog",
  "postmulti", "sendmail", "postdrop", "postqueue", "oqmgr-", "smtp-sink", "smtp-source", "script",
]);

/** NOISE_PREFIXES by their first character: a line meets only the few that can match it. */
const NOISE_BY_FIRST = new Map<number, string[]>();
for (const p of NOISE_PREFIXES) {
  const c = p.charCodeAt(0);
  const list = NOISE_BY_FIRST.get(c);
  if (list) list.push(p);
  else NOISE_BY_FIRST.set(c, [p]);
}

function isNoise(msg: string): boolean {
  const list = NOISE_BY_FIRST.get(msg.charCodeAt(0));
  if (list) for (const p of list) if (msg.startsWith(p)) return true;
  return false;
}

/** smtpd and postscreen lines without a queue ID. */
function parseNoQueue(msg: string): Fact {
  if (msg.startsWith("NOQUEUE: ")) {
    const rest = msg.slice(9);
    const colon = rest.indexOf(": ");
    if (colon > 0) {
      const a = rest.slice(0, colon);
      if (a === "reject" || a === "milter-reject" || a === "defer") return parsePolicy(actionWord(a), rest.slice(colon + 2), undefined, "reject");
    }
  } else if (msg.startsWith("proxy-reject: ")) {
    // before-queue content filter refused the message: `proxy-reject: END-OF-MESSAGE: 554 ...; from=<> to=<>`
    const body = msg.slice(14);
    const f = parsePolicy("reject", body.replace(/^([A-Z-]+): /, "$1 from : "), undefined, "reject");
    return f;
  }
  if (isNoise(msg)) return NOISE;
  return UNPARSED;
}

function parseSmtpd(queueId: string, rest: string): Fact {
  if (rest.startsWith("client=")) {
    const kv = parseKv(rest, 0, ", ");
    const [h, ip] = splitClient(kv.client ?? "");
    const f: Fact = { kind: "client", queueId, clientHost: h, clientIp: ip };
    if (kv.sasl_username !== undefined) f.saslUsername = kv.sasl_username;
    return f;
  }
  const colon = rest.indexOf(": ");
  if (colon > 0) {
    const a = rest.slice(0, colon);
    if (ACTIONS.has(a)) return parsePolicy(actionWord(a), rest.slice(colon + 2), queueId, a === "reject" || a === "milter-reject" ? "reject" : "action");
  }
  return qidInfo(queueId, rest);
}

function parseCleanup(queueId: string, rest: string): Fact {
  if (rest.startsWith("message-id=")) return { kind: "message-id", queueId, messageId: stripAngle(rest.slice(11).trim()) };
  if (rest.startsWith("resent-message-id=")) return { kind: "message-id", queueId, messageId: stripAngle(rest.slice(18).trim()) };
  const colon = rest.indexOf(": ");
  if (colon > 0) {
    let a = rest.slice(0, colon);
    if (a === "warning" && rest.startsWith("warning: header ")) a = "warn";
    else if (a === "warning" && rest.startsWith("warning: body ")) a = "warn";
    if (ACTIONS.has(a)) return parsePolicy(actionWord(a), rest.slice(colon + 2), queueId, "action");
  }
  return qidInfo(queueId, rest);
}

function parseQmgr(queueId: string, rest: string): Fact {
  if (rest === "removed") return { kind: "removed", queueId };
  if (rest.startsWith("from=<")) {
    const kv = parseKv(rest, 0, ", ");
    if (kv.status?.startsWith("expired")) return { kind: "expired", queueId, sender: kv.from, status: "expired", detail: "returned to sender" };
    const f: Fact = { kind: "queued", queueId, sender: kv.from ?? "" };
    if (kv.size !== undefined) f.size = Number(kv.size);
    if (kv.nrcpt !== undefined) f.nrcpt = Number.parseInt(kv.nrcpt, 10);
    return f;
  }
  if (rest.startsWith("to=<")) return parseDelivery("qmgr", queueId, rest);
  return qidInfo(queueId, rest);
}

function parseBounce(queueId: string, rest: string): Fact {
  // `sender non-delivery notification: QID`, `sender delay notification: QID`,
  // `sender delivery status notification: QID`, `postmaster non-delivery notification: QID`
  const i = rest.indexOf(" notification: ");
  if (i > 0) {
    const child = rest.slice(i + 15).trim();
    if (isQueueId(child)) return { kind: "notification", queueId, childQueueId: child, linkKind: "bounce", detail: rest };
  }
  return { kind: "info", queueId };
}

/** Queue-ID lines known to be timeline-only (anything else with a queue ID is kept as unparsed). */
const QID_INFO_PREFIXES = [
  "host ", "lost connection", "conversation with", "enabling PIX", "SASL authentication failed", "breaking line",
  "warning: ", "replace: ", "prepend: ", "info: ", "filter: ", "bcc: ", "strip: ", "uid=", "sender=", "skipped",
  "Cannot start TLS", "TLS is required", "Server certificate not", "certificate verification failed", "connect to ",
  "mail for ", "delivery temporarily suspended", "status=", "to=<", "from=<", "orig_queue_id=", "client=",
  "resent-message-id=", "message-id=", "removed", "placed on hold", "released from hold", "requeued", "expired",
  "sender ", "postmaster ", "discard: ", "hold: ", "redirect: ", "reject: ", "milter-", "defer: ", "permit: ",
  "Protocol error", "timeout after", "SMTPUTF8", "message size", "address resolver", "unreadable", "queue file",
  "header ", "body ",
];

function qidInfo(queueId: string, rest: string): Fact {
  for (const p of QID_INFO_PREFIXES) if (rest.startsWith(p)) return { kind: "info", queueId };
  return { kind: "unparsed", queueId };
}

// The daemon of the last program seen: consecutive lines mostly share the program string.
let lastProgram = "";
let lastDaemon = "";

function parsePostfix(env: Envelope): Fact {
  const program = env.program;
  if (program !== lastProgram) {
    const slash = program.lastIndexOf("/");
    lastDaemon = slash >= 0 ? program.slice(slash + 1) : program;
    lastProgram = program;
  }
  const daemon = lastDaemon;
  const msg = env.message;
  const q = splitQueueId(msg);
  if (!q) {
    if (daemon === "smtpd" || daemon === "postscreen") return parseNoQueue(msg);
    if (NOISE_DAEMONS.has(daemon) || isNoise(msg)) return NOISE;
    return UNPARSED;
  }
  const [queueId, rest] = q;
  switch (daemon) {
    case "smtpd":
      return parseSmtpd(queueId, rest);
    case "cleanup":
      return parseCleanup(queueId, rest);
    case "pickup": {
      const kv = parseKv(rest, 0, " ");
      return { kind: "pickup", queueId, sender: kv.from ?? kv.sender ?? "" };
    }
    case "qmgr":
    case "oqmgr":
      return parseQmgr(queueId, rest);
    case "smtp":
    case "lmtp":
    case "local":
    case "virtual":
    case "pipe":
    case "error":
    case "discard":
    case "retry":
    case "relay":
      if (rest.startsWith("to=<")) return parseDelivery(daemon, queueId, rest);
      return qidInfo(queueId, rest);
    case "bounce":
      return parseBounce(queueId, rest);
    case "postsuper":
      // postsuper -d: deleted by an administrator (qmgr's own "removed" ends a finished entry).
      if (rest === "removed") return { kind: "deleted", queueId, detail: "removed from the queue by postsuper (an administrator)" };
      if (rest === "placed on hold") return { kind: "state", queueId, status: "hold", detail: rest };
      if (rest === "released from hold") return { kind: "state", queueId, status: "release", detail: rest };
      return qidInfo(queueId, rest);
    default:
      return qidInfo(queueId, rest);
  }
}

/** Any syslog program whose first segment starts with `postfix` (postfix, postfix-out, postfix-in, ...). */
function acceptsPostfix(program: string): boolean {
  return program.startsWith("postfix") && (program.length === 7 || program.charCodeAt(7) === 47 || program.charCodeAt(7) === 45);
}

export const postfix: Dialect = { name: "postfix", accepts: acceptsPostfix, parse: parsePostfix };
