/**
 * The tokens `serve` accepts, each with the name of whom it was given to: so that the access log
 * says who looked up whose mail (a shared token says only from where), and so that one person's
 * access ends by removing their line (the file is read again on SIGHUP) without a new token for
 * everyone.
 *
 * The file: one token a line, `NAME TOKEN` or a bare `TOKEN` (unnamed); blank lines and lines
 * starting with `#` are skipped. A file of one bare token, as before names existed, still works.
 */
import { timingSafeEqual } from "node:crypto";
import { UserError } from "../core/errors.ts";

/** A token shorter than this is refused: it would be guessed. */
export const MIN_TOKEN = 16;

/** What a name may hold: it is written into the access log as it is. */
const NAME_RE = /^[A-Za-z0-9._@+-]{1,64}$/;

export interface ApiToken {
  /** Whom it was given to; absent for a bare token. */
  name?: string;
  token: Buffer;
}

/** The tokens of a token file's text; a UserError naming the line for a bad one. */
export function parseTokens(text: string, source: string): ApiToken[] {
  const out: ApiToken[] = [];
  const names = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const where = `${source} line ${i + 1}`;
    const words = line.split(/\s+/);
    if (words.length > 2) throw new UserError(`${where}: expected TOKEN or NAME TOKEN`);
    const [name, token] = words.length === 2 ? words : [undefined, words[0]];
    if (name !== undefined && !NAME_RE.test(name)) throw new UserError(`${where}: a name is letters, digits and . _ @ + - (at most 64)`);
    if (name !== undefined && names.has(name)) throw new UserError(`${where}: the name ${name} is given twice`);
    if (token.length < MIN_TOKEN) throw new UserError(`${where}: the token must be at least ${MIN_TOKEN} characters (e.g. openssl rand -hex 32)`);
    const bytes = Buffer.from(token);
    if (out.some((t) => t.token.equals(bytes))) throw new UserError(`${where}: the same token is on an earlier line`);
    if (name !== undefined) names.add(name);
    out.push(name === undefined ? { token: bytes } : { name, token: bytes });
  });
  if (!out.length) throw new UserError(`${source}: no token in it`);
  return out;
}

/** The accepted tokens; replaced whole when the file is read again. */
export class ApiTokens {
  private list: readonly ApiToken[];

  constructor(list: readonly ApiToken[]) {
    this.list = list;
  }

  replace(list: readonly ApiToken[]): void {
    this.list = list;
  }

  get size(): number {
    return this.list.length;
  }

  /**
   * The token `given` is, or undefined. Compared with every token in constant time each (a
   * request's time says nothing of how much of a token it guessed).
   */
  match(given: string): ApiToken | undefined {
    const g = Buffer.from(given);
    let found: ApiToken | undefined;
    for (const t of this.list) if (g.length === t.token.length && timingSafeEqual(g, t.token) && !found) found = t;
    return found;
  }
}
