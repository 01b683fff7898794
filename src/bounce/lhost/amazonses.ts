/**
 * Amazon SES: its notifications delivered by mail (SNS JSON: Bounce, Complaint, Delivery), and
 * its own bounce mails ("The following message to <...> was undeliverable.", from an
 * amazonses.com MAILER-DAEMON or with X-SES-Outgoing), a standard DSN.
 */
import type { ParsedMail } from "../mime.ts";
import { parseRfc3464 } from "../rfc3464.ts";
import { isAddress } from "../smtp.ts";
import type { DeliveryRecord, LhostModule } from "../types.ts";

interface SesRecipient {
  emailAddress?: string;
  action?: string;
  status?: string;
  diagnosticCode?: string;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end < start) return undefined;
  // Some relays fold long lines with "!\n " (a mark, a newline, a space); undo it.
  const raw = text.slice(start, end + 1).replace(/!\n /g, "");
  try {
    let o = JSON.parse(raw) as Record<string, unknown>;
    if (typeof o.Message === "string") o = JSON.parse(o.Message) as Record<string, unknown>;
    return o;
  } catch {
    return undefined;
  }
}

const isNotification = (mail: ParsedMail) => /"notificationType"\s*:|\\"notificationType\\"/.test(mail.text) || mail.headers.has("x-amz-sns-message-id");

function isSesBounce(mail: ParsedMail): boolean {
  if (!/^\s*(?:The following message to <|An error occurred while trying to deliver the mail )/im.test(mail.text)) return false;
  return mail.headers.has("x-ses-outgoing") || /@(?:[\w-]+\.)*amazonses\.com\b/i.test(mail.headers.get("from")?.[0] ?? "");
}

export const amazonses: LhostModule = {
  name: "amazonses",
  detect: (mail) => isNotification(mail) || isSesBounce(mail),
  parse(mail) {
    if (!isNotification(mail)) return parseRfc3464(mail);
    const o = parseJson(mail.text);
    if (!o) return undefined;
    const type = String(o.notificationType ?? o.eventType ?? "");
    const m = (o.mail ?? {}) as { source?: string; messageId?: string; commonHeaders?: { subject?: string; from?: string[]; to?: string[]; date?: string } };
    const records: DeliveryRecord[] = [];
    if (type === "Bounce") {
      const b = (o.bounce ?? {}) as { bouncedRecipients?: SesRecipient[]; reportingMTA?: string; timestamp?: string };
      for (const r of b.bouncedRecipients ?? []) {
        if (!r.emailAddress || !isAddress(r.emailAddress)) continue;
        const diag = (r.diagnosticCode ?? "").replace(/^smtp;\s*/i, "");
        records.push({ recipient: r.emailAddress, action: r.action ?? "failed", status: r.status ?? "", diagnosticCode: diag, diagnosticType: "SMTP", reportingMta: (b.reportingMTA ?? "").replace(/^dns;\s*/i, ""), date: b.timestamp });
      }
    } else if (type === "Complaint") {
      const c = (o.complaint ?? {}) as { complainedRecipients?: SesRecipient[]; complaintFeedbackType?: string; timestamp?: string; userAgent?: string };
      for (const r of c.complainedRecipients ?? []) {
        if (!r.emailAddress || !isAddress(r.emailAddress)) continue;
        records.push({ recipient: r.emailAddress, reason: "feedback", feedbackType: c.complaintFeedbackType ?? "abuse", diagnosticCode: c.userAgent ?? "", date: c.timestamp });
      }
    } else if (type === "Delivery") {
      const d = (o.delivery ?? {}) as { recipients?: string[]; smtpResponse?: string; reportingMTA?: string; timestamp?: string };
      for (const r of d.recipients ?? []) {
        if (!isAddress(r)) continue;
        records.push({ recipient: r, action: "delivered", diagnosticCode: d.smtpResponse ?? "", reportingMta: d.reportingMTA ?? "", date: d.timestamp });
      }
    }
    const h = m.commonHeaders ?? {};
    const original = [
      h.from?.length ? `From: ${h.from.join(", ")}` : m.source ? `From: ${m.source}` : "",
      h.to?.length ? `To: ${h.to.join(", ")}` : "",
      h.subject ? `Subject: ${h.subject}` : "",
      m.messageId ? `Message-ID: <${m.messageId}>` : "",
    ].filter(Boolean).join("\n");
    return { records, original };
  },
};
