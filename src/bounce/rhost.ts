/**
 * Remote-host rules: big mailbox providers answer with their own codes and sentences, which
 * say more than the enhanced status code they attach (Microsoft sends 5.7.606 for a banned
 * IP, GoDaddy "IB607" for a rate limit on a 5.1.1, Orange "OFR_506" for spam). A provider is
 * recognised by the remote MTA's host name, else by the recipient's domain, else by a
 * signature only that provider writes (its help URL or code scheme).
 * Each provider's table is ordered; the first rule that matches gives the reason.
 */
import type { Reason } from "./reason.ts";

interface HostFacts {
  status: string;
  reply: string;
  text: string;
  command: string;
}

/** [pattern on the lower-cased text, reason]; an optional status prefix narrows the rule. */
type Rule = readonly [RegExp, Reason, string?];

interface Provider {
  name: string;
  /** Host names (or their parent domains) of the provider's inbound MX. */
  hosts: readonly string[];
  /** Recipient domains it hosts. */
  domains?: readonly string[];
  /** Text only this provider writes. */
  signature?: RegExp;
  rules?: readonly Rule[];
  /** Code tables keyed by the provider's own error codes. */
  decide?: (f: HostFacts) => Reason | "";
}

const google: Provider = {
  name: "google",
  hosts: ["google.com", "googlemail.com", "gmail.com"],
  domains: ["gmail.com", "googlemail.com"],
  signature: /\bsupport\.google\.com\/mail\b|\bgsmtp\b/,
  rules: [
    [/\brfc ?5322\b|rfcmessagenoncompliant|\bmultiple .{1,40}headers\b/, "notcompliantrfc"],
    [/\bptr record\b|\breverse dns\b|\bforward dns\b/, "requireptr"],
    // Groups' spam refusals go on to advise SPF: the verdict comes first.
    [/\b(?:rejected|blocked) due to spam classification\b/, "spamdetected"],
    [/\bdmarc\b|\bspf\b|\bdkim\b|\bunauthenticated\b|\bauthentication\b/, "authfailure"],
    [/\breceiving mail at a rate\b|\brate limit/, "speeding"],
    [/\b(?:very )?low reputation\b|\breputation\b/, "badreputation"],
    [/\bover quota\b|\bout of storage\b|\binbox is full\b|\bmailbox is full\b/, "mailboxfull"],
    [/\baccount that you tried to reach is (?:disabled|inactive)\b|\baccount is disabled\b/, "suspend"],
    [/\baccount that you tried to reach does not exist\b|\bno such user\b/, "userunknown"],
    [/\bsize limit\b|\bmessage (?:is )?too (?:big|large)\b|\bexceeded the maximum message size\b/, "mesgtoobig"],
    [/\bvirus\b|\bsecurity issue\b|\bmalicious\b/, "virusdetected"],
    [/\bunusual rate of unsolicited mail\b|\bblocked .{0,40}ip\b/, "blocked"],
    [/\bunsolicited\b|\bspam\b/, "spamdetected"],
    [/\btls\b|\bstarttls\b/, "failedstarttls"],
    [/\brelay/, "norelaying"],
  ],
};

