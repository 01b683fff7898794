import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../support/temp-dir.ts";
import { writePostfixLog } from "../../src/demo/postfix-log.ts";
import { ingestFiles } from "../../src/logs/ingest.ts";
import type { CanonicalStatus } from "../../src/logs/status.ts";
import { openStore } from "../../src/store/open.ts";
import {
  BLOCK_ROWS, BlockNotes, type BlockStorage, BlockSummary, blockOf, COLUMN, type Column, columnBytes, columnId, columnKey, columnOf, matchingRows, statusCode, statusMask, swapped,
} from "../../src/store/recipient-blocks.ts";
import { domainKey, textKey } from "../../src/store/text-key.ts";
import type { TextPattern, TraceQuery, TraceRow } from "../../src/store/store.ts";

test("block notes: columns hold each row's keys, rewritten when the row changes; summaries only grow; written at flush and read back", () => {
  const stored = new Map<string, unknown>();
  const storage: BlockStorage = {
    loadSummary: (b) => stored.get(`s${b}`) as BlockSummary | undefined,
    saveSummary: (b, s) => void stored.set(`s${b}`, new BlockSummary(s.minTime, s.maxTime, s.statuses)),
    loadColumn: (b, c) => stored.get(`c${b}.${c}`) as Uint8Array | undefined,
    saveColumn: (b, c, bytes) => void stored.set(`c${b}.${c}`, bytes.slice()),
  };
  let notes = new BlockNotes(storage);
  notes.row(5, 1000, "pending", "Bob@Example.COM", undefined, "192.0.2.1");
  notes.row(BLOCK_ROWS + 1, 3000, "delivered", "carol@example.org", "a@b.example", null);
  notes.flush();
  notes = new BlockNotes(storage); // a later batch
  notes.merged(5, 900, "failed", "alice@example.net", undefined);
  notes.row(6, 1100, "delivered", "dan@example.com", "x@y.example", "192.0.2.1");
  notes.flush();
  const col = (b: number, c: number) => columnOf(stored.get(`c${b}.${c}`) as Uint8Array | undefined);
  const rowsWith = (b: number, c: number, v: number) => matchingRows([[col(b, c), [v]]]);
  assert.deepEqual(rowsWith(0, COLUMN.recipient, columnKey(textKey("bob@example.com"))), [5], "case folded");
  assert.deepEqual(rowsWith(0, COLUMN.recipientDomain, columnKey(textKey("example.com"))), [5, 6]);
  assert.deepEqual(rowsWith(0, COLUMN.sender, columnKey(textKey("alice@example.net"))), [5], "learned in the later batch");
  assert.deepEqual(rowsWith(0, COLUMN.clientIp, columnKey(textKey("192.0.2.1"))), [5, 6], "kept where the merge had none");
  assert.deepEqual(rowsWith(0, COLUMN.status, statusCode("failed")), [5], "the new status replaces the old");
  assert.deepEqual(rowsWith(0, COLUMN.status, statusCode("pending")), []);
  assert.deepEqual(matchingRows([[col(0, COLUMN.recipientDomain), [columnKey(textKey("example.com"))]], [col(0, COLUMN.status), [statusCode("delivered"), statusCode("resolved")]]]), [6]);
  assert.deepEqual(rowsWith(1, COLUMN.sender, columnKey(textKey("a@b.example"))), [1]);
  assert.deepEqual(rowsWith(1, COLUMN.clientIp, columnKey(textKey("192.0.2.1"))), [], "no value is no match");
  const s0 = storage.loadSummary(0) as BlockSummary;
  assert.deepEqual([s0.minTime, s0.maxTime], [900, 1100]);
  assert.ok(s0.mayHaveStatus(statusMask(["pending"])), "a summary keeps old statuses");
  assert.ok(s0.mayHaveStatus(statusMask(["failed"])) && !s0.mayHaveStatus(statusMask(["quarantined", "filtered"])));
  assert.ok(s0.mayHaveStatus(statusMask(undefined)));
  assert.deepEqual([blockOf(BLOCK_ROWS - 1), blockOf(BLOCK_ROWS)], [0, 1]);
});

