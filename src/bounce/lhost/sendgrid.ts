/**
 * SendGrid: its bounce mail ("This is an automatically generated message from SendGrid.",
 * Return-Path apps@sendgrid.net, a multipart/report read by rfc3464.ts), and its Event Webhook
 * payload (a JSON array of events, saved or mailed on): bounce and dropped fail, deferred is
 * delayed, spamreport is a complaint, delivered is delivered; other events say nothing of delivery.
 */
import type { ParsedMail } from "../mime.ts";
import { parseRfc3464 } from "../rfc3464.ts";
import { isAddress } from "../smtp.ts";
import type { DeliveryRecord, FormatResult, LhostModule } from "../types.ts";
import { headerOf, jsonIn, jsonTime } from "./common.ts";

interface SendGridEvent {
  email?: string;
  event?: string;
  type?: string;
  status?: string;
  reason?: string;
  response?: string;
  timestamp?: number | string;
  "smtp-id"?: string;
}

const JSON_SIGN = /"sg_(?:event|message)_id"\s*:/;

function isSendGrid(mail: ParsedMail): boolean {
  return (
    /<?apps@sendgrid\.net>?/i.test(headerOf(mail, "return-path")) ||
    /^\s*This is an automatically generated message from SendGrid\./im.test(mail.text) ||
    JSON_SIGN.test(mail.text)
  );
}

function fromEvents(events: SendGridEvent[]): FormatResult {
  const records: DeliveryRecord[] = [];
  let messageId = "";
  for (const e of events) {
    if (!e || typeof e !== "object" || !e.email || !isAddress(e.email)) continue;
    const date = jsonTime(e.timestamp);
    const said = e.reason ?? e.response ?? "";
    switch (e.event) {
      case "bounce":
        records.push({ recipient: e.email, action: "failed", status: e.status ?? "", diagnosticCode: said, diagnosticType: "SMTP", date });
        break;
      case "dropped":
        // Never sent: SendGrid's own list (an address that bounced or complained before, an invalid one).
        records.push({ recipient: e.email, action: "failed", status: e.status ?? "", diagnosticCode: `dropped by SendGrid: ${said}`.trim(), diagnosticType: "SMTP", date });
        break;
      case "deferred":
        records.push({ recipient: e.email, action: "delayed", status: e.status ?? "", diagnosticCode: said, diagnosticType: "SMTP", date });
        break;
      case "spamreport":
        records.push({ recipient: e.email, reason: "feedback", feedbackType: "abuse", diagnosticCode: "", date });
        break;
      case "delivered":
        records.push({ recipient: e.email, action: "delivered", diagnosticCode: said, date });
        break;
      default:
        continue;
    }
    messageId ||= (e["smtp-id"] ?? "").replace(/^<|>$/g, "");
  }
  return { records, original: messageId ? `Message-ID: <${messageId}>` : "" };
}

export const sendgrid: LhostModule = {
  name: "sendgrid",
  detect: isSendGrid,
  parse(mail) {
    if (JSON_SIGN.test(mail.text)) {
      const doc = jsonIn(mail.text);
      const events = Array.isArray(doc) ? doc : doc && typeof doc === "object" ? [doc] : [];
      const r = fromEvents(events as SendGridEvent[]);
      if (r.records.length) return r;
    }
    return parseRfc3464(mail);
  },
};
