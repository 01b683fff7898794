import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { test } from "node:test";
import { openStore } from "../../src/store/open.ts";
import { runStoreConformance } from "./conformance.ts";

const url = `sqlite:${join(mkdtempSync(join(tmpdir(), "mailtrace-sqlite-")), "t.db")}`;
// Fresh stores (one per test case, many of them) live in memory.
runStoreConformance("sqlite", (fresh) => openStore(fresh ? "sqlite::memory:" : url));

test("sqlite: WAL journal; bad URLs are one-line user errors", async () => {
  const s = await openStore(url);
  const mode = (s as any).db.prepare("PRAGMA journal_mode").get().journal_mode;
  assert.equal(mode, "wal");
  await s.close();
  await assert.rejects(openStore("mysql://x"), /unknown store URL/);
  await assert.rejects(openStore("sqlite:"), /no file path/);
});
