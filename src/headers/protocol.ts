/**
 * The "with" protocol and TLS evidence of a Received header. Protocol names follow the
 * IANA "Mail Transmission Types" registry (RFC 3848: ESMTPS = TLS, ESMTPA = AUTH, ...);
 * the TLS evidence comes from the comments MTAs add (Postfix "(using TLSv1.3 with cipher X)",
 * Sendmail/Gmail "(version=TLS1_3 cipher=X)", Microsoft "(version=TLS1_2, cipher=X)",
 * Exim "(TLS1.3) tls X" or "(TLS-1.0:CIPHER:bits)").
 */
export interface TlsInfo {
  tls: boolean | null;
  tlsVersion: string | null;
  cipher: string | null;
}

/** Registry names and common spellings -> canonical protocol. */
const PROTOCOLS: Record<string, string> = {
  smtp: "SMTP", esmtp: "ESMTP", esmtpa: "ESMTPA", esmtps: "ESMTPS", esmtpsa: "ESMTPSA",
  lmtp: "LMTP", lmtpa: "LMTPA", lmtps: "LMTPS", lmtpsa: "LMTPSA",
  utf8smtp: "UTF8SMTP", utf8smtpa: "UTF8SMTPA", utf8smtps: "UTF8SMTPS", utf8smtpsa: "UTF8SMTPSA",
  utf8lmtp: "UTF8LMTP", utf8lmtps: "UTF8LMTPS",
  bsmtp: "SMTP", "esmtp-tls": "ESMTPS", http: "HTTP", https: "HTTPS", httprest: "HTTP", imap: "IMAP", pop3: "POP3",
  local: "Local", mapi: "MAPI",
};

/** Canonical protocol from the words after "with"; null when it names no known protocol. */
export function normalizeProtocol(words: string): string | null {
  const w = words.trim();
  if (!w) return null;
  const first = w.split(/[\s/(;]/)[0].toLowerCase();
  if (first in PROTOCOLS) return PROTOCOLS[first];
  // Exim "local-esmtps", "local-bsmtp", "local-smtp".
  const local = /^local-(\w+)$/.exec(first);
  if (local && local[1] in PROTOCOLS) return PROTOCOLS[local[1]];
  // "Microsoft SMTP Server", "Microsoft SMTPSVC(5.0)", "MailEnable ESMTP", "[XMail 1.20 ESMTP Server]".
  const inner = /\b(ESMTPSA|ESMTPS|ESMTPA|ESMTP|LMTP|SMTPSVC|SMTP)\b/i.exec(w);
  if (inner) return inner[1].toUpperCase() === "SMTPSVC" ? "SMTP" : inner[1].toUpperCase();
  return null;
}

function normVersion(v: string): string | null {
  const m = /(TLS|SSL)\s*v?-?\s*(\d)(?:[._](\d))?/i.exec(v);
  if (!m) return null;
  return `${m[1].toUpperCase()}v${m[2]}.${m[3] ?? "0"}`;
}

/** TLS evidence anywhere in the header (comments included); `withWords` decides plain vs TLS. */
export function detectTls(flat: string, withWords: string): TlsInfo {
  let tlsVersion: string | null = null;
  let cipher: string | null = null;
  let m = /using\s+(TLSv?[\d.]+|SSLv?[\d.]+)\s+with\s+cipher\s+([A-Za-z0-9_-]+)/i.exec(flat);
  if (m) { tlsVersion = normVersion(m[1]); cipher = m[2]; }
  if (!m) {
    m = /version=\s*(TLS[\w.]*|SSL[\w.]*)[,\s]+cipher=\s*([A-Za-z0-9_-]+)/i.exec(flat);
    if (m) { tlsVersion = normVersion(m[1]); cipher = /^OTHER$/i.test(m[2]) ? null : m[2]; }
  }
  if (!m) {
    // Exim: "(TLS1.3) tls TLS_AES_256_GCM_SHA384", "(TLS-1.0:CIPHER:256)", "(Cipher TLSv1:CIPHER:168)", "(tls_cipher TLS-1.0:X:32)".
    m = /\((?:cipher\s+|tls_cipher\s+)?(TLS-?v?[\d.]+|SSLv?[\d.]+):([A-Za-z0-9_-]+):\d+\)/i.exec(flat);
    if (m) { tlsVersion = normVersion(m[1]); cipher = m[2]; }
  }
  if (!m) {
    m = /\((TLS-?v?1(?:[._]\d)?)\)\s*tls\s+([A-Za-z0-9_-]+)/i.exec(flat);
    if (m) { tlsVersion = normVersion(m[1]); cipher = m[2]; }
  }
  if (!m) {
    // "ESMTP/TLS/DHE-RSA-AES256", CommuniGate "TLS: TLS1.3, 128bits, CIPHER", "with AES256-GCM-SHA384 encrypted SMTP".
    m = /\/TLS\/([A-Za-z0-9_-]+)/i.exec(flat);
    if (m) cipher = m[1];
    else {
      const cg = /TLS:\s*(TLSv?[\d.]+|TLSv1\/SSLv3)[^,]*,\s*\d+bits,\s*([A-Za-z0-9_-]+)/i.exec(flat);
      if (cg) { tlsVersion = normVersion(cg[1]); cipher = cg[2]; }
      const enc = /with\s+([A-Za-z0-9_-]+)\s+encrypted\s+SMTP/i.exec(flat);
      if (enc) cipher = enc[1];
    }
  }
  if (tlsVersion || cipher) return { tls: true, tlsVersion, cipher };
  const proto = normalizeProtocol(withWords);
  if (!proto) return { tls: null, tlsVersion: null, cipher: null };
  if (/^(ESMTPS|ESMTPSA|LMTPS|LMTPSA|UTF8SMTPS|UTF8SMTPSA|UTF8LMTPS|HTTPS)$/.test(proto)) return { tls: true, tlsVersion: null, cipher: null };
  if (/^(SMTP|ESMTP|ESMTPA|LMTP|LMTPA|UTF8SMTP|UTF8SMTPA|UTF8LMTP|HTTP)$/.test(proto)) return { tls: false, tlsVersion: null, cipher: null };
  return { tls: null, tlsVersion: null, cipher: null };
}
