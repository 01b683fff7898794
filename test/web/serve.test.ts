/**
 * `mailtrace serve`: the HTTP API answers as the CLI does (trace rows, pages through `next`,
 * show), errors are JSON with 400/404, a token guards /api/ when given and is required off
 * loopback, and the console page, run in Debian's Chromium, searches, opens a row and writes
 * hostile log text as text.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { get as httpsGet } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it, test } from "node:test";
import { chromium } from "playwright-core";
import { writePostfixLog } from "../../src/demo/postfix-log.ts";
import { openStore } from "../../src/store/open.ts";
import { buildServer } from "../../src/web/server.ts";
import { ApiTokens, parseTokens } from "../../src/web/tokens.ts";
import { MAILTRACE, mailtrace } from "../support/cli.ts";

const CHROMIUM = "/usr/bin/chromium";
const TOKEN = "0123456789abcdef0123456789abcdef";

interface Server {
  child: ChildProcess;
  base: string;
  exited: Promise<number | null>;
}

async function serve(args: string[]): Promise<Server> {
  const child = spawn(MAILTRACE, ["serve", "--listen", "0", "--lang", "en", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr?.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on("exit", r));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const m = /(https?:\/\/127\.0\.0\.1:\d+)\//.exec(err);
    if (m) return { child, base: m[1], exited };
    if (child.exitCode !== null || Date.now() > deadline) assert.fail(`serve did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stop(s: Server | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  s.child.kill("SIGTERM");
  assert.equal(await s.exited, 0, "SIGTERM ends it cleanly");
}

/** The page as Chromium has it once its script has run (searches and a row opened). */
function dumpDom(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000", "--dump-dom", url], { timeout: 60_000, maxBuffer: 64 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

// A refusal whose reply holds markup, as a hostile client's address can make Postfix log it.
const HOSTILE = "Dec  1 09:00:00 mx1 postfix/smtpd[7]: NOQUEUE: reject: RCPT from evil.example[203.0.113.66]: 550 5.1.1 <x@example.jp>: Recipient address rejected: <img src=x onerror=alert(1)><script>alert(2)</script>; from=<a@evil.example> to=<x@example.jp> proto=ESMTP helo=<evil.example>\n";

describe("mailtrace serve", { timeout: 180_000 }, () => {
  let dir: string;
  let store: string;
  let since: string;
  let server: Server | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mailtrace-serve-"));
    const log = join(dir, "mail.log");
    await writePostfixLog(log, { start: Date.UTC(2026, 10, 25), lines: 30_000, seed: 5, meanGapSeconds: (6 * 86400) / (30_000 / 10.4) });
    writeFileSync(join(dir, "hostile.log"), HOSTILE);
    store = `sqlite:${join(dir, "t.db")}`;
    const r = await mailtrace(["ingest", "--store", store, "--year", "2026", "--tz", "UTC", log, join(dir, "hostile.log")]);
    assert.equal(r.code, 0, r.stderr);
    since = "2026-11-20T00:00:00Z";
    server = await serve(["--store", store]);
  });
  after(async () => {
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers /api/trace as trace --format json does, and its pages through `next` hold every row once, in order", async () => {
    const s = server as Server;
    for (const q of [`since=${since}&status=failed,pending&explain=1&lang=ja`, `since=${since}&recipient=*.co.jp&min-delay=1`, `since=${since}&status=delivered&each-hop=1`]) {
      const params = new URLSearchParams(q);
      const flags = [...params].flatMap(([k, v]) => (k === "explain" || k === "each-hop" ? [`--${k}`] : [`--${k}`, v]));
      const cli = JSON.parse((await mailtrace(["trace", "--store", store, "--format", "json", "--limit", "50000", ...flags])).stdout);
      assert.ok(cli.length > 300, `${q}: ${cli.length} rows`);
      const paged: unknown[] = [];
      let next: string | null = null;
      let pages = 0;
      do {
        const r = await fetch(`${s.base}/api/trace?${q}&limit=137${next ? `&before=${next}` : ""}`);
        assert.equal(r.status, 200);
        assert.equal(r.headers.get("cache-control"), "no-store");
        const page = (await r.json()) as { rows: unknown[]; next: string | null };
        paged.push(...page.rows);
        next = page.next;
        pages++;
      } while (next);
      assert.ok(pages > 2, `${pages} pages`);
      assert.deepEqual(paged, cli, q);
    }
  });

  it("streams every row of a search as CSV at /api/trace.csv, as mailtrace report writes it", async () => {
    const s = server as Server;
    const out = join(dir, "report.csv");
    const r = await mailtrace(["report", "--store", store, "--since", since, "--status", "delivered", "--explain", "--lang", "ja", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    const res = await fetch(`${s.base}/api/trace.csv?since=${since}&status=delivered&explain=1&lang=ja`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/csv; charset=utf-8/);
    assert.match(res.headers.get("content-disposition") ?? "", /^attachment; filename="mailtrace-\d{8}T\d{6}\.csv"$/);
    const body = Buffer.from(await res.arrayBuffer()).toString("utf8");
    assert.ok(body.split("\r\n").length > 1000, "the rows of six days");
    assert.equal(body, readFileSync(out, "utf8"));
  });

  it("answers /api/summary as summary --format json does", async () => {
    const s = server as Server;
    const cli = JSON.parse((await mailtrace(["summary", "--store", store, "--since", since, "--by", "relay", "--limit", "7", "--format", "json"])).stdout);
    const api = (await (await fetch(`${s.base}/api/summary?since=${since}&by=relay&groups=7`)).json()) as { rows: number; groups: unknown[] };
    assert.deepEqual(api.groups, cli);
    assert.ok(api.rows > 1000);
    assert.equal((await fetch(`${s.base}/api/summary?by=planet`)).status, 400);
  });

  it("answers /api/show/KEY as show --format json does; errors are JSON with 400 and 404", async () => {
    const s = server as Server;
    const [row] = ((await (await fetch(`${s.base}/api/trace?since=${since}&status=failed&limit=1`)).json()) as { rows: { ref: string }[] }).rows;
    const cli = JSON.parse((await mailtrace(["show", "--store", store, "--format", "json", "--lang", "ja", row.ref])).stdout);
    assert.deepEqual(await (await fetch(`${s.base}/api/show/${row.ref}?lang=ja`)).json(), cli);
    for (const [path, code, error] of [
      ["/api/trace?since=someday", 400, /--since: "someday" is neither a duration/],
      ["/api/trace?limit=60000", 400, /mailtrace report/],
      ["/api/trace?limit=5001", 400, /more than 5,000 rows a page: go on with before=NEXT, or get every row from \/api\/trace\.csv/],
      ["/api/trace?before=bm9wZQ", 400, /not a cursor/],
      ["/api/show/NOSUCHQUEUEID", 404, /No message with queue ID or Message-ID NOSUCHQUEUEID/],
      ["/api/nothing", 404, /no such path/],
    ] as [string, number, RegExp][]) {
      const r = await fetch(s.base + path);
      assert.equal(r.status, code, path);
      assert.match(((await r.json()) as { error: string }).error, error, path);
    }
  });

  it("without a token, answers only requests addressed to itself (a rebound DNS name is refused)", async () => {
    const s = server as Server;
    const port = Number(new URL(s.base).port);
    const status = (host: string) => new Promise<number>((resolve, reject) => {
      httpGet({ host: "127.0.0.1", port, path: `/api/trace?since=${since}&limit=1`, headers: { Host: host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on("error", reject);
    });
    assert.equal(await status(`127.0.0.1:${port}`), 200);
    assert.equal(await status(`localhost:${port}`), 200);
    assert.equal(await status(`attacker.example:${port}`), 403);
    assert.equal(await status("attacker.example"), 403);
  });

  it("with a token: /api/ answers only to it (401 otherwise), the console page to anyone; off loopback a token is required", async () => {
    const file = join(dir, "token");
    writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });
    const accessLog = join(dir, "access.log");
    const guarded = await serve(["--store", store, "--token-file", file, "--access-log", accessLog]);
    try {
      const url = `${guarded.base}/api/trace?since=${since}&limit=1&recipient=*@example.co.jp`;
      assert.equal((await fetch(url)).status, 401);
      assert.equal((await fetch(url, { headers: { Authorization: `Bearer ${TOKEN.replace(/.$/, "0")}` } })).status, 401);
      assert.equal((await fetch(url, { headers: { Authorization: `Bearer ${TOKEN}` } })).status, 200);
      assert.equal((await fetch(`${guarded.base}/`)).status, 200);
    } finally {
      await stop(guarded);
    }
    // Who asked for what, refused or not (the page itself is not logged).
    const entries = readFileSync(accessLog, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { url: string; status: number; remote: string });
    assert.deepEqual(entries.map((e) => [e.status, e.remote]), [[401, "127.0.0.1"], [401, "127.0.0.1"], [200, "127.0.0.1"]]);
    assert.ok(entries.every((e) => e.url.includes("recipient=*@example.co.jp")), "the search is in each entry");
    assert.equal(statSync(accessLog).mode & 0o777, 0o600);
    for (const [args, want] of [
      [["--listen", "0.0.0.0:0"], /would show mail logs to anyone/],
      [["--listen", "0.0.0.0:0", "--token-file", join(dir, "short")], /cannot read the file/],
      [["--listen", "nohost:"], /expected \[HOST:\]PORT/],
    ] as [string[], RegExp][]) {
      const r = await mailtrace(["serve", "--store", store, ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, want);
      assert.equal(r.stderr.trim().split("\n").length, 1);
    }
    writeFileSync(join(dir, "short"), "secret\n");
    const short = await mailtrace(["serve", "--store", store, "--token-file", join(dir, "short")]);
    assert.equal(short.code, 2);
    assert.match(short.stderr, /at least 16 characters/);
    writeFileSync(join(dir, "short"), `sato ${TOKEN}\nito secret\n`);
    const second = await mailtrace(["serve", "--store", store, "--token-file", join(dir, "short")]);
    assert.equal(second.code, 2);
    assert.match(second.stderr, /line 2: the token must be at least 16 characters/);
  });

  it("named tokens: the access log says whose token asked; SIGHUP reads the file again (a line removed ends that access)", async () => {
    const file = join(dir, "tokens");
    const ITO = "fedcba9876543210fedcba9876543210";
    writeFileSync(file, `# the helpdesk\nsato ${TOKEN}\nito ${ITO}\n`, { mode: 0o600 });
    const accessLog = join(dir, "access-named.log");
    const guarded = await serve(["--store", store, "--token-file", file, "--access-log", accessLog]);
    const url = `${guarded.base}/api/trace?since=${since}&limit=1`;
    const status = async (token: string) => (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).status;
    let err = "";
    guarded.child.stderr?.on("data", (d) => (err += d));
    const told = async (re: RegExp) => {
      for (const deadline = Date.now() + 10_000; !re.test(err); await new Promise((r) => setTimeout(r, 50))) {
        if (Date.now() > deadline) assert.fail(`serve did not say ${re}: ${err}`);
      }
    };
    try {
      assert.deepEqual([await status(TOKEN), await status(ITO)], [200, 200]);
      writeFileSync(file, `sato ${TOKEN}\n`);
      guarded.child.kill("SIGHUP");
      await told(/1 token\(s\) accepted/);
      assert.deepEqual([await status(TOKEN), await status(ITO)], [200, 401]);
      // A file that is wrong now keeps the tokens as they were.
      writeFileSync(file, "sato short\n");
      guarded.child.kill("SIGHUP");
      await told(/stay as they were/);
      assert.deepEqual([await status(TOKEN), await status(ITO)], [200, 401]);
    } finally {
      await stop(guarded);
    }
    const entries = readFileSync(accessLog, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { status: number; user?: string });
    assert.deepEqual(entries.map((e) => [e.status, e.user ?? null]), [[200, "sato"], [200, "ito"], [200, "sato"], [401, null], [200, "sato"], [401, null]]);
  });

  it("serves HTTPS with --tls-cert/--tls-key, and refuses files that are not PEM in one line", async () => {
    execFileSync("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
    const secure = await serve(["--store", store, "--tls-cert", join(dir, "cert.pem"), "--tls-key", join(dir, "key.pem")]);
    try {
      assert.match(secure.base, /^https:/);
      const body = await new Promise<string>((resolve, reject) => {
        httpsGet(`${secure.base}/api/health`, { ca: readFileSync(join(dir, "cert.pem")) }, (res) => {
          let b = "";
          res.on("data", (d) => (b += d));
          res.on("end", () => resolve(b));
        }).on("error", reject);
      });
      assert.deepEqual(JSON.parse(body), { ok: true, store });
    } finally {
      await stop(secure);
    }
    writeFileSync(join(dir, "junk.pem"), "not a certificate\n");
    const bad = await mailtrace(["serve", "--store", store, "--listen", "0", "--tls-cert", join(dir, "junk.pem"), "--tls-key", join(dir, "junk.pem")]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /^mailtrace: --tls-cert\/--tls-key: .*PEM/);
    assert.equal(bad.stderr.trim().split("\n").length, 1);
  });

  it("the console in Chromium, clicked through: the token, a search from the form, more rows, a row opened, the CSV", { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)` }, async () => {
    const file = join(dir, "token2");
    writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });
    const guarded = await serve(["--store", store, "--token-file", file]);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const page = await (await browser.newContext({ acceptDownloads: true, locale: "en-US" })).newPage();
      await page.goto(`${guarded.base}/`);
      // Without the token the API refuses, and the page says so. (Locators, not page functions: the
      // page's Content-Security-Policy forbids the eval that waitForFunction needs.)
      await page.fill("input[name=since]", since);
      await page.click("button[type=submit]");
      await page.locator("#status", { hasText: /^Error: a token is required/ }).waitFor();
      await page.fill("input[name=token]", TOKEN);
      await page.fill("input[name=recipient]", "*.jp");
      await page.check("input[name=status][value=delivered]");
      await page.click("button[type=submit]");
      await page.locator("#rows tbody tr").nth(199).waitFor();
      assert.equal(await page.locator("#rows tbody tr").count(), 200);
      assert.match(new URL(page.url()).search, /recipient=\*\.jp/);
      assert.match(new URL(page.url()).search, /status=delivered/);
      const api = (await (await fetch(`${guarded.base}/api/trace?since=${since}&recipient=*.jp&status=delivered&limit=400`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as { rows: { ref: string; recipient: string }[] };
      assert.equal(api.rows.length, 400, "more than two pages of the console's 200");
      await page.click("#more");
      await page.locator("#rows tbody tr").nth(399).waitFor();
      assert.equal(await page.locator("#rows tbody tr").count(), 400);
      const shownRecipients = await page.$$eval("#rows tbody tr td:nth-child(4)", (tds) => tds.map((td) => td.textContent));
      assert.deepEqual(shownRecipients, api.rows.map((r) => r.recipient), "the rows in the API's order, none twice");
      // By keyboard: a row takes the focus and opens with Enter.
      await page.focus("#rows tbody tr:nth-child(3)");
      await page.keyboard.press("Enter");
      await page.locator("#detail h2", { hasText: `Message ${api.rows[2].ref}` }).waitFor();
      await page.click(`#rows tbody tr:nth-child(250)`);
      await page.locator("#detail h2", { hasText: `Message ${api.rows[249].ref}` }).waitFor();
      assert.equal(await page.textContent("#detail h2"), `Message ${api.rows[249].ref}`);
      assert.ok(((await page.textContent("#timeline")) ?? "").includes(api.rows[249].ref), "the timeline of that message");
      // Counted by domain; a domain's row searches its recipients.
      await page.click("#by-domain");
      await page.locator("#summary tbody tr").first().waitFor();
      const summary = (await (await fetch(`${guarded.base}/api/summary?since=${since}&recipient=*.jp&status=delivered&by=domain&groups=20`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as { groups: { key: string }[] };
      assert.deepEqual(await page.$$eval("#summary tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-domain"))), summary.groups.map((g) => g.key));
      await page.click(`#summary tbody tr:nth-child(2)`);
      await page.waitForURL(new RegExp(`recipient=${encodeURIComponent(`*@${summary.groups[1].key}`).replace(/[*.]/g, "\\$&")}`));
      await page.locator("#rows tbody tr").first().waitFor();
      const domains = await page.$$eval("#rows tbody tr td:nth-child(4)", (tds) => tds.map((td) => td.textContent ?? ""));
      assert.ok(domains.length > 0 && domains.every((d) => d.toLowerCase().endsWith(`@${summary.groups[1].key}`)), "the domain's rows");
      // Back to the search of the CSV below.
      await page.fill("input[name=recipient]", "*.jp");
      await page.click("button[type=submit]");
      await page.locator("#rows tbody tr").nth(199).waitFor();
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
      const saved = join(dir, "console.csv");
      await download.saveAs(saved);
      const csv = await (await fetch(`${guarded.base}/api/trace.csv?since=${encodeURIComponent(since)}&recipient=*.jp&status=delivered`, { headers: { Authorization: `Bearer ${TOKEN}` } })).text();
      assert.equal(readFileSync(saved, "utf8"), csv.startsWith("\uFEFF") ? csv : `\uFEFF${csv}`, "the CSV of the search on the page");
    } finally {
      await browser.close();
      await stop(guarded);
    }
  });

  it("the console in Chromium: a search from the address, a row opened, in Japanese; log text stays text", { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)` }, async () => {
    const s = server as Server;
    const rows = ((await (await fetch(`${s.base}/api/trace?since=${since}&status=failed&limit=5000`)).json()) as { rows: { ref: string }[] }).rows;
    const ref = rows.find((r) => /^[0-9A-F]+$/.test(r.ref))?.ref as string;
    const shown = (await (await fetch(`${s.base}/api/show/${ref}`)).json()) as { events: { text: string }[]; messages: { queueId: string; link: unknown }[] };
    const dom = await dumpDom(`${s.base}/?since=${encodeURIComponent(since)}&status=failed&explain=1&show=${ref}&lang=ja`);
    assert.match(dom, /<html lang="ja">/);
    assert.match(dom, /<button type="submit">検索<\/button><button type="button" id="csv">全行を CSV で<\/button>/);
    assert.match(dom, new RegExp(`<p id="status" role="status">${Math.min(200, rows.length)} 行${rows.length > 200 ? "を表示しています。ほかにも該当する行があります" : ""}`));
    assert.equal(dom.match(/<tr data-ref=/g)?.length, Math.min(200, rows.length));
    assert.match(dom, new RegExp(`<h2>メッセージ ${ref}</h2>`));
    const first = shown.events[0].text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    assert.ok(dom.includes(first), "the timeline holds the message's first line");
    // Its queue entries: the message and what it is linked to (content-filter hop, bounce).
    const entries = /<ul id="messages">(.*?)<\/ul>/s.exec(dom)?.[1] ?? "";
    assert.equal(entries.match(/<li>/g)?.length, shown.messages.length);
    assert.ok(shown.messages.length >= 2 && shown.messages.some((m) => m.link), `${ref} has linked entries`);
    for (const m of shown.messages) assert.ok(entries.includes(m.queueId), m.queueId);
    assert.match(entries, /\((中継元|通知の元|転送元) [0-9A-F]+\)/);
    assert.match(dom, /<div class="why">[a-z]+ \/ (sender|recipient|us|recipient-admin)[^<]*: [^<]*[\u3040-\u30ff\u4e00-\u9fff]/, "why each did not arrive, in the row, in the page's language");
    // The refusal with markup in its reply: written as text, never run or parsed as HTML.
    const hostile = await dumpDom(`${s.base}/?since=2026-12-01T00:00:00Z&until=2026-12-01T23:59:59Z&lang=en`);
    assert.match(hostile, /&lt;img src=x onerror=alert\(1\)&gt;&lt;script&gt;alert\(2\)&lt;\/script&gt;/);
    assert.doesNotMatch(hostile, /<img src="?x/);
  });
});

test("a request without the token never reaches the store (the hook answers, the route does not run)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mailtrace-serve-hook-"));
  const real = await openStore(`sqlite:${join(dir, "t.db")}`);
  let calls = 0;
  const counted = new Proxy(real, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (key !== "trace" && key !== "show") return typeof v === "function" ? v.bind(target) : v;
      return (...args: unknown[]) => {
        calls++;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const app = buildServer(counted, { tokens: new ApiTokens(parseTokens(TOKEN, "test")), lang: "en" });
  try {
    for (const url of ["/api/trace?since=1h", "/api/show/4AB12C3D4E", "/api/trace.csv?since=1h"]) {
      const r = await app.inject({ method: "GET", url });
      assert.equal(r.statusCode, 401, url);
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(calls, 0, "no store call for a refused request");
    const ok = await app.inject({ method: "GET", url: "/api/trace?since=1h", headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.statusCode, 200);
    assert.equal(calls, 1);
  } finally {
    await app.close();
    await real.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
