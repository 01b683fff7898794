/**
 * A realistic Postfix mail log, generated: the demo's bundled log (`npm start` without a file)
 * and the benchmark's input. Deterministic for a seed and a start time.
 *
 * One mail hub (`mx1`, domains example.co.jp and example-shop.jp) with postscreen in front of
 * port 25, an amavisd-style content filter (smtp to 127.0.0.1:10024, re-injected through the
 * smtpd on 127.0.0.1:10025 under a new queue ID), a submission port (`postfix/submission/smtpd`,
 * SASL users), header_checks, Dovecot LMTP for local mailboxes, and cron mail via pickup. The
 * traffic mix: inbound delivered, outbound delivered (big providers and Japanese carriers),
 * deferred with retries then delivered or expired (with the delay/non-delivery notifications),
 * bounced at the remote server (with the notification), NOQUEUE rejects (unknown user, relay
 * denied, RBL), postscreen rejects, header_checks HOLD/REJECT, local cron mail.
 *
 * Lines come out in time order (syslog timestamps never go back): every message schedules its
 * lines at future times on a heap, and arrivals only move forward. Queue IDs have Postfix's
 * short form (microseconds + inode, hex), and some are reused after their message is gone.
 */
import { createWriteStream } from "node:fs";

/** Generator settings; `start` is required so that output depends on nothing but the options. */
export interface PostfixLogOptions {
  /** Epoch ms of the first arrival. */
  start: number;
  /** Stop arriving new messages at this time (epoch ms); lines scheduled later are dropped. */
  end?: number;
  /** Stop after this many lines (the benchmark's size). */
  lines?: number;
  seed?: number;
  /** Mean seconds between two arrivals (default 20). */
  meanGapSeconds?: number;
  /** Time an undeliverable message stays queued before it expires (default 24 h). */
  queueLifetimeSeconds?: number;
  /** "rfc3164" (classic syslog, default) or "iso" (rsyslog high-precision, with offset). */
  timestamps?: "rfc3164" | "iso";
  /** Syslog host name (default "mx1"). */
  host?: string;
}

export interface GeneratedLogSummary {
  lines: number;
  messages: number;
  firstTime: number;
  lastTime: number;
}

// ---------------------------------------------------------------- deterministic randomness

/** mulberry32: small, fast, good enough for test data. */
class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Exponentially distributed with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}

// ---------------------------------------------------------------- vocabulary

const OUR_DOMAINS = ["example.co.jp", "example-shop.jp"];
const MYHOSTNAME = "mx1.example.co.jp";
const SURNAMES = [
  "tanaka", "suzuki", "sato", "takahashi", "ito", "watanabe", "yamamoto", "nakamura", "kobayashi", "kato",
  "yoshida", "yamada", "sasaki", "matsumoto", "inoue", "kimura", "hayashi", "shimizu", "mori", "abe",
];
const GIVEN = ["taro", "hanako", "yuki", "kenji", "akiko", "hiroshi", "naoko", "daisuke", "emi", "satoshi", "mai", "ryo"];
const ROLES = ["info", "sales", "support", "order", "recruit", "pr", "soumu", "keiri", "admin", "noreply"];

interface RemoteDomain {
  domain: string;
  mx: string;
  /** Third octet base of the (documentation-range) addresses of its servers. */
  net: string;
  sent: (qid: string, rng: Rng) => string;
  unknownUser: (rcpt: string) => string;
  weight: number;
}

const hex = (rng: Rng, n: number) => {
  let s = "";
  for (let i = 0; i < n; i++) s += "0123456789abcdef"[rng.int(16)];
  return s;
};

