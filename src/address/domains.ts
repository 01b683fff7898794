/**
 * The domain lists behind typo suggestions. POPULAR are targets a typo may be corrected to
 * (most used first: ties go to the earlier one); KNOWN_REAL are real domains that look like
 * typos of a popular one and must never be "corrected" (gm.com, mail.com, me.com ...).
 */

/** Mailbox providers of Japan, then of the world. */
export const POPULAR_DOMAINS: readonly string[] = [
  // Japan: carriers, then providers and ISPs
  "docomo.ne.jp", "ezweb.ne.jp", "au.com", "softbank.ne.jp", "i.softbank.jp", "ymobile.ne.jp",
  "yahoo.co.jp", "icloud.com", "gmail.com", "outlook.jp", "outlook.com", "hotmail.co.jp", "live.jp",
  "nifty.com", "biglobe.ne.jp", "ocn.ne.jp", "so-net.ne.jp", "plala.or.jp", "jcom.zaq.ne.jp", "dion.ne.jp",
  "rakuten.jp", "excite.co.jp", "mopera.net", "disney.ne.jp", "willcom.com", "uqmobile.jp",
  // World
  "yahoo.com", "hotmail.com", "aol.com", "googlemail.com", "google.com", "apple.com", "me.com", "mac.com",
  "live.com", "msn.com", "ymail.com", "comcast.net", "verizon.net", "att.net", "sbcglobal.net",
  "yahoo.co.uk", "hotmail.co.uk", "gmail.co.uk", "btinternet.com", "yahoo.de", "yahoo.fr", "hotmail.fr", "hotmail.nl",
  "gmx.de", "gmx.net", "gmx.at", "gmx.com", "web.de", "t-online.de", "freenet.de", "1und1.de", "kpnmail.nl",
  "orange.fr", "free.fr", "laposte.net", "libero.it", "protonmail.com", "proton.me", "zoho.com",
  "mail.ru", "yandex.ru", "naver.com", "hanmail.net", "qq.com", "163.com",
];

/** Real domains near a popular one; they are left alone. */
export const KNOWN_REAL_DOMAINS: ReadonlySet<string> = new Set([
  ...POPULAR_DOMAINS,
  "mail.com", "email.com", "gm.com", "ya.ru", "yahoo.co.in", "rocketmail.com", "facebook.com", "daum.net",
  "126.com", "rambler.ru", "virgilio.it", "sky.com", "shaw.ca", "rogers.com", "bigpond.com", "ziggo.nl",
  "jcom.home.ne.jp", "eonet.ne.jp", "zaq.ne.jp", "au.com", "pdx.ne.jp", "emnet.ne.jp", "wcm.ne.jp",
  "inter7.jp", "tiki.ne.jp", "kcn.ne.jp", "mail.goo.ne.jp", "goo.jp", "ybb.ne.jp", "infoseek.jp",
  "sannet.ne.jp", "nate.com", "spmode.ne.jp", "docomo.com", "softbank.jp", "aol.jp", "outlook.co.jp",
  // Country versions of the big providers.
  ...["com.tw", "com.hk", "co.kr", "com.au", "com.br", "com.ar", "com.mx", "co.in", "co.id", "com.sg", "com.ph",
    "com.vn", "co.th", "ca", "es", "it", "de", "fr", "co.uk", "ie", "se", "no", "dk", "fi", "gr", "pl", "ro", "co.nz"].map((s) => `yahoo.${s}`),
  ...["co.jp", "co.uk", "fr", "de", "it", "es", "nl", "be", "com.br", "com.ar", "com.au", "co.th", "co.kr"].map((s) => `hotmail.${s}`),
  ...["jp", "co.uk", "fr", "de", "nl", "be", "it", "com.au", "ca"].map((s) => `live.${s}`),
]);

/**
 * Domains of Japanese mobile carriers that once let subscribers choose addresses with ".."
 * or a dot before "@" (RFC-violating, still in use), with their subdomains.
 */
export const LEGACY_CARRIER_DOMAINS: readonly string[] = [
  "docomo.ne.jp", "ezweb.ne.jp", "au.com", "softbank.ne.jp", "i.softbank.jp", "vodafone.ne.jp",
  "disney.ne.jp", "pdx.ne.jp", "willcom.com", "emnet.ne.jp", "ymobile.ne.jp",
];

export function isLegacyCarrierDomain(domain: string): boolean {
  const d = domain.toLowerCase();
  return LEGACY_CARRIER_DOMAINS.some((c) => d === c || d.endsWith(`.${c}`));
}

/** Public suffixes people mean, most used first (ties in distance go to the earlier one). */
export const COMMON_SUFFIXES: readonly string[] = [
  "com", "net", "org", "jp", "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "ed.jp", "lg.jp", "gr.jp", "ad.jp",
  "edu", "gov", "mil", "info", "biz", "io", "co.uk", "org.uk", "ac.uk", "uk", "ru", "fr", "de", "it", "nl",
  "es", "at", "ch", "be", "ca", "us", "au", "com.au", "net.au", "br", "com.br", "gov.br", "edu.br", "net.br",
  "org.br", "ar", "com.ar", "mx", "com.mx", "cn", "com.cn", "kr", "co.kr", "tw", "com.tw", "hk", "com.hk",
  "in", "co.in", "sg", "com.sg", "pl", "se", "no", "dk", "fi", "ie", "pt", "cz", "nz", "co.nz",
];

/**
 * Country codes that are real but far more often a slip for a generic TLD in an address
 * (".cm" for ".com", ".ne" for ".net"): corrected unless the whole domain is known.
 */
export const TYPO_PRONE_TLDS: Readonly<Record<string, string>> = { cm: "com", om: "com", ne: "net", et: "net" };

/** Second-level labels of country registries ("co" in co.jp); used to spot co.ar for com.ar. */
export const SLD_WORDS: ReadonlySet<string> = new Set([
  "co", "com", "ne", "net", "or", "org", "ac", "go", "gov", "gob", "ed", "edu", "edi",
]);
