/**
 * The text form of a message's events (see EventChunk): one line per event,
 *
 *   time TAB offset TAB seq TAB program TAB pid TAB marker text
 *
 * It is most of a store's bytes and is written for every line ingested, so it holds only what
 * the line said: no hash, kind, recipient or DSN. Those follow from the line and are computed
 * again when read (decodeEvents): the hash by lineHash, the rest by the line's dialect.
 *
 * A part starts with `@` and absolute values; later lines hold the time and line number as
 * differences from the line before and an empty offset when it is unchanged. The marker says
 * what the text is: `+` the message text without the message's leading `QUEUEID: `, `=` the
 * message text as logged, `!` a line that was not understood, as `hash TAB raw line` (its raw
 * line is kept whole, so its hash cannot be computed again from it). Parts may be concatenated
 * with a newline (a message written in several batches): each `@` line starts afresh.
 */
import { dialectFor } from "../logs/dialects/index.ts";
import { lineHash } from "../logs/line-hash.ts";
import type { EventRecord } from "./store.ts";

/** Encodes events (in line order); `queueId` is the message's, for the prefix. */
export function encodeEvents(events: readonly EventRecord[], queueId: string | undefined): string {
  const prefix = queueId ? `${queueId}: ` : undefined;
  let out = "";
  let time = 0;
  let offset = 0;
  let seq = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const text = e.kind === "unparsed"
      ? `!${e.hash ?? lineHash({ time: e.time, program: e.program, pid: e.pid, message: e.text })}\t${e.text}`
      : prefix !== undefined && e.text.startsWith(prefix) ? `+${e.text.slice(prefix.length)}` : `=${e.text}`;
    const head = i === 0
      ? `@${e.time}\t${e.offset}\t${e.seq}`
      : `\n${e.time - time}\t${e.offset === offset ? "" : e.offset}\t${e.seq - seq}`;
    out += `${head}\t${e.program}\t${e.pid}\t${text}`;
    time = e.time;
    offset = e.offset;
    seq = e.seq;
  }
  return out;
}

/** One stored line as it was logged, with its identity. */
export interface StoredLine {
  time: number;
  offset: number;
  seq: number;
  program: string;
  pid: string;
  /** The message text after `program[pid]: ` (for a line not understood: the raw line). */
  text: string;
  unparsed: boolean;
  hash: number;
}

export interface DecodedEvent extends StoredLine {
  kind: string;
  recipient: string | null;
  dsn: string | null;
}

/** The stored lines of a chunk (or several appended ones), without parsing their text. */
export function decodeLines(data: string, queueId: string): StoredLine[] {
  const out: StoredLine[] = [];
  let time = 0;
  let offset = 0;
  let seq = 0;
  for (const line of data.split("\n")) {
    const f: string[] = [];
    let at = 0;
    for (let k = 0; k < 5; k++) {
      const tab = line.indexOf("\t", at);
      if (tab < 0) break;
      f.push(line.slice(at, tab));
      at = tab + 1;
    }
    if (f.length < 5) continue;
    if (f[0].startsWith("@")) {
      time = Number(f[0].slice(1));
      offset = Number(f[1]);
      seq = Number(f[2]);
    } else {
      time += Number(f[0]);
      if (f[1] !== "") offset = Number(f[1]);
      seq += Number(f[2]);
    }
    const marker = line.charCodeAt(at);
    const program = f[3];
    const pid = f[4];
    if (marker === 33) {
      const tab = line.indexOf("\t", at);
      out.push({ time, offset, seq, program, pid, text: line.slice(tab + 1), unparsed: true, hash: Number(line.slice(at + 1, tab)) });
      continue;
    }
    const text = marker === 43 ? `${queueId}: ${line.slice(at + 1)}` : line.slice(at + 1);
    out.push({ time, offset, seq, program, pid, text, unparsed: false, hash: lineHash({ time, program, pid, message: text }) });
  }
  return out;
}

/** The events of a chunk, each with what its dialect reads in it (kind, recipient, DSN). */
export function decodeEvents(data: string, queueId: string, host = ""): DecodedEvent[] {
  return decodeLines(data, queueId).map((l) => {
    if (l.unparsed) return { ...l, kind: "unparsed", recipient: null, dsn: null };
    const fact = dialectFor(l.program)?.parse({ time: l.time, offset: l.offset, host, program: l.program, pid: l.pid, message: l.text });
    return { ...l, kind: fact?.kind ?? "unparsed", recipient: fact?.recipient ?? null, dsn: fact?.dsn ?? null };
  });
}

/** Only the hashes of a chunk's events (the correlator's "stored already" set). */
export function eventHashesOf(data: string, queueId: string): number[] {
  return decodeLines(data, queueId).map((l) => l.hash);
}