const REMOTES: RemoteDomain[] = [
  {
    domain: "gmail.com", mx: "gmail-smtp-in.l.google.com", net: "198.51.100", weight: 20,
    sent: (_q, r) => `250 2.0.0 OK  ${1763800000 + r.int(900000)} ${hex(r, 12)}.${r.int(900) + 100} - gsmtp`,
    unknownUser: (a) => `550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser ${a.length}si.${a.length + 3} - gsmtp`,
  },
  {
    domain: "yahoo.co.jp", mx: "mx1.mail.yahoo.co.jp", net: "203.0.113", weight: 10,
    sent: () => "250 ok dirdel",
    unknownUser: (a) => `554 5.7.1 <${a}>: Recipient address rejected: Access denied`,
  },
  {
    domain: "docomo.ne.jp", mx: "mfsmax.docomo.ne.jp", net: "198.51.100", weight: 8,
    sent: () => "250 ok",
    unknownUser: (a) => `550 Unknown user ${a}`,
  },
  {
    domain: "ezweb.ne.jp", mx: "lsean.ezweb.ne.jp", net: "203.0.113", weight: 5,
    sent: () => "250 ok",
    unknownUser: (a) => `550 <${a}>: User unknown`,
  },
  {
    domain: "au.com", mx: "mx.au.com", net: "203.0.113", weight: 3,
    sent: () => "250 ok",
    unknownUser: (a) => `550 <${a}>: User unknown`,
  },
  {
    domain: "softbank.ne.jp", mx: "mx.softbank.ne.jp", net: "198.51.100", weight: 4,
    sent: () => "250 2.0.0 Ok",
    unknownUser: (a) => `550 Invalid recipient: <${a}>`,
  },
  {
    domain: "i.softbank.jp", mx: "mx.i.softbank.jp", net: "198.51.100", weight: 3,
    sent: () => "250 2.0.0 Ok",
    unknownUser: (a) => `550 5.1.1 <${a}>: Recipient address rejected: User unknown in local recipient table`,
  },
  {
    domain: "outlook.jp", mx: "outlook-jp.olc.protection.outlook.com", net: "192.0.2", weight: 6,
    sent: (_q, r) => `250 2.6.0 <${hex(r, 8)}@${MYHOSTNAME}> [InternalId=${r.int(9e9)}, Hostname=TYZP286MB${r.int(9999)}.JPNP286.PROD.OUTLOOK.COM] Queued mail for delivery`,
    unknownUser: (a) => `550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [TY1PEPF0000${String(a.length).padStart(4, "0")}.jpnprd01.prod.outlook.com]`,
  },
  {
    domain: "icloud.com", mx: "mx01.mail.icloud.com", net: "192.0.2", weight: 3,
    sent: () => "250 2.0.0 Ok: queued",
    unknownUser: (a) => `550 5.1.1 <${a}>: user does not exist`,
  },
  {
    domain: "nifty.com", mx: "mx.nifty.com", net: "203.0.113", weight: 2,
    sent: () => "250 2.0.0 Ok: queued as 4c1X2v5",
    unknownUser: (a) => `550 5.1.1 <${a}>: Recipient address rejected: User unknown`,
  },
  {
    domain: "torihikisaki.co.jp", mx: "mail.torihikisaki.co.jp", net: "192.0.2", weight: 8,
    sent: (_q, r) => `250 2.0.0 Ok: queued as ${hex(r, 10).toUpperCase()}`,
    unknownUser: (a) => `550 5.1.1 <${a}>: Recipient address rejected: User unknown in virtual mailbox table`,
  },
  {
    domain: "partner.example.com", mx: "mx.partner.example.com", net: "192.0.2", weight: 5,
    sent: (_q, r) => `250 2.0.0 Ok: queued as ${hex(r, 11).toUpperCase()}`,
    unknownUser: (a) => `550 5.1.1 <${a}>: Recipient address rejected: User unknown in local recipient table`,
  },
];
const TYPO_DOMAINS = ["gmial.com", "docomo.ne.jo", "yahoo.co.jo", "ezweb.ne.pj", "softbank.co.jp", "outlok.jp"];
const REMOTE_WEIGHT = REMOTES.reduce((s, d) => s + d.weight, 0);

const SENDER_HOSTS = [
  { name: "mail-sor-f41.google.com", ip: "209.85.220.41", domain: "gmail.com" },
  { name: "mail-yw1-f177.google.com", ip: "209.85.128.177", domain: "gmail.com" },
  { name: "mta-snd-e03.mail.nifty.com", ip: "106.153.227.35", domain: "nifty.com" },
  { name: "mail.torihikisaki.co.jp", ip: "192.0.2.80", domain: "torihikisaki.co.jp" },
  { name: "mx.partner.example.com", ip: "192.0.2.90", domain: "partner.example.com" },
  { name: "sonic312-21.consmr.mail.kks.yahoo.co.jp", ip: "203.0.113.121", domain: "yahoo.co.jp" },
  { name: "a27-12.smtp-out.ap-northeast-1.amazonses.com", ip: "54.240.27.12", domain: "mail.shop-news.jp" },
  { name: "unknown", ip: "198.51.100.203", domain: "bulk-mailer.example.net" },
];

const SUBJECTS = [
  "Re: お見積りの件", "ご注文ありがとうございます", "Meeting on Thursday", "=?UTF-8?B?6KuL5rGC5pu444Gu44GU6YCB5LuY?=",
  "=?ISO-2022-JP?B?GyRCJDQwRkZiGyhC?=", "Invoice 2026-11", "Fwd: 資料送付", "[support] Ticket #48213",
  "Weekly report", "パスワード再設定のご案内",
];
const HOLD_SUBJECTS = ["URGENT wire transfer", "Your account will be suspended", "=?UTF-8?B?44CQ6YeN6KaB44CR44GK5pSv5omV44GE?="];

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// ---------------------------------------------------------------- line heap

interface Line {
  t: number;
  seq: number;
  text: string;
}

/** Min-heap by (time, insertion order): lines scheduled for the same ms keep their order. */
class LineHeap {
  private a: Line[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): Line | undefined {
    return this.a[0];
  }
  push(x: Line): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(a[p], x)) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = x;
  }
  pop(): Line | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && less(a[r], a[l]) ? r : l;
        if (less(last, a[c])) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
const less = (x: Line, y: Line) => x.t < y.t || (x.t === y.t && x.seq < y.seq);

// ---------------------------------------------------------------- the generator

class LogState {
  readonly rng: Rng;
  readonly heap = new LineHeap();
  seq = 0;
  now = 0;
  messages = 0;
  readonly host: string;
  private readonly lifetime: number;
  private pidNext = 4000;
  readonly qmgrPid: number;
  readonly postscreenPid: number;
  readonly anvilPid: number;
  private readonly cleanupPids: number[];
  private readonly freedIds: { id: string; at: number }[] = [];
  private readonly inUse = new Set<string>();
  private inode = 0x20e0f0;

  constructor(o: PostfixLogOptions) {
    this.rng = new Rng(o.seed ?? 1);
    this.host = o.host ?? "mx1";
    this.lifetime = (o.queueLifetimeSeconds ?? 86400) * 1000;
    this.qmgrPid = this.pid();
    this.postscreenPid = this.pid();
    this.anvilPid = this.pid();
    this.cleanupPids = [this.pid(), this.pid(), this.pid()];
  }