/** What a trace must return, computed from every stored row without the block summaries. */
function reference(all: TraceRow[], q: TraceQuery): TraceRow[] {
  const like = (v: string | null, p: TextPattern | undefined): boolean => {
    if (!p) return true;
    if (v === null) return false;
    const a = v.toLowerCase();
    const x = p.value.toLowerCase();
    if (p.kind === "exact") return a === x;
    if (p.kind === "domain") return a.endsWith(`@${x}`);
    if (p.kind === "subdomain") return /@.*\./.test(a) && a.endsWith(`.${x}`);
    return new RegExp(`^${x.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "s").test(a);
  };
  return all
    // A recipient pattern matches the address or the original one (orig_to).
    .filter((r) => (like(r.recipient ?? "", q.recipient) || (q.recipient !== undefined && like(r.origTo, q.recipient))) && like(r.sender, q.sender))
    .filter((r) => (q.clientIp === undefined || r.clientIp === q.clientIp) && (!q.status?.length || q.status.includes(r.status)))
    .filter((r) => (q.since === undefined || r.time >= q.since) && (q.until === undefined || r.time <= q.until))
    .filter((r) => q.minDelay === undefined || (r.delay !== null && r.delay >= q.minDelay))
    .filter((r) => q.before === undefined || r.time < q.before.time || (r.time === q.before.time && r.rid < q.before.rid))
    .slice(0, q.limit ?? 1000);
}

test("sqlite trace through block summaries: the same rows as a scan of every row, over many blocks, rows changed in later loads, files in either order", async () => {
  const dir = tempDir("mailtrace-blocks-");
  const log = join(dir, "all.log");
  await writePostfixLog(log, { start: Date.UTC(2026, 10, 1), lines: 60_000, seed: 11, meanGapSeconds: 3 });
  // Two halves, ingested by two writers: the second updates rows of the first (deliveries after
  // deferrals, expiries), and newest first it moves messages' start times back.
  const lines = readFileSync(log, "utf8").split("\n");
  const half = Math.floor(lines.length / 2);
  const first = join(dir, "first.log");
  const second = join(dir, "second.log");
  writeFileSync(first, `${lines.slice(0, half).join("\n")}\n`);
  writeFileSync(second, lines.slice(half).join("\n"));
  const traces: TraceRow[][] = [];
  for (const order of [[first, second], [second, first]]) {
    const store = await openStore(`sqlite:${join(dir, `${traces.length}.db`)}`);
    for (const f of order) await ingestFiles(store, [f], { tz: "UTC" });
    const db = (store as any).db;
    const n = (db.prepare("SELECT count(*) AS n FROM recipients").get() as { n: number }).n;
    assert.ok(n > 4 * BLOCK_ROWS, `${n} recipient rows: several blocks`);
    // Every row lies within its block's summary, and each column holds its keys.
    const summaries = new Map((db.prepare("SELECT * FROM rblocks").all() as any[]).map((b) => [b.block, b]));
    const columns = new Map((db.prepare("SELECT id, keys FROM rcolumns").all() as any[]).map((c) => [c.id, columnOf(c.keys)]));
    let checked = 0;
    for (const r of db.prepare("SELECT id, time, status, recipient, sender, client_ip, orig_to FROM recipients").all() as any[]) {
      const b = blockOf(r.id);
      const sum = summaries.get(b);
      assert.ok(sum && r.time >= sum.min_time && r.time <= sum.max_time && sum.statuses & (1 << statusCode(r.status)), `row ${r.id} in its summary`);
      const at = (c: number) => columns.get(columnId(b, c as Column))?.[r.id - b * BLOCK_ROWS] ?? 0;
      const expect = columnKey;
      assert.deepEqual(
        [at(COLUMN.recipient), at(COLUMN.recipientDomain), at(COLUMN.sender), at(COLUMN.senderDomain), at(COLUMN.clientIp), at(COLUMN.status), at(COLUMN.origTo), at(COLUMN.origToDomain)],
        [
          expect(textKey(r.recipient)), expect(domainKey(r.recipient)), expect(textKey(r.sender)), expect(domainKey(r.sender)), expect(textKey(r.client_ip)),
          statusCode(r.status), expect(textKey(r.orig_to)), expect(domainKey(r.orig_to)),
        ],
        `row ${r.id}'s columns`,
      );
      checked++;
    }
    assert.equal(checked, n);
    // Every row, newest first, read without the summaries, its message's fields from the message
    // row (a trace reads the copies on the recipient row).
    const all: TraceRow[] = (db.prepare(`SELECT r.id, r.time, r.offset, m.host, m.queue_id, m.message_id, r.sender, r.recipient, r.status, r.dsn,
      r.relay, r.detail, r.client_ip, m.size, m.subject, r.orig_to, r.message, r.delay FROM recipients r JOIN messages m ON m.id = r.message
      ORDER BY r.time DESC, r.id DESC`).all() as any[]).map((r) => ({
      time: r.time, offset: r.offset, host: r.host, queueId: r.queue_id === "NOQUEUE" ? null : r.queue_id, messageId: r.message_id,
      sender: r.sender, recipient: r.recipient === "" ? null : r.recipient, status: r.status, dsn: r.dsn, relay: r.relay,
      detail: r.detail, clientIp: r.client_ip, size: r.size, subject: r.subject, origTo: r.orig_to, message: r.message, delay: r.delay, rid: r.id,
    }));
    const aliased = all.filter((r) => r.origTo !== null);
    assert.ok(aliased.length > 10, `${aliased.length} rows with an original recipient`);
    const pick = (i: number) => all[Math.floor((i * all.length) / 7)];
    const t0 = all[all.length - 1].time;
    const t1 = all[0].time;
    const queries: TraceQuery[] = [{ since: 0, limit: 100_000 }, { since: 0, limit: 7 }, { since: t0 + (t1 - t0) / 3, until: t0 + (t1 - t0) / 2, limit: 50 }];
    // Just before the split of the halves: rows whose start moved back there (newest first).
    for (let f = 0.4; f < 0.6; f += 0.01) queries.push({ since: 0, until: t0 + f * (t1 - t0), limit: 5 });
    for (let i = 0; i < 7; i++) {
      const r = pick(i);
      const rcpt = r.recipient ?? "";
      queries.push({ recipient: { kind: "exact", value: rcpt.toUpperCase() }, since: 0 });
      queries.push({ recipient: { kind: "domain", value: rcpt.slice(rcpt.lastIndexOf("@") + 1) }, since: 0, limit: 40 + i });
      if (r.sender) queries.push({ sender: { kind: "exact", value: r.sender }, since: r.time - 3600_000, limit: 20 });
      if (r.sender) queries.push({ sender: { kind: "domain", value: r.sender.slice(r.sender.lastIndexOf("@") + 1) }, status: [r.status], since: 0, limit: 30 });
      if (r.clientIp) queries.push({ clientIp: r.clientIp, since: 0, limit: 25 });
      queries.push({ status: [r.status], since: 0, limit: 10 * (i + 1) });
    }
    for (const st of ["pending", "quarantined", "filtered", "resolved", "expanded"] as CanonicalStatus[]) queries.push({ status: [st, "failed"], since: 0, limit: 60 });
    queries.push({ recipient: { kind: "subdomain", value: "example.com" }, since: 0, limit: 80 });
    // Subdomains and domain globs, through the list of domains: every address's domain must be
    // listed (senders learned in the later load too), or rows would be missed here.
    for (const d of ["example.co.jp", "co.jp", "jp", "shop-news.jp", "EXAMPLE.CO.JP", "nowhere.invalid"]) {
      queries.push({ recipient: { kind: "subdomain", value: d }, since: 0, limit: 100_000 });
      queries.push({ sender: { kind: "subdomain", value: d }, since: 0, limit: 100_000 });
    }
    queries.push({ sender: { kind: "subdomain", value: "shop-news.jp" }, status: ["failed", "pending"], since: 0, limit: 100_000 });
    for (const g of ["*@*.co.jp", "*@mail*", "*@*shop*", "a*@*.jp", "*@*", "*@mx1.*"]) {
      queries.push({ recipient: { kind: "like", value: g }, since: 0, limit: 100_000 });
      queries.push({ sender: { kind: "like", value: g }, since: 0, limit: 100_000 });
    }
    queries.push({ recipient: { kind: "like", value: "*a*" }, sender: { kind: "like", value: "*e*" }, since: 0, limit: 90 });
    // A glob of the local part in one domain (found through the domain column).
    const sample = pick(3).recipient as string;
    queries.push({ recipient: { kind: "like", value: `${sample.slice(0, 2)}*@${sample.slice(sample.lastIndexOf("@") + 1).toUpperCase()}` }, since: 0, limit: 70 });
    queries.push({ sender: { kind: "like", value: `*${(pick(5).sender ?? "").slice(-12)}` }, since: 0, limit: 70 });
    queries.push({ recipient: { kind: "exact", value: "nobody-at-all@nowhere.invalid" }, since: 0 });
    // As originally addressed: the local part alone (`orig_to=<root>`), and with a status.
    queries.push({ recipient: { kind: "exact", value: (aliased[0].origTo as string).toUpperCase() }, since: 0 });
    queries.push({ recipient: { kind: "exact", value: aliased[aliased.length - 1].origTo as string }, status: ["delivered"], since: 0, limit: 30 });
    // Slow deliveries (no block column: tested on the rows).
    for (const d of [0, 1, 30, 600, 3600, 86400]) queries.push({ minDelay: d, since: 0, limit: 200 });
    queries.push({ minDelay: 60, status: ["delivered"], recipient: { kind: "subdomain", value: "jp" }, since: 0, limit: 100_000 });
    // Pages: after a row (`before`), alone and with filters; rows of one second are many here.
    for (let i = 0; i < 7; i++) {
      const r = pick(i);
      const before = { time: r.time, rid: r.rid };
      queries.push({ since: 0, before, limit: 30 });
      queries.push({ status: [r.status], since: 0, before, limit: 15 });
      if (r.sender) queries.push({ sender: { kind: "domain", value: r.sender.slice(r.sender.lastIndexOf("@") + 1) }, since: 0, before, limit: 25 });
      queries.push({ since: 0, until: r.time - 60_000, before, limit: 10 });
    }
    let matched = 0;
    for (const q of queries) {
      const got = await store.trace(q);
      assert.deepEqual(got, reference(all, q), JSON.stringify(q));
      matched += got.length;
    }
    assert.ok(matched > 1000, "the queries found rows");
    // Page after page to the end: every row once, in order (what a report does).
    for (const q of [{ since: 0 }, { since: 0, status: ["delivered"] }, { recipient: { kind: "subdomain", value: "jp" }, since: 0 }] as TraceQuery[]) {
      const paged: TraceRow[] = [];
      for (let page = await store.trace({ ...q, limit: 97 }); page.length; ) {
        paged.push(...page);
        const last = page[page.length - 1];
        page = await store.trace({ ...q, limit: 97, before: { time: last.time, rid: last.rid } });
      }
      assert.deepEqual(paged, reference(all, { ...q, limit: 1e9 }), `pages of ${JSON.stringify(q)}`);
    }
    traces.push(all);
    await store.close();
  }
  const strip = (rows: TraceRow[]) => rows.map(({ message: _m, rid: _r, ...r }) => r).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  assert.deepEqual(strip(traces[1]), strip(traces[0]), "the same rows whichever file came first");
});

