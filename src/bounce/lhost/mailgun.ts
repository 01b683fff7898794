/**
 * Mailgun's webhook and events payloads (JSON, saved or mailed on): `event-data` of one
 * webhook, or the `items` of the events API. failed is a bounce (severity temporary: still
 * retried), complained a complaint, delivered a delivery; `delivery-status` carries the
 * remote server's code, enhanced code, words and host.
 */
import type { ParsedMail } from "../mime.ts";
import { isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";
import { jsonIn, jsonTime } from "./common.ts";

interface MailgunEvent {
  event?: string;
  severity?: string;
  reason?: string;
  recipient?: string;
  timestamp?: number | string;
  "delivery-status"?: { code?: number | string; "enhanced-code"?: string; message?: string; description?: string; "mx-host"?: string };
  message?: { headers?: { to?: string; "message-id"?: string; from?: string; subject?: string } };
}

const JSON_SIGN = /"event-data"\s*:|"(?:recipient-domain|log-level)"\s*:[\s\S]*"event"\s*:/;

function eventsOf(doc: unknown): MailgunEvent[] {
  if (Array.isArray(doc)) return doc.flatMap(eventsOf);
  if (!doc || typeof doc !== "object") return [];
  const o = doc as Record<string, unknown>;
  if (o["event-data"]) return eventsOf(o["event-data"]);
  if (Array.isArray(o.items)) return eventsOf(o.items);
  return typeof o.event === "string" ? [o as MailgunEvent] : [];
}

/** "550 5.1.1 The account does not exist." from the code, the enhanced code and the words (each once). */
function diagnostic(ds: NonNullable<MailgunEvent["delivery-status"]>): string {
  let words = [ds.message, ds.description].filter((w) => w && String(w).trim()).join(" ").trim();
  const enhanced = ds["enhanced-code"] ?? "";
  if (enhanced && !words.startsWith(enhanced)) words = `${enhanced} ${words}`;
  const code = ds.code !== undefined && ds.code !== "" ? String(ds.code) : "";
  return code && !words.startsWith(code) ? `${code} ${words}`.trim() : words;
}

export const mailgun: LhostModule = {
  name: "mailgun",
  detect: (mail: ParsedMail) => JSON_SIGN.test(mail.text),
  parse(mail) {
    const records: DeliveryRecord[] = [];
    let headers: NonNullable<MailgunEvent["message"]>["headers"] | undefined;
    for (const e of eventsOf(jsonIn(mail.text))) {
      if (!e.recipient || !isAddress(e.recipient)) continue;
      const ds = e["delivery-status"] ?? {};
      const date = jsonTime(e.timestamp);
      if (e.event === "failed") {
        const said = diagnostic(ds);
        records.push({
          recipient: e.recipient, action: e.severity === "temporary" ? "delayed" : "failed", status: ds["enhanced-code"] ?? "",
          replyCode: ds.code !== undefined ? String(ds.code) : "", remoteMta: ds["mx-host"] ?? "", diagnosticType: "SMTP", date,
          // A suppression: Mailgun did not send, because the address bounced or complained before.
          diagnosticCode: said || (e.reason ? `not sent by Mailgun: ${e.reason}` : ""),
        });
      } else if (e.event === "complained") records.push({ recipient: e.recipient, reason: "feedback", feedbackType: "abuse", diagnosticCode: "", date });
      else if (e.event === "delivered") records.push({ recipient: e.recipient, action: "delivered", diagnosticCode: diagnostic(ds), remoteMta: ds["mx-host"] ?? "", date });
      else continue;
      headers ??= e.message?.headers;
    }
    const h = headers ?? {};
    const original = [
      h.from ? `From: ${h.from}` : "",
      h.to ? `To: ${h.to}` : "",
      h.subject ? `Subject: ${h.subject}` : "",
      h["message-id"] ? `Message-ID: <${h["message-id"].replace(/^<|>$/g, "")}>` : "",
    ].filter(Boolean).join("\n");
    return { records, original };
  },
};
