import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { writePostfixLog } from "../../src/demo/postfix-log.ts";
import { ingestFiles } from "../../src/logs/ingest.ts";
import { openStore } from "../../src/store/open.ts";
import type { Store, TraceQuery, TraceRow } from "../../src/store/store.ts";
import { searchTrace, withPassedOn } from "../../src/trace/hops.ts";
import { buildTraceQuery, type TraceQueryInput } from "../../src/trace/query.ts";

const H = "mx1";
/**
 * Three messages through hops, written by hand (UTC): A1 -> content filter -> B1, whose mailbox
 * is full; A2 -> filter -> B2 -> a second instance (postfix-out) -> C2, delivered out; D3 straight.
 */
const LOG = [
  `Jun 10 09:00:01 ${H} postfix/smtpd[100]: A1A1A1A1A1: client=mail.example.com[192.0.2.10]`,
  `Jun 10 09:00:01 ${H} postfix/cleanup[101]: A1A1A1A1A1: message-id=<m1@example.com>`,
  `Jun 10 09:00:01 ${H} postfix/qmgr[102]: A1A1A1A1A1: from=<alice@example.com>, size=1200, nrcpt=1 (queue active)`,
  `Jun 10 09:00:02 ${H} postfix/smtpd[103]: B1B1B1B1B1: client=localhost[127.0.0.1]`,
  `Jun 10 09:00:02 ${H} postfix/cleanup[101]: B1B1B1B1B1: message-id=<m1@example.com>`,
  `Jun 10 09:00:02 ${H} postfix/qmgr[102]: B1B1B1B1B1: from=<alice@example.com>, size=1500, nrcpt=1 (queue active)`,
  `Jun 10 09:00:02 ${H} postfix/smtp[104]: A1A1A1A1A1: to=<bob@corp.example.jp>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as B1B1B1B1B1)`,
  `Jun 10 09:00:02 ${H} postfix/qmgr[102]: A1A1A1A1A1: removed`,
  `Jun 10 09:00:05 ${H} postfix/lmtp[105]: B1B1B1B1B1: to=<bob@corp.example.jp>, relay=mx1[private/dovecot-lmtp], delay=3, delays=0/0/0/3, dsn=5.2.2, status=bounced (host mx1[private/dovecot-lmtp] said: 552 5.2.2 <bob@corp.example.jp> Quota exceeded (in reply to end of data command))`,
  `Jun 10 09:00:05 ${H} postfix/qmgr[102]: B1B1B1B1B1: removed`,

  `Jun 10 10:00:00 ${H} postfix/smtpd[106]: A2A2A2A2A2: client=sender.example.net[198.51.100.5]`,
  `Jun 10 10:00:00 ${H} postfix/cleanup[101]: A2A2A2A2A2: message-id=<m2@example.net>`,
  `Jun 10 10:00:00 ${H} postfix/qmgr[102]: A2A2A2A2A2: from=<carol@example.net>, size=900, nrcpt=1 (queue active)`,
  `Jun 10 10:00:01 ${H} postfix/smtpd[103]: B2B2B2B2B2: client=localhost[127.0.0.1]`,
  `Jun 10 10:00:01 ${H} postfix/cleanup[101]: B2B2B2B2B2: message-id=<m2@example.net>`,
  `Jun 10 10:00:01 ${H} postfix/qmgr[102]: B2B2B2B2B2: from=<carol@example.net>, size=1100, nrcpt=1 (queue active)`,
  `Jun 10 10:00:01 ${H} postfix/smtp[104]: A2A2A2A2A2: to=<dan@example.org>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as B2B2B2B2B2)`,
  `Jun 10 10:00:01 ${H} postfix/qmgr[102]: A2A2A2A2A2: removed`,
  `Jun 10 10:00:02 ${H} postfix-out/smtpd[107]: C2C2C2C2C2: client=localhost[127.0.0.1]`,
  `Jun 10 10:00:02 ${H} postfix-out/cleanup[108]: C2C2C2C2C2: message-id=<m2@example.net>`,
  `Jun 10 10:00:02 ${H} postfix-out/qmgr[109]: C2C2C2C2C2: from=<carol@example.net>, size=1100, nrcpt=1 (queue active)`,
  `Jun 10 10:00:02 ${H} postfix/smtp[104]: B2B2B2B2B2: to=<dan@example.org>, relay=127.0.0.1[127.0.0.1]:10026, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as C2C2C2C2C2)`,
  `Jun 10 10:00:02 ${H} postfix/qmgr[102]: B2B2B2B2B2: removed`,
  `Jun 10 10:00:40 ${H} postfix-out/smtp[110]: C2C2C2C2C2: to=<dan@example.org>, relay=mx.example.org[203.0.113.7]:25, delay=38, delays=0/0/8/30, dsn=2.0.0, status=sent (250 2.0.0 OK id=77)`,
  `Jun 10 10:00:40 ${H} postfix-out/qmgr[109]: C2C2C2C2C2: removed`,

  `Jun 10 11:00:00 ${H} postfix/smtpd[111]: D3D3D3D3D3: client=mail.example.com[192.0.2.10]`,
  `Jun 10 11:00:00 ${H} postfix/cleanup[101]: D3D3D3D3D3: message-id=<m3@example.com>`,
  `Jun 10 11:00:00 ${H} postfix/qmgr[102]: D3D3D3D3D3: from=<alice@example.com>, size=700, nrcpt=1 (queue active)`,
  `Jun 10 11:00:01 ${H} postfix/local[112]: D3D3D3D3D3: to=<erin@corp.example.jp>, relay=local, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (delivered to mailbox)`,
  `Jun 10 11:00:01 ${H} postfix/qmgr[102]: D3D3D3D3D3: removed`,

  // Passed to the filter, re-injected, still in the queue when the log ends (no recipient logged
  // after the filter, only its placeholder row: the recipient is pending there).
  `Jun 10 12:00:00 ${H} postfix/smtpd[113]: A4A4A4A4A4: client=mail.example.com[192.0.2.10]`,
  `Jun 10 12:00:00 ${H} postfix/qmgr[102]: A4A4A4A4A4: from=<alice@example.com>, size=600, nrcpt=1 (queue active)`,
  `Jun 10 12:00:01 ${H} postfix/smtpd[103]: B4B4B4B4B4: client=localhost[127.0.0.1]`,
  `Jun 10 12:00:01 ${H} postfix/qmgr[102]: B4B4B4B4B4: from=<alice@example.com>, size=800, nrcpt=1 (queue active)`,
  `Jun 10 12:00:01 ${H} postfix/smtp[104]: A4A4A4A4A4: to=<fred@corp.example.jp>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as B4B4B4B4B4)`,
  `Jun 10 12:00:01 ${H} postfix/qmgr[102]: A4A4A4A4A4: removed`,

  // Two recipients through the filter, held after it by header_checks: cleanup's line names only
  // the first; the other is held too (the entry's state).
  `Jun 10 13:00:00 ${H} postfix/smtpd[114]: E5E5E5E5E5: client=mail.example.com[192.0.2.10]`,
  `Jun 10 13:00:00 ${H} postfix/qmgr[102]: E5E5E5E5E5: from=<alice@example.com>, size=600, nrcpt=2 (queue active)`,
  `Jun 10 13:00:01 ${H} postfix/smtpd[103]: F5F5F5F5F5: client=localhost[127.0.0.1]`,
  `Jun 10 13:00:01 ${H} postfix/cleanup[101]: F5F5F5F5F5: hold: header X-Spam-Flag: YES from localhost[127.0.0.1]; from=<alice@example.com> to=<gina@corp.example.jp> proto=ESMTP helo=<localhost>: spam`,
  `Jun 10 13:00:01 ${H} postfix/smtp[104]: E5E5E5E5E5: to=<gina@corp.example.jp>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as F5F5F5F5F5)`,
  `Jun 10 13:00:01 ${H} postfix/smtp[104]: E5E5E5E5E5: to=<hank@corp.example.jp>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as F5F5F5F5F5)`,
  `Jun 10 13:00:01 ${H} postfix/qmgr[102]: E5E5E5E5E5: removed`,
].join("\n");

