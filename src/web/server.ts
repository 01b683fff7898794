/**
 * `mailtrace serve`: the HTTP API (and the console page, console.ts) over a store, with Fastify.
 *
 *   GET /api/trace?recipient=*@example.co.jp&since=7d&status=failed,pending&explain=1&limit=100
 *       -> { rows: [...], next: CURSOR | null }   rows as `trace --format json` prints them
 *   GET /api/trace?...&before=CURSOR              -> the next page (newest first, no row twice)
 *   GET /api/trace.csv?...                        -> every row as CSV (as `mailtrace report` writes it)
 *   GET /api/summary?by=domain&groups=50&...       -> { rows, groups } as `summary --format json`
 *   GET /api/show/KEY                             -> as `show --format json` (404 if not stored)
 *   GET /api/health                               -> { ok: true, store }
 *
 * The query parameters are trace's options by the same names (`message-id`, `queue-id`,
 * `client-ip`, `min-delay` with dashes; `each-hop=1` for a row per queue entry, as
 * `--each-hop`). Errors are `{ error }` with 400, 401 or 404.
 *
 * Mail logs are personal data: the server listens on 127.0.0.1 unless told otherwise, and on
 * any other address only with a token (`Authorization: Bearer TOKEN`, compared in constant
 * time; each token may have the name of whom it was given to, which the access log keeps). Responses are never cached and never shared with other origins (no CORS).
 */
import { Readable } from "node:stream";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { TRACE_COLUMNS, explainColumns, traceQueryOf } from "../cli/trace.ts";
import { reportCsv } from "../cli/report.ts";
import { showJson } from "../cli/show.ts";
import { summaryColumns } from "../cli/summary.ts";
import { rowsAsObjects } from "../cli/output.ts";
import { UserError } from "../core/errors.ts";
import { isLang, type Lang, t } from "../i18n/index.ts";
import type { Store, TraceQuery } from "../store/store.ts";
import { SUMMARY_KEYS, type SummaryKey, summarize } from "../trace/summary.ts";
import { searchTrace, withPassedOn } from "../trace/hops.ts";
import { consolePage } from "./console.ts";
import type { ApiTokens } from "./tokens.ts";

export interface ServerOptions {
  /** One of them is required of every /api/ request when set. */
  tokens?: ApiTokens;
  /** The language of explanations when a request names none (`lang=ja|en`). */
  lang: Lang;
  /** TLS, when both are given (PEM). */
  tls?: { cert: Buffer; key: Buffer };
  /**
   * Without a token: whether a request's Host header names this server. A page of another
   * site whose name an attacker points at 127.0.0.1 (DNS rebinding) would otherwise read the
   * API as its own origin.
   */
  hostAllowed?: (host: string) => boolean;
  /** Called once per /api/ request when it is answered: who asked what (the access log). */
  onAccess?: (entry: AccessEntry) => void;
}

/** One answered /api/ request: searches of mail logs are personal data too, so they are kept. */
export interface AccessEntry {
  time: string;
  remote: string;
  method: string;
  /** The path with its query: the search asked for. */
  url: string;
  status: number;
  ms: number;
  /** The name of the token the request brought (tokens.ts), when it has one. */
  user?: string;
}

/** The name of the token each request brought, for the access log. */
const userOf = new WeakMap<FastifyRequest, string>();

/** The most rows one /api/trace page holds. */
export const MAX_PAGE = 5000;

/** A page's position: the last row's time and row id, as one opaque token. */
export function encodeCursor(c: { time: number; rid: number }): string {
  return Buffer.from(`${c.time}.${c.rid}`).toString("base64url");
}

export function decodeCursor(s: string): { time: number; rid: number } {
  const m = /^(-?\d+)\.(\d+)$/.exec(Buffer.from(s, "base64url").toString("latin1"));
  if (!m) throw new UserError("before: not a cursor this server gave (use the `next` of a page)");
  return { time: Number(m[1]), rid: Number(m[2]) };
}

function one(v: unknown): string | undefined {
  return Array.isArray(v) ? (v.length ? String(v[v.length - 1]) : undefined) : typeof v === "string" ? v : undefined;
}

/** The trace query of a request's parameters (the CLI's options, by their flag names). */
export function queryOfParams(p: Record<string, unknown>): { query: TraceQuery; explain: boolean; lang?: Lang } {
  const o: Record<string, string | undefined> = {
    sender: one(p.sender), recipient: one(p.recipient), messageId: one(p["message-id"]), queueId: one(p["queue-id"]),
    clientIp: one(p["client-ip"]), status: one(p.status), since: one(p.since), until: one(p.until), minDelay: one(p["min-delay"]),
    limit: one(p.limit), eachHop: one(p["each-hop"]),
  };
  const query = traceQueryOf(o);
  const before = one(p.before);
  if (before) query.before = decodeCursor(before);
  const lang = one(p.lang);
  if (lang !== undefined && !isLang(lang)) throw new UserError(`lang: "${lang}" is not ja or en`);
  return { query, explain: one(p.explain) === "1" || one(p.explain) === "true", lang: lang as Lang | undefined };
}

