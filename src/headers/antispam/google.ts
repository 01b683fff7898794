/**
 * Gmail / Google Workspace vocabulary: X-Gm-Spam and X-Gm-Phishy (0 or 1) that Gmail adds
 * to delivered mail. Google's SPF/DKIM/DMARC verdicts are in Authentication-Results and
 * ARC-Authentication-Results (mx.google.com), read by auth.ts.
 */
import { type Lang, t } from "../../i18n/index.ts";
import { fieldsNamed, type HeaderBlock } from "../header-block.ts";
import type { AntispamField, AntispamReport, AntispamVocabulary } from "./types.ts";

const FLAGS = [
  { header: "X-Gm-Spam", key: "spam" },
  { header: "X-Gm-Phishy", key: "phishy" },
] as const;

export const GOOGLE_HEADERS = ["x-gm-spam", "x-gm-phishy"];

export const google: AntispamVocabulary = {
  name: "google",
  decode(block: HeaderBlock, lang: Lang): AntispamReport | null {
    const fields: AntispamField[] = [];
    let spam: boolean | null = null;
    for (const f of FLAGS) {
      const field = fieldsNamed(block, f.header)[0];
      if (!field) continue;
      const v = field.value.trim();
      const on = v === "1";
      if (v === "0" || v === "1") spam = (spam ?? false) || on;
      fields.push({ header: field.name, key: f.key, value: v, label: t(lang, `headers.google.${f.key}`), meaning: v === "0" || v === "1" ? t(lang, `headers.google.${f.key}.${v}`) : null });
    }
    if (!fields.length) return null;
    return { spam, score: null, threshold: null, fields, rules: [], unparsed: null };
  },
};
