/**
 * The reason classifier and the explanations, on diagnostic strings written for these tests
 * (in the style of real MTAs, not copied from any corpus).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { catalogues } from "../../src/i18n/index.ts";
import { actionCount, explainBounce } from "../../src/bounce/explain.ts";
import { classifyReason, isHardBounce, pseudoStatus, REASONS, type Reason, type ReasonInput } from "../../src/bounce/reason.ts";

const cases: Array<[Reason, ReasonInput]> = [
  ["userunknown", { status: "5.1.1", replyCode: "550", smtpCommand: "RCPT", diagnosticCode: "550 5.1.1 <taro@example.jp>: Recipient address rejected: User unknown in virtual mailbox table" }],
  ["userunknown", { status: "5.0.0", replyCode: "550", smtpCommand: "RCPT", diagnosticCode: "550 No such mailbox here: hanako@example.org" }],
  ["userunknown", { status: "5.1.10", replyCode: "550", diagnosticCode: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; the address was not found" }],
  ["hostunknown", { status: "5.1.2", diagnosticCode: "Host or domain name not found. Name service error for name=exampel.jp type=A: Host not found" }],
  ["mailboxfull", { status: "4.2.2", replyCode: "452", smtpCommand: "RCPT", diagnosticCode: "452 4.2.2 The mailbox of jiro is over quota, try later" }],
  ["mailboxfull", { status: "5.0.0", replyCode: "550", diagnosticCode: "550 user's disk quota exceeded" }],
  ["filtered", { status: "5.2.0", replyCode: "550", smtpCommand: "DATA", diagnosticCode: "550 Unknown user saburo@docomo-like.example.ne.jp" }],
  ["filtered", { status: "5.0.0", replyCode: "550", diagnosticCode: "550 Message rejected due to user rules of the mailbox" }],
  ["rejected", { status: "5.1.8", replyCode: "553", smtpCommand: "MAIL", diagnosticCode: "553 5.1.8 <noreply@shop.example>: Sender address rejected: Domain not found" }],
  ["rejected", { status: "5.1.1", replyCode: "550", smtpCommand: "MAIL", diagnosticCode: "550 5.1.1 <ghost@example.com> does not exist here" }],
  ["blocked", { status: "5.7.1", replyCode: "554", smtpCommand: "RCPT", diagnosticCode: "554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org" }],
  ["blocked", { status: "4.7.1", replyCode: "421", smtpCommand: "CONN", diagnosticCode: "421 4.7.1 Your IP address is listed in our RBL, try later" }],
  ["spamdetected", { status: "5.7.1", replyCode: "550", smtpCommand: "DATA", diagnosticCode: "550 5.7.1 Our content filter classified this message as probable spam (score 14.2)" }],
  ["policyviolation", { status: "5.7.0", replyCode: "554", smtpCommand: "DATA", diagnosticCode: "554 5.7.0 Email not accepted for policy reasons: attachments of type .exe are prohibited" }],
  ["securityerror", { status: "5.7.0", replyCode: "530", smtpCommand: "MAIL", diagnosticCode: "530 5.7.0 Authentication required" }],
  ["authfailure", { status: "5.7.23", replyCode: "550", smtpCommand: "DATA", diagnosticCode: "550 5.7.23 SPF validation failed for sender domain example.net" }],
  ["authfailure", { status: "5.7.1", replyCode: "550", smtpCommand: "DATA", diagnosticCode: "550 5.7.1 Unauthenticated email from example.net is not accepted due to the domain's DMARC policy" }],
  ["expired", { status: "4.4.7", action: "failed", diagnosticCode: "" }],
  ["expired", { status: "", action: "delayed", diagnosticCode: "Message could not be delivered for 5 days, giving up" }],
  ["suspend", { status: "5.2.1", replyCode: "550", smtpCommand: "RCPT", diagnosticCode: "550 5.2.1 This mailbox has been suspended by the administrator" }],
  ["norelaying", { status: "5.7.1", replyCode: "554", smtpCommand: "RCPT", diagnosticCode: "554 5.7.1 <someone@elsewhere.example>: Relay access denied" }],
  ["toomanyconn", { status: "4.3.2", replyCode: "421", diagnosticCode: "421 4.3.2 Too many concurrent SMTP connections from this IP address; please try again later" }],
  ["speeding", { status: "4.7.1", replyCode: "451", smtpCommand: "RCPT", diagnosticCode: "451 4.7.1 Please try again slower, you are over the per-minute limit" }],
  ["systemerror", { status: "4.3.0", replyCode: "451", diagnosticCode: "451 4.3.0 Temporary local problem - please try later" }],
  ["mailererror", { status: "5.3.0", diagnosticType: "X-Unix", diagnosticCode: "Command died with status 2: \"/usr/bin/procmail\"" }],
  ["networkerror", { status: "5.4.6", diagnosticCode: "mail forwarding loop for tanaka@example.jp" }],
  ["contenterror", { status: "5.6.0", replyCode: "554", smtpCommand: "DATA", diagnosticCode: "554 5.6.0 improper use of 8-bit data in message header" }],
  ["exceedlimit", { status: "5.2.3", replyCode: "552", diagnosticCode: "552 5.2.3 Message length exceeds administrative limit for this recipient" }],
  ["syntaxerror", { status: "", replyCode: "501", smtpCommand: "HELO", diagnosticCode: "501 Syntax: HELO hostname" }],
  ["mesgtoobig", { status: "5.3.4", replyCode: "552", smtpCommand: "DATA", diagnosticCode: "552 5.3.4 Error: message file too big" }],
  ["notaccept", { status: "5.1.10", replyCode: "556", diagnosticCode: "556 5.1.10 Recipient domain has a null MX record and does not accept mail" }],
  ["notcompliantrfc", { status: "5.7.1", replyCode: "550", smtpCommand: "DATA", diagnosticCode: "550 5.7.1 This message is not RFC 5322 compliant: there are multiple Date headers" }],
  ["onhold", { status: "5.0.0", diagnosticCode: "Delivery to the following recipient failed." }],
  ["vacation", { diagnosticCode: "I am out of the office until Monday and will reply then." }],
  ["feedback", { reason: "feedback", diagnosticCode: "" }],
  ["delivered", { status: "2.0.0", replyCode: "250", diagnosticCode: "250 2.0.0 OK queued as 4XyZ" }],
  ["badreputation", { status: "4.7.0", replyCode: "421", smtpCommand: "CONN", diagnosticCode: "421 4.7.0 Connection refused due to the poor reputation of the sending IP" }],
  ["requireptr", { status: "5.7.25", replyCode: "550", smtpCommand: "CONN", diagnosticCode: "550 5.7.25 The sending IP does not have a PTR record" }],
  ["requireptr", { status: "4.7.1", replyCode: "450", smtpCommand: "RCPT", diagnosticCode: "450 4.7.1 Client host rejected: cannot find your hostname, [198.51.100.7]" }],
  ["virusdetected", { status: "5.7.1", replyCode: "554", smtpCommand: "DATA", diagnosticCode: "554 5.7.1 Virus detected in attachment invoice.zip (Trojan.Generic)" }],
  ["failedstarttls", { status: "5.7.10", replyCode: "530", smtpCommand: "STARTTLS", diagnosticCode: "530 5.7.10 Must issue a STARTTLS command first" }],
  ["hasmoved", { status: "5.1.6", replyCode: "551", smtpCommand: "RCPT", diagnosticCode: "551 5.1.6 User has moved; mailbox is no longer on this server" }],
  ["systemfull", { status: "4.3.1", replyCode: "452", diagnosticCode: "452 4.3.1 Insufficient system storage" }],
  ["undefined", { status: "", diagnosticCode: "" }],
];

test("classifyReason: hand-written diagnostics cover every reason", () => {
  const seen = new Set<Reason>();
  for (const [want, input] of cases) {
    assert.equal(classifyReason(input), want, `${want}: ${input.diagnosticCode}`);
    seen.add(want);
  }
  const missing = REASONS.filter((r) => !seen.has(r));
  assert.deepEqual(missing, [], "reasons without a test case");
});

test("the SMTP command changes the verdict: unknown user at RCPT vs after DATA", () => {
  const text = "550 Unknown user kei@example.ne.jp";
  assert.equal(classifyReason({ status: "5.0.0", replyCode: "550", smtpCommand: "RCPT", diagnosticCode: text }), "userunknown");
  assert.equal(classifyReason({ status: "5.0.0", replyCode: "550", smtpCommand: "DATA", diagnosticCode: text }), "filtered");
  // before DATA the spam probe stays out; a bare "spam" text still counts through the text table
  assert.equal(classifyReason({ status: "5.7.1", replyCode: "550", smtpCommand: "RCPT", diagnosticCode: "550 5.7.1 spam detected" }), "spamdetected");
  assert.equal(classifyReason({ status: "5.7.1", replyCode: "550", smtpCommand: "RCPT", diagnosticCode: "550 5.7.1 <a@b.example> Recipient address rejected: Access denied, Spam message" }), "userunknown");
});

test("text beats a generic status; a specific status beats a vague text", () => {
  assert.equal(classifyReason({ status: "5.0.0", replyCode: "552", diagnosticCode: "552 Requested mail action aborted: mailbox full" }), "mailboxfull");
  assert.equal(classifyReason({ status: "5.2.2", replyCode: "552", diagnosticCode: "552 5.2.2 delivery failed" }), "mailboxfull");
  assert.equal(classifyReason({ status: "5.1.1", replyCode: "550", smtpCommand: "RCPT", diagnosticCode: "550 5.1.1 Relaying denied" }), "norelaying");
});

test("remote-host rules for providers", () => {
  assert.equal(classifyReason({ status: "5.7.1", replyCode: "550", remoteMta: "dns; example-com.mail.protection.outlook.com", diagnosticCode: "550 5.7.1 whatever" }), "securityerror");
  assert.equal(classifyReason({ status: "5.7.612", replyCode: "550", remoteMta: "dns; example-com.mail.protection.outlook.com", diagnosticCode: "550 5.7.612 Access denied, banned sending IP [192.0.2.1]" }), "blocked");
  assert.equal(classifyReason({ status: "5.1.1", replyCode: "550", remoteMta: "smtp.secureserver.net", smtpCommand: "RCPT", diagnosticCode: "550 5.1.1 192.0.2.3 sent too many messages this hour. IB504" }), "speeding");
  assert.equal(classifyReason({ status: "5.0.0", replyCode: "550", remoteMta: "smtp-in.orange.fr", diagnosticCode: "550 5.0.0 Boite du destinataire pleine. Recipient overquota. OFR_417" }), "mailboxfull");
  assert.equal(classifyReason({ status: "5.2.1", replyCode: "550", remoteMta: "gmail-smtp-in.l.google.com", diagnosticCode: "550 5.2.1 The email account that you tried to reach is disabled." }), "suspend");
  // same kind of sentence from an unknown host falls back to the general rules
  assert.equal(classifyReason({ status: "5.7.612", replyCode: "550", remoteMta: "mx.example.org", diagnosticCode: "550 5.7.612 access denied" }), "rejected");
  // a provider's own reporting MTA speaks for a remote host nobody knows, or for none
  const relayed = { status: "5.0.0", replyCode: "550", remoteMta: "dns; mail.example.org", diagnosticCode: "550 taro@example.org... No such user" };
  assert.equal(classifyReason(relayed), "filtered");
  assert.equal(classifyReason({ ...relayed, reportingMta: "dns; server-9.tower-1.messagelabs.com" }), "userunknown");
  assert.equal(classifyReason({ status: "5.5.0", replyCode: "550", reportingMta: "dns; BAY0-MC1-F2.hotmail.com", diagnosticCode: "550 Requested action not taken: mailbox unavailable" }), "userunknown");
  // a provider named by the remote MTA wins over the reporting MTA's provider
  assert.equal(
    classifyReason({ status: "5.7.1", replyCode: "550", remoteMta: "dns; mx1.orange.fr", reportingMta: "dns; mail-out.messagelabs.com", diagnosticCode: "550 5.7.1 spam rejected OFR_506" }),
    "spamdetected",
  );
});

test("carrier rules: docomo's and au's filters answer 'unknown user' too", () => {
  const docomo = { status: "5.0.0", replyCode: "550", recipient: "taro@docomo.ne.jp", diagnosticCode: "550 Unknown user taro@docomo.ne.jp" };
  assert.equal(classifyReason({ ...docomo, smtpCommand: "RCPT" }), "userunknown");
  assert.equal(classifyReason({ ...docomo, smtpCommand: "DATA" }), "rejected");
  assert.equal(classifyReason(docomo), "filtered");
  assert.equal(classifyReason({ replyCode: "550", recipient: "jiro@ezweb.ne.jp", diagnosticCode: "550: : User unknown" }), "filtered");
  assert.equal(classifyReason({ replyCode: "550", recipient: "jiro@ezweb.ne.jp", diagnosticCode: "550: <jiro@ezweb.ne.jp>: User unknown" }), "userunknown");
  assert.equal(classifyReason({ replyCode: "550", smtpCommand: "MAIL", recipient: "a@hotmail.com", diagnosticCode: "550 SC-001 (BAY0-MC1-F1) Unfortunately, messages from 192.0.2.1 weren't sent." }), "blocked");
});

test("diagnostic types: a local program's exit code is a mailer error; other non-SMTP types are still read", () => {
  assert.equal(classifyReason({ status: "4.5.0", action: "delayed", diagnosticType: "X-Unix", diagnosticCode: "75" }), "mailererror");
  assert.equal(classifyReason({ status: "5.0.0", diagnosticType: "unknown", diagnosticCode: "No such domain." }), "hostunknown");
  assert.equal(classifyReason({ status: "4.0.0", replyCode: "421", diagnosticType: "X-Postfix", diagnosticCode: "connect to mx.example.net[192.0.2.7]:25: server refused to talk to me: 421 Service not available, closing transmission channel" }), "blocked");
});

test("MTA wordings: malformed address, envelope expired, network error on MXs, refused at the greeting", () => {
  assert.equal(classifyReason({ diagnosticCode: "taro@@example.jp <taro@@example.jp>: malformed address: @example.jp> may not follow taro@" }), "syntaxerror");
  assert.equal(classifyReason({ action: "failed", diagnosticCode: "Envelope expired" }), "expired");
  assert.equal(classifyReason({ action: "delayed", diagnosticCode: "Network error on destination MXs" }), "networkerror");
  assert.equal(classifyReason({ status: "5.0.0", diagnosticCode: "Host or domain name not found. Name service error for name=example.jp type=MX: Host not found, try again" }), "networkerror");
  assert.equal(classifyReason({ status: "5.5.0", replyCode: "554", smtpCommand: "CONN", diagnosticCode: "554 IP=192.0.2.1 - A problem occurred." }), "blocked");
});

test("a local delivery agent's unknown user is no filter; 5.1.2 stays hostunknown", () => {
  assert.equal(classifyReason({ status: "5.5.0", replyCode: "554", diagnosticCode: "mail.local: unknown user: jiro 554 <jiro@example.net>... Service unavailable" }), "userunknown");
  assert.equal(classifyReason({ status: "5.5.0", replyCode: "554", diagnosticCode: "554 <jiro@example.net>... Service unavailable: unknown user" }), "filtered");
  assert.equal(classifyReason({ status: "5.1.2", diagnosticCode: "550 5.1.2 <a@nowhere.example>... Host unknown (Name server: .: host not found)" }), "hostunknown");
  assert.equal(classifyReason({ status: "5.4.4", diagnosticCode: "Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)" }), "notaccept");
});

test("pseudoStatus and isHardBounce follow sisimai 5", () => {
  assert.equal(pseudoStatus("userunknown", false), "5.0.911");
  assert.equal(pseudoStatus("userunknown", true), "5.0.911");
  assert.equal(pseudoStatus("expired", true), "4.0.947");
  assert.equal(pseudoStatus("filtered", false), "5.0.910");
  assert.equal(pseudoStatus("blocked", false), "5.0.971");
  assert.equal(pseudoStatus("undefined", false), "5.0.900");
  assert.equal(pseudoStatus("onhold", false), "5.0.901");
  for (const r of REASONS) if (r !== "feedback" && r !== "vacation") assert.match(pseudoStatus(r, false), /^[25]\.0\.\d+$/);
  assert.equal(isHardBounce("userunknown", "5.1.1"), true);
  assert.equal(isHardBounce("hostunknown", "5.0.912"), true);
  assert.equal(isHardBounce("hasmoved", "5.1.6"), true);
  assert.equal(isHardBounce("notaccept", "5.1.10"), true);
  assert.equal(isHardBounce("notaccept", "4.0.932"), false);
  assert.equal(isHardBounce("mailboxfull", "5.2.2"), false);
  assert.equal(isHardBounce("filtered", "5.2.0"), false);
});

test("every reason has ja and en explanation texts and actions", () => {
  for (const r of REASONS) {
    for (const lang of ["ja", "en"] as const) {
      const e = explainBounce({ reason: r, status: "5.0.0", replyCode: "550", diagnosticCode: "", recipient: "a@example.jp" }, lang);
      assert.ok(e.summary.length > 10 && !e.summary.includes("bounce."), `${lang} summary for ${r}`);
      assert.ok(e.actions.length >= 1 && e.actions.length <= 3, `${lang} actions for ${r}`);
      for (const a of e.actions) assert.ok(a.length > 5 && !a.startsWith("bounce."), `${lang} action for ${r}: ${a}`);
      assert.ok(catalogues[lang][`bounce.reason.${r}.summary`], `${lang} catalogue summary for ${r}`);
      for (let i = 1; i <= actionCount(r); i++) assert.ok(catalogues[lang][`bounce.reason.${r}.action${i}`], `${lang} ${r}.action${i}`);
    }
  }
});

test("explanations follow the guides: class, typos, remote admin, SPF, DNS", () => {
  const unknown = explainBounce({ reason: "userunknown", status: "5.1.1", replyCode: "550", diagnosticCode: "550 5.1.1 User unknown", recipient: "sato@example.co.jp" }, "en");
  assert.equal(unknown.responsible, "sender");
  assert.match(unknown.summary, /Permanent/);
  assert.match(unknown.actions.join(" "), /typo.*sya\/sha.*ra\/la/);

  const full = explainBounce({ reason: "mailboxfull", status: "4.2.2", replyCode: "452", diagnosticCode: "", recipient: "x@example.jp" }, "ja");
  assert.equal(full.responsible, "recipient-side");
  assert.match(full.summary, /一時的/);
  assert.match(full.actions[0], /お待ちください/);

  const anon = explainBounce({ reason: "blocked", status: "5.7.1", replyCode: "530", diagnosticCode: "530 5.7.1 Client was not authenticated", recipient: "y@corp.example", smtpCommand: "MAIL" }, "en");
  assert.equal(anon.responsible, "recipient-side");
  assert.match(anon.actions.join(" "), /administrator/);

  const spf = explainBounce({ reason: "authfailure", status: "5.7.23", replyCode: "550", diagnosticCode: "550 5.7.23 SPF check failed", recipient: "z@example.org" }, "en");
  assert.equal(spf.responsible, "our-side");
  assert.match(spf.actions.join(" "), /SPF record/);

  const relay = explainBounce({ reason: "norelaying", status: "5.7.1", replyCode: "554", diagnosticCode: "554 5.7.1 Relay access denied", recipient: "w@other.example" }, "en");
  assert.equal(relay.responsible, "recipient-side");
  const relayAuth = explainBounce({ reason: "norelaying", status: "5.7.1", replyCode: "530", diagnosticCode: "530 5.7.1 relaying not permitted without authentication", recipient: "w@other.example" }, "en");
  assert.equal(relayAuth.responsible, "sender");

  const nx = explainBounce({ reason: "hostunknown", status: "5.1.2", replyCode: "", diagnosticCode: "", recipient: "v@exmaple.com" }, "ja");
  assert.match(nx.actions.join(" "), /exmaple\.com/);
  assert.match(nx.actions.join(" "), /DNS/);

  const big = explainBounce({ reason: "mesgtoobig", status: "5.3.4", replyCode: "552", diagnosticCode: "", recipient: "u@example.jp" }, "en");
  assert.match(big.actions.join(" "), /link/);
  assert.equal(explainBounce({ reason: "blocked", status: "5.7.1", replyCode: "554", diagnosticCode: "blocked using RBL", recipient: "a@b.example" }, "en").responsible, "our-side");
});
