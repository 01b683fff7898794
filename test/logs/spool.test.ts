import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Spool } from "../../src/logs/spool.ts";

test("spool: lines go to numbered segments, a new one past the size; only closed segments an ingest read are deleted; a restart finds what is left", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "mailtrace-spool-")), "spool");
  try {
    const spool = new Spool(dir, 100);
    assert.equal(statSync(dir).mode & 0o777, 0o700, "the folder is the owner's alone");
    const lines = Array.from({ length: 12 }, (_, i) => `<13>Dec  3 10:00:${String(i).padStart(2, "0")} mx1 postfix/qmgr[1]: 4AB${i}: removed`);
    for (const l of lines.slice(0, 3)) spool.append(l);
    spool.flush();
    for (const l of lines.slice(3, 6)) spool.append(l);
    spool.flush();
    for (const l of lines.slice(6)) spool.append(l);
    spool.flush();
    const segs = spool.segments();
    assert.deepEqual(segs.map((p) => p.slice(dir.length + 1)), ["0000000001.log", "0000000002.log", "0000000003.log"]);
    assert.equal(segs.map((p) => readFileSync(p, "utf8")).join(""), `${lines.join("\n")}\n`, "every line once, in order, whole");
    assert.equal(statSync(segs[0]).mode & 0o777, 0o600);

    // An ingest that began before the second segment was closed read only the first whole.
    const closedFirst = statSync(segs[1]).mtimeMs;
    assert.deepEqual(spool.dropRead(closedFirst - 10_000, new Set()), [], "closed after the ingest began: kept");
    assert.deepEqual(spool.dropRead(Date.now(), new Set([segs[0]])), [segs[1]], "not read (unread) or still open: kept");
    assert.deepEqual(readdirSync(dir).sort(), ["0000000001.log", "0000000003.log", "lock"]);

    // Another receiver cannot take the folder while this one holds it.
    assert.throws(() => new Spool(dir), /in use by process/);
    spool.close();
    assert.deepEqual(readdirSync(dir).sort(), ["0000000001.log", "0000000003.log"], "the lock goes with close");

    const again = new Spool(dir, 100);
    assert.deepEqual(again.segments(), [segs[0], segs[2]], "what the last run left, to ingest");
    again.append("next");
    again.flush();
    assert.equal(again.segments().at(-1), join(dir, "0000000004.log"), "numbering goes on after the segments left");
    assert.deepEqual(again.dropRead(Date.now(), new Set()), [segs[0], segs[2]]);
    again.close();
  } finally {
    rmSync(join(dir, ".."), { recursive: true, force: true });
  }
});
