/**
 * SpamAssassin vocabulary (Mail::SpamAssassin::Conf "add_header" defaults):
 *   X-Spam-Status: Yes, score=7.3 required=5.0 tests=BAYES_99,URIBL_BLOCKED autolearn=no version=3.4.6
 *   X-Spam-Flag: YES / X-Spam-Level: ******* / X-Spam-Score: 7.3
 *   X-Spam-Report: " * 3.5 BAYES_99 BODY: Bayes spam probability is 99 to 100%" lines
 *   X-Spam-Checker-Version: SpamAssassin 3.4.6 (2021-04-09) on host
 * rspamd can write an X-Spam-Status too; it is claimed here only when the form matches.
 */
import { type Lang, t } from "../../i18n/index.ts";
import { fieldsNamed, type HeaderBlock } from "../header-block.ts";
import type { AntispamField, AntispamReport, AntispamRule, AntispamVocabulary } from "./types.ts";

const STATUS = /^\s*(yes|no)\b[,\s]*(?:score|hits)=(-?[\d.]+)\s+required=(-?[\d.]+)(?:\s+tests=([\s\S]*?))?(?:\s+autolearn=(\S+))?(?:\s+autolearn_force=\S+)?(?:\s+version=(\S+))?\s*$/i;

/** The header names this vocabulary reads (the generic X-Spam-* reader leaves them alone). */
export const SPAMASSASSIN_HEADERS = ["x-spam-status", "x-spam-flag", "x-spam-level", "x-spam-score", "x-spam-report", "x-spam-checker-version"];

export function parseReport(raw: string): AntispamRule[] {
  const rules: AntispamRule[] = [];
  // " * 3.5 BAYES_99 BODY: Bayes spam probability..." possibly folded onto the next line.
  const text = raw.replace(/\r?\n[ \t]*\*/g, "\n*").replace(/\r?\n[ \t]+/g, " ");
  for (const m of text.matchAll(/\*\s+(-?[\d.]+)\s+([A-Z0-9_]+)\s+([^\n*]*)/g)) {
    rules.push({ name: m[2], score: Number(m[1]), description: m[3].trim() || null });
  }
  return rules;
}

export const spamassassin: AntispamVocabulary = {
  name: "spamassassin",
  decode(block: HeaderBlock, lang: Lang): AntispamReport | null {
    const status = fieldsNamed(block, "X-Spam-Status")[0];
    const checker = fieldsNamed(block, "X-Spam-Checker-Version")[0];
    const m = status ? STATUS.exec(status.value) : null;
    if (!m && !(checker && /spamassassin/i.test(checker.value))) return null;
    const fields: AntispamField[] = [];
    let rules: AntispamRule[] = [];
    let spam: boolean | null = null;
    let score: number | null = null;
    let threshold: number | null = null;
    if (m && status) {
      spam = m[1].toLowerCase() === "yes";
      score = Number(m[2]);
      threshold = Number(m[3]);
      fields.push({ header: status.name, key: "verdict", value: m[1], label: t(lang, "headers.sa.verdict"), meaning: t(lang, spam ? "headers.sa.verdict.yes" : "headers.sa.verdict.no") });
      fields.push({ header: status.name, key: "score", value: `${m[2]} / ${m[3]}`, label: t(lang, "headers.sa.score"), meaning: null });
      if (m[4]) rules = m[4].split(/[,\s]+/).filter((r) => r && r !== "none").map((name) => ({ name, score: null, description: null }));
      if (m[5]) fields.push({ header: status.name, key: "autolearn", value: m[5], label: t(lang, "headers.sa.autolearn"), meaning: null });
    }
    const report = fieldsNamed(block, "X-Spam-Report")[0];
    if (report) {
      const detailed = parseReport(report.raw);
      // The report carries scores and descriptions: merge them into the tests= list.
      for (const r of detailed) {
        const known = rules.find((x) => x.name === r.name);
        if (known) Object.assign(known, r);
        else rules.push(r);
      }
    }
    const flag = fieldsNamed(block, "X-Spam-Flag")[0];
    if (flag) {
      const yes = /^(yes|true)$/i.test(flag.value.trim());
      spam ??= yes;
      fields.push({ header: flag.name, key: "flag", value: flag.value, label: t(lang, "headers.sa.flag"), meaning: t(lang, yes ? "headers.sa.verdict.yes" : "headers.sa.verdict.no") });
    }
    const level = fieldsNamed(block, "X-Spam-Level")[0];
    if (level?.value.trim()) fields.push({ header: level.name, key: "level", value: level.value.trim(), label: t(lang, "headers.sa.level"), meaning: null });
    if (checker) fields.push({ header: checker.name, key: "version", value: checker.value, label: t(lang, "headers.sa.version"), meaning: null });
    return { spam, score, threshold, fields, rules, unparsed: null };
  },
};
