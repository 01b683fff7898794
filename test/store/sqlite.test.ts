import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { test } from "node:test";
import { openStore } from "../../src/store/open.ts";
import { runStoreConformance } from "./conformance.ts";

const url = `sqlite:${join(mkdtempSync(join(tmpdir(), "mailtrace-sqlite-")), "t.db")}`;
// Fresh stores (one per test case, many of them) live in memory.
runStoreConformance("sqlite", (fresh) => openStore(fresh ? "sqlite::memory:" : url));

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
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-bulk-"));
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
  assert.equal(plain.sawIndexes, 9);
  assert.equal(bulk.after, 9, "and rebuilt when it ends");
  assert.ok(bulk.rows.length > 1000);
  assert.deepEqual(bulk.rows, plain.rows, "the same trace either way");
  // A crash during a bulk load leaves the indexes missing: opening the store builds them.
  const s = (await openStore(`sqlite:${join(dir, "bulk.db")}`)) as any;
  s.db.exec("DROP INDEX recipients_status");
  await s.close();
  const again = (await openStore(`sqlite:${join(dir, "bulk.db")}`)) as any;
  assert.equal(again.queryIndexes().length, 9);
  await again.close();
});

test("sqlite: a message written in more chunks than its id range holds keeps every event", async () => {
  const s = await openStore("sqlite::memory:");
  const w = s.writer();
  const { id } = w.insertMessage({ host: "mx1", queueId: "ABCDEF1234", firstTime: 1000, offset: 0, disc: 0 });
  let stored = 0;
  for (let k = 0; k < 4100; k++) {
    const e = { time: 1000 + k, offset: 0, program: "postfix/smtp", kind: "info", text: `ABCDEF1234: line ${k}`, hash: k + 1, seq: k };
    stored += w.insertEvents({ message: id, events: [e] });
    if (k % 1000 === 999) w.commit();
  }
  // The same chunk again (a re-run) is not stored twice.
  stored += w.insertEvents({ message: id, events: [{ time: 1000, offset: 0, program: "postfix/smtp", kind: "info", text: "ABCDEF1234: line 0", hash: 1, seq: 0 }] });
  w.close();
  assert.equal(stored, 4100);
  assert.equal((await s.stats()).events, 4100);
  const shown = await s.show("ABCDEF1234");
  assert.equal(shown.events.length, 4100);
  assert.equal(shown.events.at(-1)?.text, "ABCDEF1234: line 4099");
  await s.close();
});

test("event codec: what is encoded decodes the same, also parts appended to each other", async () => {
  const { encodeEvents, decodeEvents, eventHashesOf } = await import("../../src/store/event-codec.ts");
  const ev = (time: number, offset: number, seq: number, text: string, recipient?: string) => ({
    time, offset, seq, program: "postfix/smtp", kind: recipient ? "delivery" : "info", recipient, dsn: recipient ? "2.0.0" : undefined,
    text, hash: 2 ** 52 + seq * 7919,
  });
  const a = [ev(1718010000000, 540, 17, "ABCDE12345: to=<a@b.example>, status=sent (ok\tdone)", "a@b.example"), ev(1718009999000, 600, 19, "not ABCDE12345: mine")];
  const b = [ev(1718020000500, 540, 3, "ABCDE12345: removed")];
  const data = `${encodeEvents(a, "ABCDE12345")}\n${encodeEvents(b, "ABCDE12345")}`;
  const back = decodeEvents(data, "ABCDE12345");
  assert.deepEqual(back, [...a, ...b].map((e) => ({ ...e, recipient: e.recipient ?? null, dsn: e.dsn ?? null })));
  assert.deepEqual(eventHashesOf(data), [...a, ...b].map((e) => e.hash));
  assert.ok(data.length < a.concat(b).reduce((n, e) => n + e.text.length + 60, 0), "smaller than the fields written out in full");
});

test("sqlite: a bulk load while another connection reads the store stays in WAL and does not wait", async () => {
  const { DatabaseSync } = await import("node:sqlite");
  const path = join(mkdtempSync(join(tmpdir(), "mailtrace-conc-")), "c.db");
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
  const path = join(mkdtempSync(join(tmpdir(), "mailtrace-conc2-")), "c.db");
  const loader = (await openStore(`sqlite:${path}`)) as any;
  const w = loader.writer({ expectedBytes: 1 << 30 });
  const { id } = w.insertMessage({ host: "mx1", queueId: "ABCDE12345", firstTime: Date.UTC(2024, 5, 1), offset: 0, disc: 0 });
  w.upsertRecipient({ message: id, recipient: "a@example.jp", status: "delivered", eventTime: Date.UTC(2024, 5, 1), time: Date.UTC(2024, 5, 1), offset: 0 });
  w.commit();
  const t0 = performance.now();
  const reader = (await openStore(`sqlite:${path}`)) as any;
  assert.ok(performance.now() - t0 < 2000, "opened without waiting for the loader");
  assert.equal(reader.queryIndexes().length, 0, "the reader did not build the dropped indexes");
  const rows = await reader.trace({ since: 0, limit: 10 });
  assert.deepEqual(rows.map((r: { recipient: string }) => r.recipient), ["a@example.jp"]);
  await reader.close();
  w.close();
  assert.equal(loader.queryIndexes().length, 9);
  await loader.close();
});

test("sqlite: a second writer from another connection gets a one-line 'busy' error, and the first goes on", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "mailtrace-busy-")), "b.db");
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
