/**
 * End to end: a message to two recipients goes through a content filter and is held by
 * header_checks on the way back in (as `/^X-Spam-Flag: YES/ HOLD` after amavisd-new is set up).
 * Postfix's cleanup names only the first recipient in its hold line, so the held entry's log
 * never names the second; the trace must still say both are held, not the filter's "delivered".
 *
 *   client --swaks--> mx (127.0.0.2): header_checks FILTER -> "filter" smtp transport
 *     -> mx's re-injection smtpd (its own header_checks: HOLD) -> hold queue
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { mailtrace } from "../support/cli.ts";
import { freeTcpPort, instancePids, type PostfixInstance, type SendResult, skipUnlessPostfix, startPostfix } from "../support/postfix.ts";

interface Row {
  queueId: string | null;
  recipient: string | null;
  status: string;
  detail: string | null;
  clientIp: string | null;
  hops?: string[] | null;
}

describe("Postfix end to end: held after the content filter, every recipient", { timeout: 90_000, skip: skipUnlessPostfix() }, () => {
  let mx: PostfixInstance;
  let dir: string;
  let store: string;
  let sent: SendResult;
  /** The held entry's queue ID (the filter's `queued as`), and the recipient its hold line names. */
  let heldId: string;
  let named: string;
  let other: string;

  const trace = async (...args: string[]): Promise<Row[]> => {
    const r = await mailtrace(["trace", "--store", store, "--since", "1h", "--format", "json", ...args]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Row[];
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mailtrace-e2e-hold-"));
    store = `sqlite:${join(dir, "trace.db")}`;
    const reinjectPort = await freeTcpPort("127.0.0.2");
    mx = await startPostfix({
      name: "mx",
      address: "127.0.0.2",
      domain: "example.test",
      users: ["alice", "bob", "postmaster"],
      contentFilter: true,
      reinjectPort,
      reinjectHeaderChecks: "regexp:$config_directory/after_filter",
      files: {
        header_checks: `/^Subject:.*SCANHOLD/ FILTER filter:[127.0.0.2]:${reinjectPort}\n`,
        after_filter: "/^Subject:.*SCANHOLD/ HOLD spam after the filter\n",
      },
      main: { content_filter: "", header_checks: "regexp:$config_directory/header_checks" },
    });
    sent = await mx.send({ from: "carol@client.test", to: ["alice@example.test", "bob@example.test"], subject: "SCANHOLD e2e", clientAddress: "127.0.0.9" });
    assert.equal(sent.code, 0, sent.transcript);
    const line = await mx.waitForLog(/postfix\/cleanup\[\d+\]: ([0-9A-F]+): hold: header Subject: SCANHOLD e2e .* to=<([^>]+)>/);
    heldId = /: ([0-9A-F]+): hold:/.exec(line)?.[1] as string;
    named = /to=<([^>]+)>/.exec(line)?.[1] as string;
    other = named === "alice@example.test" ? "bob@example.test" : "alice@example.test";
    await mx.waitFor("only the held entry queued", async () => {
      const q = await mx.queue();
      return q.length === 1 && q[0].queue_name === "hold" && q[0].queue_id === heldId;
    });
    const r = await mailtrace(["ingest", "--store", store, mx.maillog]);
    assert.equal(r.code, 0, r.stderr);
  });

  after(async () => {
    const configDir = mx?.configDir;
    await mx?.stop();
    if (configDir) assert.deepEqual(instancePids(configDir), [], "no Postfix process left");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the log names one recipient in the held entry; the filter's entry says 'delivered' to both", async () => {
    const each = await trace("--each-hop");
    const rows = each.map((r) => [r.queueId, r.recipient, r.status]).sort();
    assert.deepEqual(rows, [
      [heldId, named, "quarantined"],
      [sent.queueId, "alice@example.test", "delivered"],
      [sent.queueId, "bob@example.test", "delivered"],
    ].sort());
  });

  test("both recipients are held, each one row through the filter, with the client it came from", async () => {
    const rows = (await trace()).map((r) => [r.queueId, r.recipient, r.status, r.clientIp, r.hops]).sort();
    assert.deepEqual(rows, [
      [heldId, "alice@example.test", "quarantined", "127.0.0.9", [sent.queueId]],
      [heldId, "bob@example.test", "quarantined", "127.0.0.9", [sent.queueId]],
    ]);
    const [found] = await trace("--recipient", other);
    assert.equal(found.status, "quarantined");
    assert.match(found.detail ?? "", /SCANHOLD e2e/);
    assert.deepEqual((await trace("--recipient", other, "--status", "delivered")).length, 0, "not the filter's 'delivered'");
    // Searched by status: both, though the held entry's log names one (the other through it).
    const held = (await trace("--status", "quarantined")).map((r) => [r.queueId, r.recipient, r.status]).sort();
    assert.deepEqual(held, [[heldId, "alice@example.test", "quarantined"], [heldId, "bob@example.test", "quarantined"]]);
    assert.deepEqual((await trace("--recipient", other, "--status", "quarantined")).map((r) => r.recipient), [other]);
    assert.deepEqual((await trace("--queue-id", heldId, "--status", "quarantined")).map((r) => r.recipient).sort(), ["alice@example.test", "bob@example.test"]);
  });

  test("show lists both recipients in the held entry, with how to release it", async () => {
    const r = await mailtrace(["show", "--store", store, "--format", "json", sent.queueId as string]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { recipients: { queueId: string; recipient: string | null; status: string; explanation: { reason: string } | null }[] };
    const held = s.recipients.filter((x) => x.queueId === heldId).map((x) => [x.recipient, x.status, x.explanation?.reason]).sort();
    assert.deepEqual(held, [["alice@example.test", "quarantined", "hold-queue"], ["bob@example.test", "quarantined", "hold-queue"]]);
  });
});
