import assert from "node:assert/strict";
import { test } from "node:test";
import { checkAddress } from "../../src/address/check.ts";
import { normalizeAddress } from "../../src/address/normalize.ts";
import { categoryOf, parseAddress } from "../../src/address/syntax.ts";

const cat = (a: string) => categoryOf(parseAddress(a).worst);
const codes = (a: string) => parseAddress(a).diagnoses.map((d) => d.code);

test("plain addresses are valid; RFC oddities are warnings", () => {
  for (const a of ["taro@example.co.jp", "taro.yamada+news@mail.example.com", "o'brien@example.ie", "x@xn--wgv71a119e.jp"]) assert.equal(cat(a), "valid", a);
  assert.equal(cat('"taro yamada"@example.jp'), "warning");
  assert.deepEqual(codes('"taro yamada"@example.jp'), ["quoted-local-part"]);
  assert.equal(cat("taro@[192.0.2.1]"), "warning");
  assert.equal(cat("(comment)taro@example.jp"), "warning");
  assert.equal(cat("taro@localhost"), "warning");
  assert.deepEqual(codes("taro@localhost"), ["no-dot-in-domain"]);
  assert.equal(cat("たろう@example.jp"), "warning", "UTF-8 local parts need SMTPUTF8 (RFC 6531)");
  assert.equal(cat("taro@日本語.jp"), "valid", "an IDN domain is fine");
});

test("each mistake gets its precise diagnosis", () => {
  const cases: Array<[string, string]> = [
    ["", "empty"],
    ["taro.example.jp", "no-at-sign"],
    ["@example.jp", "no-local-part"],
    ["taro@", "no-domain"],
    ["taro@@example.jp", "second-at-sign"],
    ["taro@exa@mple.jp", "second-at-sign"],
    [".taro@example.jp", "local-starts-with-dot"],
    ["taro.@example.jp", "local-ends-with-dot"],
    ["ta..ro@example.jp", "consecutive-dots-local"],
    ["taro@example..jp", "consecutive-dots-domain"],
    ["taro@example.jp.", "domain-ends-with-dot"],
    ["taro@.example.jp", "domain-starts-with-dot"],
    ["m,takihara@example.jp", "forbidden-char-local"],
    ["taro@example,co.jp", "comma-in-domain"],
    ["ta(ro@example.jp", "unclosed-comment"],
    ["ta<ro>@example.jp", "forbidden-char-local"],
    ["ta\\ro@example.jp", "backslash-outside-quotes"],
    ["taro yamada@example.jp", "text-after-white-space"],
    ["taro@-example.jp", "label-starts-with-hyphen"],
    ["taro@example-.jp", "label-ends-with-hyphen"],
    ["taro@exam_ple.jp", "underscore-in-domain"],
    ["taro@example.123", "numeric-tld"],
    [`${"a".repeat(65)}@example.jp`, "local-too-long"],
    [`taro@${"a".repeat(64)}.jp`, "label-too-long"],
    [`taro@${Array.from({ length: 52 }, () => "abcd").join(".")}.jp`, "domain-too-long"],
    ["taro@[300.1.1.1]", "general-literal"],
    ["taro@[IPv6:1::2::3]", "bad-ipv6-literal"],
    ['"taro@example.jp', "unclosed-quote"],
  ];
  for (const [a, code] of cases) {
    const p = parseAddress(a);
    assert.ok(p.diagnoses.some((d) => d.code === code), `${JSON.stringify(a)}: expected ${code}, got ${p.diagnoses.map((d) => d.code).join(",")}`);
    if (code !== "numeric-tld") assert.equal(categoryOf(p.worst), "invalid", a);
  }
});

test("full-width input from a Japanese IME is normalized and flagged", async () => {
  const n = normalizeAddress("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ");
  assert.equal(n.text, "taro@example.co.jp");
  assert.deepEqual(n.mapped, ["fullwidth"]);
  assert.equal(normalizeAddress("taro－yamada@example。co。jp").text, "taro-yamada@example.co.jp");
  assert.equal(normalizeAddress("taroーyamada@example.jp").text, "taro-yamada@example.jp", "ー between Latin letters is a hyphen");
  assert.equal(normalizeAddress("らーめん@example.jp").text, "らーめん@example.jp", "ー inside Japanese stays");
  assert.equal(normalizeAddress("　taro@Example.JP　").text, "taro@example.jp");
  const r = await checkAddress("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ", { lang: "ja" });
  assert.equal(r.category, "invalid");
  assert.equal(r.normalized, "taro@example.co.jp");
  assert.equal(r.suggestion, "taro@example.co.jp");
  assert.equal(r.diagnoses[0].code, "address.fullwidth-characters");
  assert.match(r.diagnoses[0].message, /全角/);
  const mixed = await checkAddress("ｔａｒｏ@example.jp", { lang: "en" });
  assert.equal(mixed.category, "warning", "valid under RFC 6531, but surely not meant");
  assert.equal(mixed.suggestion, "taro@example.jp");
});

test("legacy carrier addresses: RFC-violating, flagged as possibly real, dots kept in the suggestion", async () => {
  for (const a of ["taro..hanako@docomo.ne.jp", "taro.@ezweb.ne.jp", "taro..@au.com"]) {
    const r = await checkAddress(a, { lang: "en" });
    assert.equal(r.category, "invalid", a);
    assert.ok(r.diagnoses.some((d) => d.code === "address.legacy-carrier-dots"), a);
    assert.equal(r.suggestion, null, `${a}: nothing to fix`);
  }
  const other = await checkAddress("taro..hanako@example.co.jp", { lang: "en" });
  assert.ok(!other.diagnoses.some((d) => d.code === "address.legacy-carrier-dots"));
  assert.equal(other.suggestion, "taro.hanako@example.co.jp");
});

test("the report has exactly the fields the issue fixes", async () => {
  const r = await checkAddress("john@gmial.com", { lang: "en" });
  assert.deepEqual(Object.keys(r), ["address", "normalized", "category", "diagnoses", "suggestion", "domain"]);
  assert.equal(r.suggestion, "john@gmail.com");
  assert.equal(r.category, "warning");
  assert.deepEqual(Object.keys(r.diagnoses[0]), ["code", "message"]);
  assert.equal(r.domain, null, "no DNS without a resolver");
});

test("control characters and huge input are taken as they are, without throwing", () => {
  assert.equal(cat("ta\u0000ro@example.jp"), "invalid");
  assert.equal(cat('"ta\\\u0000ro"@example.jp'), "warning");
  assert.equal(cat(`${"a".repeat(100_000)}@example.jp`), "invalid");
});
