// The generated demo/benchmark log: deterministic, in time order, every traffic kind present,
// and every line understood by our own Postfix ingest.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { generatePostfixLog, writePostfixLog } from "../../src/demo/postfix-log.ts";
import { ingestFiles } from "../../src/logs/ingest.ts";
import { openStore } from "../../src/store/open.ts";

const START = Date.parse("2026-03-02T00:00:00Z");
const END = START + 30 * 3600_000;

test("same seed, same log; another seed, another log", () => {
  const a = [...generatePostfixLog({ start: START, lines: 3000, seed: 5 })];
  const b = [...generatePostfixLog({ start: START, lines: 3000, seed: 5 })];
  const c = [...generatePostfixLog({ start: START, lines: 3000, seed: 6 })];
  assert.equal(a.length, 3000);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test("timestamps never go back and stay inside [start, end]", () => {
  let prev = 0;
  let n = 0;
  for (const line of generatePostfixLog({ start: START, end: END, seed: 3, timestamps: "iso" })) {
    const t = Date.parse(line.slice(0, line.indexOf(" ")));
    assert.ok(t >= prev, `line ${n} goes back: ${line}`);
    assert.ok(t >= START && t <= END, `line ${n} outside the range: ${line}`);
    prev = t;
    n++;
  }
  assert.ok(n > 10_000, `${n} lines in 30 hours`);
});

test("every kind of traffic is there, with queue-ID reuse", () => {
  const lines = [...generatePostfixLog({ start: START, end: END, seed: 2 })];
  const text = lines.join("\n");
  const kinds: Record<string, RegExp> = {
    "delivered remote": /postfix\/smtp\[\d+\]: [0-9A-F]+: to=<[^>]+>, relay=[a-z].*status=sent/,
    "delivered lmtp": /postfix\/lmtp\[\d+\]: .*status=sent/,
    deferred: /status=deferred \(/,
    "deferred then sent": /status=deferred/,
    expired: /status=expired, returned to sender/,
    bounced: /status=bounced \(host .* said: 5\d\d/,
    "host not found": /dsn=5\.4\.4, status=bounced \(Host or domain name not found/,
    "non-delivery notification": /sender non-delivery notification: [0-9A-F]+/,
    "delay notification": /sender delay notification: [0-9A-F]+/,
    "NOQUEUE unknown user": /NOQUEUE: reject: RCPT from .*550 5\.1\.1 .*User unknown/,
    "NOQUEUE relay": /NOQUEUE: reject: RCPT from .*Relay access denied/,
    "NOQUEUE RBL": /postfix\/smtpd\[\d+\]: NOQUEUE: reject: RCPT from .*blocked using/,
    "postscreen pass": /postfix\/postscreen\[\d+\]: PASS (OLD|NEW) /,
    "postscreen reject": /postfix\/postscreen\[\d+\]: NOQUEUE: reject: RCPT from \[/,
    "content filter out": /relay=127\.0\.0\.1\[127\.0\.0\.1\]:10024, .*queued as [0-9A-F]+\)/,
    "content filter back": /client=localhost\[127\.0\.0\.1\], orig_queue_id=[0-9A-F]+/,
    "mailbox full after the filter": /postfix\/lmtp\[\d+\]: .*dsn=5\.2\.2, status=bounced \(.*Quota exceeded/,
    "mailbox busy after the filter": /postfix\/lmtp\[\d+\]: .*dsn=4\.3\.0, status=deferred \(/,
    "header_checks hold": /postfix\/cleanup\[\d+\]: [0-9A-F]+: hold: header Subject: /,
    "header_checks reject": /postfix\/cleanup\[\d+\]: [0-9A-F]+: reject: header /,
    submission: /postfix\/submission\/smtpd\[\d+\]: [0-9A-F]+: client=.*sasl_username=/,
    pickup: /postfix\/pickup\[\d+\]: [0-9A-F]+: uid=0 from=<root>/,
    "Japanese carrier": /to=<[^>]+@(docomo\.ne\.jp|ezweb\.ne\.jp|softbank\.ne\.jp)>/,
  };
  for (const [kind, re] of Object.entries(kinds)) assert.match(text, re, kind);

  // A queue ID used again after its message was removed.
  const removed = new Map<string, number>();
  let reused = 0;
  lines.forEach((l, i) => {
    const m = /: ([0-9A-F]{10,}): (removed|client=|uid=|message-id=)/.exec(l);
    if (!m) return;
    if (m[2] === "removed") removed.set(m[1], i);
    else if (m[2] !== "message-id=" && removed.has(m[1])) reused++;
  });
  console.log(`generated ${lines.length} lines in 30 h; ${reused} queue IDs reused`);
  assert.ok(reused > 0, "some queue IDs are reused");
});

test("our own Postfix ingest understands every generated line", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-genlog-"));
  try {
    const path = join(dir, "mail.log");
    const g = await writePostfixLog(path, { start: START, end: END, seed: 11 });
    const store = await openStore("sqlite::memory:");
    try {
      const s = await ingestFiles(store, [path], { year: 2026, tz: "UTC" });
      console.log(`ingested ${s.lines} generated lines: ${s.messages} messages, ${s.unparsed} unparsed`);
      assert.equal(s.lines, g.lines);
      assert.equal(s.unparsed, 0);
      assert.equal(s.otherPrograms, 0);
      assert.equal(s.errors.length, 0);
      const failed = await store.trace({ status: ["failed"], since: START, limit: 100000 });
      const pending = await store.trace({ status: ["pending"], since: START, limit: 100000 });
      const held = await store.trace({ status: ["quarantined"], since: START, limit: 100000 });
      assert.ok(failed.length > 0 && pending.length > 0 && held.length > 0, `${failed.length}/${pending.length}/${held.length}`);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("re-ingesting the generated log stores nothing twice", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-genlog-"));
  try {
    const path = join(dir, "mail.log");
    await writePostfixLog(path, { start: START, end: START + 50 * 3600_000, seed: 1 });
    const store = await openStore(`sqlite:${join(dir, "t.db")}`);
    try {
      const first = await ingestFiles(store, [path], { year: 2026, tz: "UTC" });
      const stored = await store.stats();
      const second = await ingestFiles(store, [path], { year: 2026, tz: "UTC", fromStart: true });
      console.log(`first pass: ${first.messages} messages; second pass: ${second.messages} messages, ${second.events} events`);
      assert.equal(second.messages, 0);
      assert.equal(second.events, 0);
      assert.deepEqual(await store.stats(), stored);
      assert.equal(stored.messages, first.messages);
      assert.equal(stored.events, first.events);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
