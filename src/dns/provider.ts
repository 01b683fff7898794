/** Mail hosting providers recognised from MX host names: one table, most specific first. */

export interface ProviderRule {
  /** Matches the MX host name (lower case, no trailing dot). */
  pattern: RegExp;
  provider: string;
}

export const PROVIDERS: readonly ProviderRule[] = [
  { pattern: /\.mail\.protection\.outlook\.com$/, provider: "Microsoft 365 (Exchange Online)" },
  { pattern: /\.olc\.protection\.outlook\.com$|^outlook-com\.olc\.protection/, provider: "Outlook.com" },
  { pattern: /(^|\.)aspmx\.l\.google\.com$|^alt\d\.aspmx\.l\.google\.com$|^aspmx\d?\.googlemail\.com$|^smtp\.google\.com$/, provider: "Google Workspace" },
  { pattern: /(^|\.)gmail-smtp-in\.l\.google\.com$/, provider: "Gmail" },
  { pattern: /\.pphosted\.com$|\.ppe-hosted\.com$/, provider: "Proofpoint" },
  { pattern: /\.mimecast\.com$|\.mimecast-offshore\.com$/, provider: "Mimecast" },
  { pattern: /\.messagelabs\.com$/, provider: "Broadcom Email Security.cloud (MessageLabs)" },
  { pattern: /\.iphmx\.com$/, provider: "Cisco Secure Email" },
  { pattern: /\.barracudanetworks\.com$/, provider: "Barracuda" },
  { pattern: /\.trendmicro\.(com|eu)$|\.tmes\.trendmicro/, provider: "Trend Micro Email Security" },
  { pattern: /\.zoho\.(com|eu|jp|in)$/, provider: "Zoho Mail" },
  { pattern: /\.yahoodns\.net$/, provider: "Yahoo" },
  { pattern: /^mx\d*\.mail\.yahoo\.co\.jp$|\.mail\.yahoo\.co\.jp$/, provider: "Yahoo! JAPAN" },
  { pattern: /\.mail\.icloud\.com$/, provider: "Apple iCloud Mail" },
  { pattern: /\.messagingengine\.com$/, provider: "Fastmail" },
  { pattern: /\.protonmail\.ch$/, provider: "Proton Mail" },
  { pattern: /^inbound-smtp\.[a-z0-9-]+\.amazonaws\.com$/, provider: "Amazon SES (inbound)" },
  { pattern: /\.secureserver\.net$/, provider: "GoDaddy" },
  { pattern: /\.ovh\.net$/, provider: "OVHcloud" },
  { pattern: /\.sakura\.ne\.jp$/, provider: "さくらインターネット (Sakura Internet)" },
  { pattern: /\.xserver\.jp$/, provider: "エックスサーバー (XServer)" },
  { pattern: /\.kagoya\.net$/, provider: "KAGOYA" },
  { pattern: /\.docomo\.ne\.jp$/, provider: "NTT docomo" },
  { pattern: /\.ezweb\.ne\.jp$|\.au\.com$/, provider: "au (KDDI)" },
  { pattern: /\.softbank\.ne\.jp$|\.softbank\.jp$/, provider: "SoftBank" },
];

/** Providers of a domain's MX hosts (distinct, in MX order). */
export function recogniseProviders(exchanges: readonly string[]): string[] {
  const out: string[] = [];
  for (const ex of exchanges) {
    const host = ex.toLowerCase().replace(/\.$/, "");
    const rule = PROVIDERS.find((r) => r.pattern.test(host));
    if (rule && !out.includes(rule.provider)) out.push(rule.provider);
  }
  return out;
}
