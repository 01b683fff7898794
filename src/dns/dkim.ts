/**
 * DKIM public keys (RFC 6376 3.6.1) at <selector>._domainkey.<domain>: present, well-formed,
 * not revoked (empty p=), not in test mode, and the RSA key length (RFC 8301: 1024 at least).
 */
import { createPublicKey } from "node:crypto";
import { finding, type RawFinding } from "./finding.ts";
import { type DnsResolver, isAnswer } from "./resolver.ts";
import { parseTagList } from "./tag-list.ts";

export interface DkimKey {
  selector: string;
  name: string;
  record?: string;
  keyType?: string;
  bits?: number;
  findings: RawFinding[];
}

export async function checkDkim(resolver: DnsResolver, domain: string, selector: string): Promise<DkimKey> {
  const name = `${selector}._domainkey.${domain}`;
  const out: DkimKey = { selector, name, findings: [] };
  const txt = await resolver.lookup(name, "TXT");
  if (!isAnswer(txt.status)) {
    out.findings.push(finding("error", "domain.lookup-failed", { name, type: "TXT", status: txt.status, server: resolver.server ?? "system" }));
    return out;
  }
  const records = txt.records.filter((r) => /(^|;)\s*(v=DKIM1|p=|k=)/i.test(r));
  if (records.length === 0) {
    out.findings.push(finding("error", "domain.dkim-none", { selector, name }));
    return out;
  }
  if (records.length > 1) out.findings.push(finding("warning", "domain.dkim-multiple", { name }));
  out.record = records[0];
  const tl = parseTagList(out.record);
  for (const e of tl.errors) out.findings.push(finding("error", "domain.dkim-syntax", { selector, error: e }));
  const v = tl.tags.get("v");
  if (v !== undefined && (v !== "DKIM1" || tl.order[0] !== "v")) out.findings.push(finding("error", "domain.dkim-syntax", { selector, error: "v=DKIM1 must come first" }));
  const k = (tl.tags.get("k") ?? "rsa").toLowerCase();
  out.keyType = k;
  const p = (tl.tags.get("p") ?? "").replace(/\s+/g, "");
  if (!tl.tags.has("p")) out.findings.push(finding("error", "domain.dkim-syntax", { selector, error: "no p= tag" }));
  else if (p === "") out.findings.push(finding("error", "domain.dkim-revoked", { selector }));
  else if (k === "rsa") {
    try {
      const key = createPublicKey({ key: Buffer.from(p, "base64"), format: "der", type: "spki" });
      out.bits = key.asymmetricKeyDetails?.modulusLength;
      if (out.bits !== undefined && out.bits < 1024) out.findings.push(finding("error", "domain.dkim-weak-key", { selector, bits: out.bits }));
      else if (out.bits !== undefined && out.bits < 2048) out.findings.push(finding("warning", "domain.dkim-short-key", { selector, bits: out.bits }));
    } catch {
      out.findings.push(finding("error", "domain.dkim-bad-key", { selector }));
    }
  } else if (k === "ed25519") {
    if (Buffer.from(p, "base64").length !== 32) out.findings.push(finding("error", "domain.dkim-bad-key", { selector }));
  } else out.findings.push(finding("error", "domain.dkim-unknown-type", { selector, type: k }));
  if ((tl.tags.get("t") ?? "").split(":").map((x) => x.trim()).includes("y")) out.findings.push(finding("warning", "domain.dkim-testing", { selector }));
  if (!out.findings.some((f) => f.severity === "error")) {
    out.findings.unshift(finding("ok", "domain.dkim-ok", { selector, type: k, bits: out.bits ?? "-" }));
  }
  return out;
}
