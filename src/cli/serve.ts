/** `mailtrace serve`: the HTTP API and the web console over the store (src/web/). */
import { closeSync, openSync, writeSync } from "node:fs";
import type { Command } from "commander";
import { describeError, readFlagFile, UserError } from "../core/errors.ts";
import { hostPortText, isLoopback, parseHostPort } from "../core/host-port.ts";
import { resolveLang, t } from "../i18n/index.ts";
import { defaultStoreUrl, openStore } from "../store/open.ts";
import { type AccessEntry, buildServer } from "../web/server.ts";
import { ApiTokens, parseTokens } from "../web/tokens.ts";

/** The tokens of --token-file (a UserError for a file that cannot be read or holds a bad line). */
function readTokens(file: string) {
  return parseTokens(readFlagFile("--token-file", file).toString("utf8"), `--token-file ${file}`);
}

export function register(program: Command): void {
  program
    .command("serve")
    .description("serve the HTTP API (/api/trace, /api/show/KEY) and the web console over the store")
    .option("--store <url>", "store URL (default: $MAILTRACE_STORE or sqlite:./mailtrace.db)")
    .option("--listen <[host:]port>", "where to listen (any address but loopback needs --token-file)", "127.0.0.1:8025")
    .option("--token-file <file>", "a file of tokens, one a line as TOKEN or NAME TOKEN, of which every /api/ request must bring one (Authorization: Bearer TOKEN; the access log names whose); read again on SIGHUP. Or MAILTRACE_TOKEN")
    .option("--tls-cert <file>", "serve HTTPS with this certificate (PEM)")
    .option("--tls-key <file>", "and its private key (PEM)")
    .option("--access-log <file>", "append one JSON line per API request (time, client, search, status) to this file (mode 0600)")
    .option("--lang <lang>", "ja or en: explanations when a request names no lang (default: from the locale)")
    .action(async (opts: { store?: string; listen: string; tokenFile?: string; tlsCert?: string; tlsKey?: string; accessLog?: string; lang?: string }) => {
      const lang = resolveLang(opts.lang);
      const at = parseHostPort(opts.listen, "--listen", { host: "127.0.0.1" }, "[HOST:]PORT, e.g. 127.0.0.1:8025");
      const envToken = process.env.MAILTRACE_TOKEN?.trim() || undefined;
      const tokenFile = opts.tokenFile;
      const tokens =
        tokenFile !== undefined ? new ApiTokens(readTokens(tokenFile)) : envToken !== undefined ? new ApiTokens(parseTokens(envToken, "MAILTRACE_TOKEN")) : undefined;
      if (!isLoopback(at.host) && tokens === undefined) {
        throw new UserError(`--listen ${hostPortText(at)} would show mail logs to anyone who can reach it: listen on 127.0.0.1, or give --token-file (and --tls-cert/--tls-key)`);
      }
      if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) throw new UserError("--tls-cert and --tls-key go together");
      const tls = opts.tlsCert && opts.tlsKey ? { cert: readFlagFile("--tls-cert", opts.tlsCert), key: readFlagFile("--tls-key", opts.tlsKey) } : undefined;
      let accessFd: number | undefined;
      if (opts.accessLog !== undefined) {
        try {
          accessFd = openSync(opts.accessLog, "a", 0o600);
        } catch (err) {
          throw new UserError(`--access-log ${opts.accessLog}: ${describeError(err)}`);
        }
      }
      const onAccess = accessFd === undefined ? undefined : (e: AccessEntry) => writeSync(accessFd as number, `${JSON.stringify(e)}\n`);
      const store = await openStore(defaultStoreUrl(opts.store));
      const allowedHosts = new Set<string>(); // filled once the port is bound
      let app: ReturnType<typeof buildServer>;
      try {
        app = buildServer(store, { tokens, lang, tls, onAccess, hostAllowed: (host) => allowedHosts.has(host.toLowerCase()) });
      } catch (err) {
        await store.close();
        // Node's TLS refuses the files as they are (not PEM, or the key not the certificate's).
        throw new UserError(`--tls-cert/--tls-key: ${(err as Error).message.split("\n")[0]}`);
      }
      try {
        await app.listen({ host: at.host, port: at.port });
      } catch (err) {
        await store.close();
        const code = (err as NodeJS.ErrnoException).code;
        throw new UserError(`--listen ${hostPortText(at)}: ${code === "EADDRINUSE" ? "the port is in use" : (err as Error).message}`);
      }
      const addr = app.server.address();
      const port = typeof addr === "object" && addr ? addr.port : at.port;
      // The names this server answers to without a token: its address, and loopback's names.
      for (const h of [at.host, ...(isLoopback(at.host) ? ["127.0.0.1", "localhost", "::1"] : [])]) {
        allowedHosts.add(hostPortText({ host: h, port }).toLowerCase());
        if (port === (tls ? 443 : 80)) allowedHosts.add(h.includes(":") ? `[${h}]` : h);
      }
      const url = `${tls ? "https" : "http"}://${hostPortText({ host: at.host, port })}/`;
      process.stderr.write(`${t(lang, "web.serving", { url, store: store.url })}\n`);
      // SIGHUP reads the token file again: a line removed is a person's access ended. A file
      // that is bad now keeps the tokens as they were, and says why.
      const reload = () => {
        if (tokenFile === undefined || tokens === undefined) return;
        try {
          tokens.replace(readTokens(tokenFile));
          process.stderr.write(`${t(lang, "web.tokens-read", { count: tokens.size })}\n`);
        } catch (err) {
          process.stderr.write(`${t(lang, "web.tokens-kept", { error: describeError(err) })}\n`);
        }
      };
      // (Only with a file: else a hang-up ends it, as any command run from a terminal.)
      if (tokenFile !== undefined) process.on("SIGHUP", reload);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          resolve();
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      process.off("SIGHUP", reload);
      await app.close();
      await store.close();
      if (accessFd !== undefined) closeSync(accessFd);
    });
}