  pid(): number {
    this.pidNext += 1 + this.rng.int(40);
    if (this.pidNext > 4_190_000) this.pidNext = 3000;
    return this.pidNext;
  }

  at(t: number, prog: string, pid: number, text: string): void {
    this.heap.push({ t, seq: this.seq++, text: `postfix/${prog}[${pid}]: ${text}` });
  }

  /** A Postfix short queue ID (5 hex digits of microseconds + inode); now and then one freed earlier. */
  queueId(t: number): string {
    if (this.freedIds.length > 50 && this.rng.chance(0.004)) {
      const i = this.rng.int(this.freedIds.length);
      const old = this.freedIds[i];
      if (old.at < t && !this.inUse.has(old.id)) {
        this.freedIds.splice(i, 1);
        this.inUse.add(old.id);
        return old.id;
      }
    }
    for (;;) {
      this.inode = 0x20e0f0 + ((this.inode - 0x20e0f0 + 1 + this.rng.int(7)) % 0x4000);
      const usec = (Math.floor(t * 1000) + this.rng.int(1000)) & 0xfffff;
      const id = usec.toString(16).toUpperCase().padStart(5, "0") + this.inode.toString(16).toUpperCase();
      if (!this.inUse.has(id)) {
        this.inUse.add(id);
        return id;
      }
    }
  }

  /** qmgr's "removed": the ID is free again from then on. */
  removed(t: number, qid: string): void {
    this.at(t, "qmgr", this.qmgrPid, `${qid}: removed`);
    this.inUse.delete(qid);
    this.freedIds.push({ id: qid, at: t });
    if (this.freedIds.length > 2000) this.freedIds.splice(0, 1000);
  }

  /** A queue entry that ends without "removed" (cleanup rejected it): the ID is free again. */
  dropped(qid: string): void {
    this.inUse.delete(qid);
  }

  cleanup(): number {
    return this.rng.pick(this.cleanupPids);
  }

  user(domain: string): string {
    const r = this.rng;
    const x = r.next();
    const local =
      x < 0.45 ? `${r.pick(GIVEN)}.${r.pick(SURNAMES)}` : x < 0.7 ? `${r.pick(SURNAMES)}${r.int(100)}` : x < 0.85 ? r.pick(ROLES) : `${r.pick(GIVEN)}-${r.pick(SURNAMES)}.${1970 + r.int(40)}`;
    return `${local}@${domain}`;
  }

  remote(): RemoteDomain {
    let w = this.rng.int(REMOTE_WEIGHT);
    for (const d of REMOTES) {
      w -= d.weight;
      if (w < 0) return d;
    }
    return REMOTES[0];
  }

