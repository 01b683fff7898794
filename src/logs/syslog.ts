/**
 * The line envelope: time, host, program and pid around an MTA's own message text.
 *
 * Forms understood (an optional `<PRI>` prefix is accepted before each):
 * - RFC 3164 / BSD syslog, also Postfix's `maillog_file`: `Jan  2 03:04:05 host prog[pid]: text`
 *   (day space- or zero-padded, optional `.ffffff` fraction). No year and no zone: the year is
 *   inferred (see YearTracker) and the wall clock is read in `--tz` (default: the local zone).
 * - rsyslog high precision / RFC 3339: `2024-01-02T03:04:05.123456+09:00 host prog[pid]: text`.
 * - RFC 5424: `<PRI>1 2024-01-02T03:04:05.123Z host app procid msgid [sd] text`.
 *
 * Parsing is one anchored regex per form plus a cache of the last timestamp text, because
 * consecutive lines mostly share their timestamp.
 */

export interface Envelope {
  /** Milliseconds since the epoch (UTC). */
  time: number;
  /** The offset from UTC of the wall clock the line was written in, in minutes (east positive). */
  offset: number;
  host: string;
  /** The syslog tag without pid, e.g. `postfix/smtpd` or `postfix-out/smtp`. */
  program: string;
  pid: string;
  /** The text after `program[pid]: `. */
  message: string;
}

export interface EnvelopeOptions {
  /** Year of the first classic (year-less) line; later lines roll over at New Year. */
  year?: number;
  /** IANA zone for lines without an offset (default: the process's local zone). */
  tz?: string;
  /** Used to infer the year when `year` is not given: classic lines are assumed not to lie after it. */
  referenceTime?: number;
}

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

/** `Jan` as (J << 16 | a << 8 | n) -> 0, for reading a month by char codes. */
const MONTH_CODES = new Map(Object.entries(MONTHS).map(([k, v]) => [(k.charCodeAt(0) << 16) | (k.charCodeAt(1) << 8) | k.charCodeAt(2), v]));

/** Positions of the stamp's digits that are never a space (`Mmm dD hh:mm:ss`). */
const STAMP_DIGITS = [5, 7, 8, 10, 11, 13, 14];

/** 0-9 for an ASCII digit's code, else -1. */
function digit(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : -1;
}

// `Mmm dd hh:mm:ss[.frac] host tag[pid]: msg` (tag may hold slashes and dashes).
const RE_3164 = /^(?:<\d{1,3}>)?([A-Z][a-z]{2}) ([ 0-3]?\d) (\d\d):(\d\d):(\d\d)(\.\d{1,9})? (\S+) ([^\s[:]+)(?:\[(\d*)\])?: ?(.*)$/;
// rsyslog RFC 3339 form: `2024-01-02T03:04:05.123+09:00 host tag[pid]: msg`.
const RE_ISO = /^(?:<\d{1,3}>)?(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)) (\S+) ([^\s[:]+)(?:\[(\d*)\])?: ?(.*)$/;
// RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`.
const RE_5424 = /^<\d{1,3}>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]\\]|\\.)*\])+)(?: (?:\uFEFF)?(.*))?$/;

/**
 * Infers the year of classic syslog lines: starts from `year` (or from the reference time) and
 * moves one year forward when the month jumps back by more than half a year (Dec -> Jan).
 * A line that jumps forward by more than half a year (a late Dec line after Jan) belongs to the
 * previous year without moving the tracker.
 */
export class YearTracker {
  year: number | undefined;
  private month = -1;
  private readonly referenceTime: number;
  constructor(year: number | undefined, referenceTime: number) {
    this.year = year;
    this.referenceTime = referenceTime;
  }
  /** The month (0-11) of the last line that set the year, or -1 (with `year`: the tracker's whole state). */
  get lastMonth(): number {
    return this.month;
  }
  /** Records a line with a full date (RFC 3339/5424), which fixes the year for the lines after it. */
  observe(year: number, month: number): void {
    this.year = year;
    this.month = month;
  }
  yearFor(month: number, day: number): number {
    if (this.year === undefined) {
      const ref = new Date(this.referenceTime);
      const refYear = ref.getUTCFullYear();
      // A first line later in the year than the reference (plus a day of slack) is from last year.
      const later = month > ref.getUTCMonth() || (month === ref.getUTCMonth() && day > ref.getUTCDate() + 1);
      this.year = later ? refYear - 1 : refYear;
      this.month = month;
      return this.year;
    }
    if (this.month < 0) {
      this.month = month;
      return this.year;
    }
    if (month < this.month - 6) {
      this.year++;
      this.month = month;
      return this.year;
    }
    if (month > this.month + 6) return this.year - 1;
    this.month = month;
    return this.year;
  }
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The offset of `zone` from UTC at instant `utc`, in minutes. */
export function zoneOffset(zone: string, utc: number): number {
  let f = offsetFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric", second: "numeric",
    });
    offsetFormatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(utc))) if (part.type !== "literal") p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((wall - Math.floor(utc / 1000) * 1000) / 60000);
}

