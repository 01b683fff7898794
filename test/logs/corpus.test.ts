/**
 * The real Postfix logs in ../shared/corpus/logs ingest without crashing and without unparsed
 * Postfix lines; where pmg-log-tracker states the expected outcome of a queue entry
 * (recipient + status digit 2/4/5, or N for a NOQUEUE reject), our store must agree.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../support/temp-dir.ts";
import { ingestFiles } from "../../src/logs/ingest.ts";
import { openStore } from "../../src/store/open.ts";
import { corpusPath, skipUnlessCorpus } from "../support/corpus.ts";

const PMG = ["logs", "pmg-log-tracker"];
// The year each input was logged in (the upstream tests pin it with faketime).
const YEARS: Record<string, number> = {
  test_input_mixed: 2020, test_input_after_queue_duplicate_msgid: 2020, test_input_after_queue_relay_before_lmtp: 2020,
  test_input_before_queue_syntax_reject: 2020, test_input_before_queue_to_search_string: 2020, test_input_foreign_lines: 2020,
  test_input_misleading_lines: 2026, test_input_mixed_accept_block_quarantine: 2020, test_input_time_rfc3339_mixed: 2023,
  test_input_timechange: 2020,
};
// Expected output -> the input it was produced from.
const EXPECTED: Record<string, string> = {
  test_output_before_queue: "test_input_mixed",
  test_output_after_queue: "test_input_mixed",
  test_output_after_queue_duplicate_msgid: "test_input_after_queue_duplicate_msgid",
  test_output_after_queue_relay_before_lmtp: "test_input_after_queue_relay_before_lmtp",
  test_output_time_rfc3339_mixed: "test_input_time_rfc3339_mixed",
  test_output_before_queue_syntax_reject: "test_input_before_queue_syntax_reject",
  test_output_timechange: "test_input_timechange",
};
const STATUS_OF: Record<string, string> = { "2": "delivered", "4": "pending", "5": "failed", N: "failed" };

test("pmg-log-tracker inputs ingest without unparsed Postfix lines", { skip: skipUnlessCorpus(...PMG) }, async () => {
  const dir = corpusPath(...PMG) as string;
  for (const f of readdirSync(dir).filter((n) => n.startsWith("test_input_"))) {
    const store = await openStore(`sqlite:${join(tempDir("mailtrace-corpus-"), "c.db")}`);
    try {
      const s = await ingestFiles(store, [join(dir, f)], { year: YEARS[f] ?? 2020, tz: "Europe/Vienna" });
      assert.deepEqual(s.errors, [], f);
      // foreign_lines deliberately carries malformed `postfix/...: WORD1:` lines: they must be counted, not dropped.
      if (f === "test_input_foreign_lines") assert.equal(s.unparsed, 4, f);
      else assert.equal(s.unparsed, 0, f);
      assert.ok(s.messages > 0, f);
    } finally {
      await store.close();
    }
  }
});

test("pmg-log-tracker expected outcomes: recipients and statuses per queue entry", { skip: skipUnlessCorpus(...PMG) }, async () => {
  const dir = corpusPath(...PMG) as string;
  let checked = 0;
  let agreed = 0;
  const misses: string[] = [];
  for (const [out, input] of Object.entries(EXPECTED)) {
    const store = await openStore(`sqlite:${join(tempDir("mailtrace-corpus-"), "c.db")}`);
    try {
      await ingestFiles(store, [join(dir, input)], { year: YEARS[input], tz: "Europe/Vienna" });
      const rejects = await store.trace({ since: 0, limit: 100000 });
      for (const block of readFileSync(join(dir, out), "utf8").split(/\n\s*\n/)) {
        const qid = /^QENTRY: (\S+)/m.exec(block)?.[1];
        for (const m of block.matchAll(/^TO:[0-9A-F]+:([^:]+):([245N]): from <([^>]*)> to <([^>]*)>/gm)) {
          const [, , letter, , rcpt] = m;
          const want = STATUS_OF[letter];
          checked++;
          let got: string | undefined;
          if (qid) {
            const shown = await store.show(qid);
            got = shown.recipients.find((r) => r.queueId === qid && r.recipient.toLowerCase() === rcpt.toLowerCase())?.status;
          } else {
            got = rejects.find((r) => r.queueId === null && (r.recipient ?? "").toLowerCase() === rcpt.toLowerCase())?.status;
          }
          if (got === want) agreed++;
          else misses.push(`${out} ${qid ?? "NOQUEUE"} ${rcpt}: want ${want}, got ${got}`);
        }
      }
    } finally {
      await store.close();
    }
  }
  console.log(`pmg-log-tracker outcomes: ${agreed}/${checked} recipient statuses agree`);
  for (const m of misses) console.log(`  differs: ${m}`);
  assert.ok(checked >= 20, `only ${checked} expectations found`);
  assert.deepEqual(misses, []);
});
