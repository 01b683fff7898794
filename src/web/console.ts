/**
 * The web console: one page for the helpdesk, served by `mailtrace serve` at `/`. A search form
 * (trace's options), the rows newest first with more pages on request, and a row opened into
 * its message: recipients with why each did not arrive, and the timeline. It only calls the
 * API (/api/trace, /api/show), so what it shows is what the API and the CLI say.
 *
 * The page carries its texts (ja or en, from the i18n catalogue) as data; its script writes
 * every value with textContent, never as HTML, and runs under a nonce-only Content-Security-
 * Policy. The search lives in the page's address (`/?recipient=...&status=failed`), so a link
 * to a search can be passed on, and opening one runs it.
 */
import { randomBytes } from "node:crypto";
import { catalogues, type Lang } from "../i18n/index.ts";
import { CANONICAL_STATUSES } from "../logs/status.ts";

export function consolePage(lang: Lang, needsToken: boolean): { html: string; nonce: string } {
  const nonce = randomBytes(16).toString("base64");
  const texts = Object.fromEntries(Object.entries(catalogues[lang]).filter(([k]) => k.startsWith("web.")));
  const data = JSON.stringify({ lang, needsToken, texts, statuses: CANONICAL_STATUSES }).replace(/</g, "\\u003c");
  const html = `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(texts["web.title"] ?? "mailtrace")}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(texts["web.title"] ?? "mailtrace")}</h1></header>
<main>
<form id="search" autocomplete="off"></form>
<p id="status" role="status"></p>
<table id="summary" hidden><thead></thead><tbody></tbody></table>
<table id="rows" hidden><thead></thead><tbody></tbody></table>
<button id="more" type="button" hidden></button>
<section id="detail" hidden></section>
</main>
<script id="data" type="application/json" nonce="${nonce}">${data}</script>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
  return { html, nonce };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body { font-family: system-ui, "Hiragino Sans", "Noto Sans JP", sans-serif; margin: 0; color: #1b1b1b; }
header { background: #1f3a5f; color: #fff; padding: .6rem 1rem; } h1 { font-size: 1.1rem; margin: 0; }
main { padding: 1rem; }
form { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: end; }
label { display: flex; flex-direction: column; font-size: .8rem; gap: .2rem; }
input[type=text], input[type=password] { padding: .3rem; min-width: 14rem; }
fieldset { border: 1px solid #ccc; font-size: .8rem; } fieldset label { flex-direction: row; gap: .3rem; display: inline-flex; margin-right: .5rem; }
button { padding: .4rem 1rem; }
table { border-collapse: collapse; margin-top: 1rem; width: 100%; font-size: .85rem; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .4rem; text-align: left; vertical-align: top; }
tbody tr { cursor: pointer; } tbody tr:hover, tbody tr:focus { background: #f2f6fb; outline: 2px solid #1f3a5f; outline-offset: -2px; }
td.status-failed { color: #b00020; font-weight: 600; } td.status-pending { color: #8a5a00; } td.status-delivered { color: #1b6e20; }
#detail { margin-top: 1rem; border-top: 2px solid #1f3a5f; padding-top: .5rem; }
#detail pre { white-space: pre-wrap; font-size: .8rem; background: #f7f7f7; padding: .5rem; }
.why { color: #444; font-size: .8rem; }
`;

// Plain browser JavaScript (no build step); every value goes in with textContent.
const SCRIPT = `
(() => {
  const D = JSON.parse(document.getElementById("data").textContent);
  const T = (k, p) => (D.texts[k] || k).replace(/\\{(\\w+)\\}/g, (w, n) => (p && n in p ? String(p[n]) : w));
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, v);
    for (const c of kids) e.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
    return e;
  };
  const form = document.getElementById("search");
  const statusLine = document.getElementById("status");
  const table = document.getElementById("rows");
  const body = table.tBodies[0];
  const more = document.getElementById("more");
  const detail = document.getElementById("detail");
  const fields = [["sender", "web.sender", "web.hint-pattern"], ["recipient", "web.recipient", "web.hint-pattern"], ["message-id", "web.message-id"],
    ["queue-id", "web.queue-id"], ["since", "web.since", "web.hint-since"], ["until", "web.until"], ["min-delay", "web.min-delay"]];
  if (D.needsToken) {
    form.append(el("label", {}, T("web.token"), el("input", { type: "password", name: "token", value: sessionStorage.getItem("mailtrace-token") || "", title: T("web.token-needed") })));
  }
  for (const [name, label, hint] of fields) form.append(el("label", {}, T(label), el("input", { type: "text", name, placeholder: hint ? T(hint) : undefined })));
  const statuses = el("fieldset", {}, el("legend", {}, T("web.status")));
  for (const s of D.statuses) statuses.append(el("label", {}, el("input", { type: "checkbox", name: "status", value: s }), s));
  form.append(statuses);
  form.append(el("label", {}, T("web.explain"), el("input", { type: "checkbox", name: "explain", value: "1" })));
  form.append(el("label", {}, T("web.each-hop"), el("input", { type: "checkbox", name: "each-hop", value: "1" })));
  form.append(el("button", { type: "submit" }, T("web.search")));
  // Every row of the search as a file (the API streams it; fetched so that a token goes with it).
  const csv = el("button", { type: "button", id: "csv" }, T("web.csv"));
  csv.addEventListener("click", async () => {
    try {
      const r = await fetch("/api/trace.csv?" + apiQuery().toString(), { headers: headers() });
      if (!r.ok) throw new Error(((await r.json().catch(() => ({}))).error) || r.statusText);
      const a = el("a", { href: URL.createObjectURL(await r.blob()), download: "mailtrace.csv" });
      document.body.append(a);
      a.click();
      a.remove();
    } catch (e) {
      statusLine.textContent = T("web.error", { error: e.message });
    }
  });
  form.append(csv);
  // The same search counted by destination domain: which destinations fail or wait.
  const byDomain = el("button", { type: "button", id: "by-domain" }, T("web.by-domain"));
  const summary = document.getElementById("summary");
  byDomain.addEventListener("click", async () => {
    try {
      const q = apiQuery();
      q.set("by", "domain");
      q.set("groups", "20");
      const s = await get("/api/summary?" + q.toString());
      summary.tHead.replaceChildren(el("tr", {}, ...["web.col.domain", "web.col.total", "delivered", "pending", "failed", "web.col.problems", "web.col.last-problem"].map((k) => el("th", {}, k.startsWith("web.") ? T(k) : k))));
      summary.tBodies[0].replaceChildren(...s.groups.map((g) => {
        const tr = el("tr", { "data-domain": g.key }, el("td", {}, g.key), el("td", {}, g.total), el("td", {}, g.delivered), el("td", {}, g.pending),
          el("td", { class: g.failed ? "status-failed" : "" }, g.failed), el("td", {}, g.problemShare),
          el("td", {}, [g.lastProblemTime, g.lastProblemDsn, g.lastProblemDetail].filter(Boolean).join("  ")));
        // A domain's row searches its recipients.
        tr.addEventListener("click", () => { form.elements.recipient.value = "*@" + g.key; form.requestSubmit(); });
        return tr;
      }));
      summary.hidden = false;
    } catch (e) {
      statusLine.textContent = T("web.error", { error: e.message });
    }
  });
  form.append(byDomain);
  more.textContent = T("web.more");
  table.tHead.append(el("tr", {}, ...["web.col.time", "web.col.queue", "web.col.sender", "web.col.recipient", "web.col.status", "web.col.detail"].map((k) => el("th", {}, T(k)))));

  const params = new URLSearchParams(location.search);
  for (const [name] of fields) if (params.get(name)) form.elements[name].value = params.get(name);
  for (const s of (params.get("status") || "").split(",")) { const box = form.querySelector('input[name=status][value="' + CSS.escape(s) + '"]'); if (box) box.checked = true; }
  if (params.get("explain") === "1") form.elements.explain.checked = true;
  if (params.get("each-hop") === "1") form.elements["each-hop"].checked = true;

  const headers = () => {
    const t = form.elements.token ? form.elements.token.value : "";
    if (t) sessionStorage.setItem("mailtrace-token", t);
    return t ? { Authorization: "Bearer " + t } : {};
  };
  const get = async (url) => {
    const r = await fetch(url, { headers: headers() });
    const j = await r.json().catch(() => ({ error: r.statusText }));
    if (!r.ok) throw new Error(j.error || r.statusText);
    return j;
  };
  const query = () => {
    const q = new URLSearchParams();
    for (const [name] of fields) { const v = form.elements[name].value.trim(); if (v) q.set(name, v); }
    const st = [...form.querySelectorAll("input[name=status]:checked")].map((b) => b.value);
    if (st.length) q.set("status", st.join(","));
    if (form.elements.explain.checked) q.set("explain", "1");
    if (form.elements["each-hop"].checked) q.set("each-hop", "1");
    return q;
  };
  // The API's explanations in the page's language.
  const apiQuery = () => {
    const q = query();
    q.set("lang", D.lang);
    return q;
  };
  let next = null;
  let shown = 0;
  const addRows = (rows) => {
    for (const r of rows) {
      const why = r.explanation ? el("div", { class: "why" }, (r.reason ? r.reason + " / " + r.responsible + ": " : "") + r.explanation) : "";
      const tr = el("tr", { "data-ref": r.ref },
        el("td", {}, r.time), el("td", {}, (r.hops ? r.hops.join(" → ") + " → " : "") + r.ref), el("td", {}, r.sender || ""), el("td", {}, r.recipient || ""),
        el("td", { class: "status-" + r.status }, r.status + (r.dsn ? " " + r.dsn : "")), el("td", {}, r.detail || "", why));
      // A row opens by click, or by Enter/Space for keyboard users.
      tr.tabIndex = 0;
      tr.addEventListener("click", () => open(r.ref));
      tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(r.ref); } });
      body.append(tr);
    }
    shown += rows.length;
  };
  const search = async (after) => {
    const q = apiQuery();
    q.set("limit", "200");
    if (after) q.set("before", after); else { body.replaceChildren(); shown = 0; detail.hidden = true; }
    statusLine.textContent = T("web.loading");
    try {
      const page = await get("/api/trace?" + q.toString());
      addRows(page.rows);
      next = page.next;
      more.hidden = !next;
      table.hidden = shown === 0;
      statusLine.textContent = shown ? T(next ? "web.rows-more" : "web.rows", { n: shown }) : T("web.no-rows");
    } catch (e) {
      statusLine.textContent = T("web.error", { error: e.message });
    }
  };
  const open = async (ref) => {
    try {
      const lang = "lang=" + D.lang;
      const m = await get("/api/show/" + encodeURIComponent(ref) + "?" + lang);
      detail.replaceChildren(el("h2", {}, T("web.detail-title", { key: ref })), el("button", { type: "button", id: "close" }, T("web.close")));
      detail.querySelector("#close").addEventListener("click", () => { detail.hidden = true; });
      // The queue entries of the trace: the message, its content-filter hops, the bounce it caused.
      const entries = el("ul", { id: "messages" });
      for (const x of m.messages) {
        const link = x.link ? "  (" + T("web.link." + x.link.kind) + " " + (x.link.from || "?") + ")" : "";
        const who = [x.sender !== null ? "from=<" + x.sender + ">" : "", x.clientIp ? "client=" + (x.clientHost || "") + "[" + x.clientIp + "]" : "", x.subject ? "subject: " + x.subject : ""].filter(Boolean).join("  ");
        entries.append(el("li", {}, x.time + "  " + x.queueId + " @ " + x.host + link + (who ? "  " + who : "")));
      }
      detail.append(el("h3", {}, T("web.messages")), entries);
      detail.append(el("h3", {}, T("web.recipients")));
      const list = el("ul", { id: "recipients" });
      for (const x of m.recipients) {
        const li = el("li", {}, x.queueId + "  " + (x.recipient || "-") + "  " + x.status + (x.dsn ? " " + x.dsn : "") + (x.detail ? "  (" + x.detail + ")" : ""));
        if (x.explanation) li.append(el("div", { class: "why" }, x.explanation.reason + ": " + x.explanation.summary));
        list.append(li);
      }
      detail.append(list, el("h3", {}, T("web.timeline")));
      detail.append(el("pre", { id: "timeline" }, m.events.map((e) => e.time + "  " + e.host + "  " + e.program + "  " + e.text).join("\\n")));
      detail.hidden = false;
      const u = new URL(location.href); u.searchParams.set("show", ref); history.replaceState(null, "", u);
    } catch (e) {
      statusLine.textContent = T("web.error", { error: e.message });
    }
  };
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = query();
    history.replaceState(null, "", q.toString() ? "?" + q.toString() : location.pathname);
    search(null);
  });
  more.addEventListener("click", () => next && search(next));
  const asked = [...params.keys()].some((k) => k !== "show" && k !== "lang");
  if (asked) search(null).then(() => params.get("show") && open(params.get("show")));
  else if (params.get("show")) open(params.get("show"));
})();
`;