/** Google Workspace's own "Address not found" DSNs: the cause sits in the sentence. */
const googleWorkspace: Provider = {
  name: "google-workspace",
  hosts: [],
  signature: /\*\* address not found \*\*|\bbecause the (?:address|domain \S+) couldn'?t be found\b|\bdns error: \d+ dns type\b|\bthe response (?:from the remote server )?was: dns error\b/,
  rules: [
    [/\brfc ?7505\b|\brfc\/rfc7505\b|\bnull mx\b/, "notaccept"],
    [/\bdns error\b/, "networkerror"],
    [/\bsender address rejected\b|\b5\.1\.[78]\b/, "rejected"],
    [/\b550 : user unknown\b/, "filtered"], // au/ezweb's answer when its sender filter refuses
    [/\bdomain \S+ couldn'?t be found\b/, "hostunknown"],
    [/\baddress couldn'?t be found\b/, "userunknown"],
  ],
};

const microsoft: Provider = {
  name: "microsoft",
  hosts: ["outlook.com", "hotmail.com", "live.com", "msn.com", "protection.outlook.com", "office365.com", "outlook.office365.com"],
  domains: ["outlook.com", "hotmail.com", "live.com", "msn.com", "outlook.jp", "hotmail.co.jp"],
  decide(f) {
    const m = /^([45])\.(\d{1,3})\.(\d{1,3})$/.exec(f.status);
    if (m) {
      const [cls, sub, det] = [m[1], Number(m[2]), Number(m[3])];
      if (f.text.includes("rate limited due to ip reputation")) return "badreputation";
      if (sub === 7 && det >= 606 && det <= 649) return "blocked"; // banned sending IP
      if (sub === 7 && cls === "4" && ((det >= 500 && det <= 699) || (det >= 850 && det <= 899))) return "blocked";
      if (sub === 7 && [506, 507, 510, 511, 513, 708, 750].includes(det)) return "blocked";
      if (sub === 7 && [23, 26, 509].includes(det)) return "authfailure";
      if (sub === 7 && det === 25) return "requireptr";
      if (sub === 7 && det === 57) return "securityerror"; // not authenticated to send anonymous mail
      if (sub === 7 && det === 64) return "norelaying";
      if (sub === 7 && [124, 133, 134, 135, 136].includes(det)) return "rejected"; // restricted groups
      if (sub === 1 && det === 8) return "rejected";
      if (sub === 1 && (det === 10 || det === 1)) return "userunknown";
      if (sub === 4 && det === 1 && f.text.includes("access denied")) return "userunknown";
      if (sub === 4 && det === 14) return "networkerror"; // hop count exceeded
      if (sub === 6 && det === 11) return "contenterror";
      if (sub === 4 && det === 300) return "expired";
    }
    return "";
  },
  rules: [
    [/\bpart of their network is on our block list\b/, "blocked"],
    // Outlook.com's "SC-00n" refusals are about the sending IP (reputation, unwanted volume).
    [/\bsc-00[1-5]\b|\btoo many unwanted messages have been sent from\b/, "blocked"],
    [/\bmailbox (?:is )?full\b|\bquota\b/, "mailboxfull"],
    [/\brequested action not taken: mailbox unavailable\b/, "userunknown"],
  ],
};

const yahoo: Provider = {
  name: "yahoo",
  hosts: ["yahoodns.net", "yahoo.com", "yahoo.net"],
  domains: ["yahoo.com", "ymail.com", "rocketmail.com"],
  signature: /\bpostmaster\.(?:yahooinc|verizonmedia)\.com\b/,
  decide(f) {
    // Complaints about our traffic: refused at MAIL FROM it is our sender, else our IP's standing.
    if (/\[tss0[49]\]|\bdeferred due to (?:unexpected volume or )?user complaints\b/.test(f.text)) {
      return f.command === "MAIL" ? "rejected" : "badreputation";
    }
    return "";
  },
  rules: [
    [/\[tss0[1-3]\]|\[tsu\d\d\]/, "blocked"],
    [/\buser doesn'?t have a \S+ account\b|\bno such user\b/, "userunknown"],
    [/\bover quota\b|\bmailbox (?:is )?full\b/, "mailboxfull"],
    [/\bdmarc\b|\bspf\b|\bdkim\b/, "authfailure"],
    [/\bptr\b|\breverse dns\b/, "requireptr"],
  ],
};

const aol: Provider = {
  name: "aol",
  hosts: ["aol.com", "mx.aol.com"],
  domains: ["aol.com", "aim.com"],
  rules: [
    [/\bhost or domain name not found\b/, "hostunknown"],
    // AOL's words when the recipient domain's MX answer is unusable: it accepts no mail.
    [/\bno mx record\b|\bnull mx\b|\bdoes not accept mail\b|\btype=mx: malformed or unexpected name server reply\b/, "notaccept"],
    [/\bmailbox (?:is )?full\b|\bquota\b/, "mailboxfull"],
    [/\buser unknown\b|\bno such user\b/, "userunknown"],
  ],
};

const apple: Provider = {
  name: "apple",
  hosts: ["icloud.com", "me.com", "mac.com", "apple.com"],
  domains: ["icloud.com", "me.com", "mac.com"],
  rules: [
    [/\bmailbox (?:is )?full\b|\bover quota\b/, "mailboxfull"],
    [/\bmailbox is disabled\b|\baccount (?:is )?disabled\b/, "suspend"],
    [/\bno longer accepts mail\b|\bhas moved\b/, "hasmoved"],
    [/\buser unknown\b|\bno such user\b|\bmailbox does not exist\b/, "userunknown"],
    [/\bhost\/domain does not accept mail\b/, "notaccept"],
    [/\bdmarc\b|\bspf\b|\bdkim\b/, "authfailure"],
    [/\bblocked\b|\bblacklist/, "blocked"],
  ],
};

/** Cox (cloudfilter) writes "AUP#CXxx" codes. */
const cox: Provider = {
  name: "cox",
  hosts: ["cox.net", "cloudfilter.net"],
  domains: ["cox.net"],
  signature: /\bcox\.com\/.{0,80}error-codes\b/,
  rules: [
    [/aup#(?:cdrbl|cxbl|cxrbl|cxsbl|cxdbl|rbl)/, "blocked"],
    [/aup#(?:cxdns|cxptr|cxrdns)/, "requireptr"],
    [/aup#(?:cxsnd|cxsmtp)/, "rejected"],
    [/aup#(?:cxcnt|cxmxrt|cxthr|cxiprt)/, "speeding"],
    [/aup#(?:cxspf|cxdmarc|cxdkim)/, "authfailure"],
    [/aup#cxmxnd|\bno mx\b/, "notaccept"],
    [/aup#cxconn|too many connections/, "toomanyconn"],
  ],
};

/** Spectrum (Charter) writes "AUP#In-NN"/"AUP#Out-NN" and "AUP#NNNN". */
const spectrum: Provider = {
  name: "spectrum",
  hosts: ["charter.net", "spectrum.net", "rr.com"],
  domains: ["charter.net", "spectrum.net", "rr.com", "twc.com"],
  signature: /\bspectrum\.net\/.{0,80}error-codes\b/,
  decide(f) {
    const m = /aup#(?:in|out)?-?(\d{2,4})/.exec(f.text);
    if (!m) return "";
    const n = Number(m[1]);
    if (n >= 1000) {
      if (n < 1030) return "blocked";
      if (n < 1100) return "rejected";
      if (n < 1200) return "blocked";
      if (n < 1400) return "toomanyconn"; // message and connection rate limits
      return "";
    }
    if (n <= 10) return "blocked";
    return "toomanyconn"; // In-13 and friends: too many connections or messages from one IP
  },
};

/** GoDaddy (secureserver.net) ends its replies with "IBnnn". */
const GODADDY_CODES: Record<string, Reason> = {
  IB007: "toomanyconn", IB101: "speeding", IB103: "badreputation", IB104: "blocked", IB105: "blocked",
  IB106: "blocked", IB108: "requireptr", IB110: "blocked", IB111: "blocked", IB112: "blocked", IB113: "blocked",
  IB212: "spamdetected", IB401: "securityerror", IB501: "notcompliantrfc", IB502: "notcompliantrfc",
  IB504: "speeding", IB506: "rejected", IB508: "authfailure", IB510: "speeding", IB605: "toomanyconn",
  IB607: "speeding", IB705: "virusdetected",
};
const godaddy: Provider = {
  name: "godaddy",
  hosts: ["secureserver.net"],
  signature: /\bib\d{3}\b.{0,40}x\.co\/|\bx\.co\/rlbounce\b/,
  decide(f) {
    const m = /\b(ib\d{3})\b/.exec(f.text);
    return m ? (GODADDY_CODES[m[1].toUpperCase()] ?? "") : "";
  },
  rules: [
    [/\bhas been in the queue too long\b|\bdelivery timeout\b/, "expired"],
    [/\baccount storage limit\b/, "mailboxfull"],
    [/\baccount disabled\b/, "suspend"],
    [/\brecipient not found\b|\baccount does not exist\b/, "userunknown"],
  ],
};

/** Orange / Wanadoo / La Poste: "OFR_506", "LPN007_416", "OUK_513" carry the real cause. */
const FRANCE_CODES: Record<string, Reason> = {
  "102": "blocked", "103": "blocked", "104": "toomanyconn", "108": "blocked", "305": "securityerror",
  "401": "authfailure", "402": "securityerror", "403": "rejected", "405": "rejected", "415": "rejected",
  "416": "userunknown", "417": "mailboxfull", "418": "userunknown", "420": "suspend", "421": "rejected",
  "426": "suspend", "505": "systemerror", "506": "spamdetected", "510": "blocked", "514": "mesgtoobig",
  "630": "policyviolation", "999": "blocked",
};
const franceptt: Provider = {
  name: "franceptt",
  hosts: ["orange.fr", "wanadoo.fr", "laposte.net", "francetelecom.fr"],
  domains: ["orange.fr", "wanadoo.fr", "laposte.net"],
  signature: /\b(?:lpn|ofr|ouk)(?:_\d{3}|\d{3}[-_]\d{3})\b/,
  decide(f) {
    const m = /\b(?:lpn|ofr|ouk)(?:_(\d{3})|\d{3}[-_](\d{3}))\b/.exec(f.text);
    return m ? (FRANCE_CODES[m[1] ?? m[2]] ?? "") : "";
  },
};

const tencent: Provider = {
  name: "tencent",
  hosts: ["qq.com", "tencent.com", "exmail.qq.com"],
  domains: ["qq.com", "foxmail.com"],
  signature: /\bservice\.mail\.qq\.com\b/,
  rules: [
    [/\bfrequency limited\b|\btoo many\b|\bexceeded .{0,20}limit\b/, "toomanyconn"],
    [/\bspf\b|\bdmarc\b|\bdkim\b/, "authfailure"],
    [/\bmailbox is frozen\b|\bdeactivated mailbox\b/, "suspend"],
    [/\bmailbox (?:is )?full\b|\bquota\b/, "mailboxfull"],
    [/\bmail content denied\b|\bspam\b/, "spamdetected"],
    [/\bmailbox not found\b|\bno such user\b|\buser not exist\b/, "userunknown"],
  ],
};

/** i.ua / email.ua: "See http://mail.i.ua/err/N/" with N naming the cause. */
const iua: Provider = {
  name: "iua",
  hosts: ["email.ua", "i.ua"],
  signature: /\bmail\.i\.ua\/err\/\d+\b/,
  decide(f) {
    const n = /\bmail\.i\.ua\/err\/(\d+)\b/.exec(f.text)?.[1];
    const codes: Record<string, Reason> = { "1": "norelaying", "2": "userunknown", "3": "suspend", "4": "rejected", "5": "policyviolation", "6": "mailboxfull", "7": "mesgtoobig", "8": "spamdetected", "9": "blocked" };
    return n ? (codes[n] ?? "") : "";
  },
  rules: [[/\bmailbox is frozen\b/, "suspend"]],
};

/** au (KDDI, ezweb): "550 : User unknown" after the carrier's own sender filter. */
const kddi: Provider = {
  name: "kddi",
  hosts: ["ezweb.ne.jp", "au.com", "kddi.com"],
  domains: ["ezweb.ne.jp", "au.com"],
  rules: [
    // The filter's refusal names no address: "550 : User unknown", "550: : User unknown".
    [/\b550:? : user unknown\b/, "filtered"],
    [/\buser unknown\b/, "userunknown"],
  ],
};

/** NTT docomo refuses filtered senders with "550 Unknown user" after DATA. */
const docomo: Provider = {
  name: "nttdocomo",
  hosts: ["docomo.ne.jp"],
  domains: ["docomo.ne.jp"],
  decide(f) {
    // Only a refusal at RCPT is about the mailbox; after DATA or unplaced it is the
    // recipient's sender filter.
    if (/\bunknown user\b|\buser unknown\b/.test(f.text)) return f.command === "RCPT" ? "userunknown" : f.command === "DATA" ? "rejected" : "filtered";
    if (/\btoo many recipients\b/.test(f.text)) return "toomanyconn";
    if (/\btoo much mail data\b/.test(f.text)) return "mailboxfull";
    return "";
  },
};

const mimecast: Provider = {
  name: "mimecast",
  hosts: ["mimecast.com", "mimecast.co.za", "mimecast-offshore.com"],
  signature: /\bmimecast\.com\/docs\b/,
  rules: [
    [/\bvirus\b|spamsignature|\bmalware\b/, "virusdetected"],
    [/\bhost network not allowed\b|\bsecurity polic|\bpolicy\b/, "policyviolation"],
    [/\binvalid recipient\b|\brecipient address rejected\b|\bno such user\b/, "userunknown"],
    [/\bspam\b|\breputation\b/, "spamdetected"],
    [/\bdmarc\b|\bspf\b|\bdkim\b/, "authfailure"],
    [/\brelay/, "norelaying"],
  ],
};

const messagelabs: Provider = {
  name: "messagelabs",
  hosts: ["messagelabs.com"],
  rules: [
    [/\bno such user\b|\buser unknown\b|\binvalid recipient\b|\brejected\b/, "userunknown"],
    [/\bblacklisted\b|\bblocked\b/, "blocked"],
    [/\bspam\b/, "spamdetected"],
  ],
};

const facebook: Provider = {
  name: "facebook",
  hosts: ["facebook.com", "fb.com"],
  domains: ["facebook.com"],
  signature: /\bpostmaster\.facebook\.com\b/,
  decide(f) {
    const m = /\b(rcp|dns|int|pol|mbx|msg|cnt|sp|blk|rtr)-([a-z])(\d)\b/.exec(f.text);
    if (!m) return "";
    const kind = m[1];
    if (kind === "rcp") return m[2] === "t" ? "speeding" : m[3] === "1" ? "userunknown" : "filtered";
    if (kind === "dns") return "hostunknown";
    if (kind === "int") return "systemerror";
    if (kind === "pol") return "policyviolation";
    if (kind === "mbx") return "mailboxfull";
    if (kind === "msg" || kind === "cnt") return "contenterror";
    if (kind === "sp") return "spamdetected";
    if (kind === "blk") return "blocked";
    return "";
  },
};

const PROVIDERS: readonly Provider[] = [
  google, googleWorkspace, microsoft, yahoo, aol, apple, cox, spectrum, godaddy, franceptt, tencent, iua, kddi,
  docomo, mimecast, messagelabs, facebook,
];

function hostOf(remoteMta: string): string {
  // "dns; mx.example.com", "mx.example.com (192.0.2.1)", "[192.0.2.1]"
  const m = /([a-z0-9][a-z0-9.-]*\.[a-z]{2,})/i.exec(remoteMta.replace(/^\s*dns;\s*/i, ""));
  return m ? m[1].toLowerCase().replace(/\.$/, "") : "";
}

function under(host: string, names: readonly string[]): boolean {
  return names.some((n) => host === n || host.endsWith(`.${n}`));
}

/** Where a bounce came from: the host that refused, the host that wrote the report, the recipient. */
export interface HostNames {
  remoteMta: string;
  reportingMta?: string;
  recipient?: string;
}

/** The provider whose rules apply, or undefined. */
export function providerOf(names: HostNames, text: string): string | undefined {
  return findProvider(names, text)?.name;
}

/**
 * The remote MTA's name decides first; then text only one provider writes; then the
 * reporting MTA (a provider's own bounce relays the remote reply in its own words, or the
 * failure happened inside it); the recipient's domain only when no remote host is named.
 */
function findProvider({ remoteMta, reportingMta = "", recipient = "" }: HostNames, text: string): Provider | undefined {
  const host = hostOf(remoteMta);
  if (host) {
    const p = PROVIDERS.find((x) => under(host, x.hosts));
    if (p) return p;
  }
  const bySignature = PROVIDERS.find((x) => x.signature?.test(text));
  if (bySignature) return bySignature;
  const reporter = hostOf(reportingMta);
  if (reporter) {
    const p = PROVIDERS.find((x) => under(reporter, x.hosts));
    if (p) return p;
  }
  const domain = recipient.slice(recipient.lastIndexOf("@") + 1).toLowerCase();
  if (domain && !host) return PROVIDERS.find((x) => x.domains && under(domain, x.domains));
  return undefined;
}

export function rhostReason(names: HostNames, f: HostFacts): Reason | "" {
  if (!f.text) return "";
  const p = findProvider(names, f.text);
  if (!p) return "";
  const decided = p.decide?.(f);
  if (decided) return decided;
  for (const [re, reason, statusPrefix] of p.rules ?? []) {
    if (statusPrefix && !f.status.startsWith(statusPrefix)) continue;
    if (re.test(f.text)) return reason;
  }
  return "";
}
