/**
 * End to end: real Postfix bounces for unresolvable domains (issue 4). One real Postfix
 * (test/support/postfix.ts) resolves through a real unbound (test/support/dns-server.ts) on
 * port 53 of a spare loopback address: the instance runs in its own mount namespace with the
 * test's resolv.conf bind-mounted over /etc/resolv.conf (`resolvConf`), so the machine's
 * resolv.conf is never touched or read. The notifications land in the sender's Maildir and the
 * bounce analyzer (library and `bin/mailtrace bounce`) must read each one right.
 *
 *   client --swaks--> out (127.0.0.4, sender.test: carol; queue lifetime 4 s; DNS: unbound)
 *     gone.dns.test  NXDOMAIN (dns.test is a zone of unbound's own with no such name)
 *     broken.test    SERVFAIL (unbound's upstream for it refuses every query)
 *
 * What Postfix 3.7 really does (and the test asserts from its log):
 *   nxdomain  the MX lookup finds no such name, Postfix falls back to the A lookup, which finds
 *             none either: "Host or domain name not found. Name service error for
 *             name=gone.dns.test type=A: Host not found", dsn=5.4.4, status=bounced at once.
 *   servfail  "... type=MX: Host not found, try again", dsn=4.4.3, deferred on every try until
 *             the queue lifetime runs out: "status=expired, returned to sender", the DSN keeps
 *             Status 4.4.3.
 */
