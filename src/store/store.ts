/**
 * The one store interface every backend implements (sqlite.ts now, clickhouse.ts later);
 * test/store/conformance.ts holds the tests every backend must pass.
 *
 * Library API (what the CLI, the demo and the benchmark use):
 *
 *   import { openStore } from "./src/store/open.ts";
 *   import { ingestFiles } from "./src/logs/ingest.ts";
 *   const store = await openStore("sqlite:./mailtrace.db");      // or defaultStoreUrl()
 *   const summary = await ingestFiles(store, ["/var/log/mail.log", "old.log.gz", "-"], { year: 2024, tz: "Asia/Tokyo" });
 *   // summary: { files, lines, events, messages, unparsed, otherPrograms, errors: [{ path, message }] }
 *   const rows = await store.trace({ recipient: "*@example.com", since: Date.now() - 48 * 3600e3, limit: 100 });
 *   const detail = await store.show("4Bd9Xk0sQz1");                  // queue ID or Message-ID
 *   await store.close();
 *
 * Trace queries are built from CLI-style strings by src/trace/query.ts (`buildTraceQuery`).
 *
 * Write side: ingestion (src/logs/correlate.ts) drives a StoreWriter. Everything it writes is
 * keyed deterministically (a message by host + queue ID + first time, a recipient by message +
 * address, an event by message + a hash of its line: time, tag, pid, text), and every write is an insert-or-ignore or
 * a merge, so re-ingesting a file, overlapping files or files in any order stores nothing twice.
 * `commit()` is the durability point: a crash loses at most the uncommitted batch, which a re-run
 * adds again.
 */
import type { CanonicalStatus } from "../logs/status.ts";
import type { LinkKind } from "../logs/dialects/types.ts";

/** Fields of a message (one queue entry on one host) that may be learned line by line. */
export interface MessageFields {
  lastTime?: number;
  removedTime?: number;
  messageId?: string;
  sender?: string;
  size?: number;
  nrcpt?: number;
  clientHost?: string;
  clientIp?: string;
  saslUsername?: string;
  subject?: string;
  /** How it entered: "smtp" (smtpd client=), "local" (pickup), "reject" (refused before queueing). */
  origin?: string;
  /** The latest state of the whole entry that its waiting or held recipients take (EntryState). */
  state?: EntryState;
}

/**
 * A state of a whole queue entry, from a line about the entry rather than a recipient: it
 * expired or was deleted (failed), was put on hold (quarantined) or released (pending). Every
 * recipient still pending or quarantined as of `time` takes it, whichever of its lines are read
 * first (logs in any order): the latest state wins.
 */
export interface EntryState {
  status: CanonicalStatus;
  detail: string;
  time: number;
}

export interface NewMessage extends MessageFields {
  host: string;
  /** Queue ID, or "NOQUEUE" for a refused attempt. */
  queueId: string;
  firstTime: number;
  /** Offset (minutes) of the wall clock of the first line, to print times as logged. */
  offset: number;
  /** Distinguishes NOQUEUE rows of the same host and second (hash of the line); 0 for queue entries. */
  disc: number;
}

export interface StoredMessage extends NewMessage {
  id: number;
}

export interface RecipientRecord {
  message: number;
  recipient: string;
  origTo?: string;
  status: CanonicalStatus;
  dsn?: string;
  relay?: string;
  delay?: number;
  detail?: string;
  /** Time of the event that set this status (a later event wins). */
  eventTime: number;
  /**
   * Denormalized from the message so that trace queries read one table: a join to the message
   * rows, which hold the events, read a page of them per row found (at 10M log lines, 1.1 GB).
   * The writer keeps them equal to the message's (updateMessage passes changes on).
   */
  time: number;
  offset: number;
  host: string;
  queueId: string;
  sender?: string;
  clientIp?: string;
  messageId?: string;
  size?: number;
  subject?: string;
}

export interface EventRecord {
  time: number;
  offset: number;
  program: string;
  pid: string;
  /** The dialect's fact kind; only "unparsed" is stored (readers parse the text again for the rest). */
  kind: string;
  /** The message text after `program[pid]: `; for a line not understood, the raw line. */
  text: string;
  /**
   * Hash of the line (time, tag, pid, text: see lineHash); the event's identity within its
   * message. Always set for a line not understood (it is stored with it); for others it may be
   * left out, as readers compute it again from the stored line.
   */
  hash?: number;
  /** Order of lines within the same second (the line number in its file). */
  seq: number;
}

