/** `bin/mailtrace ingest` options as a user runs them: --dry-run, --from-start, in both languages. */
import assert from "node:assert/strict";
import { appendFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { writePostfixLog } from "../../src/demo/postfix-log.ts";
import { mailtrace } from "../support/cli.ts";

const counts = (out: string) => /^(\d+) lines read from (\d+) file\(s\): (\d+) new events, (\d+) new messages/.exec(out)?.slice(1).map(Number);

test("ingest --dry-run counts what a new store would get and writes nothing; --from-start reads a known file again", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-cli-ingest-"));
  try {
    const log = join(dir, "mail.log");
    await writePostfixLog(log, { start: Date.UTC(2026, 10, 1), lines: 5000, seed: 11, meanGapSeconds: 2 });
    const db = join(dir, "t.db");
    const odd = "Nov  3 10:00:00 mx1 postfix/smtp[4242]: 4A1B2C3D4E: a line no Postfix version writes";
    appendFileSync(log, `${odd}\n`);
    const dry = await mailtrace(["ingest", "--dry-run", "--store", `sqlite:${db}`, "--tz", "UTC", log]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /\(dry run: nothing stored\)$/m);
    assert.match(dry.stdout, / 1 unparsed/);
    assert.equal(dry.stderr, `not understood: ${odd}\n`, "the lines not understood are shown");
    assert.equal(existsSync(db), false, "no store is opened or created");
    const real = await mailtrace(["ingest", "--store", `sqlite:${db}`, "--tz", "UTC", log]);
    assert.equal(real.code, 0, real.stderr);
    assert.deepEqual(counts(dry.stdout), counts(real.stdout), "the same lines, events and messages as a real ingest into a new store");
    const known = await mailtrace(["ingest", "--lang", "ja", "--store", `sqlite:${db}`, "--tz", "UTC", log]);
    assert.match(known.stdout, /から 0 行を読み込みました.*1 個は前回から変わっていませんでした/);
    const again = await mailtrace(["ingest", "--from-start", "--store", `sqlite:${db}`, "--tz", "UTC", log]);
    assert.deepEqual(counts(again.stdout), [counts(real.stdout)?.[0], 1, 0, 0], "read whole again, nothing stored twice");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
