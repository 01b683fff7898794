/**
 * Every user-facing explanation exists in Japanese and English: one catalogue per locale,
 * keyed by finding code. Catalogues are composed of one section per module
 * (src/i18n/<lang>/<module>.ts) so that modules can grow their texts independently;
 * test/i18n.test.ts checks that both locales have exactly the same codes and placeholders.
 */
import { en } from "./en/index.ts";
import { ja } from "./ja/index.ts";

export type Lang = "ja" | "en";
export const LANGS: readonly Lang[] = ["ja", "en"];

/** A catalogue maps a code to a text with `{name}` placeholders. */
export type Catalogue = Record<string, string>;

export const catalogues: Record<Lang, Catalogue> = { en, ja };

export function isLang(value: string): value is Lang {
  return value === "ja" || value === "en";
}

/** Pick the language: an explicit flag, then MAILTRACE_LANG, then the locale environment. */
export function resolveLang(flag?: string): Lang {
  const candidates = [flag, process.env.MAILTRACE_LANG, process.env.LC_ALL, process.env.LC_MESSAGES, process.env.LANG];
  for (const c of candidates) {
    if (!c) continue;
    const v = c.toLowerCase();
    if (v.startsWith("ja")) return "ja";
    if (v.startsWith("en")) return "en";
  }
  return "en";
}

/**
 * The text for `code` in `lang`, with `{name}` placeholders filled from `params`.
 * An unknown code is a programming error, caught by the catalogue test; at run time it
 * falls back to the code itself so that a report never crashes on a missing text.
 */
export function t(lang: Lang, code: string, params: Record<string, string | number | undefined> = {}): string {
  const text = catalogues[lang][code] ?? catalogues.en[code] ?? code;
  if (!text.includes("{")) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

export function hasText(code: string): boolean {
  return code in catalogues.en && code in catalogues.ja;
}
