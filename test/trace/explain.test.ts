import assert from "node:assert/strict";
import { test } from "node:test";
import type { CanonicalStatus } from "../../src/logs/status.ts";
import { explainOutcome } from "../../src/trace/explain.ts";

const row = (status: CanonicalStatus, dsn: string | null, detail: string | null, queueId = "4A1B2C3D4E") => ({ queueId, recipient: "d@example.org", status, dsn, detail });

test("explainOutcome: Postfix's diagnostic texts get the bounce reasons and who must act, in ja and en", () => {
  const cases: Array<[ReturnType<typeof row>, string, string]> = [
    [row("failed", "5.1.1", "host mx.example.org[198.51.100.8] said: 550 5.1.1 <d@example.org>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)"), "userunknown", "sender"],
    [row("pending", "4.2.2", "host mx.example.org[192.0.2.3] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)"), "mailboxfull", "recipient-side"],
    [row("pending", "4.4.1", "connect to mx.example.org[198.51.100.9]:25: Connection refused"), "networkerror", "network"],
    [row("failed", "4.4.1", "expired: connect to mx.example.org[198.51.100.9]:25: Connection refused"), "expired", "network"],
    [row("failed", "5.7.26", "host gmail-smtp-in.l.google.com[142.250.0.27] said: 550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users (in reply to end of DATA command)"), "authfailure", "our-side"],
  ];
  for (const [r, reason, responsible] of cases) {
    const en = explainOutcome(r, "en");
    const ja = explainOutcome(r, "ja");
    assert.deepEqual([en?.reason, en?.responsible], [reason, responsible], r.detail ?? "");
    assert.equal(ja?.reason, reason);
    assert.ok(en && ja && en.summary !== ja.summary && en.actions.length > 0 && ja.actions.length === en.actions.length, "both languages");
  }
  // Still retried: it says so; expired: it does not.
  assert.match(explainOutcome(cases[1][0], "en")?.summary ?? "", /retr/i);
  assert.doesNotMatch(explainOutcome(cases[3][0], "en")?.summary ?? "", /keeps retrying/i);
});

test("explainOutcome: nothing to explain for what arrived or was held, nor for our own refusals (their reply says it)", () => {
  for (const s of ["delivered", "quarantined", "filtered", "resolved", "expanded"] as CanonicalStatus[]) assert.equal(explainOutcome(row(s, "2.0.0", "250 ok"), "en"), undefined, s);
  assert.equal(explainOutcome(row("failed", "5.1.1", "550 5.1.1 <d@example.org>: Recipient address rejected: User unknown", "NOQUEUE"), "en"), undefined);
});
