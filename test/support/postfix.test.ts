// Self-test of the Postfix harness: a real Postfix starts clean, delivers, rejects, relays
// through a second instance, and leaves no process or temp dir behind.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { instancePids, skipUnlessPostfix, startPostfix } from "./postfix.ts";

test("postfix harness: deliver locally, reject unknown user, pickup, hold/release, relay via a second instance, stop clean", { skip: skipUnlessPostfix() }, async () => {
  const mx = await startPostfix({
    name: "mx",
    address: "127.0.0.2",
    domain: "example.test",
    users: ["alice", "postmaster"],
    files: { header_checks: "/^Subject: harness hold/ HOLD\n" },
    main: { header_checks: "regexp:$config_directory/header_checks" },
  });
  const out = await startPostfix({
    name: "out",
    address: "127.0.0.3",
    domain: "sender.test",
    syslogName: "postfix-out",
    main: { relayhost: mx.nexthop },
  });
  try {
    assert.equal(mx.checkOutput, "", "postfix check is clean");
    assert.equal(out.checkOutput, "", "postfix check is clean");
    assert.ok(instancePids(mx.configDir).length > 0, "the master runs");

    const ok = await mx.send({ from: "bob@sender.test", to: "alice@example.test", subject: "harness local", clientAddress: "127.0.0.9" });
    assert.equal(ok.code, 0, ok.transcript);
    assert.match(ok.queueId ?? "", /^[0-9A-F]{6,}$/);
    const rejected = await mx.send({ from: "bob@sender.test", to: "nobody@example.test" });
    assert.notEqual(rejected.code, 0, "swaks reports the rejected recipient");
    assert.match(rejected.transcript, /550 5\.1\.1/);

    const relayed = await out.send({ from: "carol@sender.test", to: "alice@example.test", subject: "harness relay" });
    assert.equal(relayed.code, 0, relayed.transcript);
    await out.waitForLog(new RegExp(`${relayed.queueId}: to=<alice@example\\.test>, relay=127\\.0\\.0\\.2.*status=sent \\(250 2\\.0\\.0 Ok: queued as`));
    await out.waitForQueueEmpty();
    await mx.waitForQueueEmpty();

    // The local submission path: sendmail -> postdrop -> pickup.
    await mx.sendmail({ from: "root@example.test", to: "alice@example.test", subject: "harness pickup" });
    await mx.waitForLog(/postfix\/pickup\[\d+\]: [0-9A-F]+: uid=0 from=<root@example\.test>/);
    // A held message stays until released.
    const held = await mx.send({ from: "bob@sender.test", to: "alice@example.test", subject: "harness hold" });
    await mx.waitFor("the held message", async () => (await mx.queue()).some((q) => q.queue_name === "hold" && q.queue_id === held.queueId));
    await mx.releaseHeld();
    await mx.flush();
    await mx.waitForQueueEmpty();

    const mail = mx.mailbox("alice");
    assert.equal(mail.length, 4);
    assert.match(mail.join("\n"), /Subject: harness pickup/);
    assert.match(mail.join("\n"), /Subject: harness hold/);
    assert.match(mail.join("\n"), /Subject: harness local/);
    assert.match(mail.join("\n"), /Subject: harness relay/);
    const log = mx.log();
    assert.match(log, new RegExp(`postfix/smtpd\\[\\d+\\]: ${ok.queueId}: client=unknown\\[127\\.0\\.0\\.9\\]`));
    assert.match(log, new RegExp(`postfix/virtual\\[\\d+\\]: ${ok.queueId}: to=<alice@example\\.test>.*status=sent`));
    assert.match(log, /NOQUEUE: reject: RCPT from .*550 5\.1\.1 <nobody@example\.test>/);
    assert.match(out.log(), /postfix-out\/smtp\[\d+\]:/);
  } finally {
    await out.stop();
    await mx.stop();
  }
  assert.deepEqual(instancePids(mx.configDir), [], "no process of the first instance is left");
  assert.deepEqual(instancePids(out.configDir), [], "no process of the second instance is left");
  assert.equal(existsSync(mx.dir), false, "temp dir removed");
});
