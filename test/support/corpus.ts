/**
 * Locates ../shared/corpus (public data the repository must never copy). Tests that need it
 * call `corpusPath(...)` and skip with the returned one-line reason when it is absent.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const CORPUS_ROOT = process.env.MAILTRACE_CORPUS ?? resolve(REPO_ROOT, "../shared/corpus");

/** The path of a corpus entry, or undefined when the corpus (or that entry) is not there. */
export function corpusPath(...parts: string[]): string | undefined {
  const p = join(CORPUS_ROOT, ...parts);
  return existsSync(p) ? p : undefined;
}

/** For node:test's `skip` option: false when present, else the reason to skip. */
export function skipUnlessCorpus(...parts: string[]): false | string {
  return corpusPath(...parts) ? false : `../shared/corpus/${parts.join("/")} is absent (checkout without shared/)`;
}
