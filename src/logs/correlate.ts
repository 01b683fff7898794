/**
 * Facts -> messages, recipients and events.
 *
 * A message is one queue entry on one host, identified by host + queue ID + the time of its
 * first line. Postfix reuses queue IDs, so a line for a queue ID whose entry was already
 * removed (or a second `client=`/pickup line) starts a new message. Open entries are kept in
 * memory and written on `removed` or at each batch commit; entries not seen for a while are
 * dropped from memory and found again in the store when they reappear (long deferrals, logs
 * split over several files).
 *
 * Links between queue entries (content-filter re-injection `queued as`, relay hops, local
 * `forwarded as`, bounce notifications) are stored by the parent with the child's queue ID;
 * the store resolves them when a trace is shown, so the child may be logged before or after
 * the parent, or on another host.
 */
import type { Envelope } from "./syslog.ts";
import type { Fact } from "./dialects/types.ts";
import { type CanonicalStatus, canonicalStatus } from "./status.ts";
import type { EventRecord, LinkRecord, MessageFields, StoreWriter } from "../store/store.ts";

interface PendingRecipient {
  recipient: string;
  origTo?: string;
  status: CanonicalStatus;
  dsn?: string;
  relay?: string;
  delay?: number;
  detail?: string;
  eventTime: number;
}

interface OpenMessage {
  /** Store id; 0 until the entry is first written (entries are inserted with all they know). */
  id: number;
  host: string;
  queueId: string;
  firstTime: number;
  offset: number;
  lastTime: number;
  hasOrigin: boolean;
  /** Known fields (hydrated from the store when reopened), used for recipient rows. */
  sender?: string;
  clientIp?: string;
  /** Fields learned since the last write. */
  dirty: MessageFields | undefined;
  rcpts: Map<string, PendingRecipient>;
  /** A status for the whole entry (held, discarded, queued) used until recipients are known. */
  entryStatus?: CanonicalStatus;
  entryDetail?: string;
  /** Whether recipient rows exist in the store already (so a placeholder may need removing). */
  hasStoredRows: boolean;
  placeholder: boolean;
  placeholderStatus?: CanonicalStatus;
  /** Lines since the last write. */
  events: EventRecord[];
  links: Omit<LinkRecord, "parent">[];
}

export interface CorrelatorCounts {
  events: number;
  messages: number;
}

/** 53-bit string hash (cyrb53): cheap, well spread, deterministic across runs. */
export function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

// An entry not seen for this long (log time) is written and dropped from memory.
const IDLE_MS = 2 * 3600 * 1000;
const MAX_OPEN = 200_000;

export class Correlator {
  readonly counts: CorrelatorCounts = { events: 0, messages: 0 };
  private readonly w: StoreWriter;
  private readonly open = new Map<string, OpenMessage>();
  private latest = 0;
  private seq = 0;

  constructor(writer: StoreWriter) {
    this.w = writer;
  }

  /** One line: its envelope, the dialect's fact, and the raw text. */
  add(env: Envelope, fact: Fact, raw: string, seq = 0): void {
    this.seq = seq;
    if (env.time > this.latest) this.latest = env.time;
    const qid = fact.queueId;
    if (!qid) {
      if (fact.kind === "reject" && fact.recipient !== undefined) this.addRefusal(env, fact, raw);
      return;
    }
    const start = fact.kind === "client" || fact.kind === "pickup";
    const m = this.messageFor(env, qid, start);
    m.lastTime = env.time > m.lastTime ? env.time : m.lastTime;
    m.events.push(this.event(env, fact, raw));
    this.apply(m, env, fact);
  }

  /** Writes everything open (call before each commit). Idle entries leave memory. */
  flush(): void {
    const idleBefore = this.latest - IDLE_MS;
    for (const [key, m] of this.open) {
      this.write(m);
      if (m.lastTime < idleBefore) this.open.delete(key);
    }
  }

  /** Writes everything; the correlator may be used again afterwards (state is kept in the store). */
  finish(): void {
    for (const m of this.open.values()) this.write(m);
    this.open.clear();
  }

