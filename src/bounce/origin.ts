/** The returned original message's headers: who sent it, what it was, when. */
import { decodeText } from "./mime.ts";
import { readFields } from "./rfc3464.ts";
import type { Origin } from "./types.ts";

/** RFC 2047 encoded words in a header value ("=?ISO-2022-JP?B?...?="). */
export function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=(\s+(?==\?))?/g, (_all, cs: string, enc: string, data: string) => {
    let bytes: Uint8Array;
    if (enc.toUpperCase() === "B") bytes = Buffer.from(data, "base64");
    else bytes = Buffer.from(data.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16))), "latin1");
    return decodeText(bytes, cs.split("*")[0]);
  });
}

/** Header fields of the original message (only its header block is read). */
export function originalHeaders(original: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!original) return out;
  const end = original.search(/\n[ \t]*\n/);
  const block = end >= 0 ? original.slice(0, end) : original.slice(0, 64 * 1024);
  for (const [name, value] of readFields(block)) if (!out.has(name)) out.set(name, value);
  return out;
}

export function readOrigin(original: string): Origin {
  const h = originalHeaders(original);
  const o: Origin = {};
  const mid = h.get("message-id");
  if (mid) o.messageId = mid.replace(/^\s*<|>\s*$/g, "");
  if (h.has("subject")) o.subject = decodeWords(h.get("subject") ?? "");
  if (h.has("from")) o.from = decodeWords(h.get("from") ?? "");
  if (h.has("to")) o.to = decodeWords(h.get("to") ?? "");
  if (h.has("date")) o.date = h.get("date");
  return o;
}
