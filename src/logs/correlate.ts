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
 * Ingest is idempotent whatever the files and their order: a line is stored once per message
 * (an entry found again in the store brings the hashes of its stored lines), and an entry whose
 * later lines were ingested first (files newest first, as `mail.log*` globs expand) takes over
 * that stored tail instead of becoming a second message: a queue ID cannot be reused while its
 * entry is alive, so an origin-less entry starting after an entry that is not yet removed is
 * its continuation. Until that is known (the head's `removed`, or a line past the tail's start,
 * or the end of the file) a new head is kept in memory, unwritten.
 *
 * Links between queue entries (content-filter re-injection `queued as`, relay hops, local
 * `forwarded as`, bounce notifications) are stored by the parent with the child's queue ID;
 * the store resolves them when a trace is shown, so the child may be logged before or after
 * the parent, or on another host.
 */
import type { Envelope } from "./syslog.ts";
import type { Fact } from "./dialects/types.ts";
import { type CanonicalStatus, canonicalStatus } from "./status.ts";
import { lineHash } from "./line-hash.ts";
import { detached } from "../core/detached-string.ts";
import type { EntryState, EventRecord, LinkRecord, MessageFields, StoredMessage, StoreWriter } from "../store/store.ts";

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
  messageId?: string;
  size?: number;
  subject?: string;
  /**
   * Whether the strings kept above (and host, queue ID) are copies of their own (see detach);
   * false while they may still be substrings of the read chunks their lines came from.
   */
  own: boolean;
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
  /**
   * Hashes of the lines of this entry that are stored (found in the store, or written and
   * folded in from `written`): a line seen again is not stored again. Lines not yet written
   * (`events`) are compared as they are; most entries live and end within one batch, so
   * most lines are never hashed at all.
   */
  seen: LineSet;
  /** Lines written since their hashes were last folded into `seen` (see hasLine). */
  written: EventRecord[];
  /** Hashes of `events` once there are many of them (comparing each new line with all would be quadratic). */
  pending: LineSet | undefined;
  /** Time of `removed`, once seen. */
  removedTime?: number;
  /** The latest state of the whole entry (expired, deleted, held, released), which its waiting and held recipients take. */
  state?: EntryState;
  /** For a new entry: the stored, origin-less entry of the same queue ID that starts next (maybe its tail). */
  next?: StoredMessage;
  /** The file (count of ends of file) in which it was opened. */
  file: number;
}

export interface CorrelatorCounts {
  events: number;
  messages: number;
}

/**
 * The line hashes of one entry: an array while small (most entries have a handful of lines,
 * and a scan of a few numbers beats hashing them), a Set once large.
 */
class LineSet {
  private small: number[] = [];
  private big: Set<number> | undefined;
  get empty(): boolean {
    return this.big === undefined && this.small.length === 0;
  }
  constructor(hashes?: Iterable<number>) {
    if (hashes) for (const h of hashes) this.add(h);
  }
  has(h: number): boolean {
    return this.big ? this.big.has(h) : this.small.includes(h);
  }
  add(h: number): void {
    if (this.big) this.big.add(h);
    else if (this.small.length < 24) {
      if (!this.small.includes(h)) this.small.push(h);
    } else {
      this.big = new Set(this.small);
      this.big.add(h);
    }
  }
}

/** Open entries by host, then queue ID (no key string built per line; hosts are few). */
class OpenEntries {
  private readonly byHost = new Map<string, Map<string, OpenMessage>>();
  size = 0;
  get(host: string, queueId: string): OpenMessage | undefined {
    return this.byHost.get(host)?.get(queueId);
  }
  set(host: string, queueId: string, m: OpenMessage): void {
    let h = this.byHost.get(host);
    // A host's first string is the key for good: a copy, not a view into a read chunk.
    if (!h) this.byHost.set(detached(host), (h = new Map()));
    const before = h.size;
    h.set(queueId, m);
    this.size += h.size - before;
  }
  delete(host: string, queueId: string): void {
    const h = this.byHost.get(host);
    if (h?.delete(queueId)) this.size--;
  }
  *values(): IterableIterator<OpenMessage> {
    for (const h of this.byHost.values()) yield* h.values();
  }
  clear(): void {
    this.byHost.clear();
    this.size = 0;
  }
}

const NO_FIELDS: MessageFields = Object.freeze({});