  private messageFor(env: Envelope, qid: string, start: boolean): OpenMessage {
    const key = `${env.host} ${qid}`;
    let m = this.open.get(key);
    if (m && start && m.hasOrigin && m.firstTime !== env.time) {
      // A second entry point for the same queue ID: Postfix reused it.
      this.write(m);
      this.open.delete(key);
      m = undefined;
    }
    if (m) return m;
    const found = this.w.findMessage(env.host, qid, env.time);
    if (
      found &&
      (found.removedTime === undefined || env.time <= found.removedTime) &&
      !(start && found.origin !== undefined && found.firstTime !== env.time)
    ) {
      m = {
        id: found.id, host: env.host, queueId: qid, firstTime: found.firstTime, offset: found.offset, lastTime: env.time,
        hasOrigin: found.origin !== undefined, sender: found.sender, clientIp: found.clientIp, dirty: undefined,
        rcpts: new Map(), hasStoredRows: true, placeholder: false, events: [], links: [],
      };
    } else {
      m = {
        id: 0, host: env.host, queueId: qid, firstTime: env.time, offset: env.offset, lastTime: env.time,
        hasOrigin: false, dirty: undefined, rcpts: new Map(), hasStoredRows: false, placeholder: false, events: [], links: [],
      };
    }
    if (this.open.size >= MAX_OPEN) this.flush();
    this.open.set(key, m);
    return m;
  }

  private set(m: OpenMessage, f: MessageFields): void {
    m.dirty = m.dirty ? Object.assign(m.dirty, f) : f;
  }

  private recipient(m: OpenMessage, env: Envelope, address: string, status: CanonicalStatus, fact: Fact): void {
    const key = address.toLowerCase();
    const prev = m.rcpts.get(key);
    if (prev && prev.eventTime > env.time) return;
    m.rcpts.set(key, {
      recipient: address, origTo: fact.origTo ?? prev?.origTo, status, dsn: fact.dsn, relay: fact.relay ?? prev?.relay,
      delay: fact.delay, detail: fact.detail, eventTime: env.time,
    });
  }

  private apply(m: OpenMessage, env: Envelope, fact: Fact): void {
    switch (fact.kind) {
      case "client": {
        m.hasOrigin = true;
        m.clientIp = fact.clientIp || undefined;
        const f: MessageFields = { origin: "smtp", clientHost: fact.clientHost, clientIp: fact.clientIp || undefined };
        if (fact.saslUsername !== undefined) f.saslUsername = fact.saslUsername;
        this.set(m, f);
        break;
      }
      case "pickup":
        m.hasOrigin = true;
        m.sender = fact.sender;
        this.set(m, { origin: "local", sender: fact.sender });
        break;
      case "message-id":
        this.set(m, { messageId: fact.messageId });
        break;
      case "queued":
        m.sender = fact.sender;
        this.set(m, { sender: fact.sender, size: fact.size, nrcpt: fact.nrcpt });
        if (!m.entryStatus) m.entryStatus = "pending";
        break;
      case "delivery": {
        const status = canonicalStatus(fact.status ?? "") ?? "pending";
        if (fact.recipient !== undefined) this.recipient(m, env, fact.recipient, status, fact);
        if (fact.childQueueId && fact.linkKind) m.links.push({ childQueueId: fact.childQueueId, kind: fact.linkKind, time: env.time });
        break;
      }
      case "action":
      case "reject": {
        const status = canonicalStatus(fact.status ?? "");
        if (fact.subject !== undefined) this.set(m, { subject: fact.subject });
        if (fact.sender !== undefined && m.sender === undefined) {
          m.sender = fact.sender;
          this.set(m, { sender: fact.sender });
        }
        // warn/filter/prepend/replace leave the status alone; they are timeline entries.
        if (!status || fact.status === "defer") break;
        // Header/body checks act on the whole message; smtpd access actions on one recipient.
        const wholeMessage = fact.kind === "action";
        if (wholeMessage) {
          m.entryStatus = status;
          m.entryDetail = fact.detail;
          for (const r of m.rcpts.values()) this.recipient(m, env, r.recipient, status, fact);
        }
        if (fact.recipient) this.recipient(m, env, fact.recipient, status, fact);
        break;
      }
      case "expired":
        for (const r of m.rcpts.values()) if (r.status === "pending") this.recipient(m, env, r.recipient, "failed", { kind: "expired", detail: fact.detail, dsn: r.dsn, relay: r.relay });
        this.write(m);
        this.w.changeRecipientStatus(m.id, "pending", "failed", `expired: ${fact.detail ?? ""}`.trim(), env.time);
        break;
      case "removed":
        this.set(m, { removedTime: env.time });
        this.write(m);
        this.open.delete(`${m.host} ${m.queueId}`);
        break;
      case "notification":
        if (fact.childQueueId) m.links.push({ childQueueId: fact.childQueueId, kind: "bounce", time: env.time });
        break;
      default:
        break;
    }
  }

