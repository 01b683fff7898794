/**
 * Agreement with the public header samples in ../shared/corpus/headers:
 *  - MHA (Microsoft Message Header Analyzer) unit-test cases: Received chains with hop order,
 *    delays and total; single Received headers; 14 date spellings; antispam field splitting.
 *  - Stalwart mail-parser: 181 Received headers and 40 dates with expected parses.
 * Each test prints its figures and fails below a floor, so a regression shows up.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { splitPairs } from "../../src/headers/antispam/microsoft.ts";
import { readAntispam } from "../../src/headers/antispam/index.ts";
import { parseMailDate } from "../../src/headers/date.ts";
import { readHeaderBlock } from "../../src/headers/header-block.ts";
import { hopsFromFields } from "../../src/headers/hops.ts";
import { parseReceived } from "../../src/headers/received.ts";
import { corpusPath, skipUnlessCorpus } from "../support/corpus.ts";

type Json = Record<string, unknown>;
const mhaFile = () => readFileSync(corpusPath("headers", "mha", "mha-cases.jsonl") as string, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Json);
const collapse = (s: unknown) => (s === undefined || s === null ? "" : String(s).replace(/\s+/g, " ").trim());
const bare = (s: unknown) => collapse(s).replace(/^<|>$/g, "");

function valueOfReceived(header: string): string {
  return header.replace(/^Received:\s?/i, "");
}

test("MHA chains: hop order, fields, delays and total", { skip: skipUnlessCorpus("headers", "mha", "mha-cases.jsonl") }, () => {
  const chains = mhaFile().filter((c) => c.kind === "chain");
  let fields = 0;
  let agree = 0;
  let delays = 0;
  let delayAgree = 0;
  let totals = 0;
  for (const c of chains) {
    const text = (c.headers as string[]).join("\n");
    const block = readHeaderBlock(text);
    const { hops, totalDelaySeconds } = hopsFromFields(block.fields.filter((f) => f.key === "received"));
    const rows = c.expected_rows as Json[];
    assert.equal(hops.length, rows.length);
    rows.forEach((row, i) => {
      const h = hops[i];
      const pairs: Array<[unknown, unknown]> = [
        [bare(row.from), bare(h.from?.text)],
        [bare(row.by), bare(h.by?.text)],
        [bare(row.with), bare(h.with?.text)],
        [bare(row.id), bare(h.id)],
        [bare(row.for), bare(h.for)],
        [bare(row.via), bare(h.via)],
        [row.dateNum, h.time ? Date.parse(h.time) : undefined],
      ];
      for (const [want, got] of pairs) {
        fields++;
        if (want === got) agree++;
        else console.log(`  MHA chain hop ${i + 1}: want ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
      }
      if (row.delaySort !== -1 && row.delaySort !== undefined) {
        delays++;
        if (Math.round((h.delaySeconds ?? Number.NaN) * 1000) === row.delaySort) delayAgree++;
      }
    });
    totals++;
    const m = /^(-?\d+) minutes? (\d+) seconds?$|^(-?\d+) seconds?$/.exec(c.expected_total as string);
    const want = m ? (m[1] !== undefined ? Number(m[1]) * 60 + Number(m[2]) : Number(m[3])) : Number.NaN;
    assert.equal(Math.trunc(totalDelaySeconds ?? Number.NaN), want, "total delay");
  }
  console.log(`MHA chains: ${chains.length} chains, fields ${agree}/${fields} agree, delays ${delayAgree}/${delays} exact to the ms, totals ${totals}/${totals}`);
  assert.ok(agree / fields >= 0.95);
  assert.equal(delayAgree, delays);
});

test("MHA single Received headers and date spellings", { skip: skipUnlessCorpus("headers", "mha", "mha-cases.jsonl") }, () => {
  const cases = mhaFile();
  let fields = 0;
  let agree = 0;
  const misses: string[] = [];
  for (const c of cases.filter((x) => x.kind === "parseHeader")) {
    if (c.header === null) continue; // a JavaScript null has no counterpart for a text reader
    const p = parseReceived(valueOfReceived(c.header as string));
    const e = c.expected as Json;
    const pairs: Array<[string, unknown, unknown]> = [
      ["from", bare(e.from), bare(p.from?.text)],
      ["by", bare(e.by), bare(p.by?.text)],
      ["with", bare(e.with), bare(p.with?.text)],
      ["id", bare(e.id), bare(p.id)],
      ["for", bare(e.for), bare(p.for)],
      ["via", bare(e.via), bare(p.via)],
      ["date", e.dateNum, p.date?.epochMs],
    ];
    for (const [k, want, got] of pairs) {
      fields++;
      if (want === got) agree++;
      else misses.push(`${c.name}.${k}: want ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
    }
  }
  const dates = cases.filter((x) => x.kind === "date");
  let dateAgree = 0;
  for (const d of dates) {
    const p = parseReceived(valueOfReceived(d.header as string));
    if (p.date?.epochMs === d.expected_dateNum) dateAgree++;
    else misses.push(`date ${d.name}: want ${d.expected_dateNum} got ${p.date?.epochMs}`);
  }
  for (const m of misses) console.log(`  MHA miss ${m}`);
  console.log(`MHA parseHeader: fields ${agree}/${fields} agree; MHA dates: ${dateAgree}/${dates.length}`);
  assert.ok(agree / fields >= 0.9);
  assert.ok(dateAgree >= dates.length - 1);
});

test("MHA antispam field splitting", { skip: skipUnlessCorpus("headers", "mha", "mha-cases.jsonl") }, () => {
  const cases = mhaFile().filter((c) => c.kind === "antispam");
  let ok = 0;
  for (const c of cases) {
    const labels = c.labels as Record<string, string>;
    const known = new Set(Object.keys(labels).filter((k) => k !== "source" && k !== "unparsed"));
    const got: Record<string, string> = {};
    let unparsed = "";
    for (const { key, value } of splitPairs(c.value as string)) {
      if (known.has(key)) { if (value) got[key] = value; }
      else unparsed += `${key}:${value};`;
    }
    if (unparsed) got.unparsed = unparsed;
    try {
      assert.deepEqual(got, c.expected_fields);
      ok++;
    } catch {
      console.log(`  antispam miss ${c.header_name}: ${JSON.stringify(got)}`);
    }
    // Every key MHA names gets words from our Microsoft table, in both languages.
    const block = readHeaderBlock(`${c.header_name}: ${c.value}\n`);
    for (const lang of ["en", "ja"] as const) {
      const ms = readAntispam(block, lang).microsoft;
      assert.ok(ms, "Microsoft vocabulary recognised the field");
      for (const key of Object.keys(c.expected_fields as Json).filter((k) => k !== "unparsed")) {
        const f = ms.fields.find((x) => x.key === key);
        assert.ok(f?.label && !f.label.startsWith("headers."), `label for ${key} in ${lang}`);
      }
    }
  }
  console.log(`MHA antispam: ${ok}/${cases.length} field sets identical`);
  assert.equal(ok, cases.length);
});

const TLS_VERSION = (v: string | null) => (v ? `TLSv${v.replace(/^TLSv/, "").replace(".", "_")}` : undefined);

test("Stalwart Received headers: field agreement", { skip: skipUnlessCorpus("headers", "stalwart-mail-parser", "received.json") }, () => {
  const cases = JSON.parse(readFileSync(corpusPath("headers", "stalwart-mail-parser", "received.json") as string, "utf8")) as Array<{ header: string; expected: Json }>;
  const perField: Record<string, { n: number; ok: number }> = {};
  let whole = 0;
  const tally = (k: string, want: unknown, got: unknown) => {
    perField[k] ??= { n: 0, ok: 0 };
    perField[k].n++;
    const same = JSON.stringify(want ?? null) === JSON.stringify(got ?? null);
    if (same) perField[k].ok++;
    return same;
  };
  const hostOf = (x: unknown) => {
    const o = x as { Name?: string; IpAddr?: string } | undefined;
    return o ? (o.Name ?? o.IpAddr)?.toLowerCase() : undefined;
  };
  for (const c of cases) {
    const p = parseReceived(c.header);
    const e = c.expected;
    const d = e.date as Json | undefined;
    const wantMs = d ? Date.UTC(d.year as number, (d.month as number) - 1, d.day as number, d.hour as number, d.minute as number, d.second as number) - (d.tz_before_gmt ? -1 : 1) * ((d.tz_hour as number) * 60 + (d.tz_minute as number)) * 60000 : undefined;
    const fromName = p.from?.name?.replace(/^\[|\]$/g, "").toLowerCase();
    const explicitHelo = p.from?.helo && p.from.helo !== p.from.name ? p.from.helo.toLowerCase() : undefined;
    const results = [
      tally("from", hostOf(e.from), fromName || undefined),
      // Stalwart files an address-literal HELO ("from [192.0.2.1]") under from.IpAddr and leaves
      // from_ip empty; we report that address as the client IP. Same fact, other slot.
      tally("from_ip", e.from_ip ?? (e.from as { IpAddr?: string } | undefined)?.IpAddr, p.from?.ip ?? undefined),
      tally("from_iprev", e.from_iprev, p.from?.reverseName ?? undefined),
      tally("by", hostOf(e.by), p.by?.host?.toLowerCase() ?? undefined),
      tally("with", e.with === undefined ? undefined : String(e.with).toUpperCase(), p.with?.protocol?.toUpperCase() ?? undefined),
      tally("tls_version", e.tls_version, TLS_VERSION(p.with?.tlsVersion ?? null)),
      tally("tls_cipher", e.tls_cipher, p.with?.cipher ?? undefined),
      tally("id", e.id, p.id ?? undefined),
      tally("for", e.for_, p.for ?? undefined),
      tally("helo", hostOf(e.helo), explicitHelo),
      tally("date", wantMs, p.date?.epochMs),
    ];
    if (results.every(Boolean)) whole++;
  }
  const total = Object.values(perField).reduce((a, f) => ({ n: a.n + f.n, ok: a.ok + f.ok }), { n: 0, ok: 0 });
  console.log(`Stalwart Received: ${whole}/${cases.length} headers agree on every compared field; fields ${total.ok}/${total.n} (${((100 * total.ok) / total.n).toFixed(1)}%)`);
  for (const [k, f] of Object.entries(perField)) console.log(`  ${k}: ${f.ok}/${f.n}`);
  assert.ok(total.ok / total.n >= 0.85);
  assert.ok(perField.date.ok / perField.date.n >= 0.9);
});

test("Stalwart dates", { skip: skipUnlessCorpus("headers", "stalwart-mail-parser", "date.json") }, () => {
  const cases = JSON.parse(readFileSync(corpusPath("headers", "stalwart-mail-parser", "date.json") as string, "utf8")) as Array<{ header: string; expected: Json | null }>;
  let ok = 0;
  for (const c of cases) {
    const p = parseMailDate(c.header);
    let got: Json | null = null;
    if (p) {
      const off = Math.abs(p.offsetMinutes);
      got = { ...p.local, tz_before_gmt: p.offsetMinutes < 0, tz_hour: Math.floor(off / 60), tz_minute: off % 60 };
    }
    if (JSON.stringify(got) === JSON.stringify(c.expected)) ok++;
    else console.log(`  date miss ${JSON.stringify(c.header)}: want ${JSON.stringify(c.expected)} got ${JSON.stringify(got)}`);
  }
  console.log(`Stalwart dates: ${ok}/${cases.length}`);
  assert.ok(ok / cases.length >= 0.85);
});
