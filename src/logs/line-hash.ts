/**
 * A line's identity within its message: a 53-bit hash of its time, syslog tag, pid and text,
 * i.e. the raw line without the host, which the message says, and with the stamp as parsed.
 * The store does not keep it: it is computed again from the stored fields when needed
 * (src/store/event-codec.ts), so these inputs are all it may depend on.
 *
 * Two FNV-1a-style lanes over alternate characters: this runs on every line, so it is as
 * cheap as a well-spread hash gets.
 */

export interface HashedLine {
  time: number;
  program: string;
  pid: string;
  /** The text after `program[pid]: `. */
  message: string;
}

// The two lanes, kept at module level: a closure per line cost a fifth more.
let laneH = 0;
let laneG = 0;

function feedLanes(s: string): void {
  let h = laneH;
  let g = laneG;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    g = Math.imul(g ^ s.charCodeAt(i + 1), 2246822519);
  }
  if (i < n) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  laneH = Math.imul(h ^ n, 16777619);
  laneG = g;
}

export function lineHash(line: HashedLine): number {
  laneH = Math.imul(0x811c9dc5 ^ (line.time % 4294967296), 16777619);
  laneG = Math.imul(0x2545f491 ^ Math.floor(line.time / 4294967296), 2246822519);
  feedLanes(line.program);
  feedLanes(line.pid);
  feedLanes(line.message);
  const g = laneG;
  const h = Math.imul(laneH ^ (g >>> 15), 2246822507) ^ Math.imul(g ^ (laneH >>> 13), 3266489909);
  return ((h ^ (g >>> 16)) >>> 0) + (g & 0x1fffff) * 4294967296;
}
