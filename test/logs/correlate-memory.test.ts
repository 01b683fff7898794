/**
 * Memory of the correlator: an entry that stays open (a deferred message, retried for days)
 * must not keep the read chunks its lines were cut from. A 10M-line ingest ran out of its
 * 160 MB heap when it did (src/core/detached-string.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Correlator } from "../../src/logs/correlate.ts";
import { dialectFor } from "../../src/logs/dialects/index.ts";
import { EnvelopeParser } from "../../src/logs/syslog.ts";
import { DryRunStore } from "../../src/store/dry-run.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

test("correlate: entries that stay open past a flush keep none of the 900 KB chunks their lines came from", () => {
  const correlator = new Correlator(new DryRunStore().writer());
  const envelopes = new EnvelopeParser({ year: 2024, tz: "UTC" });
  const CHUNKS = 48;
  const CONSONANTS = "BCDFGHJKLMNPQRSTVWXY";
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < CHUNKS; i++) {
    // Long forms (13 characters or more), which V8 cuts as views: host, queue ID, sender, Message-ID.
    const qid = `4Bd9Xk0sQz${CONSONANTS[i % 20]}${CONSONANTS[Math.floor(i / 20)]}w`; // a long queue ID: no vowels
    const t = `Jun 10 09:${String(i).padStart(2, "0")}:00`;
    const lines = [
      `${t} mx1.example.jp postfix/smtpd[100]: ${qid}: client=mail.example.com[192.0.2.10]`,
      `${t} mx1.example.jp postfix/cleanup[101]: ${qid}: message-id=<20240610.${i}.long-enough@mail.example.com>`,
      `${t} mx1.example.jp postfix/qmgr[102]: ${qid}: from=<someone.${i}@sender.example.com>, size=1200, nrcpt=1 (queue active)`,
      `${t} mx1.example.jp postfix/smtp[103]: ${qid}: to=<bob@nowhere.example>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.nowhere.example[198.51.100.77]:25: Connection refused)`,
    ];
    const head = `${lines.join("\n")}\n`;
    // A flat string, as the ingest's read chunks are.
    const chunk = Buffer.from(head + "#".repeat(900_000 - head.length), "latin1").toString("latin1");
    let at = 0;
    for (let n = 0; n < lines.length; n++) {
      const end = chunk.indexOf("\n", at);
      const raw = chunk.slice(at, end);
      at = end + 1;
      const env = envelopes.parse(raw);
      assert.ok(env, raw);
      const fact = dialectFor(env.program)?.parse(env);
      assert.ok(fact && fact.kind !== "unparsed", raw);
      correlator.add(env, fact, raw, i * 10 + n);
    }
    correlator.flush(); // as before each commit; the deferred entry stays open
  }
  assert.equal(correlator.allWritten(), true);
  gc();
  const grown = (process.memoryUsage().heapUsed - before) / 1048576;
  console.log(`correlate: ${CHUNKS} open entries from ${CHUNKS} chunks of 900 KB hold ${grown.toFixed(1)} MB of heap`);
  assert.ok(grown < 8, `${grown.toFixed(1)} MB held (each chunk kept alive would be 0.9 MB)`);
});