/** The statuses an entry's state (EntryState) overrides: a recipient delivered or failed stays so. */
const HELD_OR_WAITING = ["pending", "quarantined"] as const;

/** Whether a recipient of this status as of `eventTime` takes the entry's state. */
function takesState(status: CanonicalStatus, eventTime: number, state: EntryState): boolean {
  return (status === "pending" || status === "quarantined") && status !== state.status && eventTime <= state.time;
}

/** Unwritten lines compared one by one up to this many; past it, by hash. */
const PENDING_SCAN = 48;

/** An event's line hash (see line-hash.ts), computed the first time it is needed. */
function hashOf(e: EventRecord): number {
  if (e.hash === undefined) e.hash = lineHash({ time: e.time, program: e.program, pid: e.pid, message: e.text });
  return e.hash;
}

// An entry not seen for this long (log time) is written and dropped from memory.
const IDLE_MS = 2 * 3600 * 1000;
const MAX_OPEN = 200_000;

export class Correlator {
  readonly counts: CorrelatorCounts = { events: 0, messages: 0 };
  private readonly w: StoreWriter;
  private readonly open = new OpenEntries();
  private latest = 0;
  private seq = 0;
  private file = 0;

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
    const ev = this.event(env, fact, raw);
    const m = this.messageFor(env, qid, start, ev);
    m.lastTime = Math.max(env.time, m.lastTime);
    // A line this entry has already (the same file again, overlapping files): its fact is an
    // idempotent merge, its event is not stored twice.
    if (!this.hasLine(m, ev)) {
      m.events.push(ev);
      if (m.pending) m.pending.add(hashOf(ev));
      else if (m.events.length >= PENDING_SCAN) m.pending = new LineSet(m.events.map(hashOf));
    }
    this.apply(m, env, fact);
  }

  /**
   * Writes everything open (call before each commit). Idle entries leave memory. At the end of a
   * file (`endOfFile`), new entries that may be the head of a stored tail are decided and written too.
   */
  flush(endOfFile = false): void {
    const idleBefore = this.latest - IDLE_MS;
    const kept: OpenMessage[] = [];
    for (const m of this.open.values()) {
      this.write(m, endOfFile);
      if (m.lastTime < idleBefore && m.id !== 0) this.open.delete(m.host, m.queueId);
      else {
        if (m.written.length) this.fold(m);
        if (!m.own) kept.push(m);
      }
    }
    // After the walk: detaching re-keys the entry, which a walk of the map would meet again.
    for (const m of kept) this.detach(m);
    if (endOfFile) this.file++;
  }

  /**
   * Whether every line given so far is in the store (after flush): not so while a new head is
   * kept back unwritten (see `continues`).
   */
  allWritten(): boolean {
    for (const m of this.open.values()) if (m.id === 0) return false;
    return true;
  }

  /** Writes everything; the correlator may be used again afterwards (state is kept in the store). */
  finish(): void {
    for (const m of this.open.values()) this.write(m, true);
    this.open.clear();
    this.file++;
  }

  /** Whether `m` has this line already: stored, written, or among its unwritten events. */
  private hasLine(m: OpenMessage, ev: EventRecord): boolean {
    if (m.written.length) this.fold(m);
    if (!m.seen.empty && m.seen.has(hashOf(ev))) return true;
    if (m.pending) return m.pending.has(hashOf(ev));
    const evs = m.events;
    for (let i = evs.length - 1; i >= 0; i--) {
      const e = evs[i];
      if (e.time === ev.time && e.text === ev.text && e.pid === ev.pid && e.program === ev.program) return true;
    }
    return false;
  }

  /**
   * Copies the strings an entry keeps off the read chunks they were cut from: an entry that
   * stays open past a flush (a deferred message: days of log) kept its whole 1 MB chunk alive
   * through a substring (detached-string.ts). Done here, for the few entries that outlive a
   * batch, rather than for every entry as it learns a field (3% of a dry run's time).
   */
  private detach(m: OpenMessage): void {
    this.open.delete(m.host, m.queueId);
    m.host = detached(m.host);
    m.queueId = detached(m.queueId);
    if (m.sender !== undefined) m.sender = detached(m.sender);
    if (m.clientIp !== undefined) m.clientIp = detached(m.clientIp);
    if (m.messageId !== undefined) m.messageId = detached(m.messageId);
    if (m.subject !== undefined) m.subject = detached(m.subject);
    if (m.entryDetail !== undefined) m.entryDetail = detached(m.entryDetail);
    m.own = true;
    this.open.set(m.host, m.queueId, m);
  }

  /** Moves the hashes of written lines into `seen` (and lets the lines go). */
  private fold(m: OpenMessage): void {
    for (const e of m.written) m.seen.add(hashOf(e));
    m.written = [];
  }

  /** Whether `m` has a line of this hash (stored, written or unwritten). */
  private hasHash(m: OpenMessage, h: number): boolean {
    if (m.seen.has(h) || m.written.some((e) => hashOf(e) === h)) return true;
    return m.events.some((e) => hashOf(e) === h);
  }

  private messageFor(env: Envelope, qid: string, start: boolean, ev: EventRecord): OpenMessage {
    let m = this.open.get(env.host, qid);
    if (m && start && m.hasOrigin && m.firstTime !== env.time) {
      // A second entry point for the same queue ID: Postfix reused it.
      this.write(m, true);
      this.open.delete(env.host, qid);
      m = undefined;
    } else if (m && env.time < m.firstTime && m.file !== this.file) {
      // An entry left open by a later file: this line is older (files newest first). Let the
      // store decide whether it is that entry's head or an earlier use of the queue ID.
      this.write(m, true);
      this.open.delete(env.host, qid);
      m = undefined;
    }
    if (m) return m;
    let found = this.w.findMessage(env.host, qid, env.time);
    const hash = found ? hashOf(ev) : 0;
    let seen = found && this.claims(found, env, start, hash);
    if (found && seen && !seen.has(hash) && found.firstTime === env.time) {
      // In the second an entry starts, the entry before it may still be logging (its last lines
      // and `removed`): a line stored already belongs to the entry that has it.
      const prev = this.w.findMessage(env.host, qid, env.time - 1);
      if (prev && prev.removedTime === env.time) {
        const hashes = new Set(this.w.eventHashes(prev.id));
        if (hashes.has(hash)) {
          found = prev;
          seen = hashes;
        }
      }
    }
    if (found && seen) {
      m = {
        id: found.id, host: env.host, queueId: qid, firstTime: found.firstTime, offset: found.offset, lastTime: env.time,
        hasOrigin: found.origin !== undefined, sender: found.sender, clientIp: found.clientIp, messageId: found.messageId,
        size: found.size, subject: found.subject, state: found.state, dirty: undefined,
        own: false, rcpts: new Map(), hasStoredRows: true, placeholder: false, events: [], links: [], seen: new LineSet(seen), written: [],
        pending: undefined, file: this.file,
      };
    } else {
      const next = this.w.findNextMessage(env.host, qid, env.time);
      m = {
        id: 0, host: env.host, queueId: qid, firstTime: env.time, offset: env.offset, lastTime: env.time,
        hasOrigin: false, dirty: undefined, own: false, rcpts: new Map(), hasStoredRows: false, placeholder: false, events: [], links: [],
        seen: new LineSet(), written: [], pending: undefined, next: next && next.origin === undefined ? next : undefined,
        file: this.file,
      };
    }
    if (this.open.size >= MAX_OPEN) this.flush();
    this.open.set(m.host, m.queueId, m);
    return m;
  }

  /**
   * The stored hashes of `found` if it takes this line, else undefined. It does if it was alive
   * then: not removed yet, or removed later (the line is an old one seen again), or in its first
   * second (its key). In the second of its `removed`, only if the line is one of its lines:
   * anything else is a new entry that reused the queue ID. A second entry point (client=, pickup)
   * in another second is a new entry.
   */
  private claims(found: StoredMessage, env: Envelope, start: boolean, hash: number): Set<number> | undefined {
    if (start && found.origin !== undefined && found.firstTime !== env.time) return undefined;
    if (found.removedTime === undefined || env.time < found.removedTime || env.time === found.firstTime) {
      return new Set(this.w.eventHashes(found.id));
    }
    if (env.time === found.removedTime) {
      const hashes = new Set(this.w.eventHashes(found.id));
      if (hashes.has(hash)) return hashes;
    }
    return undefined;
  }

  /**
   * A new entry with a stored, origin-less entry of its queue ID starting later: is that its tail?
   * "adopt": yes; "new": no, a message of its own; "wait": not known yet (keep it unwritten).
   */
  private continues(m: OpenMessage, next: StoredMessage, endOfFile: boolean): "adopt" | "new" | "wait" {
    if (m.removedTime !== undefined) {
      // Removed: the next entry is its tail only if it started while this one was alive; in
      // the second of the removal, only if they share a line (overlapping files).
      if (next.firstTime < m.removedTime) return "adopt";
      if (next.firstTime > m.removedTime) return "new";
      for (const h of this.w.eventHashes(next.id)) if (this.hasHash(m, h)) return "adopt";
      return "new";
    }
    // Alive past the next entry's start (overlapping files), or alive at the end of its file
    // while the store goes on with an entry that has no start of its own: the same queue entry.
    if (m.lastTime > next.firstTime || endOfFile) return "adopt";
    return "wait";
  }

  /**
   * Makes `m` the head of the stored entry `next`: one message, starting at m's first line. (If
   * another entry holds that start already, `m` is inserted as usual and merges into that one.)
   */
  private adopt(m: OpenMessage, next: StoredMessage): void {
    if (!this.w.rekeyMessage(next.id, m.firstTime, m.offset)) return;
    m.id = next.id;
    m.hasStoredRows = true;
    this.learn(m, next);
    const stored = this.w.eventHashes(next.id);
    if (stored.length) {
      const hs = new Set(stored);
      m.events = m.events.filter((e) => !hs.has(hashOf(e)));
      m.pending = undefined;
      for (const h of stored) m.seen.add(h);
    }
    // Recipient rows carry the message's fields (RecipientRecord): give the tail's rows the head's.
    this.set(m, { sender: m.sender, clientIp: m.clientIp, messageId: m.messageId, size: m.size, subject: m.subject });
  }

  /** Fields of the stored entry that `m` does not know yet (its recipient rows carry them). */
  private learn(m: OpenMessage, stored: StoredMessage): void {
    if (m.sender === undefined) m.sender = stored.sender;
    if (m.clientIp === undefined) m.clientIp = stored.clientIp;
    if (m.messageId === undefined) m.messageId = stored.messageId;
    if (m.size === undefined) m.size = stored.size;
    if (m.subject === undefined) m.subject = stored.subject;
    if (stored.state && (!m.state || stored.state.time > m.state.time)) m.state = stored.state;
  }

  /**
   * A state of the whole entry (EntryState): the recipients waiting or held as of then take it,
   * in memory, in the store, and (write) those whose lines are read later.
   */
  private setState(m: OpenMessage, env: Envelope, state: EntryState): void {
    if (m.state && m.state.time > state.time) return; // a later one is known (files in another order)
    m.state = state;
    this.set(m, { state });
    for (const r of m.rcpts.values()) {
      if (takesState(r.status, r.eventTime, state)) this.recipient(m, env, r.recipient, state.status, { kind: "info", detail: state.detail, dsn: r.dsn, relay: r.relay });
    }
    this.write(m);
    if (m.id === 0) return;
    for (const from of HELD_OR_WAITING) if (from !== state.status) this.w.changeRecipientStatus(m.id, from, state.status, state.detail, state.time);
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
      delay: fact.delay ?? prev?.delay, detail: fact.detail, eventTime: env.time,
    });
  }

  private apply(m: OpenMessage, env: Envelope, fact: Fact): void {
    switch (fact.kind) {
      case "client": {
        m.hasOrigin = true;
        m.clientIp = fact.clientIp || undefined;
        m.own = false;
        const f: MessageFields = { origin: "smtp", clientHost: fact.clientHost, clientIp: fact.clientIp || undefined };
        if (fact.saslUsername !== undefined) f.saslUsername = fact.saslUsername;
        this.set(m, f);
        break;
      }
      case "pickup":
        m.hasOrigin = true;
        // pickup's sender is as submitted (`dave`); qmgr's, logged after it, is the canonical one
        // (`dave@example.jp`) and stays if it is known already (files ingested newest first).
        if (m.sender === undefined) {
          m.sender = fact.sender;
          m.own = false;
          this.set(m, { origin: "local", sender: fact.sender });
        } else this.set(m, { origin: "local" });
        break;
      case "message-id":
        m.messageId = fact.messageId;
        m.own = false;
        this.set(m, { messageId: fact.messageId });
        break;
      case "queued":
        m.sender = fact.sender;
        m.own = false;
        if (fact.size !== undefined) m.size = fact.size;
        this.set(m, { sender: fact.sender, size: fact.size, nrcpt: fact.nrcpt });
        if (!m.entryStatus) m.entryStatus = "pending";
        break;
      case "delivery": {
        const status = canonicalStatus(fact.status ?? "") ?? "pending";
        // A content filter that quarantined the message (amavis says so first) answers Postfix
        // with a plain "discarded": the quarantine, which can be released, is the news.
        const held = status === "filtered" && m.entryStatus === "quarantined";
        if (fact.recipient !== undefined) {
          this.recipient(m, env, fact.recipient, held ? "quarantined" : status, held ? { ...fact, detail: m.entryDetail ?? fact.detail } : fact);
        }
        if (fact.childQueueId && fact.linkKind) m.links.push({ childQueueId: fact.childQueueId, kind: fact.linkKind, time: env.time });
        break;
      }
      case "action":
      case "reject": {
        const status = canonicalStatus(fact.status ?? "");
        if (fact.subject !== undefined) {
          m.subject = fact.subject;
          m.own = false;
          this.set(m, { subject: fact.subject });
        }
        if (fact.sender !== undefined && m.sender === undefined) {
          m.sender = fact.sender;
          m.own = false;
          this.set(m, { sender: fact.sender });
        }
        // warn/filter/prepend/replace leave the status alone; they are timeline entries.
        if (!status || fact.status === "defer") break;
        // Header/body checks act on the whole message; smtpd access actions on one recipient.
        const wholeMessage = fact.kind === "action";
        if (wholeMessage) {
          m.entryStatus = status;
          m.entryDetail = fact.detail;
          m.own = false;
          for (const r of m.rcpts.values()) this.recipient(m, env, r.recipient, status, fact);
        }
        if (fact.recipient) this.recipient(m, env, fact.recipient, status, fact);
        // A hold or discard by header/body checks is a state of the whole entry, as postsuper's
        // are: cleanup names only the first recipient, and the others (known from the hop that
        // passed the message on, or logged later) take it from the stored state (Store.relayHops).
        if (wholeMessage && (status === "quarantined" || status === "filtered")) {
          this.setState(m, env, { status, detail: fact.detail ?? fact.status ?? "", time: env.time });
        }
        break;
      }
      case "expired":
        // One text whether the recipient was still in memory or stored already.
        this.setState(m, env, { status: "failed", detail: `expired: ${fact.detail ?? ""}`.trim(), time: env.time });
        break;
      case "state": {
        const status = canonicalStatus(fact.status ?? "");
        if (status) this.setState(m, env, { status, detail: fact.detail ?? fact.status ?? "", time: env.time });
        break;
      }
      case "deleted":
        this.setState(m, env, { status: "failed", detail: `deleted: ${fact.detail ?? ""}`.trim(), time: env.time });
        m.removedTime = env.time;
        this.set(m, { removedTime: env.time });
        this.write(m, true);
        this.open.delete(m.host, m.queueId);
        break;
      case "removed":
        m.removedTime = env.time;
        this.set(m, { removedTime: env.time });
        this.write(m, true);
        this.open.delete(m.host, m.queueId);
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
      time: env.time, offset: env.offset, program: env.program, pid: env.pid, kind: fact.kind,
      // The hash only where it is stored (a line not understood keeps its raw text, from which
      // it could not be computed again); elsewhere hashOf computes it when it is needed.
      text: fact.kind === "unparsed" ? raw : env.message, hash: fact.kind === "unparsed" ? lineHash(env) : undefined, seq: this.seq,
    };
  }

  /** A recipient refused before a queue entry existed: its own row (the sender's "it never arrived"). */
  private addRefusal(env: Envelope, fact: Fact, raw: string): void {
    const ev = this.event(env, fact, raw);
    const r = this.w.insertMessage({
      host: env.host, queueId: "NOQUEUE", firstTime: env.time, offset: env.offset, disc: hashOf(ev), lastTime: env.time,
      sender: fact.sender, clientHost: fact.clientHost, clientIp: fact.clientIp, origin: "reject",
    }, [ev]);
    if (!r.created) return; // the same line was stored before
    this.counts.messages++;
    this.counts.events++;
    this.w.upsertRecipient({
      message: r.id, recipient: fact.recipient ?? "", status: canonicalStatus(fact.status ?? "reject") ?? "failed",
      dsn: fact.dsn, detail: fact.detail, eventTime: env.time, time: env.time, offset: env.offset, sender: fact.sender,
      clientIp: fact.clientIp, host: env.host, queueId: "NOQUEUE", messageId: undefined, size: undefined, subject: undefined,
    });
  }

  /** Writes what `m` learned since its last write (`final`: no more deferring a new head, see `continues`). */
  private write(m: OpenMessage, final = false): void {
    if (m.id === 0 && m.next) {
      const d = this.continues(m, m.next, final);
      if (d === "wait") return;
      const next = m.next;
      m.next = undefined;
      if (d === "adopt") this.adopt(m, next);
    }
    if (m.id === 0) {
      // Written out field by field: an object of one shape is much cheaper than a spread.
      const d = m.dirty ?? NO_FIELDS;
      const r = this.w.insertMessage({
        host: m.host, queueId: m.queueId, firstTime: m.firstTime, offset: m.offset, disc: 0, lastTime: m.lastTime,
        removedTime: d.removedTime, messageId: d.messageId, sender: d.sender, size: d.size, nrcpt: d.nrcpt,
        clientHost: d.clientHost, clientIp: d.clientIp, saslUsername: d.saslUsername, subject: d.subject, origin: d.origin, state: d.state,
      }, m.events);
      m.id = r.id;
      if (r.created) {
        this.counts.messages++;
        this.counts.events += m.events.length;
        m.written = m.written.length ? m.written.concat(m.events) : m.events;
        m.events = [];
        m.pending = undefined;
      } else {
        // Its key was stored already: merge into that entry as if it had been found again.
        this.w.updateMessage(m.id, { ...m.dirty, lastTime: m.lastTime });
        const stored = this.w.findMessage(m.host, m.queueId, m.firstTime);
        if (stored?.id === m.id) this.learn(m, stored);
        m.hasStoredRows = true;
        const hs = new Set(this.w.eventHashes(m.id));
        m.events = m.events.filter((e) => !hs.has(hashOf(e)));
        m.pending = undefined;
        for (const h of hs) m.seen.add(h);
      }
      m.dirty = undefined;
    } else if (m.dirty) {
      m.dirty.lastTime = m.lastTime;
      this.w.updateMessage(m.id, m.dirty);
      m.dirty = undefined;
    }
    if (m.events.length) {
      this.counts.events += this.w.insertEvents({ message: m.id, queueId: m.queueId, events: m.events });
      m.written = m.written.length ? m.written.concat(m.events) : m.events;
      m.events = [];
      m.pending = undefined;
    }
    for (const l of m.links) this.w.insertLink({ parent: m.id, childQueueId: l.childQueueId, kind: l.kind, time: l.time });
    m.links.length = 0;
    if (m.rcpts.size) {
      if (m.placeholder || m.hasStoredRows) {
        this.w.dropPlaceholder(m.id);
        m.placeholder = false;
      }
      for (const r of m.rcpts.values()) {
        // A line older than the entry's state, read after it (files in another order): the state's.
        const s = m.state !== undefined && takesState(r.status, r.eventTime, m.state) ? m.state : undefined;
        this.w.upsertRecipient({
          message: m.id, recipient: r.recipient, origTo: r.origTo, status: s?.status ?? r.status, dsn: r.dsn, relay: r.relay,
          delay: r.delay, detail: s ? s.detail : r.detail, eventTime: s?.time ?? r.eventTime, time: m.firstTime, offset: m.offset, sender: m.sender,
          clientIp: m.clientIp, host: m.host, queueId: m.queueId, messageId: m.messageId, size: m.size, subject: m.subject,
        });
      }
      m.rcpts.clear();
      m.hasStoredRows = true;
    } else if (!m.hasStoredRows && m.entryStatus) {
      // Queued (or held/discarded) with no recipient logged yet: one row so that it shows in a trace.
      // (What the entry's state says, if it waits or is held.)
      const s = m.state !== undefined && takesState(m.entryStatus, m.state.time, m.state) ? m.state : undefined;
      const status = s?.status ?? m.entryStatus;
      if (m.placeholderStatus !== status) {
        this.w.upsertRecipient({
          message: m.id, recipient: "", status, detail: s ? s.detail : m.entryDetail, eventTime: m.lastTime,
          time: m.firstTime, offset: m.offset, sender: m.sender, clientIp: m.clientIp, host: m.host, queueId: m.queueId,
          messageId: m.messageId, size: m.size, subject: m.subject,
        });
        m.placeholder = true;
        m.placeholderStatus = status;
      }
    }
  }
}
