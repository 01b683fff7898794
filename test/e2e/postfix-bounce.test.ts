/**
 * End to end: real Postfix bounces (issue 4). Two real Postfix instances on loopback
 * (test/support/postfix.ts); `out` sends four messages that cannot be delivered, returns a
 * non-delivery notification for each to the sender's Maildir, and the bounce analyzer (library
 * and `bin/mailtrace bounce`) must read each notification right.
 *
 *   client --swaks--> out (127.0.0.3, sender.test: carol; queue lifetime 4 s)
 *     example.test --> mx (127.0.0.2, example.test: alice; message_size_limit 20000)
 *     expire.test  --> 127.0.0.1:<nothing listens>
 *     silent.test  --> 127.0.0.1:<a listener that accepts and never greets> (smtp_helo_timeout 2 s)
 *
 * What Postfix really does (and the test asserts from its log):
 *   unknown user  mx refuses RCPT TO with 550 5.1.1; out bounces at once.
 *   over size     mx advertises "SIZE 20000" in its EHLO reply; out's smtp client compares the
 *                 message size itself and gives up before MAIL FROM (5.3.4, no reply code; mx
 *                 logs "lost connection after EHLO").
 *   refused       connection refused (4.4.1) on every try until the queue lifetime runs out:
 *                 "status=expired, returned to sender", the DSN keeps Status 4.4.1.
 *   silent        the 220 greeting never comes (4.4.2, timed out) until the lifetime runs out.
 * Unresolvable domains (NXDOMAIN, SERVFAIL) are in postfix-bounce-dns.test.ts: that instance
 * needs a resolv.conf of its own (a mount namespace), which not every machine allows.
 */
import assert from "node:assert/strict";
import { mailtrace } from "../support/cli.ts";
import { checkBounce, esc, type ExpectedBounce, sendAndAwaitBounces } from "./bounce-expect.ts";
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { analyzeAll, analyzeMail, type Bounce } from "../../src/bounce/analyze.ts";
import { freeTcpPort, instancePids, type PostfixInstance, type SendResult, skipUnlessPostfix, startPostfix } from "../support/postfix.ts";




const EXPECTED: Record<"unknown" | "size" | "refused" | "silent", ExpectedBounce> = {
  unknown: {
    to: "ghost@example.test",
    logDsn: "dsn=5.1.1, status=bounced",
    status: "5.1.1",
    replyCode: "550",
    reason: "userunknown",
    hardBounce: true,
    smtpCommand: "RCPT",
    remoteMta: "127.0.0.2",
    responsible: "sender",
    diagnostic: /^550 5\.1\.1 <ghost@example\.test>: Recipient address rejected: User unknown in virtual mailbox table$/,
  },
  size: {
    to: "alice@example.test",
    logDsn: "dsn=5.3.4, status=bounced",
    status: "5.3.4",
    // Decided by out's own client from mx's EHLO SIZE: no reply, no command, no Remote-MTA.
    replyCode: "",
    reason: "mesgtoobig",
    hardBounce: false,
    smtpCommand: "",
    remoteMta: "",
    responsible: "sender",
    diagnostic: /^message size \d+ exceeds size limit 20000 of server 127\.0\.0\.2\[127\.0\.0\.2\]$/,
  },
  refused: {
    to: "erin@expire.test",
    logDsn: "dsn=4.4.1, status=deferred",
    status: "4.4.1",
    replyCode: "",
    reason: "expired",
    hardBounce: false,
    smtpCommand: "",
    remoteMta: "",
    responsible: "network",
    diagnostic: /^connect to 127\.0\.0\.1\[127\.0\.0\.1\]:\d+: Connection refused$/,
  },
  silent: {
    to: "sam@silent.test",
    logDsn: "dsn=4.4.2, status=deferred",
    status: "4.4.2",
    replyCode: "",
    reason: "networkerror",
    hardBounce: false,
    smtpCommand: "CONN",
    remoteMta: "",
    responsible: "network",
    diagnostic: /^conversation with 127\.0\.0\.1\[127\.0\.0\.1\] timed out while receiving the initial server greeting$/,
  },
};

const CASES = Object.keys(EXPECTED) as (keyof typeof EXPECTED)[];