import assert from "node:assert/strict";
import { mailtrace } from "../support/cli.ts";
import { checkBounce, esc, type ExpectedBounce, sendAndAwaitBounces } from "./bounce-expect.ts";
import { readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { analyzeAll, type Bounce } from "../../src/bounce/analyze.ts";
import { freeLoopbackAddress, type RunningDnsServer, startDnsServer } from "../support/dns-server.ts";
import {
  instancePids,
  namespacePids,
  type PostfixInstance,
  type SendResult,
  skipUnlessMountNamespace,
  startPostfix,
} from "../support/postfix.ts";




const EXPECTED: Record<"nxdomain" | "servfail", ExpectedBounce> = {
  nxdomain: {
    to: "dan@gone.dns.test",
    logDsn: "dsn=5.4.4, status=bounced",
    status: "5.4.4",
    reason: "hostunknown",
    hardBounce: true,
    responsible: "sender",
    diagnostic: /^Host or domain name not found\. Name service error for name=gone\.dns\.test type=A: Host not found$/,
  },
  servfail: {
    to: "eve@broken.test",
    logDsn: "dsn=4.4.3, status=deferred",
    status: "4.4.3",
    // A failing lookup, not a missing domain: the domain may well exist (sisimai 4.25 says
    // hostunknown here; its NetworkError covers "DNS look up failure").
    reason: "networkerror",
    hardBounce: false,
    responsible: "network",
    diagnostic: /^Host or domain name not found\. Name service error for name=broken\.test type=MX: Host not found, try again$/,
  },
};

const CASES = Object.keys(EXPECTED) as (keyof typeof EXPECTED)[];

describe("Postfix end to end: unresolvable domains -> bounce analyzer and CLI", { timeout: 60_000, skip: skipUnlessMountNamespace() }, () => {
  let dns: RunningDnsServer;
  let out: PostfixInstance;
  let mountNamespace: string;
  let maildir: string;
  let sent = {} as Record<keyof typeof EXPECTED, SendResult>;
  const machineResolvConf = readFileSync("/etc/resolv.conf", "utf8");

  before(async () => {
    const address = await freeLoopbackAddress(53);
    dns = await startDnsServer({
      address,
      port: 53,
      zones: {
        "dns.test": [
          "dns.test. 300 IN SOA ns.dns.test. hostmaster.dns.test. 1 3600 600 86400 300",
          "mx.dns.test. 300 IN A 192.0.2.25",
        ],
      },
      servfail: ["broken.test"],
    });
    out = await startPostfix({
      name: "outdns",
      address: "127.0.0.4",
      domain: "sender.test",
      users: ["carol", "postmaster"],
      resolvConf: `nameserver ${address}\noptions timeout:1 attempts:2\n`,
      main: { maximal_queue_lifetime: "4s", bounce_queue_lifetime: "4s" },
    });
    mountNamespace = out.mountNamespace as string;

    ({ sent, maildir } = await sendAndAwaitBounces(out, {
      nxdomain: { to: EXPECTED.nxdomain.to, subject: "e2e bounce nxdomain" },
      servfail: { to: EXPECTED.servfail.to, subject: "e2e bounce servfail" },
    }, 30_000));
  });

  after(async () => {
    await out?.stop();
    await dns?.stop();
  });

  test("the instance resolves through the test's DNS server; the machine's resolv.conf is untouched", () => {
    assert.match(mountNamespace, /^mnt:\[\d+\]$/, "a mount namespace of its own");
    assert.notEqual(mountNamespace, readlinkSync("/proc/self/ns/mnt"));
    assert.equal(readFileSync("/etc/resolv.conf", "utf8"), machineResolvConf);
    assert.equal(out.postconf("smtp_dns_support_level"), "enabled");
    assert.equal(out.postconf("smtp_host_lookup"), "dns");
  });

  test("out's log tells what Postfix did with each message", () => {
    const log = out.log();
    for (const k of CASES) {
      const id = sent[k].queueId as string;
      const e = EXPECTED[k];
      assert.match(log, new RegExp(`postfix/smtp\\[\\d+\\]: ${id}: to=<${esc(e.to)}>, relay=none, .*${esc(e.logDsn)} `), `${k}: ${e.logDsn}`);
      assert.match(log, new RegExp(`postfix/bounce\\[\\d+\\]: ${id}: sender non-delivery notification: [0-9A-F]+`), `${k}: a notification`);
    }
    const nx = sent.nxdomain.queueId as string;
    assert.match(log, new RegExp(`${nx}: .*status=bounced \\(Host or domain name not found\\. Name service error for name=gone\\.dns\\.test type=A: Host not found\\)`));
    assert.equal(log.split("\n").filter((l) => l.includes(`${nx}: to=<`)).length, 1, "nxdomain: one try, no retry");
    const sf = sent.servfail.queueId as string;
    const tries = log.split("\n").filter((l) => l.includes(`${sf}: to=<`) && l.includes("status=deferred (Host or domain name not found. Name service error for name=broken.test type=MX: Host not found, try again)")).length;
    assert.ok(tries >= 2, `servfail: retried (${tries} deferrals)`);
    assert.match(log, new RegExp(`postfix/qmgr\\[\\d+\\]: ${sf}: from=<carol@sender\\.test>, status=expired, returned to sender`));
  });

  test("the notifications on disk are Postfix DSNs for the right message", () => {
    const mails = out.mailbox("carol");
    for (const k of CASES) {
      const m = mails.find((x) => x.includes(`\nX-Postfix-Queue-ID: ${sent[k].queueId}\n`));
      assert.ok(m, `${k}: a notification names queue ID ${sent[k].queueId}`);
      assert.match(m, /^Return-Path: <>$/m);
      assert.match(m, /^Content-Type: multipart\/report; report-type=delivery-status;/m);
      assert.match(m, new RegExp(`^Final-Recipient: rfc822; ${esc(EXPECTED[k].to)}$`, "m"));
      assert.match(m, new RegExp(`^Status: ${esc(EXPECTED[k].status)}$`, "m"));
      assert.match(m, /^Action: failed$/m);
      assert.match(m, /^Diagnostic-Code: X-Postfix; Host or domain name not found\. Name service error$/m);
      assert.match(m, new RegExp(`^Message-Id: ${esc(sent[k].messageId)}$`, "m"), `${k}: the original's headers come back`);
    }
  });

  function check(k: keyof typeof EXPECTED, b: Bounce | undefined, via: string): void {
    checkBounce(b, EXPECTED[k], { messageId: sent[k].messageId, addresser: "carol@sender.test", reportingMta: "outdns.sender.test" }, `${via} ${k}`);
  }


  function compareLangs(en: Bounce[], ja: Bounce[], via: string): void {
    for (const k of CASES) {
      const b = en.find((x) => x.recipient === EXPECTED[k].to);
      const j = ja.find((x) => x.recipient === EXPECTED[k].to);
      check(k, b, `${via} en`);
      check(k, j, `${via} ja`);
      assert.notEqual(j?.explanation.summary, b?.explanation.summary, `${via} ${k}: ja text differs from en`);
      assert.match(j?.explanation.summary ?? "", /[\u3040-\u30ff\u4e00-\u9fff]/, `${via} ${k}: ja text is Japanese`);
      assert.notDeepEqual(j?.explanation.actions, b?.explanation.actions, `${via} ${k}: ja actions differ from en`);
    }
  }

  test("library: analyzeAll on the Maildir, in en and ja", async () => {
    const en = await analyzeAll([maildir], { lang: "en" });
    const ja = await analyzeAll([maildir], { lang: "ja" });
    assert.equal(en.length, 2, JSON.stringify(en.map((r) => r.file)));
    for (const r of en) {
      assert.equal(r.error, undefined);
      assert.equal(r.note, undefined, `${r.file} is read as a bounce`);
      assert.equal(r.bounces.length, 1, `${r.file}: one bounced recipient`);
    }
    compareLangs(
      en.flatMap((r) => r.bounces),
      ja.flatMap((r) => r.bounces),
      "library",
    );
  });

  test("CLI: mailtrace bounce --format json on the Maildir, in en and ja", async () => {
    const byLang: Record<string, Bounce[]> = {};
    for (const lang of ["en", "ja"] as const) {
      const r = await mailtrace(["bounce", "--format", "json", "--lang", lang, maildir]);
      assert.equal(r.code, 0, r.stderr);
      const json = JSON.parse(r.stdout) as { bounces: Bounce[]; notes: string[] };
      assert.deepEqual(json.notes, []);
      assert.equal(json.bounces.length, 2);
      byLang[lang] = json.bounces;
    }
    compareLangs(byLang.en, byLang.ja, "cli");
  });

  test("no Postfix process and no mount is left once stopped", async () => {
    const resolvConf = join(out.dir, "resolv.conf");
    await out.stop();
    assert.deepEqual(instancePids(out.configDir), [], "no process of the instance");
    assert.deepEqual(namespacePids(mountNamespace), [], "its mount namespace is gone");
    assert.doesNotMatch(readFileSync("/proc/self/mountinfo", "utf8"), new RegExp(esc(resolvConf)), "the bind mount never reached the machine");
    assert.equal(readFileSync("/etc/resolv.conf", "utf8"), machineResolvConf);
  });
});
