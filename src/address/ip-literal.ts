/**
 * Address literals (RFC 5321 section 4.1.3): "[192.0.2.1]" or "[IPv6:2001:db8::1]".
 * Anything else between brackets is an RFC 5322 domain literal that SMTP cannot route.
 */
import type { SyntaxLevel } from "./syntax.ts";

interface LiteralDiagnosis {
  code: string;
  level: SyntaxLevel;
  params?: Record<string, string | number>;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(s: string): boolean {
  return IPV4.test(s);
}

/** Checks the text between the brackets. */
export function checkAddressLiteral(text: string): LiteralDiagnosis[] {
  if (isIpv4(text)) return [{ code: "ip-literal", level: "rfc5321", params: { ip: text } }];
  if (!/^IPv6:/i.test(text)) return [{ code: "general-literal", level: "rfc5322", params: { literal: text } }];
  const problem = ipv6Problem(text.slice(5));
  if (problem === "deprecated") {
    return [
      { code: "ip-literal", level: "rfc5321", params: { ip: text } },
      { code: "ipv6-literal-one-group-compressed", level: "deprec" },
    ];
  }
  if (problem) return [{ code: "bad-ipv6-literal", level: "rfc5322", params: { reason: problem } }];
  return [{ code: "ip-literal", level: "rfc5321", params: { ip: text } }];
}

/**
 * Why an IPv6 literal does not follow RFC 5321's IPv6-addr forms, "deprecated" when "::"
 * stands for a single group (allowed by RFC 4291, not by RFC 5321's IPv6-comp), or undefined.
 */
function ipv6Problem(addr: string): string | undefined {
  let groups = addr.split(":");
  let maxGroups = 8;
  const last = groups[groups.length - 1];
  if (last.includes(".")) {
    if (!isIpv4(last)) return "bad IPv4 part";
    groups = groups.slice(0, -1);
    maxGroups = 6;
    // "::1.2.3.4" leaves an empty trailing group that belongs to the "::".
    if (groups.length && groups[groups.length - 1] === "" && addr.endsWith(`::${last}`)) groups.push("");
  }
  const compressions = addr.split("::").length - 1;
  if (compressions > 1) return "more than one '::'";
  if (compressions === 0) {
    if (addr.startsWith(":")) return "starts with a single ':'";
    if (addr.endsWith(":")) return "ends with a single ':'";
    if (groups.length !== maxGroups) return `needs ${maxGroups} groups`;
  } else {
    if (/^:[^:]/.test(addr)) return "starts with a single ':'";
    if (/[^:]:$/.test(addr)) return "ends with a single ':'";
    // Drop the empty strings that the "::" (and its position at an end) produces.
    const real = groups.filter((g) => g !== "");
    if (real.length > maxGroups - 1) return `too many groups for '::'`;
    for (const g of real) if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return `bad group "${g}"`;
    if (real.length === maxGroups - 1) return "deprecated";
    return undefined;
  }
  for (const g of groups) if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return `bad group "${g}"`;
  return undefined;
}