/** Every row of a search, paged `page` rows at a time through the cursor of each page's last row. */
async function paged(store: Store, q: TraceQuery, page: number): Promise<TraceRow[]> {
  const out: TraceRow[] = [];
  let before: TraceQuery["before"];
  for (;;) {
    const rows = await searchTrace(store, { ...q, limit: page, before });
    out.push(...rows);
    if (rows.length < page) return out;
    before = { time: rows[rows.length - 1].time, rid: rows[rows.length - 1].rid };
  }
}

describe("trace across relay hops: one row per message and recipient", () => {
  let dir: string;
  let store: Store;
  const q = (input: TraceQueryInput): TraceQuery => ({ ...buildTraceQuery({ since: "2024-06-01", ...input }), limit: 1000 });
  const shown = async (input: TraceQueryInput) =>
    (await searchTrace(store, q(input))).map((r) => [r.queueId, r.recipient, r.status, r.clientIp, r.hops ?? null]);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mailtrace-hops-"));
    writeFileSync(join(dir, "mail.log"), `${LOG}\n`);
    store = await openStore(`sqlite:${join(dir, "t.db")}`);
    await ingestFiles(store, [join(dir, "mail.log")], { year: 2024, tz: "UTC" });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("each message once, with its last hop's outcome, its first hop's client and the hops before", async () => {
    assert.deepEqual(await shown({}), [
      // Held after the filter: the recipient cleanup named, in its own row's place, and the other.
      ["F5F5F5F5F5", "gina@corp.example.jp", "quarantined", "192.0.2.10", ["E5E5E5E5E5"]],
      ["F5F5F5F5F5", "hank@corp.example.jp", "quarantined", "192.0.2.10", ["E5E5E5E5E5"]],
      // Not delivered after the filter yet, no recipient logged there: pending, not the filter's "delivered".
      ["B4B4B4B4B4", "fred@corp.example.jp", "pending", "192.0.2.10", ["A4A4A4A4A4"]],
      ["D3D3D3D3D3", "erin@corp.example.jp", "delivered", "192.0.2.10", null],
      ["C2C2C2C2C2", "dan@example.org", "delivered", "198.51.100.5", ["A2A2A2A2A2", "B2B2B2B2B2"]],
      ["B1B1B1B1B1", "bob@corp.example.jp", "failed", "192.0.2.10", ["A1A1A1A1A1"]],
    ]);
    // As the store holds them: every queue entry's row.
    const each = await searchTrace(store, { ...q({}), eachHop: true });
    assert.deepEqual(each.map((r) => r.queueId), ["F5F5F5F5F5", "E5E5E5E5E5", "E5E5E5E5E5", "B4B4B4B4B4", "A4A4A4A4A4", "D3D3D3D3D3", "C2C2C2C2C2", "B2B2B2B2B2", "A2A2A2A2A2", "B1B1B1B1B1", "A1A1A1A1A1"]);
    assert.ok(each.every((r) => r.hops === undefined));
  });

  test("the filter's 'delivered' is not the message's: status searches see the last hop", async () => {
    assert.deepEqual((await shown({ status: "failed" })).map((r) => r[0]), ["B1B1B1B1B1"]);
    assert.deepEqual((await shown({ status: "delivered" })).map((r) => r[0]), ["D3D3D3D3D3", "C2C2C2C2C2"]);
    // The entry after the filter that logged no recipient yet: its placeholder row matches, and
    // the recipients the hop before passed on to it show in its place.
    assert.deepEqual(await shown({ status: "pending" }), [["B4B4B4B4B4", "fred@corp.example.jp", "pending", "192.0.2.10", ["A4A4A4A4A4"]]]);
    // Held after the filter: the recipient cleanup named, and the other one it never names.
    assert.deepEqual(await shown({ status: "quarantined" }), [
      ["F5F5F5F5F5", "gina@corp.example.jp", "quarantined", "192.0.2.10", ["E5E5E5E5E5"]],
      ["F5F5F5F5F5", "hank@corp.example.jp", "quarantined", "192.0.2.10", ["E5E5E5E5E5"]],
    ]);
    // Only the recipients asked for; and found on their own, a recipient shows once.
    assert.deepEqual((await shown({ status: "quarantined", recipient: "gina@corp.example.jp" })).map((r) => r[1]), ["gina@corp.example.jp"]);
    assert.deepEqual((await shown({ status: "quarantined", recipient: "hank@corp.example.jp" })).map((r) => r[1]), ["hank@corp.example.jp"]);
    assert.deepEqual((await shown({ status: "quarantined,delivered", since: "2024-06-10T13:00:00Z" })).map((r) => r[1]), ["gina@corp.example.jp", "hank@corp.example.jp"]);
    // By the held entry's queue ID: both recipients too.
    assert.deepEqual((await shown({ queueId: "F5F5F5F5F5" })).map((r) => [r[0], r[1], r[2]]), [
      ["F5F5F5F5F5", "gina@corp.example.jp", "quarantined"],
      ["F5F5F5F5F5", "hank@corp.example.jp", "quarantined"],
    ]);
  });

  test("found by any hop's fields: the first hop's queue ID or client, a later hop's queue ID", async () => {
    for (const queueId of ["A1A1A1A1A1", "B1B1B1B1B1"]) assert.deepEqual((await shown({ queueId, since: undefined })).map((r) => [r[0], r[2]]), [["B1B1B1B1B1", "failed"]]);
    for (const queueId of ["A2A2A2A2A2", "B2B2B2B2B2", "C2C2C2C2C2"]) assert.deepEqual((await shown({ queueId })).map((r) => r[0]), ["C2C2C2C2C2"]);
    assert.deepEqual((await shown({ clientIp: "198.51.100.5" })).map((r) => [r[0], r[3]]), [["C2C2C2C2C2", "198.51.100.5"]]);
    // A client only a later hop had (the filter's re-injection): that hop's row, its own client kept.
    assert.deepEqual((await shown({ clientIp: "127.0.0.1" })).map((r) => [r[0], r[1], r[3]]), [
      ["F5F5F5F5F5", "gina@corp.example.jp", "127.0.0.1"],
      ["F5F5F5F5F5", "hank@corp.example.jp", "127.0.0.1"],
      ["B4B4B4B4B4", "fred@corp.example.jp", "127.0.0.1"],
      ["C2C2C2C2C2", "dan@example.org", "127.0.0.1"],
      ["B1B1B1B1B1", "bob@corp.example.jp", "127.0.0.1"],
    ]);
    assert.deepEqual((await shown({ messageId: "m2@example.net" })).map((r) => r[0]), ["C2C2C2C2C2"]);
    assert.deepEqual((await shown({ recipient: "*@corp.example.jp", status: "failed,delivered" })).map((r) => r[0]), ["D3D3D3D3D3", "B1B1B1B1B1"]);
    // The recipient cleanup did not name is found by its address, held.
    assert.deepEqual((await shown({ recipient: "hank@corp.example.jp" })).map((r) => [r[0], r[2]]), [["F5F5F5F5F5", "quarantined"]]);
    assert.deepEqual((await shown({ recipient: "fred@corp.example.jp" })).map((r) => [r[0], r[2]]), [["B4B4B4B4B4", "pending"]]);
    // Only the first hop is in the time range: it stands for the message, with the last hop's outcome.
    const first = await searchTrace(store, q({ since: "2024-06-10T10:00:00Z", until: "2024-06-10T10:00:00Z" }));
    assert.deepEqual(first.map((r) => [r.queueId, r.status, new Date(r.time).toISOString(), r.hops]), [
      ["C2C2C2C2C2", "delivered", "2024-06-10T10:00:00.000Z", ["A2A2A2A2A2", "B2B2B2B2B2"]],
    ]);
  });

  test("show: a recipient passed on to an entry that never names it is listed there with the entry's outcome", async () => {
    const of = async (key: string) => (await store.show(key)).recipients.map((r) => [r.queueId, r.recipient, r.status]);
    const rows = async (key: string) => withPassedOn(await store.show(key)).recipients.map((r) => [r.queueId, r.recipient, r.status]);
    // As the log has it: the held entry names gina only; the queued one no recipient (its placeholder).
    assert.deepEqual((await of("E5E5E5E5E5")).filter((r) => r[0] === "F5F5F5F5F5"), [["F5F5F5F5F5", "gina@corp.example.jp", "quarantined"]]);
    assert.deepEqual((await of("A4A4A4A4A4")).filter((r) => r[0] === "B4B4B4B4B4"), [["B4B4B4B4B4", "", "pending"]]);
    assert.deepEqual(await rows("E5E5E5E5E5"), [
      ["E5E5E5E5E5", "gina@corp.example.jp", "delivered"],
      ["E5E5E5E5E5", "hank@corp.example.jp", "delivered"],
      ["F5F5F5F5F5", "gina@corp.example.jp", "quarantined"],
      ["F5F5F5F5F5", "hank@corp.example.jp", "quarantined"],
    ]);
    assert.deepEqual(await rows("B4B4B4B4B4"), [["A4A4A4A4A4", "fred@corp.example.jp", "delivered"], ["B4B4B4B4B4", "fred@corp.example.jp", "pending"]]);
    // Entries that name their recipients are left as they are.
    const b1 = await store.show("B1B1B1B1B1");
    assert.deepEqual(withPassedOn(b1), b1);
  });

  test("the delay is from the first arrival to the last attempt", async () => {
    const [c2] = await searchTrace(store, q({ queueId: "C2C2C2C2C2" }));
    assert.equal(c2.delay, 40); // arrived 10:00:00, delivered out at 10:00:40
    assert.deepEqual((await shown({ minDelay: "30s" })).map((r) => r[0]), ["C2C2C2C2C2"]);
    assert.deepEqual((await shown({ minDelay: "41s" })).map((r) => r[0]), []);
    // Slow only as a whole (no hop took 39 s): found when the search is of one message or address.
    for (const one of [{ queueId: "A2A2A2A2A2" }, { messageId: "m2@example.net" }, { recipient: "dan@example.org" }]) {
      assert.deepEqual((await shown({ ...one, minDelay: "39s" })).map((r) => r[0]), ["C2C2C2C2C2"], JSON.stringify(one));
      assert.deepEqual((await shown({ ...one, minDelay: "41s" })).map((r) => r[0]), [], JSON.stringify(one));
    }
  });

  test("pages of any size hold every row once, in order", async () => {
    for (const input of [{}, { status: "quarantined" }, { status: "pending,quarantined" }, { clientIp: "127.0.0.1" }] as TraceQueryInput[]) {
      const all = await searchTrace(store, q(input));
      // (Rows that share a place, a held message's recipients, go to one page even past its size.)
      for (const size of [1, 2, 3]) assert.deepEqual(await paged(store, q(input), size), all, `${JSON.stringify(input)} by ${size}`);
    }
  });
});

