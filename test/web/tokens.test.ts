import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../../src/core/errors.ts";
import { ApiTokens, parseTokens } from "../../src/web/tokens.ts";

const A = "a".repeat(32);
const B = "b".repeat(16);

test("a token file: TOKEN or NAME TOKEN a line, comments and blank lines skipped", () => {
  const list = parseTokens(`# helpdesk\n\nsato ${A}\r\n  ${B}  \n`, "f");
  assert.deepEqual(list.map((t) => [t.name, t.token.toString()]), [["sato", A], [undefined, B]]);
  const tokens = new ApiTokens(list);
  assert.equal(tokens.match(A)?.name, "sato");
  assert.equal(tokens.match(B)?.name, undefined);
  assert.ok(tokens.match(B));
  for (const wrong of ["", A.slice(1), `${A}a`, B.toUpperCase(), "sato"]) assert.equal(tokens.match(wrong), undefined, wrong);
  tokens.replace(parseTokens(B, "f"));
  assert.equal(tokens.match(A), undefined, "a token removed from the file is refused once read again");
});

test("a bad token file is refused with the line that is wrong", () => {
  for (const [text, want] of [
    ["", /f: no token in it/],
    ["# only a comment\n", /no token/],
    [`sato short`, /f line 1: the token must be at least 16/],
    [`${A}\nito ${B} extra`, /f line 2: expected TOKEN or NAME TOKEN/],
    [`sato ${A}\nsato ${B}`, /f line 2: the name sato is given twice/],
    [`sato ${A}\nito ${A}`, /f line 2: the same token is on an earlier line/],
    [`"sa to" ${A}`, /expected TOKEN or NAME TOKEN/],
    [`sa<to ${A}`, /a name is letters, digits/],
  ] as [string, RegExp][]) {
    assert.throws(() => parseTokens(text, "f"), (err: Error) => err instanceof UserError && want.test(err.message), text);
  }
});
