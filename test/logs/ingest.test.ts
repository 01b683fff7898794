/** Line reading in ingest: chunks that cut a UTF-8 character or a line, CRLF, stdin. */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { ingestFiles, utf8CompleteEnd } from "../../src/logs/ingest.ts";
import { openStore } from "../../src/store/open.ts";

test("utf8CompleteEnd: the end of the last whole character", () => {
  const ja = Buffer.from("件名", "utf8"); // two 3-byte characters
  assert.equal(utf8CompleteEnd(Buffer.from("abc")), 3);
  assert.equal(utf8CompleteEnd(ja), 6);
  for (let cut = 1; cut < 3; cut++) assert.equal(utf8CompleteEnd(ja.subarray(0, 3 + cut)), 3, `cut ${cut} bytes into the second character`);
  const emoji = Buffer.from("x😀", "utf8"); // a 4-byte character
  for (let cut = 1; cut < 4; cut++) assert.equal(utf8CompleteEnd(emoji.subarray(0, 1 + cut)), 1);
  assert.equal(utf8CompleteEnd(emoji), 5);
  assert.equal(utf8CompleteEnd(Buffer.from([0x61, 0x80, 0x80])), 3, "stray continuation bytes are left to the decoder");
  assert.equal(utf8CompleteEnd(Buffer.alloc(0)), 0);
});

test("ingest: a subject in Japanese read from chunks cut inside its characters and lines is stored whole", async () => {
  const subject = "請求書のご案内（12月分）";
  const log = [
    "Dec  1 10:00:00 mx1 postfix/smtpd[100]: 4A1B2C3D4E: client=mail.example.com[192.0.2.10]",
    `Dec  1 10:00:01 mx1 postfix/cleanup[101]: 4A1B2C3D4E: warning: header Subject: ${subject} from mail.example.com[192.0.2.10]; from=<a@example.com> to=<b@example.jp> proto=ESMTP helo=<mail.example.com>`,
    "Dec  1 10:00:01 mx1 postfix/cleanup[101]: 4A1B2C3D4E: message-id=<x1@example.com>",
    "Dec  1 10:00:02 mx1 postfix/qmgr[102]: 4A1B2C3D4E: from=<a@example.com>, size=1200, nrcpt=1 (queue active)",
    "Dec  1 10:00:03 mx1 postfix/smtp[103]: 4A1B2C3D4E: to=<b@example.jp>, relay=mx.example.jp[192.0.2.20]:25, delay=3, delays=0.1/0/1/1.9, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
    "Dec  1 10:00:03 mx1 postfix/qmgr[102]: 4A1B2C3D4E: removed",
  ].join("\r\n");
  const bytes = Buffer.from(`${log}\r\n`, "utf8");
  const at = bytes.indexOf(Buffer.from("案", "utf8"));
  // Chunks of 1 to 7 bytes, so that every character is cut somewhere in some chunk.
  let cutInside = 0;
  for (const size of [1, 2, 5, 7]) {
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    if (Math.ceil(at / size) * size < at + 3 && at % size !== 0) cutInside++;
    const store = await openStore("sqlite::memory:");
    const summary = await ingestFiles(store, ["-"], { stdin: Readable.from(chunks, { objectMode: false }), year: 2026, tz: "UTC" });
    assert.deepEqual([summary.lines, summary.messages, summary.unparsed, summary.errors.length], [6, 1, 0, 0], `chunks of ${size}`);
    const [row] = await store.trace({ since: 0, limit: 10 });
    assert.equal(row.subject, subject, `chunks of ${size}`);
    assert.equal(row.status, "delivered");
    const shown = await store.show("4A1B2C3D4E");
    assert.ok(shown.events.some((e) => e.text.includes(subject)), "the raw line keeps the subject");
    assert.ok(shown.events.every((e) => !e.text.endsWith("\r") && !e.text.includes("\uFFFD")));
    await store.close();
  }
  assert.ok(cutInside >= 2, "some chunks end inside 案");
});
