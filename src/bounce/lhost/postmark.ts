/**
 * Postmark's bounce and spam-complaint webhooks (JSON, saved or mailed on), one record or the
 * `Bounces` list of its API. `Details` holds the remote server's reply ("smtp;550 5.1.1 ...");
 * `Type` is Postmark's own class: Transient and DnsError (temporary, still retried) are
 * delayed, a complaint is feedback, the rest failed; the reason is decided from the reply and Postmark's description.
 */
import type { ParsedMail } from "../mime.ts";
import { isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { jsonIn } from "./common.ts";

interface PostmarkRecord {
  RecordType?: string;
  Type?: string;
  Email?: string;
  Recipient?: string;
  Details?: string;
  Description?: string;
  BouncedAt?: string;
  DeliveredAt?: string;
  Subject?: string;
  From?: string;
}

const JSON_SIGN = /"RecordType"\s*:\s*"|"Bounces"\s*:\s*\[[\s\S]*"TypeCode"\s*:/;

function recordsOf(doc: unknown): PostmarkRecord[] {
  if (Array.isArray(doc)) return doc.flatMap(recordsOf);
  if (!doc || typeof doc !== "object") return [];
  const o = doc as Record<string, unknown>;
  if (Array.isArray(o.Bounces)) return (o.Bounces as PostmarkRecord[]).map((b) => ({ RecordType: "Bounce", ...b }));
  return typeof o.RecordType === "string" ? [o as PostmarkRecord] : [];
}

export const postmark: LhostModule = {
  name: "postmark",
  detect: (mail: ParsedMail) => JSON_SIGN.test(mail.text),
  parse(mail) {
    const records: DeliveryRecord[] = [];
    let first: PostmarkRecord | undefined;
    for (const r of recordsOf(jsonIn(mail.text))) {
      const address = r.Email ?? r.Recipient ?? "";
      if (!isAddress(address)) continue;
      const reply = (r.Details ?? "").replace(/^smtp;\s*/i, "").trim();
      if (r.RecordType === "Bounce") {
        // The reply when there is one; else Postmark's description of its class says what happened.
        const said = /\b[245]\d\d\b/.test(reply) ? reply : [reply, r.Description].filter(Boolean).join(" ");
        records.push({ recipient: address, action: r.Type === "Transient" || r.Type === "DnsError" ? "delayed" : "failed", diagnosticCode: said, diagnosticType: "SMTP", date: r.BouncedAt });
      } else if (r.RecordType === "SpamComplaint") {
        records.push({ recipient: address, reason: "feedback", feedbackType: "abuse", diagnosticCode: "", date: r.BouncedAt });
      } else if (r.RecordType === "Delivery") {
        records.push({ recipient: address, action: "delivered", diagnosticCode: reply, date: r.DeliveredAt });
      } else continue;
      first ??= r;
    }
    const original = [first?.From ? `From: ${first.From}` : "", first?.Subject ? `Subject: ${first.Subject}` : ""].filter(Boolean).join("\n");
    return { records, original };
  },
};
