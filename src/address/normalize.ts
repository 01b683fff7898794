/**
 * Safe normalization of what Japanese input methods produce: full-width ASCII (ｔａｒｏ＠…),
 * the ideographic space, ideographic full stop and comma, and dash look-alikes. Only these
 * characters are mapped, so that a genuinely Japanese local part (RFC 6531) is left as it is;
 * the domain additionally gets NFKC and lower case, which IDNA does anyway.
 */

export interface Normalization {
  text: string;
  /** Which kinds of characters were mapped, for the diagnosis. */
  mapped: Array<"fullwidth" | "ideographic-punctuation" | "dash-lookalike" | "ideographic-space">;
}

const DASHES = /[\u2010-\u2015\u2212\u30fc\uff70\ufe63]/;

export function normalizeInputChars(raw: string): Normalization {
  const mapped = new Set<Normalization["mapped"][number]>();
  const chars = [...raw];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xff01 && cp <= 0xff5e) {
      out.push(String.fromCodePoint(cp - 0xfee0));
      mapped.add("fullwidth");
    } else if (cp === 0xfe6b) {
      out.push("@");
      mapped.add("fullwidth");
    } else if (cp === 0x3000) {
      out.push(" ");
      mapped.add("ideographic-space");
    } else if (ch === "。" || ch === "｡") {
      out.push(".");
      mapped.add("ideographic-punctuation");
    } else if (ch === "、" || ch === "､") {
      out.push(",");
      mapped.add("ideographic-punctuation");
    } else if (DASHES.test(ch) && isAsciiish(chars[i - 1]) && isAsciiish(chars[i + 1])) {
      // "ー" between Latin letters is a hyphen typed in kana mode; inside Japanese text it is a letter.
      out.push("-");
      mapped.add("dash-lookalike");
    } else out.push(ch);
  }
  return { text: out.join(""), mapped: [...mapped] };
}

function isAsciiish(ch: string | undefined): boolean {
  if (ch === undefined) return true;
  const cp = ch.codePointAt(0)!;
  return cp < 0x80 || (cp >= 0xff01 && cp <= 0xff5e);
}

/** The address as it should be stored: mapped characters, no surrounding space, domain lower-cased (NFKC). */
export function normalizeAddress(raw: string): Normalization {
  const n = normalizeInputChars(raw);
  let text = n.text.trim();
  const at = text.lastIndexOf("@");
  if (at > 0 && !text.slice(at + 1).startsWith("[")) {
    text = `${text.slice(0, at)}@${text.slice(at + 1).normalize("NFKC").toLowerCase()}`;
  }
  return { text, mapped: n.mapped };
}