  messageId(t: number, domain: string): string {
    const d = new Date(t);
    const stamp = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}${String(d.getUTCDate()).padStart(2, "0")}${String(d.getUTCHours()).padStart(2, "0")}${String(d.getUTCMinutes()).padStart(2, "0")}${String(d.getUTCSeconds()).padStart(2, "0")}`;
    return `<${stamp}.${hex(this.rng, 8)}@${domain}>`;
  }

  get lifetimeMs(): number {
    return this.lifetime;
  }
}

const secs = (ms: number) => (ms / 1000).toFixed(ms < 10000 ? 2 : 1).replace(/\.?0+$/, "") || "0";
function delays(rng: Rng, total: number): { delay: string; delays: string } {
  // before queue manager / in queue manager / connection setup / transmission; they add up to delay.
  const sum = Math.max(0.05, total / 1000);
  const a = Math.min(rng.range(0.01, 0.3), sum * 0.3);
  const b = Math.min(rng.range(0, 0.05), sum * 0.1);
  const c = Math.min(rng.range(0.02, 0.6), sum * 0.3);
  const d = Math.max(0.01, sum - a - b - c);
  const f = (x: number) => (x < 0.01 ? "0" : x.toFixed(2).replace(/\.?0+$/, ""));
  return { delay: secs(total), delays: `${f(a)}/${f(b)}/${f(c)}/${f(d)}` };
}

interface Arrival {
  qid: string;
  messageId: string;
  t: number;
  /** Time the message is queued (after cleanup). */
  queued: number;
}

/** An SMTP session from `client` that hands over one message; returns its queue ID and times. */
function smtpArrival(
  g: LogState,
  t: number,
  o: { client: { name: string; ip: string }; sender: string; rcpts: string[]; size: number; subject: string; submission?: string; postscreen?: boolean; hold?: boolean },
): Arrival {
  const r = g.rng;
  const port = 20000 + r.int(40000);
  let tt = t;
  const prog = o.submission ? "submission/smtpd" : "smtpd";
  const spid = g.pid();
  if (o.postscreen) {
    g.at(tt, "postscreen", psPid(g), `CONNECT from [${o.client.ip}]:${port} to [192.0.2.25]:25`);
    tt += 5 + r.int(40);
    g.at(tt, "postscreen", psPid(g), `PASS OLD [${o.client.ip}]:${port}`);
    tt += 1 + r.int(5);
  }
  g.at(tt, prog, spid, `connect from ${o.client.name}[${o.client.ip}]`);
  tt += 20 + r.int(200);
  const qid = g.queueId(tt);
  g.at(tt, prog, spid, `${qid}: client=${o.client.name}[${o.client.ip}]${o.submission ? `, sasl_method=PLAIN, sasl_username=${o.submission}` : ""}`);
  tt += 10 + r.int(80);
  const cpid = g.cleanup();
  const mid = g.messageId(tt, o.sender.split("@")[1] || MYHOSTNAME);
  g.at(tt, "cleanup", cpid, `${qid}: message-id=${mid}`);
  if (o.hold) {
    g.at(tt + 1, "cleanup", cpid, `${qid}: hold: header Subject: ${o.subject} from ${o.client.name}[${o.client.ip}]; from=<${o.sender}> to=<${o.rcpts[0]}> proto=ESMTP helo=<${o.client.name === "unknown" ? `[${o.client.ip}]` : o.client.name}>: Quarantined: suspicious subject`);
  }
  tt += 2 + r.int(20);
  if (!o.hold) g.at(tt, "qmgr", qmgrPid(g), `${qid}: from=<${o.sender}>, size=${o.size}, nrcpt=${o.rcpts.length} (queue active)`);
  const n = o.rcpts.length;
  g.at(tt + 3 + r.int(30), prog, spid, `disconnect from ${o.client.name}[${o.client.ip}] ehlo=1${o.submission ? " starttls=1 auth=1" : ""} mail=1 rcpt=${n} data=1 quit=1 commands=${5 + n - 1 + (o.submission ? 2 : 0)}`);
  return { qid, messageId: mid, t, queued: tt };
}

const psPid = (g: LogState) => g.postscreenPid;
const qmgrPid = (g: LogState) => g.qmgrPid;

type Outcome = "sent" | "bounced" | "deferred-sent" | "deferred-expired" | "nxdomain";

/** Remote SMTP delivery outcomes of one recipient, from `t` on; returns the time it settled. */
function remoteDelivery(
  g: LogState,
  qid: string,
  queued: number,
  rcpt: string,
  dom: RemoteDomain,
  outcome: Outcome,
  sender: string,
  size: number,
): number {
  const r = g.rng;
  const ip = `${dom.net}.${10 + r.int(200)}`;
  const relay = `${dom.mx}[${ip}]:25`;
  let t = queued + 100 + r.int(900);
  const spid = g.pid();
  if (outcome === "nxdomain") {
    const d = delays(r, t - queued);
    g.at(t, "smtp", spid, `${qid}: to=<${rcpt}>, relay=none, delay=${d.delay}, delays=${d.delays}, dsn=5.4.4, status=bounced (Host or domain name not found. Name service error for name=${rcpt.split("@")[1]} type=MX: Host not found)`);
    return t;
  }
  if (outcome === "sent") {
    const d = delays(r, t - queued);
    g.at(t, "smtp", spid, `${qid}: to=<${rcpt}>, relay=${relay}, delay=${d.delay}, delays=${d.delays}, dsn=2.0.0, status=sent (${dom.sent(qid, r)})`);
    return t;
  }
  if (outcome === "bounced") {
    const d = delays(r, t - queued);
    g.at(t, "smtp", spid, `${qid}: to=<${rcpt}>, relay=${relay}, delay=${d.delay}, delays=${d.delays}, dsn=5.1.1, status=bounced (host ${dom.mx}[${ip}] said: ${dom.unknownUser(rcpt)} (in reply to RCPT TO command))`);
    return t;
  }
  // Deferred: first attempt, then retries with Postfix's doubling backoff.
  const reasons = [
    { dsn: "4.4.1", text: `connect to ${dom.mx}[${ip}]:25: Connection timed out`, relay: "none" },
    { dsn: "4.7.0", text: `host ${dom.mx}[${ip}] said: 421 4.7.0 [TS01] Messages from 192.0.2.25 temporarily deferred due to unexpected volume or user complaints (in reply to MAIL FROM command)`, relay },
    { dsn: "4.2.2", text: `host ${dom.mx}[${ip}] said: 452 4.2.2 <${rcpt}>: Mailbox full (in reply to RCPT TO command)`, relay },
    { dsn: "4.4.1", text: `connect to ${dom.mx}[${ip}]:25: Connection refused`, relay: "none" },
  ];
  const why = r.pick(reasons);
  let backoff = 300_000;
  const expires = queued + g.lifetimeMs;
  const retriesBeforeSuccess = 1 + r.int(4);
  let warned = false;
  for (let attempt = 0; ; attempt++) {
    const d = delays(r, t - queued);
    if (outcome === "deferred-sent" && attempt === retriesBeforeSuccess) {
      g.at(t, "smtp", g.pid(), `${qid}: to=<${rcpt}>, relay=${relay}, delay=${d.delay}, delays=${d.delays}, dsn=2.0.0, status=sent (${dom.sent(qid, r)})`);
      return t;
    }
    if (outcome === "deferred-expired" && t + backoff > expires) {
      // Expiry happens on the queue run after the lifetime: qmgr returns it to the sender.
      const te = expires + r.int(300_000);
      g.at(te, "qmgr", qmgrPid(g), `${qid}: from=<${sender}>, status=expired, returned to sender`);
      return te;
    }
    const apid = g.pid();
    // smtp(8) logs a failed connection once without a queue ID, then the recipient's status.
    if (why.relay === "none") g.at(t - 1, "smtp", apid, why.text);
    g.at(t, "smtp", apid, `${qid}: to=<${rcpt}>, relay=${why.relay}, delay=${d.delay}, delays=${d.delays}, dsn=${why.dsn}, status=deferred (${why.text})`);
    if (!warned && t - queued > 4 * 3600_000 && sender) {
      warned = true;
      notification(g, t + 50, qid, sender, "delay");
    }
    t += backoff + r.int(60_000);
    // The queue manager picks the message up again: it logs from= on every retry.
    g.at(t - 5, "qmgr", qmgrPid(g), `${qid}: from=<${sender}>, size=${size}, nrcpt=1 (queue active)`);
    backoff = Math.min(backoff * 2, 4000_000);
  }
}

/** A bounce(8) notification to `sender` about `qid`, delivered (or not) as its own queue entry. */
function notification(g: LogState, t: number, qid: string, sender: string, kind: "non-delivery" | "delay"): void {
  const r = g.rng;
  const nq = g.queueId(t);
  const bpid = g.pid();
  g.at(t, "cleanup", g.cleanup(), `${nq}: message-id=<${fmtStamp(t)}.${nq}@${MYHOSTNAME}>`);
  g.at(t + 1, "bounce", bpid, `${qid}: sender ${kind} notification: ${nq}`);
  g.at(t + 2, "qmgr", qmgrPid(g), `${nq}: from=<>, size=${2500 + r.int(3000)}, nrcpt=1 (queue active)`);
  const dom = sender.split("@")[1] ?? "";
  const tt = t + 200 + r.int(800);
  const d = delays(r, tt - t);
  if (OUR_DOMAINS.includes(dom)) {
    g.at(tt, "lmtp", g.pid(), `${nq}: to=<${sender}>, relay=${MYHOSTNAME}[private/dovecot-lmtp], delay=${d.delay}, delays=${d.delays}, dsn=2.0.0, status=sent (250 2.0.0 <${sender}> ${hex(r, 6)}Kz1mZ${hex(r, 4)} Saved)`);
  } else {
    const rd = REMOTES.find((x) => x.domain === dom);
    const relay = rd ? `${rd.mx}[${rd.net}.${10 + r.int(200)}]:25` : `mx.${dom}[192.0.2.${10 + r.int(200)}]:25`;
    g.at(tt, "smtp", g.pid(), `${nq}: to=<${sender}>, relay=${relay}, delay=${d.delay}, delays=${d.delays}, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ${hex(r, 10).toUpperCase()})`);
  }
  g.removed(tt + 1, nq);
}

function fmtStamp(t: number): string {
  const d = new Date(t);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, "0")}${String(d.getUTCDate()).padStart(2, "0")}${String(d.getUTCHours()).padStart(2, "0")}${String(d.getUTCMinutes()).padStart(2, "0")}${String(d.getUTCSeconds()).padStart(2, "0")}`;
}

