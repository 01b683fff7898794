/** What every antispam vocabulary module returns: fields decoded into words, and a verdict. */
import type { Lang } from "../../i18n/index.ts";
import type { HeaderBlock } from "../header-block.ts";

export interface AntispamField {
  /** The header field the value came from. */
  header: string;
  /** The key inside that field ("SCL", "SFV"), or the field name itself for single-value fields. */
  key: string;
  value: string;
  /** What the key is, in words. */
  label: string;
  /** What the value means, in words; null when the vocabulary has no entry for it. */
  meaning: string | null;
}

export interface AntispamRule {
  name: string;
  score: number | null;
  description: string | null;
}

export interface AntispamReport {
  /** True when this filter classified the message as spam, phishing, bulk or malware. */
  spam: boolean | null;
  score: number | null;
  threshold: number | null;
  fields: AntispamField[];
  rules: AntispamRule[];
  /** key:value pairs the vocabulary has no entry for, as read ("DIR:INB;SFP:;"). */
  unparsed: string | null;
}

export interface AntispamVocabulary {
  name: string;
  decode(block: HeaderBlock, lang: Lang): AntispamReport | null;
}