/**
 * The events of one message written in one go (a message's lines between two writes).
 * Written as one row: per-line rows cost more than parsing the line did. The correlator
 * leaves out lines the message has stored already (`eventHashes`), so a line is stored once
 * however the files overlap; readers still deduplicate by (time, hash) for safety.
 */
export interface EventChunk {
  message: number;
  /** The message's queue ID: lines that begin with `QUEUEID: ` may be stored without it. */
  queueId?: string;
  events: EventRecord[];
}

export interface LinkRecord {
  parent: number;
  childQueueId: string;
  kind: LinkKind;
  time: number;
}

export interface StoreWriter {
  /** The newest message of host+queueId that started at or before `time`. */
  findMessage(host: string, queueId: string, time: number): StoredMessage | undefined;
  /** The oldest message of host+queueId that started after `time` (a tail ingested before its head). */
  findNextMessage(host: string, queueId: string, time: number): StoredMessage | undefined;
  /**
   * Moves a message's start back to `firstTime` (its earlier lines arrived after its later ones:
   * files ingested newest first); recipients follow. False (and nothing changed) if another message
   * of the same host and queue ID already starts then.
   */
  rekeyMessage(id: number, firstTime: number, offset: number): boolean;
  /** The hashes of the events stored for a message (every chunk), to store no line twice. */
  eventHashes(message: number): number[];
  /**
   * Inserts the message keyed by host, queueId, firstTime, disc, with its first events, and
   * returns its id and true; if that key is stored already, stores nothing and returns the
   * stored id and false (the caller merges into it: updateMessage, insertEvents).
   */
  insertMessage(m: NewMessage, events?: readonly EventRecord[]): { id: number; created: boolean };
  /** Merges fields: given values replace, missing ones keep what is stored. */
  updateMessage(id: number, fields: MessageFields): void;
  /** Inserts or merges a recipient; the status of the later event wins. */
  upsertRecipient(r: RecipientRecord): void;
  /** Recipients of `message` whose status is `from` get status `to` (e.g. pending -> failed on expiry). */
  changeRecipientStatus(message: number, from: CanonicalStatus, to: CanonicalStatus, detail: string, eventTime: number): void;
  /** Removes the placeholder row (recipient "") once real recipients are known. */
  dropPlaceholder(message: number): void;
  /** Appends a chunk of events to a stored message; returns the number of events stored. */
  insertEvents(c: EventChunk): number;
  insertLink(l: LinkRecord): void;
  /**
   * The marks that may be of this file: those last seen at `path` (newest first), then those
   * whose first FILE_HEAD_BYTES bytes hash to `head` (a file renamed by log rotation), then
   * those of files shorter than that when read. The caller checks each against the file
   * (logs/file-mark.ts).
   */
  fileMarks(path: string, head: string): FileMark[];
  /** Records what was read of a file, in the current batch: durable with that batch's rows, never before them. */
  markFile(m: FileMark, replaces?: FileMark): void;
  /** Makes everything written so far durable and starts a new batch. */
  commit(): void;
  /** Commits and ends writing. */
  close(): void;
}

export interface TextPattern {
  /** exact: whole address (case-insensitive); domain: `*@d`; subdomain: `*.d`; like: other `*` globs. */
  kind: "exact" | "domain" | "subdomain" | "like";
  value: string;
}

/** The key `show` takes for a refusal (it has no queue ID): `NOQUEUE-` and the store's message id. */
export function refusalRef(message: number): string {
  return `NOQUEUE-${message}`;
}

export interface TraceQuery {
  sender?: TextPattern;
  recipient?: TextPattern;
  messageId?: string;
  queueId?: string;
  clientIp?: string;
  status?: CanonicalStatus[];
  since?: number;
  until?: number;
  /** Only rows whose delivery took at least this many seconds (the MTA's delay: arrival to this attempt). */
  minDelay?: number;
  limit?: number;
  /**
   * Only rows older than this one in the trace order (time, then row id, newest first): the
   * next page after a page's last row (`{ time, rid }` of it). Reports page through any range so.
   */
  before?: { time: number; rid: number };
  /** Only these recipient rows (TraceRow.rid), each still tested on every other filter. */
  rowIds?: number[];
  /** Only rows of these stored messages (TraceRow.message), each still tested on every other filter. */
  messages?: number[];
  /**
   * Every queue entry of a message passed on (a content filter's re-injection, a relay hop) as
   * a row of its own, as the store holds them: the trace's default is one row per message and
   * recipient (trace/hops.ts). Store.trace always answers so.
   */
  eachHop?: boolean;
}

