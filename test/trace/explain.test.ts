import assert from "node:assert/strict";
import { test } from "node:test";
import type { CanonicalStatus } from "../../src/logs/status.ts";
import { explainOutcome } from "../../src/trace/explain.ts";

const row = (status: CanonicalStatus, dsn: string | null, detail: string | null, queueId = "4A1B2C3D4E", relay: string | null = queueId === "NOQUEUE" ? null : "mx.example.org[198.51.100.8]:25") => ({
  queueId, recipient: "d@example.org", relay, status, dsn, detail,
});

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

test("explainOutcome: held in the hold queue or in amavis's quarantine: how to release it", () => {
  const hold = explainOutcome(row("quarantined", null, "quarantined for review", "4A1B2C3D4E", null), "en", { host: "mx1" });
  assert.deepEqual([hold?.reason, hold?.responsible], ["hold-queue", "our-side"]);
  assert.match(hold?.actions[0] ?? "", /postsuper -H 4A1B2C3D4E on mx1/);
  const amavis = explainOutcome(row("quarantined", null, "amavis: Blocked SPAM, quarantine: spam-AbCd.gz", "4A1B2C3D4E", null), "ja");
  assert.equal(amavis?.reason, "amavis");
  assert.match(amavis?.summary ?? "", /Blocked SPAM, quarantine: spam-AbCd\.gz/);
  assert.match(amavis?.actions[0] ?? "", /amavisd-release/);
});

test("explainOutcome: deleted from the queue by an administrator: our side, in ja and en, whatever its last attempt said", () => {
  for (const [lang, re] of [["en", /deleted the message from the queue on mx1 \(postsuper -d\)/], ["ja", /mx1 のキューからメールを削除しました/]] as const) {
    const e = explainOutcome(row("failed", "4.4.1", "deleted: removed from the queue by postsuper (an administrator)", "4A1B2C3D4E", "none"), lang, { host: "mx1" });
    assert.deepEqual([e?.reason, e?.responsible], ["deleted", "our-side"]);
    assert.match(e?.summary ?? "", re);
    assert.equal(e?.actions.length, 1);
  }
  // Deleted while held (no delivery attempt, no relay): still the deletion, not a refusal.
  assert.equal(explainOutcome(row("failed", null, "deleted: removed from the queue by postsuper (an administrator)", "4A1B2C3D4E", null), "en")?.reason, "deleted");
});

test("explainOutcome: nothing to explain for what arrived; queued and not tried yet says so and how to look", () => {
  for (const s of ["delivered", "filtered", "resolved", "expanded"] as CanonicalStatus[]) assert.equal(explainOutcome(row(s, "2.0.0", "250 ok"), "en"), undefined, s);
  for (const lang of ["en", "ja"] as const) {
    const q = explainOutcome(row("pending", null, null, "4A1B2C3D4E", null), lang, { host: "mx1" });
    assert.deepEqual([q?.reason, q?.responsible], ["queued", "unknown"]);
    assert.match(q?.summary ?? "", /mx1/);
    assert.match(q?.actions[0] ?? "", /postcat -q 4A1B2C3D4E/);
  }
});

test("explainOutcome: a queued message refused by our own header checks or milter is our refusal too (no relay)", () => {
  const spam = explainOutcome(row("failed", "5.7.1", "5.7.1 Spam message rejected", "4A1B2C3D4E", null), "en");
  assert.deepEqual([spam?.reason, spam?.responsible], ["content", "our-side"]);
  assert.match(spam?.summary ?? "", /^Our server's content rules/);
  const exe = explainOutcome(row("failed", null, 'header Content-Type: application/x-msdownload; name="invoice.exe": 5.7.1 Executable attachments are not accepted', "4A1B2C3D4E", null), "ja");
  assert.equal(exe?.reason, "content");
});

test("explainOutcome: our own refusals (NOQUEUE) are said from the receiving side, in ja and en", () => {
  const ctx = { sender: "s@example.com", client: "mail.example.com[198.51.100.23]" };
  const cases: Array<[string, string, string, string]> = [
    ["5.1.1", "550 5.1.1 <d@example.org>: Recipient address rejected: User unknown in local recipient table", "userunknown", "sender"],
    ["5.7.1", "554 5.7.1 <d@example.org>: Relay access denied", "norelaying", "sender"],
    ["5.7.1", "554 5.7.1 Service unavailable; Client host [198.51.100.23] blocked using zen.spamhaus.org", "blocklisted", "sender"],
    ["4.7.1", "450 4.7.1 <d@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html", "greylisted", "sender"],
    ["4.1.8", "450 4.1.8 <s@nx.example>: Sender address rejected: Domain not found", "sender-domain", "sender"],
    ["4.1.8", "450 4.1.8 <s@bad.example>: Sender address rejected: Malformed DNS server reply", "sender-domain", "sender"],
    ["5.7.1", "550 5.7.1 <s@example.com>: Sender address rejected: SPF check failed", "sender-auth", "sender"],
    ["4.7.1", "450 4.7.1 Client host rejected: cannot find your hostname, [198.51.100.9]", "reverse-dns", "sender"],
    ["5.5.2", "504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname", "helo", "sender"],
    ["5.2.2", "552 5.2.2 <d@example.org>: Recipient address rejected: Mailbox full", "mailboxfull", "our-side"],
    ["5.3.4", "552 5.3.4 Message size exceeds fixed limit", "too-big", "sender"],
    ["5.7.1", "550 5.7.1 Message rejected as spam", "content", "our-side"],
    ["4.3.5", "451 4.3.5 Server configuration problem", "other", "our-side"],
  ];
  for (const [dsn, detail, code, responsible] of cases) {
    const en = explainOutcome(row("failed", dsn, detail, "NOQUEUE"), "en", ctx);
    const ja = explainOutcome(row("failed", dsn, detail, "NOQUEUE"), "ja", ctx);
    assert.deepEqual([en?.reason, en?.responsible], [code, responsible], detail);
    assert.ok(en && ja && en.summary !== ja.summary && ja.actions.length === en.actions.length && en.actions.length > 0, "both languages");
    assert.doesNotMatch(`${en.summary} ${en.actions.join(" ")}`, /\{\w+\}/, "every placeholder filled");
  }
  const detailOf = (code: string) => cases.find((c) => c[2] === code)?.[1] ?? "";
  assert.match(explainOutcome(row("failed", "5.7.1", detailOf("blocklisted"), "NOQUEUE"), "en", ctx)?.summary ?? "", /mail\.example\.com\[198\.51\.100\.23\]/);
  assert.match(explainOutcome(row("failed", "4.3.5", detailOf("other"), "NOQUEUE"), "ja", ctx)?.summary ?? "", /451 4\.3\.5 Server configuration problem/);
});
