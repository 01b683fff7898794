/**
 * `mailtrace report`: every row of a range as CSV, the same rows as `trace` prints, written
 * page by page; in the background with a mail through a real Postfix when it is ready (the
 * CSV attached) and when it failed.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { writePostfixLog } from "../../src/demo/postfix-log.ts";
import { mailtrace } from "../support/cli.ts";
import { skipUnlessPostfix, withPostfix } from "../support/postfix.ts";

const BOM = "\uFEFF";

/** A store of a generated log of `lines` lines over the last 6 days. */
async function storeOf(dir: string, lines: number): Promise<string> {
  const log = join(dir, "mail.log");
  await writePostfixLog(log, { start: Date.now() - 6 * 86400_000, lines, seed: 7, meanGapSeconds: (6 * 86400) / (lines / 10.4) });
  const store = `sqlite:${join(dir, "t.db")}`;
  const r = await mailtrace(["ingest", "--store", store, log]);
  assert.equal(r.code, 0, r.stderr);
  return store;
}

test("report: every row of the range, as trace prints them (more rows than one page), with --explain and filters; a file that exists is refused", { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-report-"));
  try {
    const store = await storeOf(dir, 120_000);
    // Times written out: a duration would be measured from a later "now" by the second command.
    const ago = (days: number) => new Date(Date.now() - days * 86400_000).toISOString();
    for (const filters of [["--since", ago(7)], ["--since", ago(7), "--status", "failed,pending", "--explain"], ["--recipient", "*.co.jp", "--since", ago(3)], ["--since", ago(7), "--min-delay", "10m"]]) {
      const out = join(dir, `r${filters.join("").replace(/[^a-z0-9]/gi, "")}.csv`);
      const r = await mailtrace(["report", "--store", store, "--out", out, "--lang", "en", ...filters]);
      assert.equal(r.code, 0, r.stderr);
      const csv = readFileSync(out, "utf8");
      assert.ok(csv.startsWith(BOM), "a BOM, for Excel");
      const tr = await mailtrace(["trace", "--store", store, "--format", "csv", "--limit", "50000", "--lang", "en", ...filters]);
      assert.equal(tr.code, 0, tr.stderr);
      const rows = csv.slice(1).split("\r\n").length - 2;
      assert.ok(rows > 100, `${filters.join(" ")}: ${rows} rows`);
      assert.equal(csv.slice(1), `${tr.stdout.replace(/\n$/, "")}\r\n`, `${filters.join(" ")}: the same rows as trace`);
      assert.match(r.stdout, new RegExp(`^${rows.toLocaleString("en-US")} rows written to `));
      assert.equal(existsSync(`${out}.part`), false);
    }
    const first = readdirSync(dir).filter((f) => f.endsWith(".csv")).map((f) => join(dir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
    assert.ok(readFileSync(first, "utf8").split("\r\n").length > 5000, "more than one page of 5,000 rows");
    const again = await mailtrace(["report", "--store", store, "--out", first]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /^mailtrace: --out .*: the file exists/);
    const bad = await mailtrace(["trace", "--store", store, "--limit", "60000"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /mailtrace report --out FILE\.csv/, "too many rows for trace: it says where to go");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("report --background: returns at once, mails when ready (CSV attached) and when it failed, through a real Postfix", { timeout: 120_000, skip: skipUnlessPostfix() }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-report-bg-"));
  try {
    const store = await storeOf(dir, 5_000);
    await withPostfix({ name: "notify", users: ["helpdesk"] }, async (pf) => {
      const to = `helpdesk@${pf.domain}`;
      const smtp = `${pf.address}:${pf.port}`;
      const out = join(dir, "90d.csv");
      const t0 = Date.now();
      const r = await mailtrace(["report", "--background", "--store", store, "--since", "90d", "--status", "failed", "--out", out, "--mail-to", to, "--smtp", smtp, "--attach", "--lang", "ja"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /バックグラウンドで開始しました（pid \d+）/);
      assert.ok(Date.now() - t0 < 5000, "it returned without waiting for the report");
      const mails = await pf.waitFor("the report's mail", () => (pf.mailbox("helpdesk").length ? pf.mailbox("helpdesk") : undefined), { timeoutMs: 60_000 });
      const csv = readFileSync(out, "utf8");
      const rows = csv.split("\r\n").length - 2;
      assert.ok(rows > 5, `${rows} failed rows`);
      const mail = mails[0];
      assert.match(mail, /^Auto-Submitted: auto-generated/m);
      assert.match(mail, /^Subject: =\?UTF-8\?/m, "a Japanese subject, encoded");
      assert.match(mail, /Content-Disposition: attachment; filename=90d\.csv/);
      assert.match(mail, /Content-Type: text\/csv/);
      // The attachment is the file, byte for byte.
      const b64 = /Content-Disposition: attachment; filename=90d\.csv\r?\n\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n--/.exec(mail)?.[1];
      assert.ok(b64, "a base64 attachment");
      assert.equal(Buffer.from(b64.replace(/\s+/g, ""), "base64").toString("utf8"), csv);

      // A store that cannot be read: the job fails after it started, and says so by mail and beside the file.
      const broken = join(dir, "broken.db");
      writeFileSync(broken, "not a database, just text that is long enough to be read as one ".repeat(100));
      const failedOut = join(dir, "failed.csv");
      const f = await mailtrace(["report", "--background", "--store", `sqlite:${broken}`, "--out", failedOut, "--mail-to", to, "--smtp", smtp, "--lang", "en"]);
      assert.equal(f.code, 0, f.stderr);
      const both = await pf.waitFor("the failure's mail", () => (pf.mailbox("helpdesk").length === 2 ? pf.mailbox("helpdesk") : undefined), { timeoutMs: 60_000 });
      const text = both[1].replace(/=\r?\n/g, ""); // quoted-printable's soft line breaks
      assert.match(text, /^Subject: mailtrace report failed/m);
      assert.match(text, /Error: store .* is not a usable mailtrace database/);
      assert.match(text, /^Search: --since 48h$/m, "the search as it ran (the default range)");
      assert.match(readFileSync(`${failedOut}.failed`, "utf8"), /is not a usable mailtrace database/);
      assert.equal(existsSync(failedOut), false, "no file under the asked name");
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
