/**
 * What every MTA dialect produces: one normalized Fact per log line. The correlator
 * (src/logs/correlate.ts) turns facts into messages, recipients and events; it never looks at
 * MTA-specific text. A new MTA (exim, sendmail, exchange) is one module implementing Dialect.
 */
import type { Envelope } from "../syslog.ts";

export type FactKind =
  /** A message entered over SMTP: client host/ip, SASL user. Starts a queue entry. */
  | "client"
  /** A message entered by local submission (sendmail/pickup). Starts a queue entry. */
  | "pickup"
  /** Message-ID (or Resent-Message-ID) of a queue entry. */
  | "message-id"
  /** Envelope sender, size and recipient count as the queue manager saw them. */
  | "queued"
  /** One recipient's delivery attempt or final outcome (status word, dsn, relay, detail). */
  | "delivery"
  /** A policy/filter action on a queued message (hold, discard, reject, redirect, warn, ...). */
  | "action"
  /** A recipient refused before queueing (NOQUEUE, postscreen, before-queue filter): a row of its own. */
  | "reject"
  /** The whole message expired in the queue and was returned to the sender. */
  | "expired"
  /** The queue entry ended. */
  | "removed"
  /** An administrator deleted the queue entry (postsuper -d): what was not delivered never will be. */
  | "deleted"
  /** The whole entry was put on hold or released (postsuper -h / -H): its waiting recipients wait or are held (status word). */
  | "state"
  /** A notification (bounce/delay/success DSN) was queued for this message as `childQueueId`. */
  | "notification"
  /** A known line of a message that only belongs on its timeline. */
  | "info"
  /** A known line that belongs to no message (connections, TLS, statistics). */
  | "noise"
  /** A line of this dialect that was not understood. */
  | "unparsed";

/** How two queue entries are linked into one trace. */
export type LinkKind = "relay" | "bounce" | "forward";

export interface Fact {
  kind: FactKind;
  queueId?: string;
  sender?: string;
  recipient?: string;
  origTo?: string;
  /** The MTA's own status or action word (mapped to canonical in src/logs/status.ts). */
  status?: string;
  dsn?: string;
  relay?: string;
  delay?: number;
  /** The MTA's diagnostic text (reply from the remote server, reject reason, ...). */
  detail?: string;
  clientHost?: string;
  clientIp?: string;
  saslUsername?: string;
  messageId?: string;
  size?: number;
  nrcpt?: number;
  subject?: string;
  /** The queue ID of a linked entry: "queued as", "forwarded as", notification queue ID. */
  childQueueId?: string;
  linkKind?: LinkKind;
}

export interface Dialect {
  readonly name: string;
  /** Cheap test on the syslog program name only, before any regex runs. */
  accepts(program: string): boolean;
  parse(env: Envelope): Fact;
}
