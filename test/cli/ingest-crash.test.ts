/**
 * `bin/mailtrace ingest` killed with SIGKILL in the middle of a load and run again: what was
 * committed stays, the run after reads on from the file's mark of the last commit (never ahead
 * of the rows it covers), and the store ends with every line once, as an uninterrupted ingest
 * leaves it.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { writePostfixLog } from "../../src/demo/postfix-log.ts";
import { openStore } from "../../src/store/open.ts";
import { MAILTRACE, mailtrace } from "../support/cli.ts";

/** Stats and every trace row (without store ids) of a store. */
async function contents(url: string): Promise<{ stats: unknown; rows: string[] }> {
  const store = await openStore(url);
  try {
    const rows = await store.trace({ since: 0, limit: 10_000_000 });
    return { stats: await store.stats(), rows: rows.map(({ message: _m, ...r }) => JSON.stringify(r)).sort() };
  } finally {
    await store.close();
  }
}

test("ingest killed mid-way (SIGKILL) and run again stores every line once, as one uninterrupted ingest does", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-crash-"));
  try {
    const log = join(dir, "mail.log");
    // Over two commits' worth of lines (one commit per 200,000), so that kills land between commits.
    await writePostfixLog(log, { start: Date.UTC(2026, 10, 1), lines: 450_000, seed: 3, meanGapSeconds: 1.3 });
    const ref = `sqlite:${join(dir, "ref.db")}`;
    const t0 = performance.now();
    const whole = await mailtrace(["ingest", "--store", ref, "--tz", "UTC", log]);
    const took = performance.now() - t0;
    assert.equal(whole.code, 0, whole.stderr);
    const expected = await contents(ref);
    for (const at of [0.35, 0.75]) {
      const path = join(dir, `crash-${at}.db`);
      const url = `sqlite:${path}`;
      // Killed at this share of the first load's time; if this load is faster and ends first
      // (the machines here are noisy), again on a new store, sooner.
      let delay = took * at;
      for (let attempt = 0; ; attempt++) {
        for (const s of ["", "-journal", "-wal", "-shm"]) rmSync(path + s, { force: true });
        const child = spawn(MAILTRACE, ["ingest", "--store", url, "--tz", "UTC", log], { stdio: "ignore" });
        const exited = once(child, "exit"); // before the wait: the load may end during it
        await sleep(delay);
        child.kill("SIGKILL");
        const [code, signal] = (await exited) as [number | null, string | null];
        if (signal === "SIGKILL") break;
        assert.ok(attempt < 4, `the load ended (${code}) before every kill`);
        delay *= 0.6;
      }
      const committed = ((await contents(url)).stats as { messages: number }).messages;
      const again = await mailtrace(["ingest", "--store", url, "--tz", "UTC", log]);
      assert.equal(again.code, 0, again.stderr);
      console.log(`killed at ${Math.round(delay)} ms with ${committed} messages committed; then: ${again.stdout.trim()}`);
      // Each commit carries the file's mark: the run after a kill reads on from the last one.
      const read = Number(/^(\d+) lines read/.exec(again.stdout)?.[1]);
      // (Killed after the last commit, while the indexes were built, the file is known whole.)
      if (committed > 0) {
        const m = /\((\d+) file\(s\) read on from where the last ingest of them stopped, (\d+) unchanged/.exec(again.stdout);
        assert.equal(Number(m?.[1]) + Number(m?.[2]), 1, `killed at ${at}: read on from the last commit (${again.stdout.trim()})`);
        assert.ok(read < 450_000, `killed at ${at}: read ${read} lines again`);
      } else assert.equal(read, 450_000);
      const got = await contents(url);
      assert.deepEqual(got.stats, expected.stats, `killed at ${at}: the same messages, recipients and events`);
      assert.deepEqual(got.rows, expected.rows, `killed at ${at}: the same trace rows`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