function lmtpDelivery(g: LogState, qid: string, t: number, queued: number, rcpt: string): void {
  const d = delays(g.rng, t - queued);
  g.at(t, "lmtp", g.pid(), `${qid}: to=<${rcpt}>, relay=${MYHOSTNAME}[private/dovecot-lmtp], delay=${d.delay}, delays=${d.delays}, dsn=2.0.0, status=sent (250 2.0.0 <${rcpt}> ${hex(g.rng, 6)}Kz1mZ${hex(g.rng, 4)} Saved)`);
}

// ---------------------------------------------------------------- scenarios

/** Inbound mail over postscreen, through the content filter, into Dovecot. */
function inbound(g: LogState, t: number): void {
  const r = g.rng;
  const client = r.pick(SENDER_HOSTS);
  const sender = g.user(client.domain);
  const dom = r.pick(OUR_DOMAINS);
  const rcpts = [g.user(dom)];
  if (r.chance(0.15)) rcpts.push(g.user(dom));
  const hold = r.chance(0.02);
  const subject = hold ? r.pick(HOLD_SUBJECTS) : r.pick(SUBJECTS);
  const a = smtpArrival(g, t, { client, sender, rcpts, size: 3000 + r.int(200000), subject, postscreen: true, hold });
  if (hold) return; // stays in the hold queue
  const filtered = r.chance(0.8);
  const tt = a.queued + 300 + r.int(2500);
  if (filtered) {
    // smtp to amavisd, which re-injects through 127.0.0.1:10025 under a new queue ID.
    const ipid = g.pid();
    g.at(tt - 40, "smtpd", ipid, "connect from localhost[127.0.0.1]");
    const nq = g.queueId(tt - 30);
    g.at(tt - 30, "smtpd", ipid, `${nq}: client=localhost[127.0.0.1], orig_queue_id=${a.qid}, orig_client=${client.name}[${client.ip}]`);
    g.at(tt - 20, "cleanup", g.cleanup(), `${nq}: message-id=${a.messageId}`);
    const nqSize = 4000 + r.int(200000);
    g.at(tt - 10, "qmgr", qmgrPid(g), `${nq}: from=<${sender}>, size=${nqSize}, nrcpt=${rcpts.length} (queue active)`);
    g.at(tt - 5, "smtpd", ipid, `disconnect from localhost[127.0.0.1] ehlo=1 xforward=1 mail=1 rcpt=${rcpts.length} data=1 quit=1 commands=${5 + rcpts.length}`);
    const spid = g.pid();
    for (const rc of rcpts) {
      const d = delays(r, tt - a.queued);
      g.at(tt, "smtp", spid, `${a.qid}: to=<${rc}>, relay=127.0.0.1[127.0.0.1]:10024, delay=${d.delay}, delays=${d.delays}, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as ${nq})`);
    }
    g.removed(tt + 1, a.qid);
    // After the filter: mostly into the mailbox; now and then a full mailbox bounces (the filter
    // hop said "sent": the trace's row shows the last hop) or Dovecot is busy and it waits.
    let t2 = tt + 20 + r.int(200);
    let bounced = false;
    for (const rc of rcpts) {
      const x = r.next();
      if (x < 0.03) {
        const d = delays(r, t2 - (tt - 30));
        g.at(t2, "lmtp", g.pid(), `${nq}: to=<${rc}>, relay=${MYHOSTNAME}[private/dovecot-lmtp], delay=${d.delay}, delays=${d.delays}, dsn=5.2.2, status=bounced (host ${MYHOSTNAME}[private/dovecot-lmtp] said: 552 5.2.2 <${rc}> Quota exceeded (mailbox for user is full) (in reply to end of data command))`);
        bounced = true;
      } else if (x < 0.05) {
        const d = delays(r, t2 - (tt - 30));
        g.at(t2, "lmtp", g.pid(), `${nq}: to=<${rc}>, relay=${MYHOSTNAME}[private/dovecot-lmtp], delay=${d.delay}, delays=${d.delays}, dsn=4.3.0, status=deferred (host ${MYHOSTNAME}[private/dovecot-lmtp] said: 451 4.3.0 <${rc}> Temporary internal error (in reply to end of data command))`);
        t2 += 300_000 + r.int(600_000);
        g.at(t2 - 5, "qmgr", qmgrPid(g), `${nq}: from=<${sender}>, size=${nqSize}, nrcpt=${rcpts.length} (queue active)`);
        lmtpDelivery(g, nq, t2, tt - 30, rc);
      } else lmtpDelivery(g, nq, t2, tt - 30, rc);
    }
    if (bounced) {
      notification(g, t2 + 30, nq, sender, "non-delivery");
      t2 += 60;
    }
    g.removed(t2 + 1, nq);
  } else {
    for (const rc of rcpts) lmtpDelivery(g, a.qid, tt, a.queued, rc);
    g.removed(tt + 1, a.qid);
  }
}

