/** Shapes shared by the bounce readers: what a format module returns, and the final result. */
import type { Explanation } from "./explain.ts";
import type { ParsedMail } from "./mime.ts";
import type { Reason } from "./reason.ts";

/** One recipient as a format module read it, before status/reason are settled. */
export interface DeliveryRecord {
  recipient: string;
  alias?: string;
  action?: string;
  status?: string;
  replyCode?: string;
  diagnosticCode?: string;
  diagnosticType?: string;
  smtpCommand?: string;
  remoteMta?: string;
  reportingMta?: string;
  date?: string;
  /** Set only where the kind of mail itself says it: feedback (ARF), vacation (RFC 3834). */
  reason?: Reason;
  feedbackType?: string;
}

export interface FormatResult {
  records: DeliveryRecord[];
  /** Header block (and maybe body) of the returned original message, "" when absent. */
  original: string;
}

/** One MTA / provider bounce format: a cheap test, then the reader. */
export interface LhostModule {
  name: string;
  detect(mail: ParsedMail): boolean;
  parse(mail: ParsedMail): FormatResult | undefined;
}

export interface Origin {
  messageId?: string;
  subject?: string;
  from?: string;
  to?: string;
  date?: string;
}

/** One analysed recipient of a bounce (field names are part of the JSON interface). */
export interface Bounce {
  file: string;
  recipient: string;
  addresser: string;
  status: string;
  replyCode: string;
  reason: Reason;
  hardBounce: boolean;
  action: string;
  diagnosticCode: string;
  diagnosticType: string;
  smtpCommand: string;
  remoteMta: string;
  reportingMta: string;
  mta: string;
  origin: Origin;
  timestamp: string;
  feedbackType?: string;
  explanation: Explanation;
}