export interface TraceRow {
  time: number;
  offset: number;
  host: string;
  queueId: string | null;
  messageId: string | null;
  sender: string | null;
  recipient: string | null;
  status: CanonicalStatus;
  dsn: string | null;
  relay: string | null;
  detail: string | null;
  clientIp: string | null;
  size: number | null;
  subject: string | null;
  /** The recipient as originally addressed, where an alias or a forward changed it (Postfix orig_to). */
  origTo: string | null;
  /** The store's message id, for `show`. */
  message: number;
  /** Seconds from the message's arrival to this recipient's last delivery attempt (Postfix delay=). */
  delay: number | null;
  /** The store's recipient row id: rows of the same time are in its order (newest first). */
  rid: number;
  /**
   * The queue IDs of the entries that passed this recipient on to the one whose outcome the row
   * shows, first first (trace/hops.ts); absent when the row is a single queue entry.
   */
  hops?: string[];
}

/** The rows of the same recipient one relay link away from a trace row (Store.relayHops). */
export interface RelayHops {
  /** The row in the entry this row's message passed the recipient on to ("queued as": a content filter, the next hop). */
  next?: TraceRow;
  /** The row in the entry that passed the recipient on to this row's message. */
  prev?: TraceRow;
}

export interface ShowMessage {
  id: number;
  time: number;
  offset: number;
  host: string;
  queueId: string;
  messageId: string | null;
  sender: string | null;
  size: number | null;
  nrcpt: number | null;
  clientHost: string | null;
  clientIp: string | null;
  saslUsername: string | null;
  subject: string | null;
  origin: string | null;
  removedTime: number | null;
  /** The latest state of the whole entry (expired, deleted, held, released), if any. */
  state: EntryState | null;
  /** How this entry is linked to the one the trace started from. */
  link: { kind: LinkKind; from: number } | null;
}

export interface ShowRecipient {
  message: number;
  queueId: string;
  recipient: string;
  origTo: string | null;
  status: CanonicalStatus;
  dsn: string | null;
  relay: string | null;
  delay: number | null;
  detail: string | null;
  time: number;
  offset: number;
}

export interface ShowEvent {
  time: number;
  offset: number;
  host: string;
  program: string;
  queueId: string;
  kind: string;
  recipient: string | null;
  dsn: string | null;
  text: string;
}

export interface ShowResult {
  messages: ShowMessage[];
  recipients: ShowRecipient[];
  events: ShowEvent[];
}

export interface StoreStats {
  messages: number;
  recipients: number;
  events: number;
}

/** Links resolve to queue entries that started within this window around the link's time. */
export const LINK_WINDOW_MS = 6 * 3600 * 1000;

/** Bytes at the start of a log file that name it (FileMark.head). */
export const FILE_HEAD_BYTES = 4096;

/**
 * What an ingest read of one log file, so that the next ingest of it reads only what was added
 * since. A file is known by its first bytes, not its name: rotation renames files.
 */
export interface FileMark {
  /** SHA-256 (hex) of the file's first `headBytes` bytes (FILE_HEAD_BYTES, or the whole file if shorter then). */
  head: string;
  headBytes: number;
  /** The path it was read at last. */
  path: string;
  /** Bytes read and stored, up to the end of a line (gzip: the whole file's size). */
  bytes: number;
  /** The lines among them: the next line's sequence number follows on. */
  lines: number;
  /** Year inference after the last of them (RFC 3164 lines carry no year): year and month (0-11, -1: none). */
  year: number | undefined;
  month: number;
  gzip: boolean;
  /** When it was recorded (ms since the epoch). */
  time: number;
}

/** What the writer may plan for: a backend can load a large input differently. */
export interface WriterHint {
  /** Bytes of input about to be ingested (undefined when unknown, e.g. stdin). */
  expectedBytes?: number;
}

export interface Store {
  readonly url: string;
  /** Starts a write batch (one writer at a time). */
  writer(hint?: WriterHint): StoreWriter;
  trace(q: TraceQuery): Promise<TraceRow[]>;
  /**
   * For each row, the rows of its recipient one `relay` link away, both ways, resolved as `show`
   * resolves links (the entry of the link's queue ID that started nearest to the link's time).
   * Where the next entry has no row of the recipient, `next` is a row made of that entry's whole
   * outcome (its EntryState, else its placeholder row's status; rid < 0), if it has one; a
   * placeholder row's `prev` is a row of the entry that passed the message on to it.
   */
  relayHops(rows: readonly TraceRow[]): Promise<RelayHops[]>;
  /** The messages whose queue ID or Message-ID is `key`, with every linked entry, their recipients and events in time order. */
  show(key: string): Promise<ShowResult>;
  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}
