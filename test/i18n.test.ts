import assert from "node:assert/strict";
import { test } from "node:test";
import { catalogues, t } from "../src/i18n/index.ts";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test("every code has both a Japanese and an English text", () => {
  const en = Object.keys(catalogues.en).sort();
  const ja = Object.keys(catalogues.ja).sort();
  assert.deepEqual(
    en.filter((k) => !(k in catalogues.ja)),
    [],
    "codes without a Japanese text",
  );
  assert.deepEqual(
    ja.filter((k) => !(k in catalogues.en)),
    [],
    "codes without an English text",
  );
  for (const code of en) {
    assert.ok(catalogues.en[code].trim().length > 0, `empty English text for ${code}`);
    assert.ok(catalogues.ja[code].trim().length > 0, `empty Japanese text for ${code}`);
    assert.deepEqual(placeholders(catalogues.ja[code]), placeholders(catalogues.en[code]), `placeholders differ for ${code}`);
  }
  console.log(`i18n: ${en.length} codes, each in ja and en`);
});

test("t() fills placeholders and keeps unknown ones visible", () => {
  assert.equal(t("en", "common.file-error", { file: "a.eml", error: "gone" }), "Could not read a.eml: gone");
  assert.equal(t("ja", "common.file-error", { file: "a.eml" }), "a.eml を読めませんでした: {error}");
});
