/** What the Postfix bounce end-to-end tests expect of each analysed bounce, checked in one place. */
import assert from "node:assert/strict";
import type { Bounce } from "../../src/bounce/analyze.ts";
import type { PostfixInstance, SendResult } from "../support/postfix.ts";

export interface ExpectedBounce {
  to: string;
  /** What out's log says for the recipient: the DSN code and the final status word. */
  logDsn: string;
  status: string;
  /** Empty where no server was reached (the default). */
  replyCode?: string;
  reason: Bounce["reason"];
  hardBounce: boolean;
  smtpCommand?: string;
  remoteMta?: string;
  responsible: Bounce["explanation"]["responsible"];
  diagnostic: RegExp;
}

/** "<id@host>" -> "id@host", as the analyser reports an origin Message-ID. */
export const bare = (messageId: string) => messageId.replace(/^<|>$/g, "");
/** A literal string inside a RegExp. */
export const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The fields every analysed Postfix DSN of these tests must carry. */
export function checkBounce(
  b: Bounce | undefined,
  e: ExpectedBounce,
  sent: { messageId: string; addresser: string; reportingMta: string },
  where: string,
): asserts b is Bounce {
  assert.ok(b, `${where}: a bounce for ${e.to}`);
  assert.equal(b.recipient, e.to, where);
  assert.equal(b.addresser, sent.addresser, where);
  assert.equal(b.status, e.status, where);
  assert.equal(b.replyCode, e.replyCode ?? "", where);
  assert.equal(b.reason, e.reason, where);
  assert.equal(b.hardBounce, e.hardBounce, where);
  assert.equal(b.smtpCommand, e.smtpCommand ?? "", where);
  assert.equal(b.action, "failed", where);
  assert.equal(b.remoteMta, e.remoteMta ?? "", e.remoteMta ? where : `${where}: no server was ever reached`);
  assert.equal(b.reportingMta, sent.reportingMta, where);
  assert.match(b.diagnosticCode, e.diagnostic, where);
  // Postfix writes a plain RFC 3464 report; a dedicated Postfix module would be right too.
  assert.match(b.mta, /^(rfc3464|postfix)$/, where);
  assert.equal(b.origin.messageId, bare(sent.messageId), `${where}: origin Message-ID`);
  assert.equal(b.explanation.responsible, e.responsible, where);
  assert.ok(b.explanation.summary.length > 0, `${where}: a summary`);
}

/**
 * Sends one message per case from carol@sender.test through `out`, checks each was queued,
 * and waits until carol holds one non-delivery notification per case and the queue is empty.
 * Returns what was sent and carol's Maildir.
 */
export async function sendAndAwaitBounces<K extends string>(
  out: PostfixInstance,
  cases: Record<K, { to: string; subject: string; body?: string }>,
  timeoutMs: number,
): Promise<{ sent: Record<K, SendResult>; maildir: string }> {
  const sent = {} as Record<K, SendResult>;
  const keys = Object.keys(cases) as K[];
  for (const k of keys) sent[k] = await out.send({ from: "carol@sender.test", ...cases[k] });
  for (const k of keys) {
    assert.equal(sent[k].code, 0, `${k} accepted by out: ${sent[k].transcript}`);
    assert.ok(sent[k].queueId, `${k} got a queue ID`);
  }
  await out.waitFor(`carol's ${keys.length} non-delivery notifications`, () => out.mailbox("carol").length === keys.length, { timeoutMs });
  await out.waitForQueueEmpty();
  return { sent, maildir: out.maildir("carol") };
}
