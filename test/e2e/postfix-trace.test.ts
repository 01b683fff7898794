/**
 * End to end: two real Postfix instances on loopback (test/support/postfix.ts) write their
 * maillog_files while real mail with known outcomes goes through them; then `bin/mailtrace
 * ingest` reads both logs into a temp store and `trace`/`show --format json` must tell each
 * story right.
 *
 *   client --swaks--> mx (127.0.0.2, example.test: alice, bob, postmaster; team -> bob, postmaster; header_checks)
 *   client --swaks--> out (127.0.0.3, syslog_name postfix-out, sender.test: carol) --relay--> mx
 *                     out --transport--> 127.0.0.1:<nothing listens> (refused.test)
 *   client --swaks--> late (127.0.0.4, maximal_queue_lifetime 3s) --> 127.0.0.1:<nothing listens>
 *
 * Outcomes: delivered locally; rejected at RCPT (unknown user); accepted by out, then bounced by
 * mx at RCPT (with the non-delivery notification back to carol); deferred (connection refused);
 * deferred, retried, then expired and returned to the sender; relayed out -> mx and delivered; held by header_checks; sent through a content filter
 * (header_checks FILTER to mx's own re-injection smtpd) and re-injected under a new queue ID.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { MAILTRACE, mailtrace } from "../support/cli.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { freeTcpPort, instancePids, type PostfixInstance, type SendResult, skipUnlessPostfix, startPostfix } from "../support/postfix.ts";


interface Row {
  time: string;
  host: string;
  queueId: string | null;
  messageId: string | null;
  sender: string | null;
  recipient: string | null;
  status: string;
  dsn: string | null;
  relay: string | null;
  detail: string | null;
  clientIp: string | null;
  size: number | null;
  subject: string | null;
  origTo: string | null;
  ref: string;
  hops: string[] | null;
}

interface ShowJson {
  messages: { host: string; queueId: string; messageId: string | null; sender: string | null; link: { kind: string; from: string | null } | null }[];
  recipients: {
    queueId: string; recipient: string | null; status: string; dsn: string | null; relay: string | null; detail: string | null;
    explanation: { reason: string; responsible: string; summary: string } | null;
  }[];
  events: { time: string; host: string; program: string; queueId: string; kind: string; recipient: string | null; dsn: string | null; text: string }[];
}


describe("Postfix end to end: real logs -> ingest -> trace/show", { timeout: 200_000, skip: skipUnlessPostfix() }, () => {
  let mx: PostfixInstance;
  let out: PostfixInstance;
  let late: PostfixInstance;
  let storeDir: string;
  let store: string;
  /** `ingest --follow` into a store of its own, running while the mail goes through. */
  let follower: ChildProcess | undefined;
  let followerExit: Promise<number | null>;
  let followStore: string;
  const sent: Record<string, SendResult> = {};

  before(async () => {
    storeDir = mkdtempSync(join(tmpdir(), "mailtrace-e2e-"));
    store = `sqlite:${join(storeDir, "trace.db")}`;
    const reinjectPort = await freeTcpPort("127.0.0.2");
    mx = await startPostfix({
      name: "mx",
      address: "127.0.0.2",
      domain: "example.test",
      users: ["alice", "bob", "postmaster"],
      contentFilter: true,
      reinjectPort,
      files: {
        virtual: "team@example.test bob@example.test, postmaster@example.test\n",
        header_checks: [
          "/^Subject:.*HOLDME/ HOLD quarantined for review",
          `/^Subject:.*SCANME/ FILTER filter:[127.0.0.2]:${reinjectPort}`,
          "",
        ].join("\n"),
      },
      // Only mail that header_checks sends to the filter goes there.
      main: { content_filter: "", header_checks: "regexp:$config_directory/header_checks", virtual_alias_maps: "texthash:$config_directory/virtual" },
    });
    const deadPort = await freeTcpPort("127.0.0.1");
    out = await startPostfix({
      name: "out",
      address: "127.0.0.3",
      domain: "sender.test",
      users: ["carol", "postmaster"],
      syslogName: "postfix-out",
      files: { transport: `example.test smtp:${mx.nexthop}\nrefused.test smtp:[127.0.0.1]:${deadPort}\n` },
      main: { transport_maps: "texthash:$config_directory/transport" },
    });

    // Gives up on a message after 3 s of retries (every second): deferred, deferred, expired.
    late = await startPostfix({
      name: "late",
      address: "127.0.0.4",
      domain: "late.test",
      users: ["frank", "postmaster"],
      files: { transport: `expire.test smtp:[127.0.0.1]:${deadPort}\n` },
      main: { transport_maps: "texthash:$config_directory/transport", maximal_queue_lifetime: "3s", bounce_queue_lifetime: "3s" },
    });

    followStore = `sqlite:${join(storeDir, "follow.db")}`;
    follower = spawn(MAILTRACE, ["ingest", "--follow", "--poll", "0.3", "--store", followStore, mx.maillog, out.maillog, late.maillog], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    const f = follower;
    followerExit = new Promise((resolve) => f.on("exit", (code) => resolve(code)));

    const from = "bob@client.test";
    const client = "127.0.0.9";
    sent.local = await mx.send({ from, to: "alice@example.test", subject: "e2e local", clientAddress: client });
    sent.alias = await mx.send({ from, to: "team@example.test", subject: "e2e alias", clientAddress: client });
    sent.reject = await mx.send({ from, to: "nobody@example.test", subject: "e2e reject", clientAddress: client });
    sent.hold = await mx.send({ from, to: "alice@example.test", subject: "HOLDME e2e hold", clientAddress: client });
    // Held too, then deleted by the administrator: it never arrives.
    sent.deleted = await mx.send({ from, to: "alice@example.test", subject: "HOLDME e2e deleted", clientAddress: client });
    sent.filter = await mx.send({ from, to: "alice@example.test", subject: "SCANME e2e filter", clientAddress: client });
    sent.relay = await out.send({ from: "carol@sender.test", to: "alice@example.test", subject: "e2e relay", clientAddress: client });
    sent.bounce = await out.send({ from: "carol@sender.test", to: "ghost@example.test", subject: "e2e bounce", clientAddress: client });
    sent.defer = await out.send({ from: "carol@sender.test", to: "dave@refused.test", subject: "e2e defer", clientAddress: client });
    sent.expire = await late.send({ from: "frank@late.test", to: "erin@expire.test", subject: "e2e expire", clientAddress: client });

    await mx.waitFor("both held", async () => (await mx.queue()).filter((e) => e.queue_name === "hold").length === 2);
    await mx.deleteQueued(sent.deleted.queueId as string);
    // Settled: mx keeps only the held message, out only the deferred one, and carol got her bounce.
    await mx.waitFor("only the held message queued", async () => {
      const q = await mx.queue();
      return q.length === 1 && q[0].queue_name === "hold";
    });
    // Deferred at least once, in whichever queue it waits: with the tests' 1 s retries, qmgr may
    // meet the file while the smtp process that deferred it still holds it, and then parks it in
    // `incoming` for 60 s ("skipped, still being delivered"), which is no fault of the trace.
    await out.waitFor("only the deferred message queued", async () => {
      const q = await out.queue();
      const r = q.length === 1 ? q[0].recipients[0] : undefined;
      return r?.address === "dave@refused.test" && /Connection refused/.test(r.delay_reason ?? "");
    });
    await out.waitFor("carol's non-delivery notification", () => out.mailbox("carol").length === 1);
    await mx.waitFor("alice's three messages", () => mx.mailbox("alice").length === 3);
    await mx.waitFor("the team's message for bob and postmaster", () => mx.mailbox("bob").length === 1 && mx.mailbox("postmaster").length === 1);
    // Past a minute: a retry that qmgr parks in `incoming` (see above) waits 60 s before it expires.
    await late.waitFor("frank's non-delivery notification", () => late.mailbox("frank").length === 1, { timeoutMs: 90_000 });
    await late.waitForQueueEmpty({ timeoutMs: 30_000 });

    const ingest = await mailtrace(["ingest", "--store", store, mx.maillog, out.maillog, late.maillog]);
    assert.equal(ingest.code, 0, ingest.stderr);
    console.log(`ingest: ${ingest.stdout.trim()}`);
    assert.match(ingest.stdout, / 0 unparsed/, "every Postfix line of the real logs is understood");
    // Again, as from cron: each log is read on from where the first ingest stopped (the instances
    // still run, so a few lines may have been added), and the summary says so, here in Japanese.
    const again = await mailtrace(["ingest", "--lang", "ja", "--store", store, mx.maillog, out.maillog, late.maillog]);
    assert.equal(again.code, 0, again.stderr);
    console.log(`ingest again: ${again.stdout.trim()}`);
    const first = Number(/^(\d+) lines read/.exec(ingest.stdout)?.[1]);
    const m = /から (\d+) 行を読み込みました.*（(\d+) 個のファイルは前回の取り込みが終わった位置から続きを読み、(\d+) 個は前回から変わっていませんでした/.exec(again.stdout);
    assert.ok(m, again.stdout);
    assert.equal(Number(m[2]) + Number(m[3]), 3, "all three logs known from the first ingest");
    assert.ok(Number(m[1]) < first / 10, `read ${m[1]} lines again of ${first}`);
  });

  after(async () => {
    if (follower && follower.exitCode === null) {
      follower.kill("SIGKILL");
      await followerExit;
    }
    await late?.stop();
    await out?.stop();
    await mx?.stop();
    if (storeDir) rmSync(storeDir, { recursive: true, force: true });
  });

  async function trace(...args: string[]): Promise<Row[]> {
    const r = await mailtrace(["trace", "--store", store, "--format", "json", "--since", "2h", ...args]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Row[];
  }

  async function show(key: string): Promise<ShowJson> {
    const r = await mailtrace(["show", "--store", store, "--format", "json", key]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as ShowJson;
  }

  test("all messages were sent as planned", () => {
    for (const k of ["local", "alias", "hold", "deleted", "filter", "relay", "bounce", "defer", "expire"]) {
      assert.equal(sent[k].code, 0, `${k}: ${sent[k].transcript}`);
      assert.ok(sent[k].queueId, `${k} got a queue ID`);
    }
    assert.notEqual(sent.reject.code, 0);
    assert.match(sent.reject.transcript, /550 5\.1\.1/);
  });

  test("delivered locally", async () => {
    const rows = await trace("--queue-id", sent.local.queueId as string);
    assert.equal(rows.length, 1, JSON.stringify(rows));
    const r = rows[0];
    assert.equal(r.host, "mx");
    assert.equal(r.status, "delivered");
    assert.equal(r.recipient, "alice@example.test");
    assert.equal(r.sender, "bob@client.test");
    assert.equal(r.dsn, "2.0.0");
    assert.equal(r.relay, "virtual");
    assert.equal(r.clientIp, "127.0.0.9");
    assert.equal(r.messageId, sent.local.messageId.replace(/^<|>$/g, ""));
    assert.ok(r.size && r.size > 100);
    assert.match(r.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
    assert.ok(Math.abs(Date.parse(r.time) - Date.now()) < 10 * 60_000, `time ${r.time} is now`);
  });

  test("sent to an alias: a row per address it expanded to, found by the address as sent", async () => {
    const rows = await trace("--recipient", "Team@Example.test");
    assert.deepEqual(rows.map((r) => [r.recipient, r.origTo, r.status, r.queueId]).sort(), [
      ["bob@example.test", "team@example.test", "delivered", sent.alias.queueId],
      ["postmaster@example.test", "team@example.test", "delivered", sent.alias.queueId],
    ]);
    assert.equal((await trace("--recipient", "*@example.test", "--queue-id", sent.alias.queueId as string)).length, 2);
    const csv = await mailtrace(["trace", "--store", store, "--format", "csv", "--since", "2h", "--recipient", "team@example.test"]);
    assert.match(csv.stdout.split(/\r?\n/)[0], /,subject,origTo,ref,delay,hops$/);
    const text = await mailtrace(["show", "--store", store, "--lang", "en", sent.alias.queueId as string]);
    assert.match(text.stdout, /bob@example\.test {2}\[as sent to team@example\.test\] {2}delivered/);
  });

  test("rejected at RCPT: a NOQUEUE row", async () => {
    const rows = (await trace("--recipient", "nobody@example.test")).filter((r) => r.host === "mx");
    assert.equal(rows.length, 1, JSON.stringify(rows));
    const r = rows[0];
    assert.equal(r.status, "failed");
    assert.equal(r.queueId, null);
    assert.equal(r.dsn, "5.1.1");
    assert.equal(r.sender, "bob@client.test");
    assert.equal(r.clientIp, "127.0.0.9");
    assert.match(r.detail ?? "", /User unknown in virtual mailbox table/);
    // No queue ID, but a key that show takes: what our refusal means, seen from our side.
    assert.match(r.ref, /^NOQUEUE-\d+$/);
    const s = await show(r.ref);
    assert.deepEqual(s.recipients.map((x) => [x.recipient, x.explanation?.reason, x.explanation?.responsible]), [["nobody@example.test", "userunknown", "sender"]]);
    const text = await mailtrace(["show", "--store", store, "--lang", "en", r.ref]);
    assert.match(text.stdout, /userunknown: Our server refused the message: there is no mailbox nobody@example\.test here\./);
  });

  test("accepted by out, bounced by mx, notification back to the sender", async () => {
    const rows = await trace("--recipient", "ghost@example.test");
    const outRow = rows.find((r) => r.host === "out");
    assert.ok(outRow, JSON.stringify(rows));
    assert.equal(outRow.queueId, sent.bounce.queueId);
    assert.equal(outRow.status, "failed");
    assert.equal(outRow.dsn, "5.1.1");
    assert.match(outRow.relay ?? "", /127\.0\.0\.2/);
    assert.match(outRow.detail ?? "", /said: 550 5\.1\.1 .*in reply to RCPT TO command/);
    // mx refused it at RCPT: the other side of the same story, a NOQUEUE row from out's address.
    const mxRow = rows.find((r) => r.host === "mx");
    assert.equal(mxRow?.status, "failed");
    assert.equal(mxRow?.clientIp, "127.0.0.3");

    const s = await show(sent.bounce.queueId as string);
    const notice = s.messages.find((m) => m.link?.kind === "bounce");
    assert.ok(notice, `a linked notification: ${JSON.stringify(s.messages)}`);
    assert.equal(notice.sender ?? "", "", "a notification has the null sender <>");
    const noticeRcpt = s.recipients.find((r) => r.queueId === notice.queueId);
    assert.equal(noticeRcpt?.recipient, "carol@sender.test");
    assert.equal(noticeRcpt?.status, "delivered");
    assert.ok(s.events.some((e) => e.program === "postfix-out/bounce" && e.text.includes(`sender non-delivery notification: ${notice.queueId}`)));
    assertTimeOrder(s);
    // Why, and who must act: mx's reply read as a bounce would be.
    const ghost = s.recipients.find((r) => r.recipient === "ghost@example.test");
    assert.deepEqual([ghost?.explanation?.reason, ghost?.explanation?.responsible], ["userunknown", "sender"]);
    const text = await mailtrace(["show", "--store", store, "--lang", "ja", sent.bounce.queueId as string]);
    assert.match(text.stdout, /userunknown: example\.test に ghost@example\.test というメールボックスは存在しません/);
  });

  test("deferred: connection refused, still pending", async () => {
    const rows = await trace("--recipient", "dave@refused.test");
    assert.equal(rows.length, 1, JSON.stringify(rows));
    const r = rows[0];
    assert.equal(r.host, "out");
    assert.equal(r.status, "pending");
    assert.match(r.dsn ?? "", /^4\./);
    assert.match(r.detail ?? "", /Connection refused/);
    const pending = await trace("--status", "pending");
    assert.deepEqual(pending.map((x) => x.recipient), ["dave@refused.test"]);
    const s = await show(r.queueId as string);
    assert.deepEqual([s.recipients[0].explanation?.reason, s.recipients[0].explanation?.responsible], ["networkerror", "network"]);
  });

  test("deferred, retried, expired: failed, with the notification linked", async () => {
    const rows = await trace("--recipient", "erin@expire.test");
    assert.equal(rows.length, 1, JSON.stringify(rows));
    const r = rows[0];
    assert.equal(r.host, "late");
    assert.equal(r.queueId, sent.expire.queueId);
    assert.equal(r.status, "failed");
    assert.match(r.dsn ?? "", /^4\./, "the last attempt's transient code stays");
    const s = await show(sent.expire.queueId as string);
    const deferrals = s.events.filter((e) => e.queueId === sent.expire.queueId && e.text.includes("status=deferred"));
    assert.ok(deferrals.length >= 2, `retried: ${deferrals.length} deferrals`);
    assert.ok(s.events.some((e) => e.program === "postfix/qmgr" && e.text.includes("status=expired, returned to sender")));
    const notice = s.messages.find((m) => m.link?.kind === "bounce");
    assert.ok(notice, JSON.stringify(s.messages));
    assert.equal(s.recipients.find((x) => x.queueId === notice.queueId)?.recipient, "frank@late.test");
    assert.equal(s.recipients.find((x) => x.recipient === "erin@expire.test")?.explanation?.reason, "expired");
    assertTimeOrder(s);
  });

  test("relayed out -> mx: one trace across both hosts", async () => {
    // Each queue entry's row (--each-hop): out handed it to mx, which delivered it.
    const rows = (await trace("--each-hop", "--sender", "carol@sender.test", "--recipient", "alice@example.test")).sort((a, b) => a.host.localeCompare(b.host));
    assert.deepEqual(rows.map((r) => [r.host, r.status]), [["mx", "delivered"], ["out", "delivered"]]);
    const outRow = rows[1];
    assert.equal(outRow.queueId, sent.relay.queueId);
    assert.match(outRow.relay ?? "", /^127\.0\.0\.2\[127\.0\.0\.2\]:\d+$/);
    const mxQueueId = /queued as ([0-9A-F]+)/.exec(outRow.detail ?? "")?.[1];
    assert.ok(mxQueueId, outRow.detail ?? "");
    assert.equal(rows[0].queueId, mxQueueId);
    assert.equal(rows[0].clientIp, "127.0.0.3");
    // The trace's own row: one, with mx's outcome, the client out took it from, and the hop.
    const one = await trace("--sender", "carol@sender.test", "--recipient", "alice@example.test");
    assert.deepEqual(one.map((r) => [r.host, r.queueId, r.status, r.relay, r.clientIp, r.hops]), [["mx", mxQueueId, "delivered", rows[0].relay, "127.0.0.9", [sent.relay.queueId]]]);
    // Found by out's queue ID, and by the client out took it from, all the same.
    assert.deepEqual((await trace("--queue-id", sent.relay.queueId as string)).map((r) => r.queueId), [mxQueueId]);
    assert.deepEqual((await trace("--client-ip", "127.0.0.9", "--sender", "carol@sender.test", "--recipient", "alice@example.test")).map((r) => r.queueId), [mxQueueId]);

    const s = await show(sent.relay.queueId as string);
    assert.deepEqual(s.messages.map((m) => [m.host, m.queueId]).sort(), [["mx", mxQueueId], ["out", sent.relay.queueId]].sort());
    assert.ok(s.events.some((e) => e.host === "mx" && e.program === "postfix/virtual" && e.text.includes("status=sent")));
    assertTimeOrder(s);
    // The Message-ID finds the same story.
    const byId = await show(sent.relay.messageId);
    assert.deepEqual(byId.messages.map((m) => m.queueId).sort(), s.messages.map((m) => m.queueId).sort());
  });

  test("held by header_checks: quarantined", async () => {
    const rows = await trace("--status", "quarantined");
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rows[0].queueId, sent.hold.queueId);
    assert.equal(rows[0].recipient, "alice@example.test");
    assert.match(rows[0].detail ?? "", /HOLDME/);
    const s = await show(sent.hold.queueId as string);
    assert.ok(s.events.some((e) => e.program === "postfix/cleanup" && /hold: header Subject: HOLDME e2e hold/.test(e.text)));
    // How to let it go: the command names this queue ID on this host.
    const held = s.recipients.find((x) => x.recipient === "alice@example.test")?.explanation;
    assert.equal(held?.reason, "hold-queue");
    assert.match((held as { actions?: string[] } | null)?.actions?.[0] ?? "", new RegExp(`postsuper -H ${sent.hold.queueId} on mx`));
  });

  test("held, then deleted by the administrator (postsuper -d): failed, and said so", async () => {
    const rows = await trace("--queue-id", sent.deleted.queueId as string);
    assert.deepEqual(rows.map((r) => [r.recipient, r.status]), [["alice@example.test", "failed"]]);
    assert.match(rows[0].detail ?? "", /^deleted: .*postsuper/);
    const s = await show(sent.deleted.queueId as string);
    assert.ok(s.events.some((e) => e.program === "postfix/postsuper" && e.text === `${sent.deleted.queueId}: removed`), JSON.stringify(s.events));
    const why = s.recipients[0]?.explanation;
    assert.deepEqual([why?.reason, why?.responsible], ["deleted", "our-side"]);
    assert.ok(!mx.mailbox("alice").some((m) => m.includes("HOLDME e2e deleted")), "it did not arrive");
  });

  test("content filter: re-injected under a new queue ID, one timeline", async () => {
    const s = await show(sent.filter.queueId as string);
    assert.equal(s.messages.length, 2, JSON.stringify(s.messages));
    const first = s.messages.find((m) => m.queueId === sent.filter.queueId);
    const second = s.messages.find((m) => m.queueId !== sent.filter.queueId);
    assert.ok(first && second);
    assert.equal(second.messageId, first.messageId);
    const final = s.recipients.find((r) => r.queueId === second.queueId);
    assert.equal(final?.status, "delivered");
    assert.equal(final?.relay, "virtual");
    assert.ok(s.events.some((e) => e.queueId === sent.filter.queueId && e.text.includes(`queued as ${second.queueId}`)));
    assertTimeOrder(s);
    // One trace row, not the filter's "delivered" beside the mailbox's: the re-injected entry's outcome.
    const rows = await trace("--queue-id", sent.filter.queueId as string);
    assert.deepEqual(rows.map((r) => [r.queueId, r.status, r.relay, r.clientIp, r.hops]), [[second.queueId, "delivered", "virtual", "127.0.0.9", [sent.filter.queueId]]]);
  });

  test("ingest --follow, running while the mail went through, stored what the batch ingest did", async () => {
    const rowsOf = async (s: string) => {
      const r = await mailtrace(["trace", "--store", s, "--format", "json", "--since", "2h", "--limit", "50000"]);
      if (r.code !== 0) return [];
      return (JSON.parse(r.stdout) as Row[]).map((x) => JSON.stringify([x.time, x.host, x.queueId, x.messageId, x.sender, x.recipient, x.origTo, x.status, x.dsn])).sort();
    };
    await mailtrace(["ingest", "--store", store, mx.maillog, out.maillog, late.maillog]); // what has been logged since
    const want = await rowsOf(store);
    assert.ok(want.length >= 10, `${want.length} rows`);
    const deadline = Date.now() + 20_000;
    let got = await rowsOf(followStore);
    while (JSON.stringify(got) !== JSON.stringify(want) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      got = await rowsOf(followStore);
    }
    follower?.kill("SIGTERM");
    assert.equal(await followerExit, 0, "ended by SIGTERM, cleanly");
    assert.deepEqual(got, want);
  });

  test("no Postfix process is left once stopped", async () => {
    for (const pf of [late, out, mx]) {
      await pf.stop();
      assert.deepEqual(instancePids(pf.configDir), [], `${pf.name} left no process`);
    }
  });
});

function assertTimeOrder(s: ShowJson): void {
  const times = s.events.map((e) => Date.parse(e.time));
  for (let i = 1; i < times.length; i++) assert.ok(times[i] >= times[i - 1], `timeline in time order at ${i}: ${s.events[i].text}`);
}
