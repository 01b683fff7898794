import assert from "node:assert/strict";
import { test } from "node:test";
import { isQueueId, postfix } from "../../src/logs/dialects/postfix.ts";
import { canonicalStatus } from "../../src/logs/status.ts";
import { EnvelopeParser } from "../../src/logs/syslog.ts";

const envelopes = new EnvelopeParser({ year: 2024, tz: "UTC" });
function fact(line: string) {
  const env = envelopes.parse(line);
  assert.ok(env, `envelope of ${line}`);
  assert.ok(postfix.accepts(env.program), env.program);
  return postfix.parse(env);
}
const P = "May  1 10:00:00 mx1";

test("program names: syslog_name suffixes count, other programs do not", () => {
  for (const p of ["postfix/smtpd", "postfix-out/smtp", "postfix/submission/smtpd", "postfix-in/qmgr", "postfix"]) assert.ok(postfix.accepts(p), p);
  for (const p of ["postfixadmin", "amavis", "dovecot", "pmg-smtp-filter"]) assert.ok(!postfix.accepts(p), p);
});

test("queue IDs: short hex and long base-52; words are not queue IDs", () => {
  assert.ok(isQueueId("1C6B541C5D"));
  assert.ok(isQueueId("4Bd9XkLsQzz1rT"));
  assert.ok(!isQueueId("warning"));
  assert.ok(!isQueueId("NOQUEUE"));
  assert.ok(!isQueueId("statistics"));
});

test("smtpd client= with SASL user", () => {
  const f = fact(`${P} postfix/submission/smtpd[11]: 3F1A2B4C5D: client=laptop.example.net[2001:db8::5], sasl_method=PLAIN, sasl_username=taro@example.jp`);
  assert.deepEqual(
    { kind: f.kind, q: f.queueId, h: f.clientHost, ip: f.clientIp, u: f.saslUsername },
    { kind: "client", q: "3F1A2B4C5D", h: "laptop.example.net", ip: "2001:db8::5", u: "taro@example.jp" },
  );
});

test("NOQUEUE reject at RCPT becomes a refusal with recipient, sender, dsn, client and text", () => {
  const f = fact(`${P} postfix/smtpd[12]: NOQUEUE: reject: RCPT from unknown[198.51.100.23]: 550 5.1.1 <nobody@example.jp>: Recipient address rejected: User unknown in local recipient table; from=<a@example.com> to=<nobody@example.jp> proto=ESMTP helo=<mail.example.com>`);
  assert.equal(f.kind, "reject");
  assert.equal(f.queueId, undefined);
  assert.equal(f.recipient, "nobody@example.jp");
  assert.equal(f.sender, "a@example.com");
  assert.equal(f.dsn, "5.1.1");
  assert.equal(f.clientIp, "198.51.100.23");
  assert.match(f.detail ?? "", /^550 5\.1\.1 <nobody@example\.jp>: Recipient address rejected/);
  assert.equal(canonicalStatus(f.status ?? ""), "failed");
});

test("NOQUEUE 4xx without enhanced code gets the class dsn; empty sender", () => {
  const f = fact(`${P} postfix/smtpd[12]: NOQUEUE: reject: RCPT from x[192.0.2.7]: 450 Service unavailable; from=<> to=<b@example.jp> proto=SMTP helo=<x>`);
  assert.equal(f.dsn, "4.0.0");
  assert.equal(f.sender, "");
});

test("postscreen reject with comma-separated fields", () => {
  const f = fact(`${P} postfix/postscreen[13]: NOQUEUE: reject: RCPT from [203.0.113.9]:50432: 550 5.7.1 Service unavailable; client [203.0.113.9] blocked using zen.spamhaus.org; from=<spam@bad.example>, to=<info@example.jp>, proto=ESMTP, helo=<bad.example>`);
  assert.equal(f.kind, "reject");
  assert.equal(f.recipient, "info@example.jp");
  assert.equal(f.sender, "spam@bad.example");
  assert.equal(f.clientIp, "203.0.113.9");
  assert.equal(f.dsn, "5.7.1");
});

test("postscreen and smtpd chatter is noise, not unparsed", () => {
  for (const l of [
    `${P} postfix/postscreen[13]: CONNECT from [203.0.113.9]:50432 to [192.0.2.1]:25`,
    `${P} postfix/postscreen[13]: PASS NEW [203.0.113.9]:50432`,
    `${P} postfix/postscreen[13]: DNSBL rank 3 for [203.0.113.9]:50432`,
    `${P} postfix/postscreen[13]: DISCONNECT [203.0.113.9]:50432`,
    `${P} postfix/smtpd[12]: connect from unknown[192.0.2.7]`,
    `${P} postfix/smtpd[12]: disconnect from unknown[192.0.2.7] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4`,
    `${P} postfix/smtpd[12]: warning: hostname x.example does not resolve to address 192.0.2.7`,
    `${P} postfix/anvil[5]: statistics: max connection rate 1/60s for (smtp:192.0.2.7) at May  1 09:59:00`,
    `${P} postfix/smtp[20]: Untrusted TLS connection established to mx.example.com[198.51.100.7]:25: TLSv1.3`,
  ]) assert.equal(fact(l).kind, "noise", l);
  assert.equal(fact(`${P} postfix/smtpd[12]: something nobody ever logged`).kind, "unparsed");
});

