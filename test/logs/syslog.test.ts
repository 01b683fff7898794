import assert from "node:assert/strict";
import { test } from "node:test";
import { EnvelopeParser, formatTime, YearTracker } from "../../src/logs/syslog.ts";

test("RFC 3164 line read in --tz with --year", () => {
  const p = new EnvelopeParser({ year: 2024, tz: "Asia/Tokyo" });
  const e = p.parse("Mar  5 09:10:11 mx1 postfix/smtpd[123]: connect from a.example[192.0.2.1]");
  assert.ok(e);
  assert.equal(e.time, Date.UTC(2024, 2, 5, 0, 10, 11));
  assert.equal(e.offset, 540);
  assert.equal(e.host, "mx1");
  assert.equal(e.program, "postfix/smtpd");
  assert.equal(e.pid, "123");
  assert.equal(e.message, "connect from a.example[192.0.2.1]");
  assert.equal(formatTime(e.time, e.offset), "2024-03-05T09:10:11+09:00");
});

test("year rolls over at New Year inside one file; a late December straggler stays in the old year", () => {
  const p = new EnvelopeParser({ year: 2023, tz: "UTC" });
  const a = p.parse("Dec 31 23:59:59 h postfix/qmgr[1]: ABCDEF123: removed");
  const b = p.parse("Jan  1 00:00:01 h postfix/qmgr[1]: ABCDEF124: removed");
  const c = p.parse("Dec 31 23:59:58 h postfix/qmgr[1]: ABCDEF125: removed");
  const d = p.parse("Jan  1 00:00:05 h postfix/qmgr[1]: ABCDEF126: removed");
  assert.equal(a?.time, Date.UTC(2023, 11, 31, 23, 59, 59));
  assert.equal(b?.time, Date.UTC(2024, 0, 1, 0, 0, 1));
  assert.equal(c?.time, Date.UTC(2023, 11, 31, 23, 59, 58));
  assert.equal(d?.time, Date.UTC(2024, 0, 1, 0, 0, 5));
});

test("without --year the first line is placed at or before the reference time", () => {
  const jan2 = Date.UTC(2025, 0, 2, 12);
  const y = new YearTracker(undefined, jan2);
  assert.equal(y.yearFor(11, 30), 2024); // Dec 30 seen on Jan 2 -> last year
  assert.equal(y.yearFor(0, 1), 2025); // then Jan 1 -> new year
  assert.equal(new YearTracker(undefined, jan2).yearFor(0, 2), 2025);
});

test("DST: the offset follows the zone", () => {
  const p = new EnvelopeParser({ year: 2024, tz: "Europe/Vienna" });
  assert.equal(p.parse("Jan 10 12:00:00 h postfix/smtpd[1]: x")?.offset, 60);
  assert.equal(p.parse("Jul 10 12:00:00 h postfix/smtpd[1]: x")?.offset, 120);
  assert.equal(p.parse("Jul 10 12:00:00 h postfix/smtpd[1]: x")?.time, Date.UTC(2024, 6, 10, 10));
});

test("rsyslog RFC 3339 high-precision timestamps keep their offset", () => {
  const p = new EnvelopeParser({ tz: "UTC" });
  const e = p.parse("2024-06-23T14:26:29.324152+02:00 mx2 postfix-out/smtp[1180]: 5A1B2C3D4E: to=<a@b.example>, status=sent (ok)");
  assert.ok(e);
  assert.equal(e.time, Date.UTC(2024, 5, 23, 12, 26, 29, 324));
  assert.equal(e.offset, 120);
  assert.equal(e.program, "postfix-out/smtp");
  assert.equal(formatTime(e.time, e.offset), "2024-06-23T14:26:29.324+02:00");
});

test("RFC 5424 with structured data and without", () => {
  const p = new EnvelopeParser();
  const a = p.parse('<22>1 2024-01-02T03:04:05.123Z mx3 postfix/qmgr 4242 - [meta x="1"] ABCDEF12345: removed');
  assert.ok(a);
  assert.equal(a.time, Date.UTC(2024, 0, 2, 3, 4, 5, 123));
  assert.equal(a.offset, 0);
  assert.equal(a.host, "mx3");
  assert.equal(a.program, "postfix/qmgr");
  assert.equal(a.pid, "4242");
  assert.equal(a.message, "ABCDEF12345: removed");
  const b = p.parse("<22>1 2024-01-02T12:04:05+09:00 mx3 postfix/smtpd 77 - - connect from x[192.0.2.9]");
  assert.equal(b?.time, Date.UTC(2024, 0, 2, 3, 4, 5));
  assert.equal(b?.message, "connect from x[192.0.2.9]");
});

test("Postfix maillog_file form (zero-padded day, microseconds) and a <PRI> prefix", () => {
  const p = new EnvelopeParser({ year: 2024, tz: "UTC" });
  const a = p.parse("Mar 03 13:12:14.123456 mx1 postfix/pickup[9]: 1A2B3C4D5E: uid=0 from=<root>");
  assert.equal(a?.time, Date.UTC(2024, 2, 3, 13, 12, 14, 123));
  assert.equal(a?.program, "postfix/pickup");
  const b = p.parse("<13>Mar  3 13:12:15 mx1 postfix/qmgr[10]: 1A2B3C4D5E: removed");
  assert.equal(b?.time, Date.UTC(2024, 2, 3, 13, 12, 15));
});

test("lines without an envelope are refused", () => {
  const p = new EnvelopeParser();
  assert.equal(p.parse("hello world"), undefined);
  assert.equal(p.parse("# failJSON: {}"), undefined);
  assert.equal(p.parse(""), undefined);
});

test("RFC 3164 shapes off the common one: no pid, a bad pid, a single-digit day, a repeated stamp", () => {
  const p = new EnvelopeParser({ year: 2024, tz: "UTC" });
  const a = p.parse("Mar  5 09:10:11 mx1 postfix/smtpd: connect from x");
  assert.equal(a?.program, "postfix/smtpd");
  assert.equal(a?.pid, "");
  assert.equal(a?.message, "connect from x");
  assert.equal(p.parse("Mar  5 09:10:11 mx1 postfix/smtpd[12a]: x"), undefined);
  assert.equal(p.parse("Mar 5 09:10:12 mx1 postfix/qmgr[7]: ABCDEF123: removed")?.time, Date.UTC(2024, 2, 5, 9, 10, 12));
  // The same stamp on the next line, another host and tag: the time is reused, the names are not.
  const b = p.parse("Mar  5 09:10:11 mx1 postfix/smtpd[1]: a");
  const c = p.parse("Mar  5 09:10:11 mx2 postfix-out/smtp[2]:b");
  assert.equal(c?.time, b?.time);
  assert.equal(c?.host, "mx2");
  assert.equal(c?.program, "postfix-out/smtp");
  assert.equal(c?.message, "b");
  assert.equal(p.parse("Xyz  5 09:10:11 mx1 postfix/smtpd[1]: a"), undefined);
});
