/**
 * The embedded default store: SQLite through node:sqlite, WAL journal, one big transaction per
 * write batch, prepared statements only.
 *
 * Trace queries read one table (recipients) that carries the message's time, sender and client
 * IP beside each recipient. In place of an index per filter, each block of 2,000 recipient rows
 * has a summary (time range, statuses) and a column per filter of 16 bits of its rows' keys
 * (recipient-blocks.ts); a query walks the blocks newest first, scans the columns it needs and
 * reads only the rows that match. A glob such as `*.example.com` is tested on the rows of every
 * block in the time range.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { UserError } from "../core/errors.ts";
import type { CanonicalStatus } from "../logs/status.ts";
import { decodeEvents, encodeEvents, eventHashesOf } from "./event-codec.ts";
import { KeyIndex } from "./key-index.ts";
import {
  BLOCK_ROWS, BlockNotes, type BlockStorage, BlockSummary, blockRows, COLUMN, type Column, type ColumnTest, columnId, columnKey, columnOf, matchingRows, statusCode, statusMask,
} from "./recipient-blocks.ts";
import { domainKey, textKey } from "./text-key.ts";
import { DomainList, subdomainRange } from "./domain-list.ts";
import { FILE_HEAD_BYTES, LINK_WINDOW_MS } from "./store.ts";
import type {
  EventChunk, EventRecord, FileMark, LinkRecord, MessageFields, NewMessage, RecipientRecord, ShowEvent, ShowMessage, ShowRecipient,
  RelayHops, ShowResult, Store, StoreStats, StoredMessage, StoreWriter, TextPattern, TraceQuery, TraceRow, WriterHint,
} from "./store.ts";

/**
 * 2: event identities hash the line without its host (1 hashed the whole line); chunk ids.
 * 3: a message's events are a column of its row, stored without what can be computed again;
 *    recipient rows are indexed by integer keys of their texts.
 * 4: the message key index holds an integer key of the queue ID (the writer keeps keys unique).
 * 5: block summaries of recipient rows (rblocks) in place of seven recipient indexes.
 * 6: key columns of the blocks (rcolumns) in place of a Bloom filter in the summary.
 * 7: 16-bit column keys, 2,000 rows per block.
 * 8: recipient rows carry the message's host, queue ID, Message-ID, size and subject too, so a
 *    trace reads no message row; block columns of the original recipient; the table of domains
 *    (domain-list.ts). migrate7to8 brings a schema-7 store there.
 * 9: the state of a whole entry (state_*: expired, deleted, held, released; EntryState). migrate8to9.
 */
const SCHEMA_VERSION = 9;

// biome-ignore lint/suspicious/noExplicitAny: a row of node:sqlite, read by column name where its statement is written
type SqlRow = Record<string, any>;
// biome-ignore lint/suspicious/noExplicitAny: a row of ROW_COLUMNS as an array (setReturnArrays), read by rowsOf
type SqlArrayRow = any[];

/** A trace row's columns of the recipients table `r`, in the order rowsOf reads them. */
const ROW_COLUMNS = `r.id AS rid, r.time, r.offset, r.host, r.queue_id, r.message_id, r.sender, r.recipient, r.status, r.dsn,
  r.relay, r.detail, r.client_ip, r.size, r.subject, r.orig_to, r.message, r.delay`;

/** Every domain of a stored address (domain-list.ts), lower case, keyed by its labels reversed. */
const DOMAINS_SCHEMA = "CREATE TABLE IF NOT EXISTS domains(reversed TEXT PRIMARY KEY, domain TEXT NOT NULL) WITHOUT ROWID;";

