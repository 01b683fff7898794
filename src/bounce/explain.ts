import type { Reason } from "./reason.ts";
export interface Explanation { summary: string; responsible: "sender"|"recipient-side"|"our-side"|"network"|"unknown"; actions: string[] }
export function explainBounce(b: { reason: Reason; status: string; replyCode: string; diagnosticCode: string; recipient: string; smtpCommand?: string }, lang: "ja"|"en"): Explanation { return { summary: b.reason + lang, responsible: "unknown", actions: [] }; }
