/**
 * One mail -> the format that explains it and its per-recipient records, before the reason
 * is classified. Order: ARF, the format modules (ordered by the Subject hint table), the
 * generic RFC 3464 reader, RFC 3834 automatic replies, and last the free-text reader for
 * daemon mails of no known format.
 */
import { parseFreeText } from "./fallback.ts";
import { orderFor } from "./lhost/index.ts";
import type { ParsedMail } from "./mime.ts";
import { parseArf, parseRfc3464, parseRfc3834 } from "./rfc3464.ts";
import { isAddress } from "./smtp.ts";
import type { FormatResult } from "./types.ts";

export interface Decoded extends FormatResult {
  mta: string;
}

function usable(r: FormatResult | undefined): r is FormatResult {
  return !!r && r.records.some((x) => isAddress(x.recipient));
}

export function decodeMail(mail: ParsedMail): Decoded | undefined {
  const arf = parseArf(mail);
  if (usable(arf)) return { ...arf, mta: "arf" };
  for (const m of orderFor(mail.subject)) {
    if (!m.detect(mail)) continue;
    const r = m.parse(mail);
    if (usable(r)) return { ...r, mta: m.name };
  }
  const std = parseRfc3464(mail);
  if (usable(std)) return { ...std, mta: "rfc3464" };
  const auto = parseRfc3834(mail);
  if (usable(auto)) return { ...auto, mta: "rfc3834" };
  const text = parseFreeText(mail);
  if (usable(text)) return { ...text, mta: "freetext" };
  return undefined;
}