/** A `*.domain` or domain glob that names more domains than this is tested on every row instead. */
const MAX_DOMAINS = 64;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages(
  id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,
  queue_id TEXT NOT NULL,
  first_time INTEGER NOT NULL,
  disc INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  last_time INTEGER,
  removed_time INTEGER,
  message_id TEXT COLLATE NOCASE,
  sender TEXT COLLATE NOCASE,
  size INTEGER,
  nrcpt INTEGER,
  client_host TEXT,
  client_ip TEXT,
  sasl_username TEXT,
  subject TEXT,
  origin TEXT,
  state_status TEXT, -- EntryState
  state_detail TEXT,
  state_time INTEGER,
  mid_key INTEGER, -- textKey(message_id): its index is a third the size of one on the text
  n_events INTEGER NOT NULL DEFAULT 0,
  -- The message's log lines in the form of event-codec.ts, last in the row so that reading the
  -- other columns never reaches its overflow pages. Kept in the message's own row: a row of
  -- its own per message (and its B-tree insert) cost more than the whole rest of the message.
  events TEXT,
  -- textKey(queue_id). Keyed by (host, queue_id, first_time, disc), which the writer keeps
  -- unique (it looks before it inserts). The key index (messages_key) holds this integer and
  -- the start time rather than the key's texts: half the bytes of a random-order B-tree. It
  -- also finds a queue ID on any host (show, links, --queue-id).
  q_key INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS recipients(
  id INTEGER PRIMARY KEY,
  message INTEGER NOT NULL,
  recipient TEXT NOT NULL COLLATE NOCASE,
  orig_to TEXT,
  status TEXT NOT NULL,
  dsn TEXT,
  relay TEXT,
  delay REAL,
  detail TEXT,
  event_time INTEGER NOT NULL,
  time INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  sender TEXT COLLATE NOCASE,
  client_ip TEXT,
  -- From the message (RecipientRecord); last, in the order MIGRATE_7_TO_8 adds them.
  host TEXT,
  queue_id TEXT,
  message_id TEXT,
  size INTEGER,
  subject TEXT,
  UNIQUE(message, recipient)
);
-- Per block of recipient ids (recipient-blocks.ts), for trace queries: what its rows may hold,
-- and a column of their keys per filter (id: columnId(block, column), so that one column of
-- consecutive blocks is a range; 4,000 bytes each, four to a page; Uint16, little-endian).
CREATE TABLE IF NOT EXISTS rblocks(
  block INTEGER PRIMARY KEY,
  min_time INTEGER NOT NULL,
  max_time INTEGER NOT NULL,
  statuses INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS rcolumns(id INTEGER PRIMARY KEY, keys BLOB NOT NULL);
${DOMAINS_SCHEMA}
CREATE TABLE IF NOT EXISTS links(
  parent INTEGER NOT NULL,
  child_queue_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY(parent, child_queue_id, kind)
) WITHOUT ROWID;
`;

/**
 * A schema-7 store gets the message's fields on its recipient rows (and, in migrate7to8, the
 * block columns of their original recipients), in one transaction.
 */
const MIGRATE_7_TO_8 = `
ALTER TABLE recipients ADD COLUMN host TEXT;
ALTER TABLE recipients ADD COLUMN queue_id TEXT;
ALTER TABLE recipients ADD COLUMN message_id TEXT;
ALTER TABLE recipients ADD COLUMN size INTEGER;
ALTER TABLE recipients ADD COLUMN subject TEXT;
${DOMAINS_SCHEMA}
UPDATE recipients SET host = m.host, queue_id = m.queue_id, message_id = m.message_id, size = m.size, subject = m.subject
  FROM messages m WHERE m.id = recipients.message;
UPDATE meta SET value = '8' WHERE key = 'schema';
`;

/**
 * Schema 8 -> 9: the entry's state. ALTER TABLE puts the columns after the events, so in such a
 * store the writer's lookup of a stored message (find, byId) reads the row's overflow pages too;
 * a new store has them before the events.
 */
const MIGRATE_8_TO_9 = `
ALTER TABLE messages ADD COLUMN state_status TEXT;
ALTER TABLE messages ADD COLUMN state_detail TEXT;
ALTER TABLE messages ADD COLUMN state_time INTEGER;
UPDATE meta SET value = '9' WHERE key = 'schema';
`;

/**
 * What ingests read of each log file (FileMark). Created when a writer starts, too, so that a
 * store of the same schema from before it gets the table without a new schema version.
 */
const FILES_SCHEMA = `
CREATE TABLE IF NOT EXISTS files(
  head TEXT NOT NULL,
  head_bytes INTEGER NOT NULL,
  path TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  lines INTEGER NOT NULL,
  year INTEGER,
  month INTEGER NOT NULL,
  gzip INTEGER NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY(head, head_bytes)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS files_path ON files(path);
`;

/**
 * The indexes a bulk load drops and builds at its end: every one but the UNIQUE constraints.
 * The message key index is among them; during a bulk load the writer finds keys in memory
 * (KeyIndex). Opening a store creates any that are missing, so a bulk load that dropped them
 * and then crashed gets them back on the next start.
 */
const BULK_INDEXES: ReadonlyArray<[name: string, definition: string]> = [
  ["messages_key", "messages(q_key, first_time)"],
  ["messages_message_id", "messages(mid_key)"],
  ["links_child", "links(child_queue_id, time)"],
];
const CREATE_BULK_INDEXES = BULK_INDEXES.map(([n, d]) => `CREATE INDEX IF NOT EXISTS ${n} ON ${d};`).join("\n");

/**
 * A load this much larger than the store is written without the BULK_INDEXES, which are
 * then built once, sorted: far cheaper than keeping ten B-trees up to date row by row
 * once they outgrow the page cache.
 */
const BULK_FACTOR = 2;
const BULK_MIN_BYTES = 16 << 20;

/** A text as a LIKE pattern that matches it literally (with ESCAPE '\\'). */
function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * A block with more rows than this whose keys match is read whole, by range (its rows tested in
 * SQL), not row by row: `taro*@example.co.jp` where most rows are of that domain was 2x slower
 * by ids than the scan without keys. (A seek costs about what reading 3-4 rows in order does.)
 */
const DENSE_MATCHES = BLOCK_ROWS / 4;

/** Ids of the rows relayHops makes of an entry's whole outcome (wholeEntryRows): below every stored row's. */
let wholeEntryRid = 0;

/**
 * The one entry a link points to: Postfix reuses queue IDs, so of the entries with the link's
 * queue ID (`entries`) that started within LINK_WINDOW_MS of its time, the nearest to it (the
 * parent's host breaks a tie). A child logs its first line within seconds of the line that links it.
 */
function linkTarget(
  entries: ReadonlyArray<{ id: number; host?: string; first_time: number }>, time: number, parentHost: string,
  hostOf: (id: number) => string = () => "",
): number | undefined {
  let best: { id: number; host?: string; first_time: number } | undefined;
  // (An entry's host is looked up only for a tie, where it is not given.)
  const host = (e: { id: number; host?: string }) => e.host ?? hostOf(e.id);
  for (const c of entries) {
    if (Math.abs(c.first_time - time) > LINK_WINDOW_MS) continue;
    if (!best) best = c;
    else {
      const d = Math.abs(c.first_time - time) - Math.abs(best.first_time - time);
      if (d < 0 || (d === 0 && host(c) === parentHost && host(best) !== parentHost)) best = c;
    }
  }
  return best?.id;
}

/** The block summaries and columns (recipient-blocks.ts) in their tables. */
function blockStorage(db: DatabaseSync): BlockStorage {
  const loadSummary = db.prepare("SELECT min_time, max_time, statuses FROM rblocks WHERE block = ?");
  const saveSummary = db.prepare("INSERT OR REPLACE INTO rblocks(block, min_time, max_time, statuses) VALUES(?,?,?,?)");
  const loadColumn = db.prepare("SELECT keys FROM rcolumns WHERE id = ?");
  const saveColumn = db.prepare("INSERT OR REPLACE INTO rcolumns(id, keys) VALUES(?,?)");
  return {
    loadSummary(block) {
      const r = loadSummary.get(block) as { min_time: number; max_time: number; statuses: number } | undefined;
      return r && new BlockSummary(r.min_time, r.max_time, r.statuses);
    },
    saveSummary: (block, b) => saveSummary.run(block, b.minTime, b.maxTime, b.statuses),
    loadColumn: (block, column) => (loadColumn.get(columnId(block, column)) as { keys: Uint8Array } | undefined)?.keys,
    saveColumn: (block, column, bytes) => saveColumn.run(columnId(block, column), bytes),
  };
}

/** The writer's list of domains (domain-list.ts) in its table. */
function domainList(db: DatabaseSync): DomainList {
  const save = db.prepare("INSERT OR IGNORE INTO domains(reversed, domain) VALUES(?, ?)");
  return new DomainList((domain, reversed) => save.run(reversed, domain));
}

class SqliteWriter implements StoreWriter {
  private readonly db: DatabaseSync;
  private readonly s: Record<string, StatementSync>;
  private open = true;
  /** Bulk load: every message's key in memory, in place of the dropped key index. */
  private readonly keys: KeyIndex | undefined;
  private readonly blocks: BlockNotes;

  constructor(db: DatabaseSync, keys?: KeyIndex) {
    this.db = db;
    this.keys = keys;
    this.blocks = new BlockNotes(blockStorage(db), domainList(db));
    this.s = {
      find: db.prepare(`SELECT id, host, queue_id, first_time, disc, offset, removed_time, message_id, sender, size, nrcpt,
        client_host, client_ip, sasl_username, subject, origin, state_status, state_detail, state_time
        FROM messages WHERE q_key = ?1 AND queue_id = ?2 AND host = ?3 AND first_time <= ?4 ORDER BY first_time DESC LIMIT 1`),
      findNext: db.prepare(`SELECT id, host, queue_id, first_time, disc, offset, removed_time, message_id, sender, size, nrcpt,
        client_host, client_ip, sasl_username, subject, origin, state_status, state_detail, state_time
        FROM messages WHERE q_key = ?1 AND queue_id = ?2 AND host = ?3 AND first_time > ?4 ORDER BY first_time LIMIT 1`),
      byId: db.prepare(`SELECT id, host, queue_id, first_time, disc, offset, removed_time, message_id, sender, size, nrcpt,
        client_host, client_ip, sasl_username, subject, origin, state_status, state_detail, state_time FROM messages WHERE id = ?`),
      setStart: db.prepare("UPDATE messages SET first_time = ?1, offset = ?2 WHERE id = ?3"),
      rekeyMessage: db.prepare(`UPDATE messages SET first_time = ?1, offset = ?2 WHERE id = ?3 AND NOT EXISTS (
        SELECT 1 FROM messages o, messages m WHERE m.id = ?3 AND o.q_key = m.q_key AND o.first_time = ?1 AND o.queue_id = m.queue_id
          AND o.host = m.host AND o.disc = m.disc AND o.id <> m.id)`),
      rekeyRecipients: db.prepare("UPDATE recipients SET time = ?, offset = ? WHERE message = ? RETURNING id"),
      eventsOf: db.prepare("SELECT queue_id, events FROM messages WHERE id = ?"),
      appendEvents: db.prepare(`UPDATE messages SET events = CASE WHEN events IS NULL OR events = '' THEN ?1 ELSE events || char(10) || ?1 END,
        n_events = n_events + ?2 WHERE id = ?3`),
      insertMessage: db.prepare(`INSERT INTO messages(host, queue_id, first_time, disc, offset, last_time, removed_time, message_id,
        sender, size, nrcpt, client_host, client_ip, sasl_username, subject, origin, state_status, state_detail, state_time, mid_key,
        n_events, events, q_key)
        VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`),
      findExact: db.prepare("SELECT id FROM messages WHERE q_key = ?1 AND first_time = ?4 AND queue_id = ?2 AND host = ?3 AND disc = ?5"),
      updateMessage: db.prepare(`UPDATE messages SET
        last_time = max(coalesce(last_time, 0), coalesce(?, 0)), removed_time = coalesce(?, removed_time),
        message_id = coalesce(?, message_id), mid_key = coalesce(?, mid_key), sender = coalesce(?, sender), size = coalesce(?, size), nrcpt = coalesce(?, nrcpt),
        client_host = coalesce(?, client_host), client_ip = coalesce(?, client_ip), sasl_username = coalesce(?, sasl_username),
        subject = coalesce(?, subject), origin = coalesce(?, origin) WHERE id = ?`),
      // The latest state wins (EntryState): an older one read later (logs in another order) does not.
      setState: db.prepare(`UPDATE messages SET state_status = ?1, state_detail = ?2, state_time = ?3
        WHERE id = ?4 AND (state_time IS NULL OR state_time <= ?3)`),
      propagate: db.prepare(`UPDATE recipients SET sender = coalesce(?1, sender), client_ip = coalesce(?2, client_ip)
        WHERE message = ?3 AND (sender IS NOT ?1 OR client_ip IS NOT ?2) RETURNING id`),
      // The other message fields of the rows (not in the block columns: no ids needed back).
      propagateFields: db.prepare(`UPDATE recipients SET message_id = coalesce(?1, message_id), size = coalesce(?2, size),
        subject = coalesce(?3, subject) WHERE message = ?4
          AND (coalesce(?1, message_id) IS NOT message_id OR coalesce(?2, size) IS NOT size OR coalesce(?3, subject) IS NOT subject)`),
      // Insert, else merge: two statements, because an upsert that returns its row's id (RETURNING)
      // costs more than the insert itself (SQLite buffers returned rows), and most rows are new.
      insertRecipient: db.prepare(`INSERT INTO recipients(message, recipient, orig_to, status, dsn, relay, delay, detail,
        event_time, time, offset, sender, client_ip, host, queue_id, message_id, size, subject)
        VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(message, recipient) DO NOTHING`),
      mergeRecipient: db.prepare(`UPDATE recipients SET
          orig_to = coalesce(?3, orig_to),
          status = CASE WHEN ?9 >= event_time THEN ?4 ELSE status END,
          dsn = CASE WHEN ?9 >= event_time THEN ?5 ELSE dsn END,
          relay = CASE WHEN ?9 >= event_time THEN coalesce(?6, relay) ELSE relay END,
          delay = CASE WHEN ?9 >= event_time THEN coalesce(?7, delay) ELSE delay END,
          detail = CASE WHEN ?9 >= event_time THEN ?8 ELSE detail END,
          event_time = max(event_time, ?9),
          sender = coalesce(?10, sender), client_ip = coalesce(?11, client_ip),
          message_id = coalesce(?12, message_id), size = coalesce(?13, size), subject = coalesce(?14, subject)
        WHERE message = ?1 AND recipient = ?2 RETURNING id, status, time`),
      changeStatus: db.prepare(`UPDATE recipients SET status = ?, detail = ?, event_time = ?
        WHERE message = ? AND status = ? AND event_time <= ? RETURNING id`),
      dropPlaceholder: db.prepare("DELETE FROM recipients WHERE message = ? AND recipient = ''"),
      insertLink: db.prepare("INSERT INTO links(parent, child_queue_id, kind, time) VALUES(?,?,?,?) ON CONFLICT DO NOTHING"),
      marksOfPath: db.prepare("SELECT * FROM files WHERE path = ? ORDER BY time DESC"),
      marksOfHead: db.prepare("SELECT * FROM files WHERE head = ? AND head_bytes = ? ORDER BY time DESC"),
      // Files shorter than their head when read: few, and checked on their own length of head.
      marksOfShort: db.prepare("SELECT * FROM files WHERE head_bytes < ? ORDER BY time DESC LIMIT 100"),
      saveMark: db.prepare(`INSERT OR REPLACE INTO files(head, head_bytes, path, bytes, lines, year, month, gzip, time)
        VALUES(?,?,?,?,?,?,?,?,?)`),
      dropMark: db.prepare("DELETE FROM files WHERE head = ? AND head_bytes = ?"),
    };
    db.exec("BEGIN IMMEDIATE");
  }

  findMessage(host: string, queueId: string, time: number): StoredMessage | undefined {
    if (this.keys) return this.nearest(host, queueId, (t) => t <= time, -1);
    return this.stored(this.s.find.get(textKey(queueId), queueId, host, time) as SqlRow | undefined);
  }

  findNextMessage(host: string, queueId: string, time: number): StoredMessage | undefined {
    if (this.keys) return this.nearest(host, queueId, (t) => t > time, 1);
    return this.stored(this.s.findNext.get(textKey(queueId), queueId, host, time) as SqlRow | undefined);
  }

  /**
   * Bulk load: of the messages of host + queue ID whose start passes `when`, the latest
   * (order -1) or the earliest (order 1), from the key index, checked on the row.
   */
  private nearest(host: string, queueId: string, when: (t: number) => boolean, order: 1 | -1): StoredMessage | undefined {
    const keys = this.keys as KeyIndex;
    const all = keys.lookup(textKey(queueId) as number);
    if (all.length === 0) return undefined; // nearly every new queue ID
    const entries = all.filter((e) => when(keys.timeOf(e)));
    entries.sort((a, b) => order * (keys.timeOf(a) - keys.timeOf(b)));
    for (const e of entries) {
      const m = this.stored(this.s.byId.get(keys.idOf(e)) as SqlRow | undefined);
      if (m && m.host === host && m.queueId === queueId) return m;
    }
    return undefined;
  }

  /** Bulk load: the key index's entry of the stored message with this whole key (other than row `except`), if any. */
  private entryOf(m: { host: string; queueId: string; firstTime: number; disc: number }, except = -1): number | undefined {
    const keys = this.keys as KeyIndex;
    for (const e of keys.lookupStart(textKey(m.queueId) as number, m.firstTime)) {
      if (keys.idOf(e) === except) continue;
      const r = this.stored(this.s.byId.get(keys.idOf(e)) as SqlRow | undefined);
      if (r && r.host === m.host && r.queueId === m.queueId && r.disc === m.disc) return e;
    }
    return undefined;
  }

  rekeyMessage(id: number, firstTime: number, offset: number): boolean {
    if (this.keys) {
      const keys = this.keys;
      const m = this.stored(this.s.byId.get(id) as SqlRow | undefined);
      if (!m || this.entryOf({ ...m, firstTime }, id) !== undefined) return false;
      this.s.setStart.run(firstTime, offset, id);
      for (const e of keys.lookup(textKey(m.queueId) as number)) if (keys.idOf(e) === id) keys.setTime(e, firstTime);
    } else if (!this.s.rekeyMessage.run(firstTime, offset, id).changes) return false;
    for (const r of this.s.rekeyRecipients.all(firstTime, offset, id) as { id: number }[]) this.blocks.time(r.id, firstTime);
    return true;
  }

  eventHashes(message: number): number[] {
    const r = this.s.eventsOf.get(message) as { queue_id: string; events: string | null } | undefined;
    return r?.events ? eventHashesOf(r.events, r.queue_id) : [];
  }

  private stored(r: SqlRow | undefined): StoredMessage | undefined {
    if (!r) return undefined;
    return {
      id: r.id, host: r.host, queueId: r.queue_id, firstTime: r.first_time, disc: r.disc, offset: r.offset,
      removedTime: r.removed_time ?? undefined, messageId: r.message_id ?? undefined, sender: r.sender ?? undefined,
      size: r.size ?? undefined, nrcpt: r.nrcpt ?? undefined, clientHost: r.client_host ?? undefined,
      clientIp: r.client_ip ?? undefined, saslUsername: r.sasl_username ?? undefined, subject: r.subject ?? undefined,
      origin: r.origin ?? undefined,
      state: r.state_status ? { status: r.state_status, detail: r.state_detail ?? "", time: r.state_time } : undefined,
    };
  }

  insertMessage(m: NewMessage, events: readonly EventRecord[] = []): { id: number; created: boolean } {
    const qKey = textKey(m.queueId) as number;
    // The key stays unique because the writer looks first (one writer at a time); during a bulk
    // load in the key index, which answers "not stored" for nearly every new message at once.
    if (this.keys) {
      const e = this.entryOf(m);
      if (e !== undefined) return { id: this.keys.idOf(e), created: false };
    } else {
      const e = this.s.findExact.get(qKey, m.queueId, m.host, m.firstTime, m.disc) as { id: number } | undefined;
      if (e) return { id: e.id, created: false };
    }
    const r = this.s.insertMessage.run(
      m.host, m.queueId, m.firstTime, m.disc, m.offset, m.lastTime ?? m.firstTime, m.removedTime ?? null, m.messageId ?? null,
      m.sender ?? null, m.size ?? null, m.nrcpt ?? null, m.clientHost ?? null, m.clientIp ?? null, m.saslUsername ?? null,
      m.subject ?? null, m.origin ?? null, m.state?.status ?? null, m.state?.detail ?? null, m.state?.time ?? null, textKey(m.messageId), events.length,
      events.length ? encodeEvents(events, m.queueId) : null, qKey,
    );
    const id = Number(r.lastInsertRowid);
    this.keys?.add(qKey, id, m.firstTime);
    return { id, created: true };
  }

  updateMessage(id: number, f: MessageFields): void {
    this.s.updateMessage.run(
      f.lastTime ?? null, f.removedTime ?? null, f.messageId ?? null, textKey(f.messageId), f.sender ?? null, f.size ?? null, f.nrcpt ?? null,
      f.clientHost ?? null, f.clientIp ?? null, f.saslUsername ?? null, f.subject ?? null, f.origin ?? null, id,
    );
    if (f.state) this.s.setState.run(f.state.status, f.state.detail, f.state.time, id);
    if (f.sender !== undefined || f.clientIp !== undefined) {
      const sender = f.sender ?? null;
      const ip = f.clientIp ?? null;
      for (const r of this.s.propagate.all(sender, ip, id) as { id: number }[]) this.blocks.origin(r.id, sender, ip);
    }
    if (f.messageId !== undefined || f.size !== undefined || f.subject !== undefined) {
      this.s.propagateFields.run(f.messageId ?? null, f.size ?? null, f.subject ?? null, id);
    }
  }

  upsertRecipient(r: RecipientRecord): void {
    const ins = this.s.insertRecipient.run(
      r.message, r.recipient, r.origTo ?? null, r.status, r.dsn ?? null, r.relay ?? null, r.delay ?? null, r.detail ?? null,
      r.eventTime, r.time, r.offset, r.sender ?? null, r.clientIp ?? null, r.host, r.queueId, r.messageId ?? null, r.size ?? null,
      r.subject ?? null,
    );
    if (ins.changes) {
      this.blocks.row(Number(ins.lastInsertRowid), r.time, r.status, r.recipient, r.sender, r.clientIp, r.origTo);
      return;
    }
    const row = this.s.mergeRecipient.get(
      r.message, r.recipient, r.origTo ?? null, r.status, r.dsn ?? null, r.relay ?? null, r.delay ?? null, r.detail ?? null,
      r.eventTime, r.sender ?? null, r.clientIp ?? null, r.messageId ?? null, r.size ?? null, r.subject ?? null,
    ) as { id: number; status: CanonicalStatus; time: number };
    this.blocks.merged(row.id, row.time, row.status, r.sender, r.clientIp, r.origTo);
  }

  changeRecipientStatus(message: number, from: CanonicalStatus, to: CanonicalStatus, detail: string, eventTime: number): void {
    for (const r of this.s.changeStatus.all(to, detail, eventTime, message, from, eventTime) as { id: number }[]) this.blocks.status(r.id, to);
  }

  dropPlaceholder(message: number): void {
    this.s.dropPlaceholder.run(message);
  }

  insertEvents(c: EventChunk): number {
    const evs = c.events;
    if (!evs.length) return 0;
    this.s.appendEvents.run(encodeEvents(evs, c.queueId), evs.length, c.message);
    return evs.length;
  }

  insertLink(l: LinkRecord): void {
    this.s.insertLink.run(l.parent, l.childQueueId, l.kind, l.time);
  }

  fileMarks(path: string, head: string): FileMark[] {
    const rows = [
      ...this.s.marksOfPath.all(path), ...this.s.marksOfHead.all(head, FILE_HEAD_BYTES), ...this.s.marksOfShort.all(FILE_HEAD_BYTES),
    ] as SqlRow[];
    return rows.map((r) => ({
      head: r.head, headBytes: r.head_bytes, path: r.path, bytes: r.bytes, lines: r.lines, year: r.year ?? undefined,
      month: r.month, gzip: r.gzip === 1, time: r.time,
    }));
  }

  markFile(m: FileMark, replaces?: FileMark): void {
    if (replaces && (replaces.head !== m.head || replaces.headBytes !== m.headBytes)) this.s.dropMark.run(replaces.head, replaces.headBytes);
    this.s.saveMark.run(m.head, m.headBytes, m.path, m.bytes, m.lines, m.year ?? null, m.month, m.gzip ? 1 : 0, m.time);
  }

  commit(): void {
    this.blocks.flush();
    try {
      this.db.exec("COMMIT");
      this.db.exec("BEGIN IMMEDIATE");
    } catch (err) {
      throw busyAsUserError(err, "the store");
    }
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.blocks.flush();
    this.db.exec("COMMIT");
  }
}

/** SQLite's "database is locked" as the user's one-line error; anything else unchanged. */
function busyAsUserError(err: unknown, store: string): unknown {
  if (err instanceof Error && /database is locked|SQLITE_BUSY/i.test(err.message)) {
    return new UserError(`${store} is busy: another process is writing to it (an ingest?); what was committed is kept, run this again when it has finished`);
  }
  return err;
}

/** One filter of a trace on the block columns: a row is read if one of these columns holds one of its keys. */
type KeyFilter = Array<[Column, number[]]>;

/**
 * A pattern as SQL on one or more address columns (a row matches if one of them does), and the
 * keys their block columns must hold for it: the address's, or its domain's where the pattern
 * writes the domain out (`*@d`, `a*@d`) or the list of domains names few (`*.d`, `*@mail*.d`).
 * A glob without a domain is tested on every row of the time range.
 */
function patternSql(
  cols: ReadonlyArray<[sql: string, field: Column, domainField: Column]>, p: TextPattern, params: unknown[], keys: KeyFilter[],
  domains: (glob: { range: [string, string] } | { like: string }) => string[] | undefined,
): string {
  let test: string;
  let value: string;
  /** The rows of these domains only (their keys in the domain columns), where the list is short. */
  const inDomains = (list: string[] | undefined) => {
    if (list) keys.push(cols.map(([, , domainField]) => [domainField, list.map((d) => columnKey(textKey(d)))]));
  };
  switch (p.kind) {
    case "exact":
      // NOCASE here too: orig_to's column has no collation of its own.
      [test, value] = ["= ? COLLATE NOCASE", p.value];
      keys.push(cols.map(([, field]) => [field, [columnKey(textKey(p.value))]]));
      break;
    case "domain":
      [test, value] = ["LIKE ? ESCAPE '\\'", `%@${likeLiteral(p.value)}`];
      inDomains([p.value]);
      break;
    case "subdomain":
      // A domain that ends in `.example.com` (LIKE is case-insensitive for ASCII).
      [test, value] = ["LIKE ? ESCAPE '\\'", `%@%.${likeLiteral(p.value)}`];
      inDomains(domains({ range: subdomainRange(p.value) }));
      break;
    default: {
      // `*` -> `%`. A glob of the local part with the domain written out (`taro*@example.co.jp`)
      // is looked for in that domain's rows only.
      [test, value] = ["LIKE ? ESCAPE '\\'", likeLiteral(p.value).replace(/\*/g, "%")];
      // A glob of the domain too (`*@mail*.example.com`): the listed domains that it matches.
      const domain = p.value.slice(p.value.lastIndexOf("@") + 1);
      if (p.value.includes("@") && domain && !domain.includes("*")) inDomains([domain]);
      else if (p.value.includes("@") && domain !== "*") inDomains(domains({ like: likeLiteral(domain).replace(/\*/g, "%") }));
    }
  }
  for (const _ of cols) params.push(value);
  const sql = cols.map(([col]) => `${col} ${test}`);
  return sql.length === 1 ? sql[0] : `(${sql.join(" OR ")})`;
}

export class SqliteStore implements Store {
  readonly url: string;
  readonly db: DatabaseSync;
  private writing = false;

  constructor(url: string, path: string) {
    this.url = url;
    try {
      this.db = new DatabaseSync(path);
    } catch (err) {
      throw new UserError(`cannot open store ${url}: ${(err as Error).message}`);
    }
    try {
      // 16 KiB pages for a new store (an existing one keeps its own): a message's event chunk is
      // most of a kilobyte, and bigger pages mean fewer page splits, writes and index levels
      // (1M log lines load 11% faster than with 4 KiB pages).
      this.db.exec("PRAGMA page_size = 16384");
      this.db.exec("PRAGMA busy_timeout = 5000");
      // While another process bulk-loads (rollback journal, query indexes dropped), a reader
      // neither switches the journal back nor builds the indexes: it reads what is committed.
      this.unlessBusy("PRAGMA journal_mode = WAL");
      this.db.exec("PRAGMA synchronous = NORMAL");
      this.db.exec("PRAGMA cache_size = -65536"); // 64 MiB: keeps the whole process well under 500 MB
      this.db.exec("PRAGMA temp_store = MEMORY");
      if (!this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get()) this.db.exec(SCHEMA);
      // The schema first: an older store's indexes may name columns this version does not have.
      const v = this.db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined;
      if (!v) this.db.prepare("INSERT INTO meta(key, value) VALUES('schema', ?)").run(String(SCHEMA_VERSION));
      else if (Number(v.value) === 7) {
        this.migrate7to8();
        this.migrate8to9();
      } else if (Number(v.value) === 8) this.migrate8to9();
      else if (Number(v.value) !== SCHEMA_VERSION) throw new UserError(`store ${url} has schema ${v.value}, this mailtrace expects ${SCHEMA_VERSION}: ingest the logs again into a new store (another --store path, or remove this file)`);
      if (this.queryIndexes().length < BULK_INDEXES.length) this.unlessBusy(CREATE_BULK_INDEXES);
    } catch (err) {
      this.db.close();
      if (err instanceof UserError) throw err;
      throw new UserError(`store ${url} is not a usable mailtrace database: ${(err as Error).message}`);
    }
  }

  /** One transaction: on failure nothing of it stays (the store keeps schema 8). */
  private migrate8to9(): void {
    try {
      this.db.exec("BEGIN IMMEDIATE");
      this.db.exec(MIGRATE_8_TO_9);
      this.db.exec("COMMIT");
    } catch (err) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw busyAsUserError(err, this.url);
    }
  }

  /** One transaction: on failure nothing of it stays (the store keeps schema 7). */
  private migrate7to8(): void {
    try {
      this.db.exec("BEGIN IMMEDIATE");
      this.db.exec(MIGRATE_7_TO_8);
      const notes = new BlockNotes(blockStorage(this.db));
      const domains = domainList(this.db);
      const rows = this.db.prepare("SELECT id, recipient, sender, orig_to FROM recipients");
      for (const r of rows.iterate() as Iterable<{ id: number; recipient: string; sender: string | null; orig_to: string | null }>) {
        for (const a of [r.recipient, r.sender, r.orig_to]) if (a) domains.note(a, domainKey(a));
        if (r.orig_to) notes.origTo(r.id, r.orig_to);
      }
      notes.flush();
      this.db.exec("COMMIT");
    } catch (err) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw busyAsUserError(err, this.url);
    }
  }

  writer(hint: WriterHint = {}): StoreWriter {
    if (this.writing) throw new Error("one writer at a time");
    this.writing = true;
    try {
      return this.startWriter(hint);
    } catch (err) {
      this.writing = false;
      throw busyAsUserError(err, this.url);
    }
  }

  private startWriter(hint: WriterHint): StoreWriter {
    this.db.exec(FILES_SCHEMA);
    const bulk = this.isBulkLoad(hint.expectedBytes);
    // A bulk load writes mostly new pages at the end of the file: a rollback journal keeps only
    // the few old pages it changes, where WAL writes every page twice (log, then checkpoint).
    // Readers wait during its commits. With another connection open the switch is refused
    // and the load stays in WAL.
    const rollback = bulk && this.tryRollbackJournal();
    // A rollback journal is safe against power loss only with FULL syncs (WAL is with NORMAL);
    // a bulk load commits every 200,000 lines, so the extra syncs cost nothing measurable.
    // Readers now wait for each commit: give them (and the commits) time.
    if (rollback) this.db.exec("PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000");
    // Every index but the UNIQUE ones goes, the message key and Message-ID ones too: kept, their
    // pages (random inserts) were journaled and written again at every commit, a cost that
    // grows with the store (5M lines: 14-16% of the load each); built at the end, each reads
    // the message rows once.
    // The stored keys are read first, through the key index while it is there.
    const keys = bulk ? this.storedKeys(hint.expectedBytes ?? 0) : undefined;
    if (bulk) for (const [name] of BULK_INDEXES) this.db.exec(`DROP INDEX IF EXISTS ${name}`);
    const w = new SqliteWriter(this.db, keys);
    const close = w.close.bind(w);
    w.close = () => {
      close();
      if (bulk) this.db.exec(CREATE_BULK_INDEXES);
      if (rollback) {
        this.journalMode("wal");
        this.db.exec("PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000");
      }
      this.writing = false;
    };
    return w;
  }

  /**
   * The keys of every stored message, read only for a bulk load, where the store is at most
   * half the input's size: from the key index alone (it holds the row id), when it is there.
   */
  private storedKeys(expectedBytes: number): KeyIndex {
    const stored = (this.db.prepare("SELECT count(*) AS n FROM messages").get() as { n: number }).n;
    // About 1,000 bytes of log per message.
    const keys = new KeyIndex(stored + expectedBytes / 1000);
    for (const r of this.db.prepare("SELECT q_key, id, first_time FROM messages").iterate() as Iterable<{ q_key: number; id: number; first_time: number }>) {
      keys.add(r.q_key, r.id, r.first_time);
    }
    return keys;
  }

  /** Runs `sql` unless another connection holds the store (then at once, without waiting, nothing). */
  private unlessBusy(sql: string): void {
    this.db.exec("PRAGMA busy_timeout = 0");
    try {
      this.db.exec(sql);
    } catch (err) {
      if (!/locked|busy/i.test((err as Error).message)) throw err;
    } finally {
      this.db.exec("PRAGMA busy_timeout = 5000");
    }
  }

  /** Leaves WAL for a rollback journal if no other connection has the store open (no waiting). */
  private tryRollbackJournal(): boolean {
    this.db.exec("PRAGMA busy_timeout = 0");
    try {
      return this.journalMode("delete") === "delete";
    } catch {
      return false;
    } finally {
      this.db.exec("PRAGMA busy_timeout = 5000");
    }
  }

  private journalMode(mode: "wal" | "delete"): string {
    return String((this.db.prepare(`PRAGMA journal_mode = ${mode}`).get() as { journal_mode: string }).journal_mode);
  }

  private isBulkLoad(expectedBytes: number | undefined): boolean {
    if (!expectedBytes || expectedBytes < BULK_MIN_BYTES) return false;
    const pages = this.db.prepare("PRAGMA page_count").get() as { page_count: number };
    const size = this.db.prepare("PRAGMA page_size").get() as { page_size: number };
    return expectedBytes > BULK_FACTOR * pages.page_count * size.page_size;
  }

  /** Names of the BULK_INDEXES present (for tests and `stats`). */
  queryIndexes(): string[] {
    const rows = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[];
    const present = new Set(rows.map((r) => r.name));
    return BULK_INDEXES.map(([n]) => n).filter((n) => present.has(n));
  }

  async trace(q: TraceQuery): Promise<TraceRow[]> {
    return this.traceRows(q, q.limit ?? 1000);
  }

  private traceRows(q: TraceQuery, limit: number): TraceRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    /** Per filter, the block columns and keys of which a row must have one to be read. */
    const keys: KeyFilter[] = [];
    const domains = (glob: { range: [string, string] } | { like: string }): string[] | undefined => {
      const found = ("range" in glob
        ? this.cached("SELECT domain FROM domains WHERE reversed >= ? AND reversed < ? LIMIT ?").all(...glob.range, MAX_DOMAINS + 1)
        : this.cached("SELECT domain FROM domains WHERE domain LIKE ? ESCAPE '\\' LIMIT ?").all(glob.like, MAX_DOMAINS + 1)) as { domain: string }[];
      return found.length > MAX_DOMAINS ? undefined : found.map((d) => d.domain);
    };
    // A recipient is also matched as originally addressed (orig_to: an alias, a forward).
    if (q.recipient) {
      where.push(patternSql([["r.recipient", COLUMN.recipient, COLUMN.recipientDomain], ["r.orig_to", COLUMN.origTo, COLUMN.origToDomain]], q.recipient, params, keys, domains));
    }
    if (q.sender) where.push(patternSql([["r.sender", COLUMN.sender, COLUMN.senderDomain]], q.sender, params, keys, domains));
    if (q.clientIp) {
      where.push("r.client_ip = ?");
      params.push(q.clientIp);
      keys.push([[COLUMN.clientIp, [columnKey(textKey(q.clientIp))]]]);
    }
    if (q.status?.length) {
      where.push(`r.status IN (${q.status.map(() => "?").join(",")})`);
      params.push(...q.status);
      keys.push([[COLUMN.status, q.status.map(statusCode)]]);
    }
    if (q.since !== undefined) {
      where.push("r.time >= ?");
      params.push(q.since);
    }
    // A page after `before`: also an until, so that the block walk starts at its block.
    const until = q.before === undefined ? q.until : Math.min(q.until ?? Number.POSITIVE_INFINITY, q.before.time);
    if (until !== undefined) {
      where.push("r.time <= ?");
      params.push(until);
    }
    if (q.minDelay !== undefined) {
      where.push("r.delay >= ?");
      params.push(q.minDelay);
    }
    if (q.before !== undefined) {
      where.push("(r.time < ? OR r.id < ?)");
      params.push(q.before.time, q.before.rid);
    }
    if (q.rowIds !== undefined) {
      where.push("r.id IN (SELECT value FROM json_each(?))");
      params.push(JSON.stringify(q.rowIds));
      if (q.messageId === undefined && q.queueId === undefined && q.messages === undefined) return this.rowsWhere(where, [...params, limit]);
    }
    if (q.messages !== undefined) {
      where.push("r.message IN (SELECT value FROM json_each(?))");
      params.push(JSON.stringify(q.messages));
      if (q.messageId === undefined && q.queueId === undefined) return this.rowsWhere(where, [...params, limit]);
    }
    if (q.messageId !== undefined || q.queueId !== undefined) {
      // The messages' own indexes find the few rows; no block walk.
      const sub: string[] = [];
      if (q.messageId !== undefined) {
        const id = q.messageId.replace(/^<(.*)>$/, "$1");
        sub.push("mid_key = ? AND message_id = ?");
        params.push(textKey(id), id);
      }
      if (q.queueId !== undefined) {
        sub.push("q_key = ? AND queue_id = ?");
        params.push(textKey(q.queueId), q.queueId);
      }
      where.push(`r.message IN (SELECT id FROM messages WHERE ${sub.join(" AND ")})`);
      return this.rowsWhere(where, [...params, limit]);
    }
    // Newest blocks first; of a block whose summary may match, the rows whose keys match (or,
    // without keys, every row in it) are read; the walk ends once `limit` rows are found and no
    // block left may have a row as new as the last of them.
    const blocks = this.cached("SELECT block, max_time, statuses FROM rblocks WHERE max_time >= ? AND min_time <= ? ORDER BY block DESC")
      .all(q.since ?? Number.MIN_SAFE_INTEGER, until ?? Number.MAX_SAFE_INTEGER) as { block: number; max_time: number; statuses: number }[];
    if (!blocks.length) return [];
    /** The newest time a row of blocks[i..] may have. */
    const later = new Float64Array(blocks.length + 1).fill(Number.NEGATIVE_INFINITY);
    for (let i = blocks.length - 1; i >= 0; i--) later[i] = Math.max(later[i + 1], blocks[i].max_time);
    const mask = statusMask(q.status);
    // The status column last: it rules out the fewest rows.
    keys.sort((a, b) => (a[0][0] === COLUMN.status ? 1 : 0) - (b[0][0] === COLUMN.status ? 1 : 0));
    // Each needed column of the blocks in range, read in one pass, in the walk's order.
    const last = blocks[0].block;
    const first = blocks[blocks.length - 1].block;
    const reader = (column: Column, wanted: number[]) => ({
      wanted,
      rows: (this.db.prepare("SELECT id, keys FROM rcolumns WHERE id BETWEEN ? AND ? ORDER BY id DESC")
        .iterate(columnId(first, column), columnId(last, column)) as Iterator<{ id: number; keys: Uint8Array }>),
      at: undefined as { id: number; keys: Uint8Array } | undefined,
      column,
    });
    const filterReaders = keys.map((alternatives) => alternatives.map(([column, wanted]) => reader(column, wanted)));
    const columnReaders = filterReaders.flat();
    const columnAt = (r: ReturnType<typeof reader>, block: number): Uint16Array | undefined => {
      const id = columnId(block, r.column);
      while (r.at === undefined || r.at.id > id) {
        const n = r.rows.next();
        if (n.done) return undefined;
        r.at = n.value;
      }
      return r.at.id === id ? columnOf(r.at.keys) : undefined;
    };
    const inBlock = this.rowsStatement([...where, "r.id BETWEEN ? AND ?"]);
    const byIds = this.rowsStatement([...where, "r.id IN (SELECT value FROM json_each(?))"]);
    let rows: TraceRow[] = [];
    const add = (found: SqlArrayRow[]) => {
      if (!found.length) return;
      rows = rows.concat(this.rowsOf(found)).sort((x, y) => y.time - x.time || y.rid - x.rid);
      if (rows.length > limit) rows.length = limit;
    };
    // Rows whose keys match, read in one statement for many blocks (a rare key has a row in a few hundred).
    let pending: number[] = [];
    const readPending = () => {
      if (pending.length) add(byIds.all(...(params as SQLInputValue[]), JSON.stringify(pending), limit) as unknown as SqlArrayRow[]);
      pending = [];
    };
    try {
      for (let i = 0; i < blocks.length; i++) {
        const b = blocks[i];
        if (rows.length >= limit && later[i] < rows[limit - 1].time) break;
        if ((b.statuses & mask) === 0) continue;
        if (!keys.length) {
          add(inBlock.all(...(params as SQLInputValue[]), ...blockRows(b.block), limit) as unknown as SqlArrayRow[]);
          continue;
        }
        const tests: ColumnTest[][] = [];
        for (const readers of filterReaders) {
          const alternatives: ColumnTest[] = [];
          for (const r of readers) {
            const c = columnAt(r, b.block);
            if (c) alternatives.push([c, r.wanted]); // else no row of the block has a value there
          }
          if (!alternatives.length) break;
          tests.push(alternatives);
        }
        if (tests.length < keys.length) continue;
        const found = matchingRows(tests);
        if (found.length > DENSE_MATCHES) {
          // Many of the block's rows: one range read of the block beats seeking each row.
          add(inBlock.all(...(params as SQLInputValue[]), ...blockRows(b.block), limit) as unknown as SqlArrayRow[]);
          continue;
        }
        for (const o of found) pending.push(b.block * BLOCK_ROWS + o);
        if (pending.length >= limit) readPending();
      }
      readPending();
    } finally {
      for (const r of columnReaders) r.rows.return?.();
    }
    return rows;
  }

  /**
   * A statement run with all() or get() only (never two iterations at once), prepared once per
   * text: a search runs the same few again and again (its pages, relay hops), and preparing one
   * cost as much as running it.
   */
  private cached(sql: string): StatementSync {
    let st = this.statements.get(sql);
    if (!st) {
      if (this.statements.size >= 256) this.statements.clear();
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  private readonly statements = new Map<string, StatementSync>();

  /** Trace rows as arrays of ROW_COLUMNS (rowsOf): reading a row object's columns by name cost more than the query. */
  private rowsStatement(where: string[]): StatementSync {
    const st = this.cached(`SELECT ${ROW_COLUMNS} FROM recipients r
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY r.time DESC, r.id DESC LIMIT ?`);
    st.setReturnArrays(true);
    return st;
  }

  private rowsWhere(where: string[], params: unknown[]): TraceRow[] {
    return this.rowsOf(this.rowsStatement(where).all(...(params as SQLInputValue[])) as unknown as SqlArrayRow[]);
  }

  /** Rows of ROW_COLUMNS, as arrays, as TraceRows. */
  private rowsOf(rows: SqlArrayRow[]): TraceRow[] {
    return rows.map((r) => ({
      time: r[1], offset: r[2], host: r[3], queueId: r[4] === "NOQUEUE" ? null : r[4], messageId: r[5], sender: r[6],
      recipient: r[7] === "" ? null : r[7], status: r[8], dsn: r[9], relay: r[10], detail: r[11], clientIp: r[12], size: r[13],
      subject: r[14], origTo: r[15], message: r[16], delay: r[17], rid: r[0],
    }));
  }

  /** relayHops' statements, prepared once (preparing them cost as much as running them). */
  private hopStatements: Record<"out" | "into" | "entries" | "rows" | "host" | "whole", StatementSync> | undefined;

  private hopSql(): Record<"out" | "into" | "entries" | "rows" | "host" | "whole", StatementSync> {
    // Each reads an index alone where it can (links_child and messages_key cover these columns):
    // a page read from the tables, 16 KB at random places of a large store, costs more than the rest.
    const links = "SELECT parent, child_queue_id, time FROM links WHERE kind = 'relay'";
    this.hopStatements ??= {
      out: this.db.prepare(`${links} AND parent IN (SELECT value FROM json_each(?))`),
      into: this.db.prepare(`${links} AND child_queue_id IN (SELECT value FROM json_each(?))`),
      entries: this.db.prepare("SELECT q_key, id, first_time FROM messages WHERE q_key IN (SELECT value FROM json_each(?))"),
      rows: this.db.prepare(`SELECT ${ROW_COLUMNS} FROM recipients r WHERE r.message IN (SELECT value FROM json_each(?))`),
      host: this.db.prepare("SELECT host FROM messages WHERE id = ?"),
      whole: this.db.prepare(`SELECT id, host, queue_id, first_time, offset, message_id, sender, client_ip, size, subject,
        state_status, state_detail FROM messages WHERE id IN (SELECT value FROM json_each(?))`),
    };
    this.hopStatements.rows.setReturnArrays(true);
    return this.hopStatements;
  }

  /**
   * In a few statements for the whole page (a statement a row cost more than the search): the
   * relay links from and to the rows' messages, the entries of the queue IDs they name (by the
   * integer key of the queue ID: the row found is checked to be of that queue ID), and the rows
   * of those entries that the page does not hold already.
   */
  async relayHops(rows: readonly TraceRow[]): Promise<RelayHops[]> {
    const hops: RelayHops[] = rows.map(() => ({}));
    const withQueue = rows.filter((r) => r.queueId !== null && r.recipient !== null); // not refusals, placeholders
    // A placeholder (an entry with no recipient logged yet) has a previous hop too: the entry it came from.
    const placeholders = rows.filter((r) => r.queueId !== null && r.recipient === null);
    if (!withQueue.length && !placeholders.length) return hops;
    const sql = this.hopSql();
    const list = (values: Iterable<string | number>) => JSON.stringify([...new Set(values)]);
    type Link = { parent: number; child_queue_id: string; time: number };
    const out = sql.out.all(list(withQueue.map((r) => r.message))) as Link[];
    // Every stored entry of each queue ID a link names, by its key.
    const byKey = new Map<number, Array<{ id: number; first_time: number; host?: string }>>();
    const loadEntries = (links: Link[]) => {
      const keys = new Set<number>();
      for (const l of links) {
        const k = textKey(l.child_queue_id) as number;
        if (!byKey.has(k)) keys.add(k);
      }
      if (!keys.size) return;
      for (const k of keys) byKey.set(k, []);
      for (const e of sql.entries.all(list(keys)) as Array<{ q_key: number; id: number; first_time: number }>) byKey.get(e.q_key)?.push(e);
    };
    loadEntries(out);
    // Rows by message: the page's, then those of the entries on the other end that it lacks.
    const rowsOfMessage = Map.groupBy(rows, (r) => r.message) as Map<number, TraceRow[]>;
    const pageMessages = new Set(rowsOfMessage.keys());
    const hostOf = (id: number) => rowsOfMessage.get(id)?.[0]?.host ?? (sql.host.get(id) as { host: string } | undefined)?.host ?? "";
    const target = (l: Link, parentHost: string) => linkTarget(byKey.get(textKey(l.child_queue_id) as number) ?? [], l.time, parentHost, hostOf);
    const parentHost = new Map(withQueue.map((r) => [r.message, r.host]));
    const outTargets = out.map((l) => target(l, parentHost.get(l.parent) ?? ""));
    // The links into the page's entries: those of its own rows' (a child is passed on by one
    // parent), and for the other rows read from the links_child index.
    const childrenOfPage = new Set(outTargets.filter((t) => t !== undefined && pageMessages.has(t)));
    const probe = [...withQueue, ...placeholders].filter((r) => !childrenOfPage.has(r.message)).map((r) => r.queueId as string);
    const into = probe.length ? (sql.into.all(list(probe)) as Link[]) : [];
    loadEntries(into);
    out.forEach((l, k) => {
      if (childrenOfPage.has(outTargets[k] as number)) into.push(l);
    });
    if (!out.length && !into.length) return hops;
    const same = (a: string | null, b: string | null) => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
    // The page holds a message's rows that the search matched, maybe not the one wanted: any
    // other end without the wanted recipient's row in the page is read from the store.
    const low = new Map(withQueue.map((r) => [r, (r.recipient as string).toLowerCase()]));
    const inPage = new Map<number, Set<string>>();
    for (const [r, l] of low) {
      const of = inPage.get(r.message);
      if (of) of.add(l);
      else inPage.set(r.message, new Set([l]));
    }
    /** Whether the page has the row of `message` for each of these page rows' recipients. */
    const holds = (message: number, of: readonly TraceRow[] | undefined) => {
      const there = inPage.get(message);
      return !!there && (of ?? []).every((r) => !low.has(r) || there.has(low.get(r) as string));
    };
    const missing = new Set<number>();
    out.forEach((l, k) => {
      const t = outTargets[k];
      if (t !== undefined && !missing.has(t) && !holds(t, rowsOfMessage.get(l.parent))) missing.add(t);
    });
    const byQueue = Map.groupBy(withQueue, (r) => r.queueId as string);
    for (const l of into) if (!missing.has(l.parent) && !holds(l.parent, byQueue.get(l.child_queue_id))) missing.add(l.parent);
    if (missing.size) {
      for (const id of missing) rowsOfMessage.delete(id); // read whole, not twice
      for (const r of this.rowsOf(sql.rows.all(list(missing)) as unknown as SqlArrayRow[])) {
        const of = rowsOfMessage.get(r.message);
        if (of) of.push(r);
        else rowsOfMessage.set(r.message, [r]);
      }
    }
    const outOf = new Map<number, Array<[Link, number | undefined]>>();
    out.forEach((l, k) => {
      const of = outOf.get(l.parent);
      if (of) of.push([l, outTargets[k]]);
      else outOf.set(l.parent, [[l, outTargets[k]]]);
    });
    const intoOf = Map.groupBy(into, (l) => l.child_queue_id);
    // Rows passed on to an entry that has no row of their recipient: the entry's own outcome.
    const wholeOf: Array<[i: number, child: number]> = [];
    rows.forEach((row, i) => {
      if (row.queueId === null) return;
      let passedTo: number | undefined;
      // (A placeholder, no recipient logged yet, has no next hop of its own.)
      for (const [l, child] of row.recipient === null ? [] : (outOf.get(row.message) ?? [])) {
        // The next entry's row of this recipient, or of what that hop made of it (orig_to).
        const next = child === undefined ? undefined : rowsOfMessage.get(child)?.find((r) =>
          r.queueId === l.child_queue_id && (same(r.recipient, row.recipient) || same(r.origTo, row.recipient)));
        if (next) {
          hops[i].next = next;
          break;
        }
        passedTo ??= child;
      }
      if (!hops[i].next && passedTo !== undefined) wholeOf.push([i, passedTo]);
      for (const l of intoOf.get(row.queueId) ?? []) {
        // A link to this queue ID counts only if this entry is the one it points to.
        if (Math.abs(l.time - row.time) > LINK_WINDOW_MS || target(l, hostOf(l.parent)) !== row.message) continue;
        // Of this recipient; for a placeholder, any row of the entry that passed the message on.
        const prev = rowsOfMessage.get(l.parent)?.find((r) =>
          row.recipient === null ? r.recipient !== null : same(r.recipient, row.recipient) || same(r.recipient, row.origTo));
        if (prev) {
          hops[i].prev = prev;
          break;
        }
      }
    });
    if (wholeOf.length) this.wholeEntryRows(rows, hops, wholeOf, rowsOfMessage);
    return hops;
  }

  /**
   * The next hop of a recipient that the entry it was passed on to never names: cleanup names
   * only the first recipient of a message it holds or discards, and an entry waiting in the
   * queue has logged none yet. Such a recipient takes what the entry says of all of them: its
   * state (EntryState: held, discarded, released, expired, deleted), else the status of its
   * placeholder row (queued, nothing delivered yet). Otherwise it has no next hop.
   */
  private wholeEntryRows(rows: readonly TraceRow[], hops: RelayHops[], wholeOf: Array<[number, number]>, rowsOfMessage: Map<number, TraceRow[]>): void {
    const entries = this.hopSql().whole.all(JSON.stringify([...new Set(wholeOf.map(([, c]) => c))])) as SqlRow[];
    const byId = new Map(entries.map((e) => [e.id as number, e]));
    for (const [i, child] of wholeOf) {
      const e = byId.get(child);
      if (!e) continue;
      const placeholder = rowsOfMessage.get(child)?.find((r) => r.recipient === null);
      const status = (e.state_status as CanonicalStatus | null) ?? placeholder?.status;
      if (!status) continue;
      hops[i].next = {
        time: e.first_time, offset: e.offset, host: e.host, queueId: e.queue_id, messageId: e.message_id, sender: e.sender,
        recipient: rows[i].recipient, status, dsn: null, relay: null, detail: e.state_status ? e.state_detail : (placeholder?.detail ?? null),
        clientIp: e.client_ip, size: e.size, subject: e.subject, origTo: null, message: child, delay: null,
        // Not a stored row: an id of its own, never a stored row's (hops.ts tells rows apart by it).
        rid: --wholeEntryRid,
      };
    }
  }

  /** linkTarget over the store's entries of each queue ID. */
  private linkTarget(): (queueId: string, time: number, parentHost: string) => number | undefined {
    const candidates = this.db.prepare("SELECT id, host, first_time FROM messages WHERE q_key = ?4 AND queue_id = ?1 AND first_time BETWEEN ?2 AND ?3");
    return (queueId, time, parentHost) => linkTarget(
      candidates.all(queueId, time - LINK_WINDOW_MS, time + LINK_WINDOW_MS, textKey(queueId)) as Array<{ id: number; host: string; first_time: number }>,
      time, parentHost,
    );
  }

  async show(key: string): Promise<ShowResult> {
    const k = key.replace(/^<(.*)>$/, "$1");
    // A refusal has no queue ID of its own: its trace row names it `NOQUEUE-<id>` (refusalRef).
    const refusal = /^NOQUEUE-(\d+)$/.exec(k);
    const start = (refusal
      ? this.db.prepare("SELECT id FROM messages WHERE id = ? AND queue_id = 'NOQUEUE'").all(Number(refusal[1]))
      : this.db.prepare(`SELECT id FROM messages WHERE q_key = ? AND queue_id = ?
      UNION SELECT id FROM messages WHERE mid_key = ? AND message_id = ?`).all(textKey(k), k, textKey(k), k)) as { id: number }[];
    const getMsg = this.db.prepare("SELECT * FROM messages WHERE id = ?");
    const linksOf = this.db.prepare("SELECT child_queue_id, kind, time FROM links WHERE parent = ?");
    const linksTo = this.db.prepare("SELECT parent, kind, time FROM links WHERE child_queue_id = ? AND time BETWEEN ? AND ?");
    const hostOf = this.db.prepare("SELECT host FROM messages WHERE id = ?");
    const target = this.linkTarget();
    const seen = new Map<number, ShowMessage>();
    /** Each message's events, from the row read for the message (not read a second time). */
    const eventsById = new Map<number, string | null>();
    const queue: Array<[number, ShowMessage["link"]]> = start.map((s) => [s.id, null]);
    // Follow links both ways (relay hops, re-injection, bounce notifications), bounded.
    while (queue.length && seen.size < 200) {
      const [id, link] = queue.shift() as [number, ShowMessage["link"]];
      if (seen.has(id)) continue;
      const m = getMsg.get(id) as SqlRow | undefined;
      if (!m) continue;
      eventsById.set(id, m.events);
      seen.set(id, {
        id, time: m.first_time, offset: m.offset, host: m.host, queueId: m.queue_id, messageId: m.message_id,
        sender: m.sender, size: m.size, nrcpt: m.nrcpt, clientHost: m.client_host, clientIp: m.client_ip,
        saslUsername: m.sasl_username, subject: m.subject, origin: m.origin, removedTime: m.removed_time,
        state: m.state_status ? { status: m.state_status, detail: m.state_detail ?? "", time: m.state_time } : null, link,
      });
      for (const l of linksOf.all(id) as { child_queue_id: string; kind: LinkRecord["kind"]; time: number }[]) {
        const child = target(l.child_queue_id, l.time, m.host);
        if (child !== undefined && !seen.has(child)) queue.push([child, { kind: l.kind, from: id }]);
      }
      // A link to this queue ID counts only if this entry is the one it points to.
      for (const l of linksTo.all(m.queue_id, m.first_time - LINK_WINDOW_MS, m.first_time + LINK_WINDOW_MS) as { parent: number; kind: LinkRecord["kind"]; time: number }[]) {
        if (seen.has(l.parent)) continue;
        const parentHost = (hostOf.get(l.parent) as { host: string } | undefined)?.host ?? "";
        if (target(m.queue_id, l.time, parentHost) === id) queue.push([l.parent, { kind: l.kind, from: id }]);
      }
    }
    const messages = [...seen.values()].sort((a, b) => a.time - b.time || a.id - b.id);
    const ids = messages.map((m) => m.id);
    if (!ids.length) return { messages: [], recipients: [], events: [] };
    const inList = ids.join(",");
    const recipients = (this.db.prepare(`SELECT * FROM recipients r
      WHERE r.message IN (${inList}) ORDER BY r.time, r.message, r.recipient`).all() as SqlRow[]).map(
      (r): ShowRecipient => ({
        message: r.message, queueId: r.queue_id, recipient: r.recipient, origTo: r.orig_to, status: r.status, dsn: r.dsn,
        relay: r.relay, delay: r.delay, detail: r.detail, time: r.event_time, offset: r.offset,
      }),
    );
    const seenEvents = new Set<string>();
    const rawEvents: Array<ShowEvent & { seq: number; message: number }> = [];
    for (const m of messages) {
      const data = eventsById.get(m.id);
      if (!data) continue;
      for (const e of decodeEvents(data, m.queueId, m.host)) {
        const key = `${e.time} ${e.hash}`;
        if (seenEvents.has(key)) continue;
        seenEvents.add(key);
        rawEvents.push({
          time: e.time, offset: e.offset, seq: e.seq, message: m.id, host: m.host, program: e.program,
          queueId: m.queueId, kind: e.kind, recipient: e.recipient, dsn: e.dsn, text: e.text,
        });
      }
      seenEvents.clear();
    }
    rawEvents.sort((a, b) => a.time - b.time || a.message - b.message || a.seq - b.seq);
    const events: ShowEvent[] = rawEvents.map(({ seq: _s, message: _m, ...e }) => e);
    return { messages, recipients, events };
  }

  async stats(): Promise<StoreStats> {
    const one = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      messages: one("SELECT count(*) AS n FROM messages"),
      recipients: one("SELECT count(*) AS n FROM recipients"),
      events: one("SELECT coalesce(sum(n_events), 0) AS n FROM messages"),
    };
  }

  async close(): Promise<void> {
    if (this.db.isOpen) {
      try {
        this.db.exec("PRAGMA optimize");
      } catch {
        // optimize is advisory
      }
      this.db.close();
    }
  }
}
