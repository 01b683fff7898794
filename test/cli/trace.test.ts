/** `bin/mailtrace trace` as a user runs it: the rows, and a word when the limit cut them. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { mailtrace } from "../support/cli.ts";

test("trace: the newest --limit rows, and on stderr (ja/en) that more match; nothing said when all are shown", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-cli-trace-"));
  try {
    const log = join(dir, "mail.log");
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) {
      const qid = `4A1B2C3D${(16 + i).toString(16).toUpperCase()}`;
      const t = `Jun 10 09:${String(i).padStart(2, "0")}:00 mx1`;
      lines.push(
        `${t} postfix/qmgr[102]: ${qid}: from=<alice@example.com>, size=1200, nrcpt=1 (queue active)`,
        `${t} postfix/smtp[104]: ${qid}: to=<bob${i}@example.jp>, relay=mx.example.jp[192.0.2.20]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok)`,
        `${t} postfix/qmgr[102]: ${qid}: removed`,
      );
    }
    writeFileSync(log, `${lines.join("\n")}\n`);
    const store = `sqlite:${join(dir, "t.db")}`;
    const ingest = await mailtrace(["ingest", "--store", store, "--year", "2024", "--tz", "UTC", log]);
    assert.equal(ingest.code, 0, ingest.stderr);
    const trace = (...args: string[]) => mailtrace(["trace", "--store", store, "--since", "2024-06-10T00:00:00Z", "--format", "json", ...args]);
    const cut = await trace("--limit", "5");
    assert.equal(cut.code, 0, cut.stderr);
    const rows = JSON.parse(cut.stdout) as { recipient: string }[];
    assert.deepEqual(rows.map((r) => r.recipient), ["bob11@example.jp", "bob10@example.jp", "bob9@example.jp", "bob8@example.jp", "bob7@example.jp"]);
    assert.match(cut.stderr, /^The newest 5 rows are shown; more match/);
    const ja = await trace("--limit", "5", "--lang", "ja");
    assert.match(ja.stderr, /^新しい順に 5 行を表示しました。ほかにも該当する行があります/);
    for (const limit of ["12", "13"]) {
      const all = await trace("--limit", limit);
      assert.equal((JSON.parse(all.stdout) as unknown[]).length, 12);
      assert.equal(all.stderr, "", `--limit ${limit}: every row shown, nothing to say`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("trace --explain: why each failed or waiting row did not arrive and who must act, in JSON, CSV and the table", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-cli-explain-"));
  try {
    const log = join(dir, "mail.log");
    writeFileSync(log, `${[
      "Jun 10 09:00:00 mx1 postfix/smtpd[100]: NOQUEUE: reject: RCPT from unknown[198.51.100.23]: 554 5.7.1 Service unavailable; Client host [198.51.100.23] blocked using zen.spamhaus.org; from=<spam@example.net> to=<taro@example.jp> proto=ESMTP helo=<x>",
      "Jun 10 09:01:00 mx1 postfix/qmgr[102]: 4A1B2C3D4E: from=<hanako@example.jp>, size=1200, nrcpt=1 (queue active)",
      "Jun 10 09:01:01 mx1 postfix/smtp[104]: 4A1B2C3D4E: to=<jiro@example.org>, relay=mx.example.org[192.0.2.20]:25, delay=1, delays=0/0/0/1, dsn=5.1.1, status=bounced (host mx.example.org[192.0.2.20] said: 550 5.1.1 <jiro@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command))",
      "Jun 10 09:01:01 mx1 postfix/qmgr[102]: 4A1B2C3D4E: removed",
      "Jun 10 09:02:00 mx1 postfix/qmgr[102]: 4A1B2C3D4F: from=<hanako@example.jp>, size=1200, nrcpt=1 (queue active)",
      "Jun 10 09:02:01 mx1 postfix/smtp[104]: 4A1B2C3D4F: to=<saburo@example.org>, relay=mx.example.org[192.0.2.20]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
      "Jun 10 09:02:01 mx1 postfix/qmgr[102]: 4A1B2C3D4F: removed",
    ].join("\n")}\n`);
    const store = `sqlite:${join(dir, "t.db")}`;
    assert.equal((await mailtrace(["ingest", "--store", store, "--year", "2024", "--tz", "UTC", log])).code, 0);
    const trace = (...args: string[]) => mailtrace(["trace", "--store", store, "--since", "2024-06-10T00:00:00Z", "--explain", ...args]);
    const json = JSON.parse((await trace("--format", "json")).stdout) as { recipient: string; reason: string | null; responsible: string | null; explanation: string | null }[];
    assert.deepEqual(json.map((r) => [r.recipient, r.reason, r.responsible]), [
      ["saburo@example.org", null, null], ["jiro@example.org", "userunknown", "sender"], ["taro@example.jp", "blocklisted", "sender"],
    ]);
    assert.match(json[2].explanation ?? "", /^Our server refused the sending server \[198\.51\.100\.23\]: it is on a blocklist/);
    const csv = await trace("--format", "csv", "--lang", "ja");
    assert.match(csv.stdout.split(/\r?\n/)[0], /,ref,delay,hops,reason,responsible,explanation$/);
    assert.match(csv.stdout, /example\.org に jiro@example\.org というメールボックスは存在しません/);
    const table = await trace();
    assert.match(table.stdout.split("\n")[0], /status +dsn +reason +responsible +explanation$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
