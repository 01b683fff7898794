/**
 * The text form of a chunk of one message's events (see EventChunk): one line per event,
 *
 *   time TAB offset TAB seq TAB hash TAB program TAB kind TAB recipient TAB dsn TAB text
 *
 * kept small because it is most of a store's bytes: a part starts with `@` and absolute values,
 * later lines hold the time and line number as differences from the line before and an empty
 * offset when it is unchanged (the hash stays decimal: base 36 would save 5 bytes and cost
 * V8's slow radix conversion on every line); text that begins with the message's
 * `QUEUEID: ` is stored without it (marker `+`, else `=`). Parts may be concatenated with a
 * newline (a store appending to a full chunk): each `@` line starts afresh.
 */
import type { EventRecord } from "./store.ts";

/** Encodes events (in line order); `queueId` is the message's, for the prefix. */
export function encodeEvents(events: readonly EventRecord[], queueId: string | undefined): string {
  const prefix = queueId ? `${queueId}: ` : undefined;
  const parts: string[] = new Array(events.length);
  let time = 0;
  let offset = 0;
  let seq = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const text = prefix !== undefined && e.text.startsWith(prefix) ? `+${e.text.slice(prefix.length)}` : `=${e.text}`;
    const head = i === 0
      ? `@${e.time}\t${e.offset}\t${e.seq}`
      : `${e.time - time}\t${e.offset === offset ? "" : e.offset}\t${e.seq - seq}`;
    parts[i] = `${head}\t${e.hash}\t${e.program}\t${e.kind}\t${e.recipient ?? ""}\t${e.dsn ?? ""}\t${text}`;
    time = e.time;
    offset = e.offset;
    seq = e.seq;
  }
  return parts.join("\n");
}

export interface DecodedEvent {
  time: number;
  offset: number;
  seq: number;
  hash: number;
  program: string;
  kind: string;
  recipient: string | null;
  dsn: string | null;
  text: string;
}

/** Decodes a chunk written by encodeEvents (or several appended ones). */
export function decodeEvents(data: string, queueId: string): DecodedEvent[] {
  const out: DecodedEvent[] = [];
  let time = 0;
  let offset = 0;
  let seq = 0;
  for (const line of data.split("\n")) {
    const f = line.split("\t");
    if (f.length < 9) continue;
    if (f[0].startsWith("@")) {
      time = Number(f[0].slice(1));
      offset = Number(f[1]);
      seq = Number(f[2]);
    } else {
      time += Number(f[0]);
      if (f[1] !== "") offset = Number(f[1]);
      seq += Number(f[2]);
    }
    const rest = f.length > 9 ? f.slice(8).join("\t") : f[8];
    out.push({
      time, offset, seq, hash: Number(f[3]), program: f[4], kind: f[5], recipient: f[6] || null,
      dsn: f[7] || null, text: rest.startsWith("+") ? `${queueId}: ${rest.slice(1)}` : rest.slice(1),
    });
  }
  return out;
}

/** Only the hashes of a chunk's events (the correlator's "stored already" set), without decoding the rest. */
export function eventHashesOf(data: string): number[] {
  const out: number[] = [];
  for (const line of data.split("\n")) {
    let a = line.indexOf("\t");
    a = line.indexOf("\t", a + 1);
    a = line.indexOf("\t", a + 1);
    out.push(Number(line.slice(a + 1, line.indexOf("\t", a + 1))));
  }
  return out;
}
