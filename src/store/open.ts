/**
 * Store URLs -> backends. `sqlite:PATH` (relative or absolute; `sqlite::memory:` for tests) is
 * the embedded default; the URL comes from `--store`, then MAILTRACE_STORE, then
 * `sqlite:./mailtrace.db`.
 */
import { UserError } from "../core/errors.ts";
import type { Store } from "./store.ts";
import { SqliteStore } from "./sqlite.ts";

export const DEFAULT_STORE_URL = "sqlite:./mailtrace.db";

export function defaultStoreUrl(flag?: string): string {
  return flag || process.env.MAILTRACE_STORE || DEFAULT_STORE_URL;
}

/** The file of a `sqlite:` store URL (undefined for other schemes); "" when it names none. */
export function sqlitePath(url: string): string | undefined {
  if (!url.startsWith("sqlite:")) return undefined;
  const path = url.slice("sqlite:".length);
  // sqlite:///abs/path and sqlite://rel/path as well as sqlite:path
  return path.startsWith("//") ? path.slice(2) : path;
}

export async function openStore(url: string): Promise<Store> {
  const colon = url.indexOf(":");
  const scheme = colon > 0 ? url.slice(0, colon) : "";
  if (scheme === "sqlite") {
    const path = sqlitePath(url);
    if (!path) throw new UserError(`store URL ${url} has no file path`);
    return new SqliteStore(url, path);
  }
  if (scheme === "clickhouse" || scheme === "http" || scheme === "https") {
    throw new UserError(`store ${url}: the ClickHouse backend is not available yet (use sqlite:PATH)`);
  }
  throw new UserError(`unknown store URL "${url}" (expected sqlite:PATH)`);
}
