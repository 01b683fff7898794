import { writeFileSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { test } from "node:test";
import { tempDir } from "../support/temp-dir.ts";
import { openStore } from "../../src/store/open.ts";
import { ingestFiles } from "../../src/logs/ingest.ts";
import { buildTraceQuery } from "../../src/trace/query.ts";
import { DAY_LOG, NEXT_LOG, REUSE_LOG, runStoreConformance } from "./conformance.ts";

const url = `sqlite:${join(tempDir("mailtrace-sqlite-"), "t.db")}`;
// Fresh stores (one per test case, many of them) live in memory.
runStoreConformance("sqlite", (fresh) => openStore(fresh ? "sqlite::memory:" : url));
// The same suite with every write a bulk load: indexes dropped and built at the end, message
// keys looked up in memory (key-index.ts) in place of the key index.
const bulkUrl = `sqlite:${join(tempDir("mailtrace-sqlite-bulk-"), "t.db")}`;
runStoreConformance("sqlite (bulk loads)", async (fresh) => {
  const s = await openStore(fresh ? "sqlite::memory:" : bulkUrl);
  const writer = s.writer.bind(s);
  s.writer = (hint) => writer({ ...hint, expectedBytes: 1 << 30 });
  return s;
});

test("sqlite: WAL journal; bad URLs are one-line user errors", async () => {
  const s = await openStore(url);
  const mode = (s as any).db.prepare("PRAGMA journal_mode").get().journal_mode;
  assert.equal(mode, "wal");
  await s.close();
  await assert.rejects(openStore("mysql://x"), /unknown store URL/);
  await assert.rejects(openStore("sqlite:"), /no file path/);
});

test("sqlite: a load much larger than the store is written without query indexes, which are rebuilt at the end", async () => {
  const { writePostfixLog } = await import("../../src/demo/postfix-log.ts");
  const { ingestFiles } = await import("../../src/logs/ingest.ts");
  const dir = tempDir("mailtrace-bulk-");
  const log = join(dir, "mail.log");
  await writePostfixLog(log, { start: Date.UTC(2026, 10, 1), lines: 20000, seed: 7, meanGapSeconds: 2 });
  const rowsOf = async (u: string, bulk: boolean) => {
    const s = (await openStore(u)) as any;
    const orig = s.writer.bind(s);
    let sawIndexes = -1;
    s.writer = () => {
      const w = orig({ expectedBytes: bulk ? 1 << 30 : 0 });
      sawIndexes = s.queryIndexes().length;
      return w;
    };
    await ingestFiles(s, [log], { tz: "UTC" });
    const after = s.queryIndexes().length;
    const rows = await s.trace({ since: 0, limit: 100000 });
    await s.close();
    return { sawIndexes, after, rows };
  };
  const bulk = await rowsOf(`sqlite:${join(dir, "bulk.db")}`, true);
  const plain = await rowsOf(`sqlite:${join(dir, "plain.db")}`, false);
  assert.equal(bulk.sawIndexes, 0, "query indexes dropped during the bulk load");
  assert.equal(plain.sawIndexes, 3);
  assert.equal(bulk.after, 3, "and rebuilt when it ends");
  assert.ok(bulk.rows.length > 1000);
  assert.deepEqual(bulk.rows, plain.rows, "the same trace either way");
  // A crash during a bulk load leaves the indexes missing: opening the store builds them.
  const s = (await openStore(`sqlite:${join(dir, "bulk.db")}`)) as any;
  s.db.exec("DROP INDEX messages_message_id");
  await s.close();
  const again = (await openStore(`sqlite:${join(dir, "bulk.db")}`)) as any;
  assert.equal(again.queryIndexes().length, 3);
  await again.close();
});

test("sqlite: a message's events written in thousands of batches are all shown, in order, and a line appended twice is shown once", async () => {
  const { lineHash } = await import("../../src/logs/line-hash.ts");
  const s = await openStore("sqlite::memory:");
  const w = s.writer();
  const line = (k: number) => {
    const e = { time: 1000 + k, offset: 0, program: "postfix/smtp", pid: "4242", kind: "info", text: `ABCDEF1234: line ${k}`, seq: k };
    return { ...e, hash: lineHash({ ...e, message: e.text }) };
  };
  const { id } = w.insertMessage({ host: "mx1", queueId: "ABCDEF1234", firstTime: 1000, offset: 0, disc: 0 }, [line(0)]);
  let stored = 1;
  for (let k = 1; k < 4100; k++) {
    stored += w.insertEvents({ message: id, queueId: "ABCDEF1234", events: [line(k)] });
    if (k % 1000 === 999) w.commit();
  }
  assert.deepEqual(w.eventHashes(id), Array.from({ length: 4100 }, (_, k) => line(k).hash), "the hashes are computed again from what is stored");
  // A writer that appends a line again (the correlator never does): readers still show it once.
  w.insertEvents({ message: id, queueId: "ABCDEF1234", events: [line(0)] });
  w.close();
  assert.equal(stored, 4100);
  const shown = await s.show("ABCDEF1234");
  assert.equal(shown.events.length, 4100);
  assert.equal(shown.events.at(-1)?.text, "ABCDEF1234: line 4099");
  assert.deepEqual(shown.events.map((e) => e.text), Array.from({ length: 4100 }, (_, k) => `ABCDEF1234: line ${k}`));
  await s.close();
});

test("event codec: what is encoded decodes the same, also parts appended to each other; kind, recipient and DSN are read again", async () => {
  const { encodeEvents, decodeEvents, eventHashesOf } = await import("../../src/store/event-codec.ts");
  const { lineHash } = await import("../../src/logs/line-hash.ts");
  const ev = (time: number, offset: number, seq: number, program: string, text: string, kind = "info") => {
    const e = { time, offset, seq, program, pid: "977", kind, text };
    return { ...e, hash: kind === "unparsed" ? 2 ** 52 + seq * 7919 : lineHash({ ...e, message: text }) };
  };
  const a = [
    ev(1718010000000, 540, 17, "postfix/smtp", "ABCDE12345: to=<a@b.example>, relay=mx.b.example[192.0.2.1]:25, delay=1, dsn=2.0.0, status=sent (ok\tdone)", "delivery"),
    ev(1718009999000, 600, 19, "postfix/cleanup", "not ABCDE12345: mine", "unparsed"),
  ];
  const b = [ev(1718020000500, 540, 3, "postfix/qmgr", "ABCDE12345: removed", "removed")];
  const data = `${encodeEvents(a, "ABCDE12345")}\n${encodeEvents(b, "ABCDE12345")}`;
  const back = decodeEvents(data, "ABCDE12345");
  assert.deepEqual(back.map(({ time, offset, seq, program, pid, text, hash, kind }) => ({ time, offset, seq, program, pid, text, hash, kind })), [...a, ...b]);
  assert.deepEqual(back.map((e) => [e.recipient, e.dsn]), [["a@b.example", "2.0.0"], [null, null], [null, null]]);
  assert.deepEqual(eventHashesOf(data, "ABCDE12345"), [...a, ...b].map((e) => e.hash));
  assert.ok(data.length < a.concat(b).reduce((n, e) => n + e.text.length + 40, 0), "little more than the texts");
});

test("sqlite: a bulk load while another connection reads the store stays in WAL and does not wait", async () => {
  const { DatabaseSync } = await import("node:sqlite");
  const path = join(tempDir("mailtrace-conc-"), "c.db");
  const s = (await openStore(`sqlite:${path}`)) as any;
  const reader = new DatabaseSync(path);
  assert.equal((reader.prepare("SELECT count(*) AS n FROM messages").get() as { n: number }).n, 0);
  const t0 = performance.now();
  const w = s.writer({ expectedBytes: 1 << 30 });
  assert.ok(performance.now() - t0 < 2000, "no wait for the busy timeout");
  assert.equal(s.db.prepare("PRAGMA journal_mode").get().journal_mode, "wal");
  w.insertMessage({ host: "mx1", queueId: "ABCDE12345", firstTime: 1000, offset: 0, disc: 0 });
  w.close();
  assert.equal((reader.prepare("SELECT count(*) AS n FROM messages").get() as { n: number }).n, 1);
  reader.close();
  // Alone, a bulk load writes through a rollback journal and leaves the store in WAL again.
  const w2 = s.writer({ expectedBytes: 1 << 30 });
  assert.equal(s.db.prepare("PRAGMA journal_mode").get().journal_mode, "delete");
  w2.close();
  assert.equal(s.db.prepare("PRAGMA journal_mode").get().journal_mode, "wal");
  await s.close();
});

test("sqlite: a store opened while another connection bulk-loads it reads what is committed, and leaves the indexes to the loader", async () => {
  const path = join(tempDir("mailtrace-conc2-"), "c.db");
  const loader = (await openStore(`sqlite:${path}`)) as any;
  const w = loader.writer({ expectedBytes: 1 << 30 });
  const { id } = w.insertMessage({ host: "mx1", queueId: "ABCDE12345", firstTime: Date.UTC(2024, 5, 1), offset: 0, disc: 0 });
  w.upsertRecipient({
    message: id, recipient: "a@example.jp", status: "delivered", eventTime: Date.UTC(2024, 5, 1), time: Date.UTC(2024, 5, 1), offset: 0,
    host: "mx1", queueId: "ABCDE12345",
  });
  w.commit();
  const t0 = performance.now();
  const reader = (await openStore(`sqlite:${path}`)) as any;
  assert.ok(performance.now() - t0 < 2000, "opened without waiting for the loader");
  assert.equal(reader.queryIndexes().length, 0, "the reader did not build the dropped indexes");
  const rows = await reader.trace({ since: 0, limit: 10 });
  assert.deepEqual(rows.map((r: { recipient: string }) => r.recipient), ["a@example.jp"]);
  await reader.close();
  w.close();
  assert.equal(loader.queryIndexes().length, 3);
  await loader.close();
});

test("sqlite: a second writer from another connection gets a one-line 'busy' error, and the first goes on", async () => {
  const path = join(tempDir("mailtrace-busy-"), "b.db");
  const a = (await openStore(`sqlite:${path}`)) as any;
  const b = (await openStore(`sqlite:${path}`)) as any;
  const w = a.writer();
  assert.throws(() => b.writer(), (err: Error) => err.constructor.name === "UserError" && /is busy: another process is writing/.test(err.message));
  w.insertMessage({ host: "mx1", queueId: "ABCDE12345", firstTime: 1000, offset: 0, disc: 0 });
  w.close();
  assert.equal((await b.stats()).messages, 1);
  const w2 = b.writer(); // free again
  w2.close();
  await a.close();
  await b.close();
});

test("sqlite: a store of another schema version is a one-line error that says to ingest again, even with indexes missing", async () => {
  const path = join(tempDir("mailtrace-schema-"), "old.db");
  const s = (await openStore(`sqlite:${path}`)) as any;
  s.db.exec("UPDATE meta SET value = '2' WHERE key = 'schema'; DROP INDEX links_child");
  await s.close();
  await assert.rejects(openStore(`sqlite:${path}`), (err: Error) => {
    assert.match(err.message, /has schema 2, this mailtrace expects \d+: ingest the logs again/);
    assert.equal(err.message.includes("\n"), false);
    return true;
  });
});

test("sqlite: a schema-7 store is migrated in place (to 8, then 9): its trace rows keep every field, and ingest goes on", async () => {
  const dir = tempDir("mailtrace-migrate-");
  const path = join(dir, "v7.db");
  const log = join(dir, "day.log");
  writeFileSync(log, `${DAY_LOG}\n${REUSE_LOG}\n`);
  const opts = { year: 2024, tz: "UTC" };
  const all = buildTraceQuery({ since: "2024-06-01T00:00:00Z", limit: 100 });
  const asSent = buildTraceQuery({ recipient: "ROOT", since: "2024-06-01T00:00:00Z" });
  const subdomains = buildTraceQuery({ recipient: "*.example.jp", since: "2024-06-01T00:00:00Z" });
  const s = (await openStore(`sqlite:${path}`)) as any;
  await ingestFiles(s, [log], opts);
  const before = await s.trace(all);
  assert.ok(before.some((r: { subject: string | null }) => r.subject === "Urgent invoice"), "a row with a subject");
  const rootRows = await s.trace(asSent);
  assert.deepEqual(rootRows.map((r: { recipient: string; origTo: string }) => [r.recipient, r.origTo]), [["root@mx1.example.jp", "root"]]);
  // Schema 7: recipient rows without the message's fields, blocks without original-recipient columns.
  const corp = await s.trace(subdomains);
  assert.deepEqual([...new Set(corp.map((r: { recipient: string }) => r.recipient))].sort(), [
    "bob@corp.example.jp", "nobody2@mx1.example.jp", "nobody@mx1.example.jp", "root@mx1.example.jp",
  ]);
  s.db.exec(`DELETE FROM rcolumns WHERE id >= ${7 * 2 ** 32}; DROP TABLE domains`);
  assert.deepEqual(await s.trace(asSent), [], "not found without its column");
  for (const c of ["host", "queue_id", "message_id", "size", "subject"]) s.db.exec(`ALTER TABLE recipients DROP COLUMN ${c}`);
  for (const c of ["state_status", "state_detail", "state_time"]) s.db.exec(`ALTER TABLE messages DROP COLUMN ${c}`); // schema 9's
  s.db.exec("UPDATE meta SET value = '7' WHERE key = 'schema'");
  await s.close();
  const m = (await openStore(`sqlite:${path}`)) as any;
  assert.equal(m.db.prepare("SELECT value FROM meta WHERE key = 'schema'").get().value, "9");
  assert.deepEqual(await m.trace(all), before);
  assert.deepEqual(await m.trace(asSent), rootRows, "the migration built the original recipients' columns");
  assert.deepEqual(await m.trace(subdomains), corp, "and listed the domains");
  writeFileSync(log, `${DAY_LOG}\n${REUSE_LOG}\n${NEXT_LOG}\n`);
  const r = await ingestFiles(m, [log], opts);
  assert.deepEqual(r.errors, []);
  const expired = (await m.trace(all)).find((x: { queueId: string; status: string }) => x.queueId === "1111111111" && x.status === "failed");
  assert.equal(expired?.messageId, "m4@example.net");
  await m.close();
});

test("sqlite: a message key (host, queue ID, first time, disc) is stored once, in a bulk load and outside one", async () => {
  for (const expectedBytes of [0, 1 << 30]) {
    const s = await openStore("sqlite::memory:");
    const w = s.writer({ expectedBytes });
    const key = { host: "mx1", queueId: "ABCDE12345", firstTime: 1000, offset: 0, disc: 0 };
    const a = w.insertMessage(key);
    const again = w.insertMessage({ ...key, sender: "x@example.jp" });
    const otherHost = w.insertMessage({ ...key, host: "mx2" });
    const later = w.insertMessage({ ...key, firstTime: 2000 });
    const otherDisc = w.insertMessage({ ...key, disc: 7 });
    w.commit();
    const afterCommit = w.insertMessage(key);
    w.close();
    assert.deepEqual([a.created, again.created, otherHost.created, later.created, otherDisc.created, afterCommit.created], [true, false, true, true, true, false]);
    assert.equal(again.id, a.id);
    assert.equal(afterCommit.id, a.id);
    assert.equal(new Set([a.id, otherHost.id, later.id, otherDisc.id]).size, 4);
    assert.equal((await s.stats()).messages, 4);
    await s.close();
  }
});

test("sqlite: finding and re-keying messages gives the same answers in a bulk load (keys in memory) as outside one", async () => {
  const answers = [];
  for (const expectedBytes of [0, 1 << 30]) {
    const s = await openStore("sqlite::memory:");
    const w = s.writer({ expectedBytes });
    const key = { host: "mx1", queueId: "ABCDE12345", offset: 0, disc: 0 };
    const early = w.insertMessage({ ...key, firstTime: 1000 }).id;
    const late = w.insertMessage({ ...key, firstTime: 5000 }).id;
    w.insertMessage({ ...key, host: "mx2", firstTime: 3000 });
    const found = (t: number) => w.findMessage("mx1", key.queueId, t)?.id ?? null;
    const next = (t: number) => w.findNextMessage("mx1", key.queueId, t)?.id ?? null;
    const before = [found(999), found(1000), found(4000), found(9000), next(0), next(1000), next(5000)];
    // The later entry's earlier lines arrive: it starts at 2000 now; it cannot take 1000 (taken).
    const moved = w.rekeyMessage(late, 2000, 0);
    const refused = w.rekeyMessage(late, 1000, 0);
    const after = [found(1999), found(2000), found(4000), next(1000), next(2000)];
    const exact = w.insertMessage({ ...key, firstTime: 2000 });
    w.close();
    assert.deepEqual(before, [null, early, early, late, early, late, null]);
    assert.deepEqual([moved, refused], [true, false]);
    assert.deepEqual(after, [early, late, late, late, null]);
    assert.deepEqual(exact, { id: late, created: false }, "the moved start is its key now");
    answers.push([before, after]);
    await s.close();
  }
  assert.deepEqual(answers[0], answers[1]);
});
