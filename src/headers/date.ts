/**
 * Dates as MTAs write them in Received headers: RFC 5322 (with obsolete zones, two-digit
 * years and comments), asctime ("Fri Feb 07 10:18:12 2003 -0800"), ISO-like
 * ("2018-03-26 13:35:36.27 +0000 UTC") and US numeric ("4/20/2018 11:01:16 PM -0400").
 * A date without any zone is taken as UTC. Returns the instant and the writer's offset.
 */
export interface ParsedDate {
  /** Milliseconds since the epoch (UTC). */
  epochMs: number;
  /** The writer's offset from UTC in minutes (east positive), 0 when none was given. */
  offsetMinutes: number;
  /** Wall-clock fields as written (before applying the offset). */
  local: { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** RFC 5322 section 4.3 obsolete zones; unknown alphabetic zones count as +0000 as the RFC says. */
const NAMED_ZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  JST: 540, KST: 540, CET: 60, CEST: 120, MET: 60, MEST: 120, BST: 60, IST: 60, EET: 120, EEST: 180, WET: 0, WEST: 60,
};

/** Remove (possibly nested) comments; undefined when they do not balance. */
function stripComments(s: string): string | undefined {
  let out = "";
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\" && depth > 0) { i++; continue; }
    if (c === "(") { depth++; out += " "; continue; }
    if (c === ")") { if (depth === 0) return undefined; depth--; continue; }
    if (depth === 0) out += c;
  }
  return depth === 0 ? out : undefined;
}

function monthIndex(word: string): number {
  const w = word.toLowerCase();
  if (w.length < 3) return -1;
  const i = MONTHS.indexOf(w.slice(0, 3));
  // "June", "Sept" are fine; "Junk" is not a month.
  if (i < 0) return -1;
  return w.length === 3 || /^(january|february|march|april|may|june|july|august|september|sept|october|november|december)$/.test(w) ? i : -1;
}

function fullYear(y: number, digits: number): number {
  if (digits === 4 || digits > 4) return y;
  if (digits === 3) return y + 1900;
  return y < 50 ? 2000 + y : 1900 + y; // RFC 5322 4.3
}

function parseZone(tokens: string[]): number | undefined {
  for (const tok of tokens) {
    const m = /^([+-])(\d{2}):?(\d{2})$/.exec(tok);
    if (m) {
      const v = Number(m[2]) * 60 + Number(m[3]);
      if (Number(m[3]) > 59) return undefined;
      return m[1] === "-" ? -v : v;
    }
  }
  for (const tok of tokens) {
    const up = tok.toUpperCase();
    if (up in NAMED_ZONES) return NAMED_ZONES[up];
    const m = /^([A-Z]{3})\d?[A-Z]{0,3}$/.exec(up); // EST5EDT
    if (m && m[1] in NAMED_ZONES) return NAMED_ZONES[m[1]];
  }
  return undefined;
}

function build(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, offset: number): ParsedDate | undefined {
  if (month < 0 || month > 11 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const epochMs = Date.UTC(year, month, day, hour, minute, second, ms) - offset * 60_000;
  if (!Number.isFinite(epochMs)) return undefined;
  return { epochMs, offsetMinutes: offset, local: { year, month: month + 1, day, hour, minute, second } };
}

interface Clock { hour: number; minute: number; second: number; ms: number }

function findClock(tokens: string[]): { clock: Clock; at: number } | undefined {
  for (let i = 0; i < tokens.length; i++) {
    const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/.exec(tokens[i]);
    if (!m) continue;
    let hour = Number(m[1]);
    const next = tokens[i + 1]?.toUpperCase();
    if (next === "PM" && hour < 12) hour += 12;
    if (next === "AM" && hour === 12) hour = 0;
    const ms = m[4] ? Math.floor(Number(`0.${m[4]}`) * 1000) : 0;
    return { clock: { hour, minute: Number(m[2]), second: Number(m[3] ?? 0), ms }, at: i };
  }
  return undefined;
}

/** Parse a date text; undefined when it is not a date. */
export function parseMailDate(text: string): ParsedDate | undefined {
  const clean = stripComments(text.replace(/\r?\n/g, " "));
  if (clean === undefined) return undefined;
  const tokens = clean.replace(/,/g, " ").trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return undefined;
  const clockHit = findClock(tokens);
  const clock = clockHit?.clock ?? { hour: 0, minute: 0, second: 0, ms: 0 };
  const rest = tokens.filter((_, i) => i !== clockHit?.at && !(clockHit && i === clockHit.at + 1 && /^(AM|PM)$/i.test(tokens[i])));
  const zone = parseZone(rest);
  const offset = zone ?? 0;

  // ISO-like or US numeric dates: 2018-4-20, 4/20/2018, 4-20-2018.
  for (const tok of rest) {
    let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(tok);
    if (m) return build(Number(m[1]), Number(m[2]) - 1, Number(m[3]), clock.hour, clock.minute, clock.second, clock.ms, offset);
    m = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(tok);
    if (m) return build(Number(m[3]), Number(m[1]) - 1, Number(m[2]), clock.hour, clock.minute, clock.second, clock.ms, offset);
  }

  // Day, month name and year in any order (RFC 5322 "21 Apr 2018", asctime "Apr 21 ... 2018").
  const monthAt = rest.findIndex((t) => monthIndex(t) >= 0);
  if (monthAt >= 0) {
    const numbers = rest
      .map((t, i) => ({ t, i }))
      .filter(({ t, i }) => i !== monthAt && /^\d{1,4}$/.test(t));
    const day = numbers.find(({ t }) => t.length <= 2 && Number(t) >= 1 && Number(t) <= 31);
    const year = numbers.find((n) => n !== day && (n.t.length >= 2));
    if (!day || !year) return undefined;
    // Garbage words between the fields ("7 All 2026") mean this is not a date.
    return build(fullYear(Number(year.t), year.t.length), monthIndex(rest[monthAt]), Number(day.t), clock.hour, clock.minute, clock.second, clock.ms, offset);
  }

  // Obsolete all-numeric "20 11 79 05:34:27": day month year.
  const nums = rest.filter((t) => /^\d{1,4}$/.test(t));
  if (clockHit && nums.length === 3 && rest.length <= 4) {
    return build(fullYear(Number(nums[2]), nums[2].length), Number(nums[1]) - 1, Number(nums[0]), clock.hour, clock.minute, clock.second, clock.ms, offset);
  }
  return undefined;
}

/** A date at the very end of a text that has no ";" before it (SendGrid style); needs a clock. */
export function findTrailingDate(text: string): { date: ParsedDate; start: number } | undefined {
  const patterns = [
    /(?:\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?\d{1,2}\s+[a-z]{3,9}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s+[+-]\d{4}|\s+[A-Z]{1,5})?(?:\s*\([^()]*\))?\s*(?:UTC|GMT)?\s*$/i,
    /\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[+-]\d{2}:?\d{2})?(?:\s+[A-Z]{1,5})?\s*$/i,
  ];
  for (const re of patterns) {
    const m = re.exec(text);
    if (!m) continue;
    const date = parseMailDate(m[0]);
    if (date) return { date, start: m.index };
  }
  return undefined;
}