test("a generated day of traffic: each message and recipient once, as the log's own `queued as` lines chain them", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-hops-gen-"));
  try {
    const log = join(dir, "mail.log");
    await writePostfixLog(log, { start: Date.UTC(2026, 10, 20), lines: 30_000, seed: 5, meanGapSeconds: 86400 / (30_000 / 10.4) });
    const store = await openStore(`sqlite:${join(dir, "t.db")}`);
    await ingestFiles(store, [log], { year: 2026, tz: "UTC" });
    const every = await store.trace({ since: 0, limit: 1e6 });
    // The chains, from the delivery texts alone: a row that says `queued as X` goes on in X's row of its recipient.
    const byQueue = Map.groupBy(every, (r) => r.queueId ?? "");
    const nextOf = new Map<number, TraceRow>();
    for (const r of every) {
      const child = / queued as ([0-9A-F]+)\)?$/.exec(r.detail ?? "")?.[1];
      const next = child ? byQueue.get(child)?.find((c) => c.recipient === r.recipient) : undefined;
      if (next) nextOf.set(r.rid, next);
    }
    const hasPrev = new Set([...nextOf.values()].map((r) => r.rid));
    assert.ok(nextOf.size > 500, `${nextOf.size} hops`);
    const chains = every.filter((r) => !hasPrev.has(r.rid)).map((head) => {
      const chain = [head];
      for (let n = nextOf.get(head.rid); n; n = nextOf.get(n.rid)) chain.push(n);
      return chain;
    });
    assert.ok(chains.some((c) => c.length > 1 && c[c.length - 1].status === "failed"), "a message that failed after the filter");
    for (const input of [{}, { status: "failed" }, { status: "delivered" }, { status: "pending" }, { recipient: "*.co.jp" }, { minDelay: "60" }] as TraceQueryInput[]) {
      const query = { ...buildTraceQuery({ since: "2026-11-01", ...input }), limit: 1e6 };
      const matched = new Set((await store.trace(query)).map((r) => r.rid));
      // What must show: each chain that has a matching row, at the last hop if it matches, else at its first matching hop.
      const want = chains.flatMap((c) => {
        const last = c[c.length - 1];
        const at = matched.has(last.rid) ? last : c.find((r) => matched.has(r.rid));
        if (!at) return [];
        if (query.status && !query.status.includes(last.status)) return [];
        const total = last.delay === null ? null : (last.time - c[0].time) / 1000 + last.delay;
        if (at !== last && query.minDelay !== undefined && (total === null || total < query.minDelay)) return [];
        return [[at.rid, last.queueId, last.recipient, last.status].join(" ")];
      });
      const got = await searchTrace(store, query);
      assert.deepEqual(got.map((r) => [r.rid, r.queueId, r.recipient, r.status].join(" ")).sort(), want.sort(), JSON.stringify(input));
      if (input.minDelay === undefined) assert.ok(got.length > 0, JSON.stringify(input));
    }
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