export function buildServer(store: Store, opts: ServerOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    // The console and the API answer small requests; a large body is never expected.
    bodyLimit: 64 * 1024,
    ...(opts.tls ? { https: { cert: opts.tls.cert, key: opts.tls.key } } : {}),
  } as Record<string, unknown>) as unknown as FastifyInstance;

  app.addHook("onRequest", async (req: FastifyRequest, reply: FastifyReply) => {
    reply.header("Cache-Control", "no-store");
    reply.header("X-Content-Type-Options", "nosniff");
    reply.header("Referrer-Policy", "no-referrer");
    reply.header("X-Frame-Options", "DENY");
    if (opts.tokens === undefined && opts.hostAllowed && !opts.hostAllowed(req.headers.host ?? "")) {
      return reply.code(403).send({ error: "this server answers to its own address only (Host header)" });
    }
    // The console page itself is public (it holds no data); everything under /api/ is not.
    if (opts.tokens === undefined || !req.url.startsWith("/api/")) return;
    const auth = req.headers.authorization ?? "";
    const given = /^Bearer (.+)$/.exec(auth)?.[1];
    const token = given === undefined ? undefined : opts.tokens.match(given);
    if (token?.name !== undefined) userOf.set(req, token.name);
    if (token === undefined) {
      // Returned: an async hook that has answered must say so, or the route would run too.
      return reply.code(401).header("WWW-Authenticate", 'Bearer realm="mailtrace"').send({ error: "a token is required (Authorization: Bearer TOKEN)" });
    }
  });

  if (opts.onAccess) {
    const onAccess = opts.onAccess;
    app.addHook("onResponse", async (req: FastifyRequest, reply: FastifyReply) => {
      if (!req.url.startsWith("/api/")) return;
      const user = userOf.get(req);
      onAccess({
        time: new Date().toISOString(), remote: req.ip, method: req.method, url: req.url, status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10, ...(user === undefined ? {} : { user }),
      });
    });
  }

  app.setErrorHandler((err: Error & { statusCode?: number }, _req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof UserError) return reply.code(400).send({ error: err.message });
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: err.message });
    return reply.code(500).send({ error: "internal error" });
  });
  app.setNotFoundHandler((_req: FastifyRequest, reply: FastifyReply) => reply.code(404).send({ error: "no such path" }));

  app.get("/api/health", async () => ({ ok: true, store: store.url }));

  app.get("/api/trace", async (req: FastifyRequest) => {
    const { query, explain, lang } = queryOfParams(req.query as Record<string, unknown>);
    const limit = query.limit ?? 1000;
    // A page is held in memory while it is written: a few large requests at once must not
    // exhaust the server's heap. More rows come by pages, or all of them from /api/trace.csv.
    if (limit > MAX_PAGE) throw new UserError(`limit ${limit} is more than ${MAX_PAGE.toLocaleString("en-US")} rows a page: go on with before=NEXT, or get every row from /api/trace.csv`);
    // One row more than asked says whether there is a next page.
    const rows = await searchTrace(store, { ...query, limit: limit + 1 });
    const more = rows.length > limit;
    if (more) rows.length = limit;
    const columns = explain ? [...TRACE_COLUMNS, ...explainColumns(rows, lang ?? opts.lang)] : TRACE_COLUMNS;
    const last = rows[rows.length - 1];
    return { rows: rowsAsObjects(rows, columns), next: more && last ? encodeCursor(last) : null };
  });

  // Every row of the search as CSV (as `mailtrace report` writes it), streamed page by page.
  app.get("/api/trace.csv", async (req: FastifyRequest, reply: FastifyReply) => {
    const { query, explain, lang } = queryOfParams(req.query as Record<string, unknown>);
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
    reply.type("text/csv; charset=utf-8").header("Content-Disposition", `attachment; filename="mailtrace-${stamp}.csv"`);
    return reply.send(Readable.from(reportCsv(store, query, { lang: lang ?? opts.lang, explain, bom: true })));
  });

  // The search counted by destination domain (relay, sender domain, hour), as `mailtrace summary`.
  app.get("/api/summary", async (req: FastifyRequest) => {
    const params = req.query as Record<string, unknown>;
    const by = (one(params.by) ?? "domain") as SummaryKey;
    if (!(SUMMARY_KEYS as readonly string[]).includes(by)) throw new UserError(`by: expected one of ${SUMMARY_KEYS.join(", ")}`);
    const groupsLimit = Number(one(params.groups) ?? 50);
    if (!Number.isInteger(groupsLimit) || groupsLimit < 1 || groupsLimit > 1000) throw new UserError("groups: a whole number from 1 to 1000");
    const { query } = queryOfParams({ ...params, limit: undefined });
    const { rows, groups } = await summarize(store, query, by, groupsLimit);
    return { rows, groups: rowsAsObjects(groups, summaryColumns(by)) };
  });

  app.get("/api/show/:key", async (req: FastifyRequest, reply: FastifyReply) => {
    const { key } = req.params as { key: string };
    const langParam = one((req.query as Record<string, unknown>).lang);
    const lang = langParam !== undefined && isLang(langParam) ? langParam : opts.lang;
    const r = withPassedOn(await store.show(key));
    if (!r.messages.length) return reply.code(404).send({ error: t(lang, "trace.not-found", { key }) });
    return showJson(r, lang);
  });

  app.get("/", async (req: FastifyRequest, reply: FastifyReply) => {
    const langParam = one((req.query as Record<string, unknown>).lang);
    const accepted = req.headers["accept-language"]?.trim().toLowerCase();
    const lang = langParam !== undefined && isLang(langParam) ? langParam : accepted?.startsWith("ja") ? "ja" : accepted?.startsWith("en") ? "en" : opts.lang;
    const page = consolePage(lang, opts.tokens !== undefined);
    reply.header("Content-Security-Policy", `default-src 'none'; script-src 'nonce-${page.nonce}'; style-src 'nonce-${page.nonce}'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`);
    return reply.type("text/html; charset=utf-8").send(page.html);
  });

  return app;
}
