/**
 * Any other X-Spam-* field (X-Spam, X-Spam-Flag from other filters, X-Spam-Verdict,
 * X-Spam-Score from appliances ...): shown as written, with the common yes/no words decoded.
 */
import { type Lang, t } from "../../i18n/index.ts";
import type { HeaderBlock } from "../header-block.ts";
import { GOOGLE_HEADERS } from "./google.ts";
import { RSPAMD_HEADERS } from "./rspamd.ts";
import { SPAMASSASSIN_HEADERS } from "./spamassassin.ts";
import type { AntispamField, AntispamReport, AntispamVocabulary } from "./types.ts";

const YES = /^(yes|true|spam|1|\*+)$/i;
const NO = /^(no|false|ham|clean|not ?spam|0)$/i;

export function makeGeneric(claimedBySpecific: (block: HeaderBlock) => Set<string>): AntispamVocabulary {
  return {
    name: "generic",
    decode(block: HeaderBlock, lang: Lang): AntispamReport | null {
      const claimed = claimedBySpecific(block);
      const fields: AntispamField[] = [];
      let spam: boolean | null = null;
      for (const f of block.fields) {
        if (!/^x-spam(-|$)/.test(f.key) || claimed.has(f.key)) continue;
        const v = f.value.trim();
        const first = v.split(/[\s,;]/)[0] ?? "";
        const isFlag = /^x-spam(-flag|-verdict|-status)?$/.test(f.key);
        let meaning: string | null = null;
        if (isFlag && YES.test(first)) { spam = true; meaning = t(lang, "headers.sa.verdict.yes"); }
        else if (isFlag && NO.test(first)) { spam ??= false; meaning = t(lang, "headers.sa.verdict.no"); }
        fields.push({ header: f.name, key: f.name, value: v, label: f.name, meaning });
      }
      if (!fields.length) return null;
      return { spam, score: null, threshold: null, fields, rules: [], unparsed: null };
    },
  };
}

/** Header names the specific vocabularies read when they recognised the block. */
export const SPECIFIC_HEADERS = { spamassassin: SPAMASSASSIN_HEADERS, rspamd: RSPAMD_HEADERS, google: GOOGLE_HEADERS };