describe("Postfix end to end: real bounces -> bounce analyzer and CLI", { timeout: 120_000, skip: skipUnlessPostfix() }, () => {
  let mx: PostfixInstance;
  let out: PostfixInstance;
  let silent: Server;
  const silentSockets = new Set<Socket>();
  let sent = {} as Record<keyof typeof EXPECTED, SendResult>;
  let maildir: string;

  before(async () => {
    // Accepts the connection and never says a word.
    silent = createServer((s) => {
      silentSockets.add(s);
      s.on("close", () => silentSockets.delete(s));
      s.on("error", () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentPort = (silent.address() as { port: number }).port;
    const deadPort = await freeTcpPort("127.0.0.1");

    mx = await startPostfix({ name: "mx", address: "127.0.0.2", users: ["alice", "postmaster"], main: { message_size_limit: "20000" } });
    out = await startPostfix({
      name: "out",
      address: "127.0.0.3",
      domain: "sender.test",
      users: ["carol", "postmaster"],
      files: {
        transport: [`example.test smtp:${mx.nexthop}`, `expire.test smtp:[127.0.0.1]:${deadPort}`, `silent.test smtp:[127.0.0.1]:${silentPort}`, ""].join("\n"),
      },
      main: {
        transport_maps: "texthash:$config_directory/transport",
        maximal_queue_lifetime: "4s",
        bounce_queue_lifetime: "4s",
        smtp_helo_timeout: "2s",
        // One SMTP session per message to mx, so mx's log tells each story on its own.
        smtp_connection_cache_on_demand: "no",
      },
    });

    // About 28 kB: accepted by out (10 MB limit), too big for mx.
    const big = Array.from({ length: 400 }, (_, i) => `line ${i} ${"y".repeat(60)}`).join("\n");
    // Seconds when the machine is idle; the whole suite running beside it has taken over 40 s.
    ({ sent, maildir } = await sendAndAwaitBounces(out, {
      unknown: { to: EXPECTED.unknown.to, subject: "e2e bounce unknown user" },
      size: { to: EXPECTED.size.to, subject: "e2e bounce too big", body: big },
      refused: { to: EXPECTED.refused.to, subject: "e2e bounce refused" },
      silent: { to: EXPECTED.silent.to, subject: "e2e bounce silent" },
    }, 70_000));
  });

  after(async () => {
    await out?.stop();
    await mx?.stop();
    for (const s of silentSockets) s.destroy();
    await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
  });

  test("out's log tells what Postfix did with each message", () => {
    const log = out.log();
    for (const k of CASES) {
      const id = sent[k].queueId as string;
      const e = EXPECTED[k];
      assert.match(log, new RegExp(`postfix/smtp\\[\\d+\\]: ${id}: to=<${esc(e.to)}>, .*${esc(e.logDsn)} `), `${k}: ${e.logDsn}`);
      assert.match(log, new RegExp(`postfix/bounce\\[\\d+\\]: ${id}: sender non-delivery notification: [0-9A-F]+`), `${k}: a notification`);
    }
    assert.match(log, new RegExp(`${sent.unknown.queueId}: .*said: 550 5\\.1\\.1 .*\\(in reply to RCPT TO command\\)`));
    assert.match(log, new RegExp(`${sent.size.queueId}: .*status=bounced \\(message size \\d+ exceeds size limit 20000 of server`));
    // The two unreachable destinations were retried until their lifetime ran out (refused
    // fails at once, so about every second; silent takes its 2 s greeting timeout per try).
    for (const [k, least] of [["refused", 2], ["silent", 1]] as const) {
      const id = sent[k].queueId as string;
      const tries = log.split("\n").filter((l) => l.includes(`${id}: to=<`) && l.includes("status=deferred")).length;
      assert.ok(tries >= least, `${k}: retried (${tries} deferrals)`);
      assert.match(log, new RegExp(`postfix/qmgr\\[\\d+\\]: ${id}: from=<carol@sender\\.test>, status=expired, returned to sender`));
    }
    // mx: refused ghost at RCPT; the big message never got past EHLO (out's client gave up).
    const mxLog = mx.log();
    assert.match(mxLog, /NOQUEUE: reject: RCPT from unknown\[127\.0\.0\.3\]: 550 5\.1\.1 <ghost@example\.test>/);
    assert.match(mxLog, /lost connection after EHLO from unknown\[127\.0\.0\.3\]/);
    assert.doesNotMatch(mxLog, /alice@example\.test/, "mx never saw the big message's recipient");
  });

  test("the notifications on disk are Postfix DSNs for the right message", () => {
    const mails = out.mailbox("carol");
    for (const k of CASES) {
      const m = mails.find((x) => x.includes(`\nX-Postfix-Queue-ID: ${sent[k].queueId}\n`));
      assert.ok(m, `${k}: a notification names queue ID ${sent[k].queueId}`);
      assert.match(m, /^Return-Path: <>$/m);
      assert.match(m, /^Subject: Undelivered Mail Returned to Sender$/m);
      assert.match(m, /^Content-Type: multipart\/report; report-type=delivery-status;/m);
      assert.match(m, new RegExp(`^Final-Recipient: rfc822; ${esc(EXPECTED[k].to)}$`, "m"));
      assert.match(m, new RegExp(`^Status: ${esc(EXPECTED[k].status)}$`, "m"));
      assert.match(m, /^Action: failed$/m);
      assert.match(m, new RegExp(`^Message-Id: ${esc(sent[k].messageId)}$`, "m"), `${k}: the original's headers come back`);
    }
  });

  function check(k: keyof typeof EXPECTED, b: Bounce | undefined, via: string): void {
    const where = `${via} ${k}`;
    checkBounce(b, EXPECTED[k], { messageId: sent[k].messageId, addresser: "carol@sender.test", reportingMta: "out.sender.test" }, where);
    assert.ok(Math.abs(Date.parse(b.timestamp) - Date.now()) < 10 * 60_000, `${where}: timestamp ${b.timestamp} is now`);
  }


  test("library: analyzeAll on the Maildir, in en and ja", async () => {
    const en = await analyzeAll([maildir], { lang: "en" });
    const ja = await analyzeAll([maildir], { lang: "ja" });
    assert.equal(en.length, 4, JSON.stringify(en.map((r) => r.file)));
    for (const r of en) {
      assert.equal(r.error, undefined);
      assert.equal(r.note, undefined, `${r.file} is read as a bounce`);
      assert.equal(r.bounces.length, 1, `${r.file}: one bounced recipient`);
    }
    const enBounces = en.flatMap((r) => r.bounces);
    const jaBounces = ja.flatMap((r) => r.bounces);
    for (const k of CASES) {
      const b = enBounces.find((x) => x.recipient === EXPECTED[k].to);
      check(k, b, "en");
      const j = jaBounces.find((x) => x.recipient === EXPECTED[k].to);
      check(k, j, "ja");
      assert.notEqual(j?.explanation.summary, b?.explanation.summary, `${k}: ja text differs from en`);
      assert.match(j?.explanation.summary ?? "", /[\u3040-\u30ff\u4e00-\u9fff]/, `${k}: ja text is Japanese`);
      assert.notDeepEqual(j?.explanation.actions, b?.explanation.actions, `${k}: ja actions differ from en`);
    }
  });

  test("library: analyzeMail on one notification's bytes", async () => {
    const dir = join(maildir, "new");
    const file = readdirSync(dir)
      .map((f) => join(dir, f))
      .find((f) => readFileSync(f, "latin1").includes(`X-Postfix-Queue-ID: ${sent.unknown.queueId}`));
    assert.ok(file);
    const r = await analyzeMail(readFileSync(file), file);
    assert.equal(r.bounces.length, 1);
    check("unknown", r.bounces[0], "analyzeMail");
  });

  test("CLI: mailtrace bounce --format json on the Maildir", async () => {
    for (const lang of ["en", "ja"] as const) {
      const r = await mailtrace(["bounce", "--format", "json", "--lang", lang, maildir]);
      assert.equal(r.code, 0, r.stderr);
      const json = JSON.parse(r.stdout) as { bounces: Bounce[]; notes: string[] };
      assert.deepEqual(json.notes, []);
      assert.equal(json.bounces.length, 4);
      for (const k of CASES) check(k, json.bounces.find((b) => b.recipient === EXPECTED[k].to), `cli ${lang}`);
    }
  });

  test("no Postfix process is left once stopped", async () => {
    for (const pf of [out, mx]) {
      await pf.stop();
      assert.deepEqual(instancePids(pf.configDir), [], `${pf.name} left no process`);
    }
  });
});
