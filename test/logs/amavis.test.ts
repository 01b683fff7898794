/** amavisd-new verdict lines: their own facts, and with Postfix's hand-over line the trace rows they give. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { dialectFor } from "../../src/logs/dialects/index.ts";
import { ingestFiles } from "../../src/logs/ingest.ts";
import { canonicalStatus } from "../../src/logs/status.ts";
import { EnvelopeParser } from "../../src/logs/syslog.ts";
import { openStore } from "../../src/store/open.ts";
import { Readable } from "node:stream";

const P = "Jun 10 09:00:03 mx1";
const fact = (line: string) => {
  const env = new EnvelopeParser({ year: 2024, tz: "UTC" }).parse(line);
  assert.ok(env, line);
  const d = dialectFor(env.program);
  assert.equal(d?.name, "amavis", line);
  return d.parse(env);
};

test("amavis: blocked and quarantined, blocked and discarded, passed, and lines of no message", () => {
  const q = fact(`${P} amavis[12345]: (12345-01) Blocked SPAM {DiscardedInbound,Quarantined}, [192.0.2.10]:41234 [192.0.2.10] <a@example.com> -> <b@example.jp>, quarantine: spam-AbCdEf12.gz, Queue-ID: 3F1A2B4C5D, Message-ID: <m1@example.com>, mail_id: AbCdEf12, Hits: 12.3, size: 1234, queued_as: -, 2604 ms`);
  assert.deepEqual([q.kind, q.queueId, canonicalStatus(q.status ?? ""), q.detail], ["action", "3F1A2B4C5D", "quarantined", "amavis: Blocked SPAM, quarantine: spam-AbCdEf12.gz"]);
  const d = fact(`${P} amavis[12345]: (12345-02) Blocked INFECTED (Eicar-Signature) {DiscardedInbound}, [192.0.2.10]:41234 <a@example.com> -> <b@example.jp>, Queue-ID: 3F1A2B4C5E, mail_id: x, Hits: -, size: 800, 120 ms`);
  assert.deepEqual([d.kind, canonicalStatus(d.status ?? "")], ["action", "filtered"]);
  const p = fact(`${P} amavis[12345]: (12345-03) Passed CLEAN {RelayedInbound}, [192.0.2.10]:41234 <a@example.com> -> <b@example.jp>, Queue-ID: 3F1A2B4C5F, Message-ID: <m3@example.com>, mail_id: y, Hits: -1.2, size: 900, queued_as: 9A8B7C6D5E, 300 ms`);
  assert.deepEqual([p.kind, p.queueId], ["info", "3F1A2B4C5F"]);
  assert.equal(fact(`${P} amavis[12340]: starting. /usr/sbin/amavisd-new at mx1.example.jp amavisd-new-2.13.0`).kind, "noise");
  assert.equal(fact(`${P} amavis[12345]: (12345-04) Checking: zRvMAq1bCdEf [192.0.2.10] <a@example.com> -> <b@example.jp>`).kind, "noise");
});

test("amavis + Postfix: quarantined by amavis stays quarantined after Postfix's 'discarded'; a discard alone is filtered", async () => {
  const log = [
    `Jun 10 09:00:00 mx1 postfix/smtpd[100]: 3F1A2B4C5D: client=mail.example.com[192.0.2.10]`,
    `Jun 10 09:00:00 mx1 postfix/qmgr[102]: 3F1A2B4C5D: from=<a@example.com>, size=1200, nrcpt=1 (queue active)`,
    `${P} amavis[12345]: (12345-01) Blocked SPAM {DiscardedInbound,Quarantined}, [192.0.2.10]:41234 [192.0.2.10] <a@example.com> -> <b@example.jp>, quarantine: spam-AbCdEf12.gz, Queue-ID: 3F1A2B4C5D, Message-ID: <m1@example.com>, mail_id: AbCdEf12, Hits: 12.3, size: 1234, queued_as: -, 2604 ms`,
    `${P} postfix/smtp[104]: 3F1A2B4C5D: to=<b@example.jp>, relay=127.0.0.1[127.0.0.1]:10024, delay=3, delays=0.1/0/0.3/2.6, dsn=2.7.0, status=sent (250 2.7.0 Ok, discarded, id=12345-01 - spam)`,
    `${P} postfix/qmgr[102]: 3F1A2B4C5D: removed`,
    `Jun 10 09:01:00 mx1 postfix/smtpd[100]: 3F1A2B4C5E: client=mail.example.com[192.0.2.10]`,
    `Jun 10 09:01:00 mx1 postfix/qmgr[102]: 3F1A2B4C5E: from=<a@example.com>, size=800, nrcpt=1 (queue active)`,
    `Jun 10 09:01:01 mx1 postfix/smtp[104]: 3F1A2B4C5E: to=<c@example.jp>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, dsn=2.7.0, status=sent (250 2.7.0 Ok, discarded, id=12345-02 - INFECTED: Eicar-Signature)`,
    `Jun 10 09:01:01 mx1 postfix/qmgr[102]: 3F1A2B4C5E: removed`,
  ].join("\n");
  const store = await openStore("sqlite::memory:");
  try {
    const s = await ingestFiles(store, ["-"], { year: 2024, tz: "UTC", stdin: Readable.from([Buffer.from(`${log}\n`)]) });
    assert.deepEqual([s.unparsed, s.otherPrograms, s.messages, s.errors], [0, 0, 2, []], JSON.stringify(s));
    const rows = await store.trace({ since: 0, limit: 10 });
    assert.deepEqual(rows.map((r) => [r.recipient, r.status, r.detail]), [
      ["c@example.jp", "filtered", "250 2.7.0 Ok, discarded, id=12345-02 - INFECTED: Eicar-Signature"],
      ["b@example.jp", "quarantined", "amavis: Blocked SPAM, quarantine: spam-AbCdEf12.gz"],
    ]);
    const shown = await store.show("3F1A2B4C5D");
    assert.ok(shown.events.some((e) => e.program === "amavis" && e.text.includes("Blocked SPAM")), "amavis's verdict on the timeline");
  } finally {
    await store.close();
  }
});