  private event(env: Envelope, fact: Fact, raw: string): EventRecord {
    return {
      time: env.time, offset: env.offset, program: env.program, kind: fact.kind, recipient: fact.recipient, dsn: fact.dsn,
      text: fact.kind === "unparsed" ? raw : env.message, hash: hash53(raw), seq: this.seq,
    };
  }

  /** A recipient refused before a queue entry existed: its own row (the sender's "it never arrived"). */
  private addRefusal(env: Envelope, fact: Fact, raw: string): void {
    const ev = this.event(env, fact, raw);
    const r = this.w.insertMessage({
      host: env.host, queueId: "NOQUEUE", firstTime: env.time, offset: env.offset, disc: ev.hash, lastTime: env.time,
      sender: fact.sender, clientHost: fact.clientHost, clientIp: fact.clientIp, origin: "reject",
    });
    if (!r.created) return; // the same line was stored before
    this.counts.messages++;
    this.w.upsertRecipient({
      message: r.id, recipient: fact.recipient ?? "", status: canonicalStatus(fact.status ?? "reject") ?? "failed",
      dsn: fact.dsn, detail: fact.detail, eventTime: env.time, time: env.time, offset: env.offset, sender: fact.sender,
      clientIp: fact.clientIp,
    });
    this.counts.events += this.w.insertEvents({ message: r.id, events: [ev] });
  }

  private write(m: OpenMessage): void {
    if (m.id === 0) {
      const r = this.w.insertMessage({ ...m.dirty, host: m.host, queueId: m.queueId, firstTime: m.firstTime, offset: m.offset, disc: 0, lastTime: m.lastTime });
      m.id = r.id;
      if (r.created) this.counts.messages++;
      else if (m.dirty) this.w.updateMessage(m.id, m.dirty);
      m.dirty = undefined;
    } else if (m.dirty) {
      m.dirty.lastTime = m.lastTime;
      this.w.updateMessage(m.id, m.dirty);
      m.dirty = undefined;
    }
    if (m.events.length) {
      this.counts.events += this.w.insertEvents({ message: m.id, events: m.events });
      m.events = [];
    }
    for (const l of m.links) this.w.insertLink({ parent: m.id, ...l });
    m.links.length = 0;
    if (m.rcpts.size) {
      if (m.placeholder || m.hasStoredRows) {
        this.w.dropPlaceholder(m.id);
        m.placeholder = false;
      }
      for (const r of m.rcpts.values()) {
        this.w.upsertRecipient({
          message: m.id, recipient: r.recipient, origTo: r.origTo, status: r.status, dsn: r.dsn, relay: r.relay,
          delay: r.delay, detail: r.detail, eventTime: r.eventTime, time: m.firstTime, offset: m.offset, sender: m.sender,
          clientIp: m.clientIp,
        });
      }
      m.rcpts.clear();
      m.hasStoredRows = true;
    } else if (!m.hasStoredRows && m.entryStatus && m.placeholderStatus !== m.entryStatus) {
      // Queued (or held/discarded) with no recipient logged yet: one row so that it shows in a trace.
      this.w.upsertRecipient({
        message: m.id, recipient: "", status: m.entryStatus, detail: m.entryDetail, eventTime: m.lastTime,
        time: m.firstTime, offset: m.offset, sender: m.sender, clientIp: m.clientIp,
      });
      m.placeholder = true;
      m.placeholderStatus = m.entryStatus;
    }
  }
}
