export function rhostReason(_host: string, _rcpt: string, _f: unknown): "" { return ""; }
