/**
 * Hand-written zones for the DNS tests (served by a real unbound, see test/support/dns-server.ts).
 * DKIM keys are generated fresh for each run.
 */
import { generateKeyPairSync } from "node:crypto";
import type { DnsServerOptions } from "../support/dns-server.ts";

function dkimKey(bits: number): string {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  return publicKey.export({ format: "der", type: "spki" }).toString("base64");
}

/** A TXT record in zone-file syntax, split into 255-octet character-strings. */
export function txt(name: string, text: string): string {
  const chunks = text.match(/.{1,255}/g) ?? [""];
  return `${name}. 300 IN TXT ${chunks.map((c) => `"${c}"`).join(" ")}`;
}

const rr = (line: string) => line;

export function testZones(): DnsServerOptions {
  const key2048 = dkimKey(2048);
  const key1024 = dkimKey(1024);
  const manyIncludes = Array.from({ length: 11 }, (_, i) => `include:i${i + 1}.many.test`).join(" ");
  return {
    zones: {
      "good.test": [
        rr("good.test. 300 IN MX 20 mx2.good.test."),
        rr("good.test. 300 IN MX 10 mx1.good.test."),
        rr("mx1.good.test. 300 IN A 192.0.2.11"),
        rr("mx2.good.test. 300 IN A 192.0.2.12"),
        rr("mx2.good.test. 300 IN AAAA 2001:db8::12"),
        txt("good.test", "v=spf1 ip4:192.0.2.0/24 include:_spf.provider.test -all"),
        txt("good.test", "google-site-verification=abc"),
        txt("_dmarc.good.test", "v=DMARC1; p=reject; rua=mailto:dmarc@good.test; adkim=s"),
        txt("sel1._domainkey.good.test", `v=DKIM1; k=rsa; p=${key2048}`),
        txt("short._domainkey.good.test", `v=DKIM1; k=rsa; p=${key1024}`),
        txt("revoked._domainkey.good.test", "v=DKIM1; k=rsa; p="),
        txt("testing._domainkey.good.test", `v=DKIM1; t=y; p=${key2048}`),
        txt("_mta-sts.good.test", "v=STSv1; id=20261122"),
        rr("mta-sts.good.test. 300 IN A 127.0.0.1"),
        txt("_smtp._tls.good.test", "v=TLSRPTv1; rua=mailto:tls@good.test"),
        rr("sub.good.test. 300 IN MX 10 mx1.good.test."),
      ],
      "provider.test": [txt("_spf.provider.test", "v=spf1 ip4:198.51.100.0/24 ~all")],
      "nullmx.test": [rr("nullmx.test. 300 IN MX 0 ."), txt("nullmx.test", "v=spf1 -all")],
      "aonly.test": [rr("aonly.test. 300 IN A 192.0.2.80")],
      "nomail.test": [txt("nomail.test", "hello")],
      "deadmx.test": [rr("deadmx.test. 300 IN MX 10 gone.deadmx.test.")],
      "exam-ple.test": [rr("exam-ple.test. 300 IN MX 10 mx1.good.test.")],
      "protection.outlook.com": [rr("contoso-test.mail.protection.outlook.com. 300 IN A 192.0.2.99")],
      "contoso.test": [rr("contoso.test. 300 IN MX 0 contoso-test.mail.protection.outlook.com.")],
      "loop.test": [txt("loop.test", "v=spf1 include:loop2.test -all")],
      "loop2.test": [txt("loop2.test", "v=spf1 include:loop.test -all")],
      "many.test": [
        txt("many.test", `v=spf1 ${manyIncludes} -all`),
        ...Array.from({ length: 11 }, (_, i) => txt(`i${i + 1}.many.test`, `v=spf1 ip4:203.0.113.${i + 1} -all`)),
      ],
      "multi.test": [txt("multi.test", "v=spf1 -all"), txt("multi.test", "v=spf1 ip4:192.0.2.1 -all")],
      "plusall.test": [txt("plusall.test", "v=spf1 +all")],
      "badsyntax.test": [txt("badsyntax.test", "v=spf1 ip4:999.1.1.1 foo:bar -all")],
      "void.test": [txt("void.test", "v=spf1 a:nx1.void.test a:nx2.void.test a:nx3.void.test -all")],
      "noinclude.test": [txt("noinclude.test", "v=spf1 include:nothing.noinclude.test -all")],
      "dmarcnone.test": [txt("_dmarc.dmarcnone.test", "v=DMARC1; p=none")],
      "dmarcbad.test": [txt("_dmarc.dmarcbad.test", "v=DMARC1; p=block; pct=150; adkim=x")],
      "dmarcext.test": [txt("_dmarc.dmarcext.test", "v=DMARC1; p=quarantine; pct=50; rua=mailto:agg@reports.other.test,mailto:ok@reports.allowed.test")],
      "allowed.test": [txt("dmarcext.test._report._dmarc.reports.allowed.test", "v=DMARC1")],
      "stsbad.test": [
        rr("stsbad.test. 300 IN MX 10 mx.elsewhere.test."),
        txt("_mta-sts.stsbad.test", "v=STSv1; id=1"),
        rr("mta-sts.stsbad.test. 300 IN A 127.0.0.1"),
      ],
    },
    servfail: ["broken.test"],
    timeout: ["slow.test"],
    refused: ["nope.test"],
  };
}