/** Outbound mail from a SASL user on the submission port. */
function outbound(g: LogState, t: number): void {
  const r = g.rng;
  const dom = r.pick(OUR_DOMAINS);
  const sender = g.user(dom);
  const n = r.chance(0.2) ? 2 + r.int(3) : 1;
  const targets = Array.from({ length: n }, () => g.remote());
  const rcpts = targets.map((d) => g.user(d.domain));
  const client = { name: "unknown", ip: `10.1.${r.int(4)}.${10 + r.int(200)}` };
  const size = 1500 + r.int(3_000_000);
  const outcomes = targets.map((): Outcome => {
    const x = r.next();
    return x < 0.86 ? "sent" : x < 0.92 ? "bounced" : x < 0.96 ? "deferred-sent" : x < 0.985 ? "deferred-expired" : "nxdomain";
  });
  // A domain that does not exist is nearly always a typo of a real one.
  outcomes.forEach((o, i) => {
    if (o === "nxdomain") rcpts[i] = rcpts[i].replace(/@.*/, `@${r.pick(TYPO_DOMAINS)}`);
  });
  const a = smtpArrival(g, t, { client, sender, rcpts, size, subject: r.pick(SUBJECTS), submission: sender });
  let last = a.queued;
  let failed = false;
  let expired = false;
  for (let i = 0; i < n; i++) {
    const outcome = outcomes[i];
    if (outcome === "bounced" || outcome === "nxdomain") failed = true;
    if (outcome === "deferred-expired") expired = true;
    last = Math.max(last, remoteDelivery(g, a.qid, a.queued, rcpts[i], targets[i], outcome, sender, size));
  }
  if (expired) {
    // On expiry qmgr bounces every deferred recipient at once; then the notification goes out.
    notification(g, last + 30, a.qid, sender, "non-delivery");
  } else if (failed) {
    notification(g, last + 30, a.qid, sender, "non-delivery");
  }
  g.removed(last + 60, a.qid);
}

/** Refused before queueing: unknown user, relaying attempt, RBL listed client. */
function noqueue(g: LogState, t: number): void {
  const r = g.rng;
  const pid = g.pid();
  const x = r.next();
  const ip = `${r.pick(["198.51.100", "203.0.113", "192.0.2"])}.${r.int(250) + 1}`;
  const port = 20000 + r.int(40000);
  const helo = r.chance(0.5) ? `[${ip}]` : `mail${r.int(90)}.bulk-mailer.example.net`;
  const sender = g.user(r.pick(["bulk-mailer.example.net", "gmail.com", "yahoo.co.jp", "mail.shop-news.jp"]));
  if (x < 0.25) {
    // postscreen turns the client away before smtpd sees it.
    g.at(t, "postscreen", psPid(g), `CONNECT from [${ip}]:${port} to [192.0.2.25]:25`);
    g.at(t + 2, "postscreen", psPid(g), `PREGREET 11 after 0.${r.int(9) + 1} from [${ip}]:${port}: EHLO ${helo}\\r\\n`);
    g.at(t + 6000 + r.int(900), "postscreen", psPid(g), `DNSBL rank ${2 + r.int(4)} for [${ip}]:${port}`);
    const rcpt = g.user(r.pick(OUR_DOMAINS));
    g.at(t + 6500 + r.int(500), "postscreen", psPid(g), `NOQUEUE: reject: RCPT from [${ip}]:${port}: 550 5.7.1 Service unavailable; client [${ip}] blocked using zen.spamhaus.org; from=<${sender}>, to=<${rcpt}>, proto=ESMTP, helo=<${helo}>`);
    g.at(t + 7100 + r.int(500), "postscreen", psPid(g), `DISCONNECT [${ip}]:${port}`);
    return;
  }
  g.at(t, "postscreen", psPid(g), `CONNECT from [${ip}]:${port} to [192.0.2.25]:25`);
  g.at(t + 1, "postscreen", psPid(g), `PASS NEW [${ip}]:${port}`);
  const name = r.chance(0.6) ? "unknown" : `host-${ip.replace(/\./g, "-")}.example.net`;
  g.at(t + 5, "smtpd", pid, `connect from ${name}[${ip}]`);
  let reply: string;
  let rcpt: string;
  if (x < 0.7) {
    rcpt = g.user(r.pick(OUR_DOMAINS));
    reply = `550 5.1.1 <${rcpt}>: Recipient address rejected: User unknown in virtual mailbox table`;
  } else if (x < 0.85) {
    rcpt = g.user(g.remote().domain);
    reply = `454 4.7.1 <${rcpt}>: Relay access denied`;
  } else {
    rcpt = g.user(r.pick(OUR_DOMAINS));
    reply = `554 5.7.1 Service unavailable; Client host [${ip}] blocked using bl.spamcop.net; Blocked - see https://www.spamcop.net/bl.shtml?${ip}`;
  }
  g.at(t + 300 + r.int(400), "smtpd", pid, `NOQUEUE: reject: RCPT from ${name}[${ip}]: ${reply}; from=<${sender}> to=<${rcpt}> proto=ESMTP helo=<${helo}>`);
  g.at(t + 800 + r.int(400), "smtpd", pid, `disconnect from ${name}[${ip}] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4`);
}