test("cleanup: message-id, resent-message-id", () => {
  assert.equal(fact(`${P} postfix/cleanup[14]: 3F1A2B4C5D: message-id=<abc@example.com>`).messageId, "abc@example.com");
  const r = fact(`${P} postfix/cleanup[14]: 3F1A2B4C5D: resent-message-id=<r1@example.com>`);
  assert.equal(r.kind, "message-id");
  assert.equal(r.messageId, "r1@example.com");
});

test("cleanup header_checks hold/warn/discard/reject/redirect with the Subject text", () => {
  const hold = fact(`${P} postfix/cleanup[14]: 3F1A2B4C5D: hold: header Subject: Invoice 12345 from mail.example.com[192.0.2.5]; from=<a@example.com> to=<b@example.jp> proto=ESMTP helo=<mail.example.com>: suspicious invoice`);
  assert.deepEqual(
    { k: hold.kind, s: hold.status, subj: hold.subject, to: hold.recipient, from: hold.sender, ip: hold.clientIp },
    { k: "action", s: "hold", subj: "Invoice 12345", to: "b@example.jp", from: "a@example.com", ip: "192.0.2.5" },
  );
  assert.match(hold.detail ?? "", /suspicious invoice/);
  assert.equal(canonicalStatus("hold"), "quarantined");
  const warn = fact(`${P} postfix/cleanup[14]: 3F1A2B4C5D: warning: header Subject: =?UTF-8?B?5pel5pys?= from local; from=<root@mx1> to=<c@example.jp>`);
  assert.equal(warn.status, "warn");
  assert.equal(warn.subject, "=?UTF-8?B?5pel5pys?=");
  const discard = fact(`${P} postfix/cleanup[14]: 3F1A2B4C5D: discard: body viagra from x[192.0.2.5]; from=<a@example.com> to=<b@example.jp> proto=ESMTP helo=<x>`);
  assert.equal(canonicalStatus(discard.status ?? ""), "filtered");
  const reject = fact(`${P} postfix/cleanup[14]: 3F1A2B4C5D: reject: header From: bad@spam.example from x[192.0.2.5]; from=<a@example.com> to=<b@example.jp> proto=ESMTP helo=<x>: 5.7.1 go away`);
  assert.equal(canonicalStatus(reject.status ?? ""), "failed");
  const redirect = fact(`${P} postfix/cleanup[14]: 3F1A2B4C5D: redirect: header To: boss@example.jp from x[192.0.2.5]; from=<a@example.com> to=<boss@example.jp> proto=ESMTP helo=<x>: audit@example.jp`);
  assert.equal(canonicalStatus(redirect.status ?? ""), "resolved");
  const milter = fact(`${P} postfix/cleanup[14]: 3F1A2B4C5D: milter-reject: END-OF-MESSAGE from x[192.0.2.5]: 5.7.1 Spam detected; from=<a@example.com> to=<b@example.jp> proto=ESMTP helo=<x>`);
  assert.equal(milter.status, "reject");
  assert.equal(milter.dsn, "5.7.1");
});

test("pickup and qmgr from/size/nrcpt, expired, removed", () => {
  const p = fact(`${P} postfix/pickup[15]: 3F1A2B4C5D: uid=1000 from=<taro>`);
  assert.deepEqual([p.kind, p.sender], ["pickup", "taro"]);
  const q = fact(`${P} postfix/qmgr[16]: 3F1A2B4C5D: from=<a@example.com>, size=2345, nrcpt=3 (queue active)`);
  assert.deepEqual([q.kind, q.sender, q.size, q.nrcpt], ["queued", "a@example.com", 2345, 3]);
  const e = fact(`${P} postfix/qmgr[16]: 3F1A2B4C5D: from=<a@example.com>, status=expired, returned to sender`);
  assert.equal(e.kind, "expired");
  assert.equal(fact(`${P} postfix/qmgr[16]: 3F1A2B4C5D: removed`).kind, "removed");
  // postsuper: an administrator's deletion ends the entry undelivered; a release waits again.
  const d = fact(`${P} postfix/postsuper[17]: 3F1A2B4C5D: removed`);
  assert.deepEqual([d.kind, d.queueId], ["deleted", "3F1A2B4C5D"]);
  assert.match(d.detail ?? "", /postsuper/);
  const h = fact(`${P} postfix/postsuper[17]: 3F1A2B4C5D: placed on hold`);
  assert.deepEqual([h.kind, canonicalStatus(h.status ?? "")], ["state", "quarantined"]);
  const r = fact(`${P} postfix/postsuper[17]: 3F1A2B4C5D: released from hold`);
  assert.deepEqual([r.kind, canonicalStatus(r.status ?? "")], ["state", "pending"]);
});

