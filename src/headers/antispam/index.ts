/** All antispam vocabularies, one module each; the generic X-Spam-* reader takes what is left. */
import type { Lang } from "../../i18n/index.ts";
import type { HeaderBlock } from "../header-block.ts";
import { makeGeneric, SPECIFIC_HEADERS } from "./generic.ts";
import { google } from "./google.ts";
import { microsoft } from "./microsoft.ts";
import { rspamd } from "./rspamd.ts";
import { spamassassin } from "./spamassassin.ts";
import type { AntispamReport } from "./types.ts";

export interface AntispamSummary {
  microsoft: AntispamReport | null;
  spamassassin: AntispamReport | null;
  rspamd: AntispamReport | null;
  google: AntispamReport | null;
  generic: AntispamReport | null;
  /** True when any filter classified the message as spam, phishing, bulk or malware. */
  spamFiltered: boolean;
  /** Which filters said so. */
  filteredBy: string[];
}

export function readAntispam(block: HeaderBlock, lang: Lang): AntispamSummary {
  const sa = spamassassin.decode(block, lang);
  const rs = rspamd.decode(block, lang);
  const gg = google.decode(block, lang);
  const generic = makeGeneric(() => {
    const claimed = new Set<string>();
    if (sa) for (const h of SPECIFIC_HEADERS.spamassassin) claimed.add(h);
    if (rs) for (const h of SPECIFIC_HEADERS.rspamd) claimed.add(h);
    if (gg) for (const h of SPECIFIC_HEADERS.google) claimed.add(h);
    return claimed;
  }).decode(block, lang);
  const summary = { microsoft: microsoft.decode(block, lang), spamassassin: sa, rspamd: rs, google: gg, generic };
  const filteredBy = Object.entries(summary).filter(([, r]) => r?.spam === true).map(([name]) => name);
  return { ...summary, spamFiltered: filteredBy.length > 0, filteredBy };
}