test("sqlite trace through block summaries: a status, sender or start time a row gets in a later load counts in its old block", async () => {
  const dir = tempDir("mailtrace-blocks-");
  const start = Date.parse("2026-11-01T00:00:00Z");
  const line = (t: number, rest: string) => `${new Date(start + t * 1000).toISOString().replace(".000Z", "+00:00")} mx1 postfix/${rest}`;
  const qid = (i: number) => `1A${i.toString(16).toUpperCase().padStart(8, "0")}`;
  const head = [
    line(0, `smtp[10]: ${qid(0)}: to=<late@far.example>, relay=none, delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to far.example: Connection refused)`),
  ];
  // Then a block's worth of delivered rows, so that the first row's block holds nothing else.
  for (let i = 1; i <= BLOCK_ROWS + 100; i++) {
    head.push(line(10 + i, `smtp[10]: ${qid(i)}: to=<u${i}@near.example>, relay=mx.near.example[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)`));
  }
  const a = join(dir, "a.log");
  writeFileSync(a, `${head.join("\n")}\n`);
  // A later file learns the sender and the client of the first message (its earlier lines,
  // ingested after) and its expiry.
  const b = join(dir, "b.log");
  writeFileSync(b, `${[
    line(5000, `qmgr[11]: ${qid(0)}: from=<old@mail.sender.example>, status=expired, returned to sender`),
  ].join("\n")}\n`);
  const c = join(dir, "c.log");
  writeFileSync(c, `${[
    line(-60, `smtpd[12]: ${qid(0)}: client=client.example[198.51.100.5]`),
    line(-60, `qmgr[11]: ${qid(0)}: from=<old@mail.sender.example>, size=100, nrcpt=1 (queue active)`),
  ].join("\n")}\n`);
  const store = await openStore(`sqlite:${join(dir, "s.db")}`);
  for (const f of [a, b, c]) await ingestFiles(store, [f], { tz: "UTC" });
  const one = async (q: TraceQuery) => (await store.trace({ since: 0, limit: 5, ...q })).map((r) => `${r.recipient} ${r.status}`);
  assert.deepEqual(await one({ status: ["failed"] }), ["late@far.example failed"]);
  assert.deepEqual(await one({ sender: { kind: "exact", value: "old@mail.sender.example" } }), ["late@far.example failed"]);
  assert.deepEqual(await one({ sender: { kind: "domain", value: "mail.sender.example" } }), ["late@far.example failed"]);
  assert.deepEqual(await one({ sender: { kind: "subdomain", value: "sender.example" } }), ["late@far.example failed"], "its domain listed");
  assert.deepEqual(await one({ clientIp: "198.51.100.5" }), ["late@far.example failed"]);
  assert.deepEqual(await one({ until: start - 1 }), ["late@far.example failed"], "its start moved back before every other row");
  await store.close();
});

test("block columns are stored little-endian on any machine, and read back", () => {
  const c = new Uint16Array(BLOCK_ROWS);
  for (let i = 0; i < BLOCK_ROWS; i++) c[i] = (i * 40503 + 7) & 0xffff;
  const bytes = columnBytes(c);
  assert.equal(bytes.byteLength, BLOCK_ROWS * 2);
  for (const i of [0, 1, 999, BLOCK_ROWS - 1]) assert.deepEqual([bytes[2 * i], bytes[2 * i + 1]], [c[i] & 0xff, c[i] >>> 8], `value ${i}, low byte first`);
  assert.deepEqual(columnOf(Uint8Array.from(bytes)), c, "read back");
  // What a machine of the other byte order does: swap on the way out and on the way in.
  assert.deepEqual(columnOf(columnBytes(c, false).slice(), false), c);
  assert.equal(swapped(Uint16Array.of(0x1234))[0], 0x3412);
  assert.deepEqual(columnOf(undefined), new Uint16Array(BLOCK_ROWS), "no column: no values");
});