/** Local mail from cron (sendmail -> pickup), delivered to root's mailbox. */
function cron(g: LogState, t: number): void {
  const r = g.rng;
  const qid = g.queueId(t);
  g.at(t, "pickup", g.pid(), `${qid}: uid=0 from=<root>`);
  g.at(t + 5, "cleanup", g.cleanup(), `${qid}: message-id=<${fmtStamp(t)}.${qid}@${MYHOSTNAME}>`);
  g.at(t + 9, "qmgr", qmgrPid(g), `${qid}: from=<root@${MYHOSTNAME}>, size=${700 + r.int(2000)}, nrcpt=1 (queue active)`);
  const d = delays(r, 30);
  g.at(t + 30, "local", g.pid(), `${qid}: to=<root@${MYHOSTNAME}>, orig_to=<root>, relay=local, delay=${d.delay}, delays=${d.delays}, dsn=2.0.0, status=sent (delivered to mailbox)`);
  g.removed(t + 31, qid);
}

/** header_checks REJECT at cleanup: the client sees a 5xx after DATA. */
function contentReject(g: LogState, t: number): void {
  const r = g.rng;
  const client = r.pick(SENDER_HOSTS);
  const pid = g.pid();
  g.at(t, "smtpd", pid, `connect from ${client.name}[${client.ip}]`);
  const qid = g.queueId(t + 50);
  g.at(t + 50, "smtpd", pid, `${qid}: client=${client.name}[${client.ip}]`);
  const sender = g.user(client.domain);
  const rcpt = g.user(r.pick(OUR_DOMAINS));
  const cp = g.cleanup();
  g.at(t + 80, "cleanup", cp, `${qid}: message-id=${g.messageId(t, client.domain)}`);
  g.at(t + 81, "cleanup", cp, `${qid}: reject: header Content-Type: application/x-msdownload; name="invoice.exe" from ${client.name}[${client.ip}]; from=<${sender}> to=<${rcpt}> proto=ESMTP helo=<${client.name}>: 5.7.1 Executable attachments are not accepted`);
  g.at(t + 120, "smtpd", pid, `disconnect from ${client.name}[${client.ip}] ehlo=1 mail=1 rcpt=1 data=0/1 quit=1 commands=4/5`);
  g.dropped(qid);
}

/** Lines without a message: warnings, dropped sessions, anvil statistics (real logs are full of them). */
function noise(g: LogState, t: number): void {
  const r = g.rng;
  const ip = `${r.pick(["198.51.100", "203.0.113", "192.0.2"])}.${r.int(250) + 1}`;
  const pid = g.pid();
  const x = r.next();
  if (x < 0.3) {
    g.at(t, "smtpd", pid, `warning: hostname mail${r.int(50)}.bulk-mailer.example.net does not resolve to address ${ip}: Name or service not known`);
    g.at(t + 1, "smtpd", pid, `connect from unknown[${ip}]`);
    g.at(t + 2000 + r.int(5000), "smtpd", pid, `lost connection after ${r.pick(["EHLO", "AUTH", "CONNECT", "STARTTLS"])} from unknown[${ip}]`);
    g.at(t + 2001 + r.int(5000), "smtpd", pid, `disconnect from unknown[${ip}] ehlo=1 auth=0/1 commands=1/2`);
  } else if (x < 0.55) {
    g.at(t, "submission/smtpd", pid, `connect from unknown[${ip}]`);
    g.at(t + 800, "submission/smtpd", pid, `warning: unknown[${ip}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6`);
    g.at(t + 1200, "submission/smtpd", pid, `disconnect from unknown[${ip}] ehlo=1 auth=0/1 rset=1 quit=1 commands=3/4`);
  } else if (x < 0.75) {
    const port = 20000 + r.int(40000);
    g.at(t, "postscreen", g.postscreenPid, `CONNECT from [${ip}]:${port} to [192.0.2.25]:25`);
    g.at(t + 3000 + r.int(2000), "postscreen", g.postscreenPid, `HANGUP after ${(3 + r.next() * 2).toFixed(1)} from [${ip}]:${port} in tests before SMTP handshake`);
    g.at(t + 3001 + r.int(2000), "postscreen", g.postscreenPid, `DISCONNECT [${ip}]:${port}`);
  } else if (x < 0.9) {
    g.at(t, "smtpd", pid, `connect from unknown[${ip}]`);
    g.at(t + 300, "smtpd", pid, `improper command pipelining after EHLO from unknown[${ip}]: QUIT\\r\\n`);
    g.at(t + 301, "smtpd", pid, `disconnect from unknown[${ip}] ehlo=1 quit=1 commands=2`);
  } else {
    g.at(t, "anvil", g.anvilPid, `statistics: max connection rate ${1 + r.int(9)}/60s for (smtp:${ip}) at ${stampOf(t - 60_000 - r.int(500_000))}`);
    g.at(t + 1, "anvil", g.anvilPid, `statistics: max connection count ${1 + r.int(4)} for (smtp:${ip}) at ${stampOf(t - 60_000 - r.int(500_000))}`);
  }
}

