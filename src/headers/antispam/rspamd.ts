/**
 * rspamd vocabulary (rspamd "milter_headers" module):
 *   X-Spamd-Result: default: False [3.40 / 15.00]; R_SPF_ALLOW(-0.20)[+ip4:192.0.2.1]; ...
 *   X-Rspamd-Action: no action | greylist | add header | rewrite subject | soft reject | reject
 *   X-Rspamd-Score: 3.40 / X-Spamd-Bar: +++ / X-Rspamd-Server, X-Rspamd-Queue-Id
 */
import { type Lang, t } from "../../i18n/index.ts";
import { fieldsNamed, type HeaderBlock } from "../header-block.ts";
import type { AntispamField, AntispamReport, AntispamRule, AntispamVocabulary } from "./types.ts";

/** Actions with their own text (headers.rspamd.action.<slug>); the last four mean "filtered". */
const ACTIONS = ["no action", "greylist", "add header", "rewrite subject", "soft reject", "reject"] as const;
const FILTERED_ACTIONS = new Set(["add header", "rewrite subject", "soft reject", "reject"]);

export const RSPAMD_HEADERS = ["x-spamd-result", "x-rspamd-action", "x-rspamd-score", "x-spamd-bar", "x-rspamd-server", "x-rspamd-queue-id"];

export const rspamd: AntispamVocabulary = {
  name: "rspamd",
  decode(block: HeaderBlock, lang: Lang): AntispamReport | null {
    const result = fieldsNamed(block, "X-Spamd-Result")[0];
    const action = fieldsNamed(block, "X-Rspamd-Action")[0];
    const scoreField = fieldsNamed(block, "X-Rspamd-Score")[0];
    if (!result && !action && !scoreField) return null;
    const fields: AntispamField[] = [];
    const rules: AntispamRule[] = [];
    let spam: boolean | null = null;
    let score: number | null = scoreField && /^-?[\d.]+$/.test(scoreField.value.trim()) ? Number(scoreField.value.trim()) : null;
    let threshold: number | null = null;
    if (result) {
      const head = /^\s*(\w+):\s*(True|False)\s*\[\s*(-?[\d.]+)\s*\/\s*(-?[\d.]+)\s*\]/i.exec(result.value);
      if (head) {
        spam = head[2].toLowerCase() === "true";
        score = Number(head[3]);
        threshold = Number(head[4]);
        fields.push({ header: result.name, key: "verdict", value: head[2], label: t(lang, "headers.rspamd.verdict"), meaning: t(lang, spam ? "headers.sa.verdict.yes" : "headers.sa.verdict.no") });
        fields.push({ header: result.name, key: "score", value: `${head[3]} / ${head[4]}`, label: t(lang, "headers.rspamd.score"), meaning: null });
      }
      for (const m of result.value.matchAll(/;\s*([A-Z0-9_]+)\((-?[\d.]+)\)(?:\[([^\]]*)\])?/g)) {
        rules.push({ name: m[1], score: Number(m[2]), description: m[3] || null });
      }
    }
    if (action) {
      const a = action.value.trim().toLowerCase();
      const known = (ACTIONS as readonly string[]).includes(a);
      if (FILTERED_ACTIONS.has(a)) spam = true;
      else if (known) spam ??= false;
      fields.push({ header: action.name, key: "action", value: action.value.trim(), label: t(lang, "headers.rspamd.action"), meaning: known ? t(lang, `headers.rspamd.action.${a.replace(/ /g, "-")}`) : null });
    }
    const bar = fieldsNamed(block, "X-Spamd-Bar")[0];
    if (bar?.value.trim()) fields.push({ header: bar.name, key: "bar", value: bar.value.trim(), label: t(lang, "headers.rspamd.bar"), meaning: null });
    return { spam, score, threshold, fields, rules, unparsed: null };
  },
};
