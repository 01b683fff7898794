/** The reading layer (MIME, formats, status/reply/command) on hand-written bounce mails. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../support/temp-dir.ts";
import { decodeMail } from "../../src/bounce/decode.ts";
import { readInputs, splitMails, splitMbox } from "../../src/bounce/input.ts";
import { parseMail } from "../../src/bounce/mime.ts";
import { readOrigin } from "../../src/bounce/origin.ts";
import { parseRfc3464 } from "../../src/bounce/rfc3464.ts";
import { analyzeBounces, analyzeMail } from "../../src/bounce/analyze.ts";
import { settle } from "../../src/bounce/settle.ts";
import { findReplyCode, findStatus, preferStatus } from "../../src/bounce/smtp.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

async function decode(name: string) {
  const mail = await parseMail(fixture(name));
  const d = decodeMail(mail);
  return { mail, d, settled: (d?.records ?? []).map((r) => settle(r)) };
}

test("multipart/report with text/rfc822-headers: recipient, status, reply, command, origin", async () => {
  const { d, settled } = await decode("postfix-userunknown.eml");
  assert.ok(d);
  assert.equal(d.records.length, 1);
  assert.equal(d.records[0].recipient, "nobody@rcpt.mailtrace.test");
  assert.equal(settled[0].status, "5.1.1");
  assert.equal(settled[0].replyCode, "550");
  assert.equal(settled[0].smtpCommand, "RCPT");
  assert.equal(d.records[0].remoteMta, "mx.rcpt.mailtrace.test");
  const o = readOrigin(d.original);
  assert.equal(o.messageId, "orig-0001@sender.mailtrace.test");
  assert.equal(o.subject, "試験"); // ISO-2022-JP encoded word
});

test("qmail: two recipients with their own errors", async () => {
  const { d, settled } = await decode("qmail-two-recipients.eml");
  assert.equal(d?.mta, "qmail");
  assert.deepEqual(d?.records.map((r) => r.recipient), ["carol@far.mailtrace.test", "dave@far.mailtrace.test"]);
  assert.deepEqual(settled.map((s) => [s.status, s.replyCode]), [["5.1.1", "550"], ["5.2.2", "552"]]);
  assert.match(d?.original ?? "", /Message-ID: <q-1@sender/);
});

test("exim delay warning: delayed action, temporary status, command after RCPT", async () => {
  const { d, settled } = await decode("exim-delayed.eml");
  assert.equal(d?.mta, "exim");
  assert.equal(d?.records[0].recipient, "frank@slow.mailtrace.test");
  assert.equal(d?.records[0].action, "delayed");
  assert.equal(settled[0].status, "4.7.1");
  assert.equal(settled[0].replyCode, "451");
  assert.equal(settled[0].smtpCommand, "RCPT");
});

test("ISO-2022-JP text declared as us-ascii is decoded", async () => {
  const { mail, d } = await decode("jis-declared-ascii.eml");
  assert.match(mail.text, /このメールは配信できませんでした/);
  assert.equal(d?.records[0].recipient, "hana@jp.mailtrace.test");
});

test("Shift_JIS without charset and base64 EUC-JP parts are decoded", async () => {
  const { mail, d, settled } = await decode("sjis-nocharset.eml");
  assert.match(mail.body, /宛先のメールボックスが一杯です/);
  assert.match(mail.body, /宛先不明/);
  assert.equal(d?.records[0].recipient, "jun@sj.mailtrace.test");
  assert.equal(settled[0].status, "5.2.2");
});

test("a multipart whose boundary never appears is still read", async () => {
  const { d, settled } = await decode("broken-boundary.eml");
  assert.equal(d?.records[0].recipient, "leo@gone.mailtrace.test");
  assert.equal(settled[0].status, "5.4.4");
});

test("Exchange compact diagnostic line #< ... #5.7.1 smtp;530 ...> #SMTP#", async () => {
  const { d, settled } = await decode("exchange-compact.eml");
  assert.equal(d?.mta, "exchange2007");
  assert.equal(d?.records[0].recipient, "nick@corp.mailtrace.test");
  assert.equal(settled[0].status, "5.7.1");
  assert.equal(settled[0].replyCode, "530");
  assert.equal(d?.records[0].reportingMta, "EXCH01.corp.mailtrace.test");
});

test("ARF feedback report and RFC 3834 auto-reply", async () => {
  const arf = await decode("arf.eml");
  assert.equal(arf.d?.mta, "arf");
  assert.equal(arf.d?.records[0].recipient, "sam@isp.mailtrace.test");
  assert.equal(arf.d?.records[0].reason, "feedback");
  assert.equal(arf.d?.records[0].feedbackType, "abuse");
  const vac = await decode("vacation.eml");
  assert.equal(vac.d?.mta, "rfc3834");
  assert.equal(vac.d?.records[0].reason, "vacation");
  assert.equal(vac.d?.records[0].recipient, "olivia@away.mailtrace.test");
});

test("an ordinary mail is not a bounce", async () => {
  const { d } = await decode("not-a-bounce.eml");
  assert.equal(d, undefined);
});

test("status and reply code selection rules", () => {
  assert.equal(findStatus("550 5.1.1 <a@b> no such user (5.0.0)"), "5.1.1");
  assert.equal(findStatus("connect to 192.0.2.1 failed, agent v5.2.3"), "");
  assert.equal(preferStatus("5.0.0", "5.2.2"), "5.2.2");
  assert.equal(preferStatus("5.1.1", "5.1.1"), "5.1.1");
  assert.equal(findReplyCode("host 192.0.2.5 said: 554 5.7.1 rejected"), "554");
  assert.equal(findReplyCode("message of 550 bytes"), "");
});

test("inputs: mbox split, Maildir (cur/new, not tmp), unreadable path reported", async () => {
  const dir = tempDir("mailtrace-bounce-");
  const mbox = `From MAILER-DAEMON Mon Jun  2 10:00:05 2025\n${fixture("qmail-two-recipients.eml")}\nFrom MAILER-DAEMON Mon Jun  2 10:00:06 2025\n${fixture("exim-delayed.eml")}`;
  assert.equal(splitMbox(Buffer.from(mbox)).length, 2);
  writeFileSync(join(dir, "box.mbox"), mbox);
  for (const sub of ["cur", "new", "tmp"]) mkdirSync(join(dir, "md", sub), { recursive: true });
  writeFileSync(join(dir, "md", "cur", "1.eml"), fixture("arf.eml"));
  writeFileSync(join(dir, "md", "new", "2.eml"), fixture("vacation.eml"));
  writeFileSync(join(dir, "md", "tmp", "3.eml"), fixture("vacation.eml"));
  const seen: string[] = [];
  for await (const r of readInputs([join(dir, "box.mbox"), join(dir, "md"), join(dir, "missing.eml")])) seen.push(r.error ? `error:${r.file}` : r.file.slice(dir.length + 1));
  assert.deepEqual(seen, ["box.mbox#1", "box.mbox#2", "md/cur/1.eml", "md/new/2.eml", `error:${join(dir, "missing.eml")}`]);
});

test("a DSN without Diagnostic-Code: each recipient gets its own transcript lines and command", async () => {
  const mail = await parseMail(fixture("dsn-transcript-only.eml"));
  const r = parseRfc3464(mail);
  assert.ok(r);
  assert.deepEqual(
    r.records.map((x) => [x.recipient, x.smtpCommand, x.diagnosticCode]),
    [
      ["taro@example.net", "RCPT", "553 5.7.1 <taro@example.net>... Invalid recipient"],
      ["jiro@example.net", "RCPT", "552 5.2.2 <jiro@example.net>... Mailbox over quota"],
    ],
  );
  const bounces = (await analyzeMail(fixture("dsn-transcript-only.eml"), "t.eml")).bounces;
  assert.deepEqual(bounces.map((b) => [b.recipient, b.status, b.replyCode, b.reason]), [
    ["taro@example.net", "5.7.1", "553", "userunknown"],
    ["jiro@example.net", "5.2.2", "552", "mailboxfull"],
  ]);
});

test("exim retry timeout: given up after temporary failures, so a temporary pseudo status", async () => {
  const [b] = (await analyzeMail(fixture("exim-retry-timeout.eml"), "t.eml")).bounces;
  assert.deepEqual([b.recipient, b.reason, b.status, b.hardBounce, b.origin.messageId], ["gina@down.mailtrace.test", "expired", "4.0.947", false, "report-0606@sender.mailtrace.test"]);
});

test("free-text daemon mail of no known format: failed addresses from their lines, help addresses skipped", async () => {
  const r = await analyzeMail(fixture("freetext-daemon.eml"), "t.eml");
  assert.deepEqual(r.bounces.map((b) => [b.recipient, b.reason, b.mta, b.origin.messageId]), [
    ["taro@example.net", "mailboxfull", "freetext", "plans-1@example.co.jp"],
    ["jiro@example.net", "hostunknown", "freetext", "plans-1@example.co.jp"],
  ]);
  // an ordinary mail from a person that mentions addresses is still no bounce
  const plain = "From: taro@example.net\nTo: hanako@example.co.jp\nSubject: error in the report\n\nI could not reach jiro@example.net today.\n";
  assert.equal((await analyzeMail(Buffer.from(plain), "p.eml")).note, "not-a-bounce");
});

test("a saved mail with a second mail appended after an mbox From line is two mails", async () => {
  const one = "From: MAILER-DAEMON@a.example\nTo: x@example.jp\nSubject: Returned mail\n\nUser unknown: <u1@b.example>\n";
  const two = "From: MAILER-DAEMON@c.example\nTo: x@example.jp\nSubject: Returned mail\n\nUser unknown: <u2@d.example>\n";
  const bytes = Buffer.from(`${one}\nFrom MAILER-DAEMON  Tue Dec  1 10:00:00 2026\n${two}`);
  assert.equal(splitMails(bytes).length, 2);
  // a body line that merely starts with "From " is no separator
  assert.equal(splitMails(Buffer.from(`${one}\nFrom my side, thanks.\nbye\n`)).length, 1);
  const files: string[] = [];
  for await (const r of analyzeBounces([{ file: "saved.eml", bytes }])) files.push(`${r.file}:${r.bounces.map((b) => b.recipient).join(",")}`);
  assert.deepEqual(files, ["saved.eml#1:u1@b.example", "saved.eml#2:u2@d.example"]);
});