/** Checks that a zone name is usable; throws RangeError otherwise. */
export function checkZone(zone: string): void {
  new Intl.DateTimeFormat("en-US", { timeZone: zone });
}

/** Converts wall-clock milliseconds (as if UTC) in `zone` to [utc, offsetMinutes]. */
function wallToUtc(zone: string | undefined, wall: number): [number, number] {
  if (!zone) {
    const d = new Date(wall);
    const local = new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
    const t = local.getTime();
    return [t, -local.getTimezoneOffset()];
  }
  let off = zoneOffset(zone, wall);
  let t = wall - off * 60000;
  const off2 = zoneOffset(zone, t);
  if (off2 !== off) {
    off = off2;
    t = wall - off * 60000;
  }
  return [t, off];
}

function parseIsoTime(s: string): [number, number] | undefined {
  const t = Date.parse(s);
  if (Number.isNaN(t)) return undefined;
  let offset = 0;
  if (!s.endsWith("Z")) {
    const m = /([+-])(\d\d):?(\d\d)$/.exec(s);
    if (m) offset = (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  }
  // Date.parse keeps only milliseconds; that is enough for ordering.
  return [t, offset];
}

/** Parses envelopes of one stream of lines (year inference is stateful, so one parser per file). */
export class EnvelopeParser {
  readonly years: YearTracker;
  private readonly tz: string | undefined;
  private lastStamp = "";
  private lastTime = 0;
  private lastOffset = 0;
  private lastHost = "";
  private lastProgram = "";
  /** Wall-clock hour key -> [utc of that hour's start, offset]; zone lookups are slow. */
  private readonly hourCache = new Map<number, [number, number]>();

  constructor(opts: EnvelopeOptions = {}) {
    this.tz = opts.tz;
    this.years = new YearTracker(opts.year, opts.referenceTime ?? Date.now());
  }

  parse(line: string): Envelope | undefined {
    const c = line.charCodeAt(0);
    if (c >= 65 && c <= 90) return this.scan3164(line) ?? this.parse3164(line, RE_3164.exec(line));
    if (c >= 48 && c <= 57) return this.parseIso(RE_ISO.exec(line));
    if (c === 60) {
      if (/^<\d{1,3}>1 /.test(line)) return this.parse5424(RE_5424.exec(line));
      const m = RE_3164.exec(line);
      return m ? this.parse3164(line, m) : this.parseIso(RE_ISO.exec(line));
    }
    return undefined;
  }

  /**
   * The common RFC 3164 shape (`Mmm dd hh:mm:ss host tag[pid]: text`, no fraction) read by
   * position, without a regex: most of a log is this, and most lines repeat the previous
   * line's stamp, host and tag, whose strings are then reused. Anything else (a fraction, an
   * unpadded day, no pid) returns undefined and goes to the regex, which decides.
   */
  private scan3164(line: string): Envelope | undefined {
    const n = line.length;
    if (n < 20 || line.charCodeAt(3) !== 32 || line.charCodeAt(6) !== 32 || line.charCodeAt(9) !== 58 ||
      line.charCodeAt(12) !== 58 || line.charCodeAt(15) !== 32) return undefined;
    let time: number;
    let offset: number;
    if (this.lastStamp.length === 15 && line.startsWith(this.lastStamp)) {
      time = this.lastTime;
      offset = this.lastOffset;
    } else {
      const month = MONTH_CODES.get((line.charCodeAt(0) << 16) | (line.charCodeAt(1) << 8) | line.charCodeAt(2));
      if (month === undefined) return undefined;
      const d1 = line.charCodeAt(4);
      if (d1 !== 32 && (d1 < 48 || d1 > 51)) return undefined;
      for (const at of STAMP_DIGITS) if (digit(line.charCodeAt(at)) < 0) return undefined;
      const two = (at: number) => digit(line.charCodeAt(at)) * 10 + digit(line.charCodeAt(at + 1));
      const day = d1 === 32 ? digit(line.charCodeAt(5)) : two(4);
      const hour = two(7);
      const min = two(10);
      const sec = two(13);
      [time, offset] = this.wallTime(month, day, hour, min, sec, 0);
      this.lastStamp = line.slice(0, 15);
      this.lastTime = time;
      this.lastOffset = offset;
    }
    // host: up to the next space
    const hostEnd = line.indexOf(" ", 16);
    if (hostEnd <= 16) return undefined;
    const lh = this.lastHost;
    const host = hostEnd - 16 === lh.length && line.startsWith(lh, 16) ? lh : (this.lastHost = line.slice(16, hostEnd));
    // tag[pid]: text
    const tagStart = hostEnd + 1;
    let i = tagStart;
    for (; i < n; i++) {
      const c = line.charCodeAt(i);
      if (c === 91 || c === 58 || c === 32 || c === 9) break;
    }
    if (i === tagStart || line.charCodeAt(i) !== 91) return undefined;
    const lp = this.lastProgram;
    const program = i - tagStart === lp.length && line.startsWith(lp, tagStart) ? lp : (this.lastProgram = line.slice(tagStart, i));
    const close = line.indexOf("]", i + 1);
    if (close < 0 || line.charCodeAt(close + 1) !== 58) return undefined;
    for (let k = i + 1; k < close; k++) if (digit(line.charCodeAt(k)) < 0) return undefined;
    const textStart = line.charCodeAt(close + 2) === 32 ? close + 3 : close + 2;
    return { time, offset, host, program, pid: line.slice(i + 1, close), message: line.slice(textStart) };
  }

  /** Wall clock in the parser's zone -> [utc, offset]; the year comes from the tracker. */
  private wallTime(month: number, day: number, hour: number, min: number, sec: number, frac: number): [number, number] {
    const year = this.years.yearFor(month, day);
    const hourWall = Date.UTC(year, month, day, hour);
    let cached = this.hourCache.get(hourWall);
    if (!cached) {
      cached = wallToUtc(this.tz, hourWall);
      if (this.hourCache.size > 4096) this.hourCache.clear();
      this.hourCache.set(hourWall, cached);
    }
    const offset = cached[1];
    // Zones change offset on the hour, so the hour's offset holds for the whole hour.
    return [hourWall + min * 60000 + sec * 1000 + frac - offset * 60000, offset];
  }

  private parse3164(line: string, m: RegExpExecArray | null): Envelope | undefined {
    if (!m) return undefined;
    const month = MONTHS[m[1]];
    if (month === undefined) return undefined;
    // The stamp ends at the first space after the time's first colon.
    const stamp = line.slice(0, line.indexOf(" ", line.indexOf(":")));
    let time: number;
    let offset: number;
    if (stamp === this.lastStamp) {
      time = this.lastTime;
      offset = this.lastOffset;
    } else {
      const frac = m[6] ? Math.floor(Number(m[6]) * 1000) : 0;
      [time, offset] = this.wallTime(month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), frac);
      this.lastStamp = stamp;
      this.lastTime = time;
      this.lastOffset = offset;
    }
    return { time, offset, host: m[7], program: m[8], pid: m[9] ?? "", message: m[10] };
  }

  private parseIso(m: RegExpExecArray | null): Envelope | undefined {
    if (!m) return undefined;
    const parsed = parseIsoTime(m[1]);
    if (!parsed) return undefined;
    this.years.observe(Number(m[1].slice(0, 4)), Number(m[1].slice(5, 7)) - 1);
    return { time: parsed[0], offset: parsed[1], host: m[2], program: m[3], pid: m[4] ?? "", message: m[5] };
  }

  private parse5424(m: RegExpExecArray | null): Envelope | undefined {
    if (!m || m[1] === "-") return undefined;
    const parsed = parseIsoTime(m[1]);
    if (!parsed) return undefined;
    this.years.observe(Number(m[1].slice(0, 4)), Number(m[1].slice(5, 7)) - 1);
    return {
      time: parsed[0], offset: parsed[1], host: m[2], program: m[3] === "-" ? "" : m[3],
      pid: m[4] === "-" ? "" : m[4], message: m[7] ?? "",
    };
  }
}

/** ISO 8601 with the original offset, e.g. `2024-01-02T03:04:05+09:00` (milliseconds when present). */
export function formatTime(time: number, offset: number): string {
  const d = new Date(time + offset * 60000);
  const iso = d.toISOString();
  const base = d.getUTCMilliseconds() ? iso.slice(0, 23) : iso.slice(0, 19);
  if (offset === 0) return `${base}Z`;
  const a = Math.abs(offset);
  const sign = offset < 0 ? "-" : "+";
  return `${base}${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}