test("delivery agents: sent with queued-as link, deferred, bounced with diagnostic, orig_to", () => {
  const sent = fact(`${P} postfix-out/smtp[17]: 3F1A2B4C5D: to=<b@example.jp>, orig_to=<sales@example.jp>, relay=127.0.0.1[127.0.0.1]:10024, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 9A8B7C6D5E)`);
  assert.deepEqual(
    { k: sent.kind, to: sent.recipient, o: sent.origTo, r: sent.relay, d: sent.dsn, s: sent.status, c: sent.childQueueId, l: sent.linkKind, delay: sent.delay },
    { k: "delivery", to: "b@example.jp", o: "sales@example.jp", r: "127.0.0.1[127.0.0.1]:10024", d: "2.0.0", s: "sent", c: "9A8B7C6D5E", l: "relay", delay: 1.2 },
  );
  const def = fact(`${P} postfix/smtp[17]: 3F1A2B4C5D: to=<c@nowhere.example>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.nowhere.example[198.51.100.9]:25: Connection refused)`);
  assert.equal(canonicalStatus(def.status ?? ""), "pending");
  assert.equal(def.detail, "connect to mx.nowhere.example[198.51.100.9]:25: Connection refused");
  const b = fact(`${P} postfix/smtp[17]: 3F1A2B4C5D: to=<d@example.org>, relay=mx.example.org[198.51.100.8]:25, delay=2, delays=0/0/1/1, dsn=5.1.1, status=bounced (host mx.example.org[198.51.100.8] said: 550 5.1.1 <d@example.org>: Recipient address rejected (in reply to RCPT TO command))`);
  assert.equal(canonicalStatus(b.status ?? ""), "failed");
  assert.match(b.detail ?? "", /in reply to RCPT TO command\)$/);
  for (const d of ["lmtp", "local", "virtual", "pipe", "error", "retry"]) {
    assert.equal(fact(`${P} postfix/${d}[18]: 3F1A2B4C5D: to=<e@example.jp>, relay=${d}, delay=0.1, dsn=2.0.0, status=sent (delivered)`).kind, "delivery", d);
  }
  const fwd = fact(`${P} postfix/local[18]: 3F1A2B4C5D: to=<f@example.jp>, relay=local, delay=0.1, dsn=2.0.0, status=sent (forwarded as 1122334455)`);
  assert.deepEqual([canonicalStatus(fwd.status ?? ""), fwd.childQueueId, fwd.linkKind], ["resolved", "1122334455", "forward"]);
  const disc = fact(`${P} postfix/discard[18]: 3F1A2B4C5D: to=<g@example.jp>, relay=none, delay=0.1, dsn=2.0.0, status=sent (discarded)`);
  assert.equal(canonicalStatus(disc.status ?? ""), "filtered");
  // Handed to a content filter that threw it away (spam, a virus): sent, and filtered.
  for (const why of ["SPAM", "INFECTED: Eicar-Test-Signature"]) {
    const spam = fact(`${P} postfix/smtp[17]: 3F1A2B4C5D: to=<h@example.jp>, relay=127.0.0.1[127.0.0.1]:10024, delay=2.7, delays=0.06/0.02/0.04/2.6, dsn=2.7.0, status=sent (250 2.7.0 Ok, discarded, id=03774-01 - ${why})`);
    assert.deepEqual([canonicalStatus(spam.status ?? ""), spam.dsn, spam.detail], ["filtered", "2.7.0", `250 2.7.0 Ok, discarded, id=03774-01 - ${why}`]);
  }
  const passed = fact(`${P} postfix/smtp[17]: 3F1A2B4C5D: to=<h@example.jp>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 9A8B7C6D5E)`);
  assert.equal(canonicalStatus(passed.status ?? ""), "delivered", "passed on by the filter");
});

test("bounce notifications link to the notification's queue ID", () => {
  for (const kind of ["sender non-delivery", "sender delay", "sender delivery status", "postmaster non-delivery"]) {
    const f = fact(`${P} postfix/bounce[19]: 3F1A2B4C5D: ${kind} notification: 5E6F7A8B9C`);
    assert.deepEqual([f.kind, f.childQueueId, f.linkKind], ["notification", "5E6F7A8B9C", "bounce"], kind);
  }
});