const stampOf = (t: number) => {
  const d = new Date(t);
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, " ")} ${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}:${String(d.getSeconds()).padStart(2, "0")}`;
};

const SCENARIOS: { weight: number; run: (g: LogState, t: number) => void }[] = [
  { weight: 40, run: inbound },
  { weight: 32, run: outbound },
  { weight: 22, run: noqueue },
  { weight: 4, run: cron },
  { weight: 2, run: contentReject },
  { weight: 6, run: noise },
];
const SCENARIO_WEIGHT = SCENARIOS.reduce((s, x) => s + x.weight, 0);

// ---------------------------------------------------------------- output

function makeStamp(kind: "rfc3164" | "iso"): (t: number) => string {
  let lastSec = -1;
  let cached = "";
  return (t: number) => {
    const sec = Math.floor(t / 1000);
    if (kind === "iso") {
      // rsyslog's RFC 3339 high-precision form: 2026-11-23T10:35:23.123456+09:00
      const off = -new Date(t).getTimezoneOffset();
      const local = new Date(t + off * 60000).toISOString().slice(0, 23);
      const sign = off >= 0 ? "+" : "-";
      const oh = String(Math.floor(Math.abs(off) / 60)).padStart(2, "0");
      const om = String(Math.abs(off) % 60).padStart(2, "0");
      return `${local}000${sign}${oh}:${om}`;
    }
    if (sec !== lastSec) {
      lastSec = sec;
      const d = new Date(t);
      cached = `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, " ")} ${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}:${String(d.getSeconds()).padStart(2, "0")}`;
    }
    return cached;
  };
}

/**
 * Relative traffic by local hour: quiet nights, busy office hours (the mean is about 1, so
 * `meanGapSeconds` still holds over a day).
 */
const DIURNAL = (() => {
  const raw = [0.25, 0.2, 0.18, 0.18, 0.2, 0.3, 0.5, 0.9, 1.5, 1.9, 1.9, 1.7, 1.3, 1.7, 1.9, 1.8, 1.6, 1.4, 1.1, 0.9, 0.7, 0.55, 0.4, 0.3];
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  return raw.map((x) => x / mean);
})();

/** The log's lines (without newlines), in time order. */
export function* generatePostfixLog(o: PostfixLogOptions): Generator<string, GeneratedLogSummary> {
  const g = new LogState(o);
  const maxLines = o.lines ?? Number.POSITIVE_INFINITY;
  const end = o.end ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(maxLines) && !Number.isFinite(end)) throw new Error("generatePostfixLog needs `lines` or `end`");
  const meanGap = (o.meanGapSeconds ?? 20) * 1000;
  const stamp = makeStamp(o.timestamps ?? "rfc3164");
  const prefix = ` ${g.host} `;
  let t = o.start;
  let count = 0;
  let first = Number.NaN;
  let last = o.start;
  const emitUntil = function* (limit: number): Generator<string> {
    for (;;) {
      const top = g.heap.peek();
      if (!top || top.t > limit || count >= maxLines) return;
      g.heap.pop();
      if (top.text.length === 0) continue;
      if (Number.isNaN(first)) first = top.t;
      last = top.t;
      count++;
      yield stamp(top.t) + prefix + top.text;
    }
  };
  while (count < maxLines && t < end) {
    yield* emitUntil(t);
    const x = g.rng.int(SCENARIO_WEIGHT);
    let w = x;
    for (const s of SCENARIOS) {
      w -= s.weight;
      if (w < 0) {
        s.run(g, t);
        break;
      }
    }
    g.messages++;
    t += Math.max(1, Math.round(g.rng.exp(meanGap / DIURNAL[new Date(t).getHours()])));
  }
  // Arrivals stop at `end`; what was scheduled up to then still happens.
  yield* emitUntil(Number.isFinite(end) ? end : t);
  return { lines: count, messages: g.messages, firstTime: first, lastTime: last };
}

/** Writes the generated log to `path` (buffered); returns what was written. */
export async function writePostfixLog(path: string, o: PostfixLogOptions): Promise<GeneratedLogSummary> {
  const out = createWriteStream(path);
  const it = generatePostfixLog(o);
  let buf: string[] = [];
  let summary: GeneratedLogSummary | undefined;
  for (;;) {
    const n = it.next();
    if (n.done) {
      summary = n.value;
      break;
    }
    buf.push(n.value);
    if (buf.length >= 4096) {
      if (!out.write(`${buf.join("\n")}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
      buf = [];
    }
  }
  if (buf.length) out.write(`${buf.join("\n")}\n`);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return summary;
}
