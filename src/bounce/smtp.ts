/**
 * Finding SMTP facts inside free text: enhanced status codes (RFC 3463), reply codes
 * (RFC 5321) and the command a failure happened at. The selection rules follow what
 * sisimai learned from real mail (skip IP addresses and version numbers, prefer a specific
 * code over X.0.0, keep the code whose class matches the reply code).
 */

const IPV4 = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g;
const STATUS_IN_TEXT = /(?<![\d.vV])([245])\.([0-7])\.(\d{1,3})(?![\d])/g;

/** Choose between a Status: field value and a code found in the diagnostic text. */
export function preferStatus(field: string, inText: string, replyCode = ""): string {
  if (!field) return inText;
  if (!inText) return field;
  if (field.length < 5) return inText;
  if (inText.length < 5) return field;
  if (replyCode && field[0] !== inText[0]) {
    if (replyCode[0] === field[0]) return field;
    if (replyCode[0] === inText[0]) return inText;
  }
  if (field === inText) return field;
  const fieldGeneric = field.slice(1) === ".0.0";
  const textGeneric = inText.slice(1) === ".0.0";
  if (fieldGeneric) return textGeneric ? field : inText;
  // X.Y.0 or X.0.Z in the field, and a fully specific code in the text
  if (/\.0(\.|$)/.test(field.slice(1)) && !/\.0/.test(inText.slice(1))) return inText;
  if (textGeneric) return field;
  // Codes that only say "something went wrong in this area": the text is more precise.
  if (field === "4.4.7" || field === "4.7.0" || field.startsWith("5.3.")) return inText;
  if (/^.\.5\.[1245]$/.test(field)) return inText;
  if (field === "5.1.1") return /\.0/.test(inText.slice(1)) || inText.startsWith("5.5.") ? field : inText;
  if (field === "5.1.3" && inText.startsWith("5.7.")) return inText;
  return field;
}

/** The enhanced status code in a text, or "". `klass` ("2"/"4"/"5") limits the class. */
export function findStatus(text: string, klass = ""): string {
  if (!text || text.length < 5) return "";
  const s = text.replace(IPV4, "#");
  const found: string[] = [];
  let generic = "";
  for (const m of s.matchAll(STATUS_IN_TEXT)) {
    if (klass && m[1] !== klass) continue;
    const code = `${m[1]}.${m[2]}.${m[3]}`;
    if (code.slice(1) === ".0.0" || code === "4.4.7") {
      generic ||= code;
      continue;
    }
    found.push(code);
  }
  if (generic) found.push(generic);
  if (found.length === 0) return "";
  return found.reduce((a, b) => preferStatus(a, b, ""));
}

const REPLY_IN_TEXT = /(?<![\d.\-/:#=])([245][0-5][0-9])(?=[ -]|$)(?![-.]\d+\.\d+\.\d+\.\d)/gm;

/** The SMTP reply code in a text, or "". A status class narrows the choice. */
export function findReplyCode(text: string, statusClass = ""): string {
  if (!text) return "";
  const s = text.replace(IPV4, "#");
  let first = "";
  for (const m of s.matchAll(REPLY_IN_TEXT)) {
    const code = m[1];
    // A reply code is followed by text or an enhanced code, not by more digits/units.
    const after = s.slice(m.index + 3, m.index + 12);
    if (/^ ?(bytes|ms|seconds|days|hours|minutes|kb|mb)/i.test(after)) continue;
    if (!/^[245](0[0-9]|[1-5][0-9])$/.test(code)) continue;
    if (code === "200" || code === "250" || code === "220" || code === "221") {
      if (statusClass !== "2") continue;
    }
    if (statusClass && code[0] !== statusClass) {
      first ||= "";
      continue;
    }
    return code;
  }
  return first;
}

const COMMANDS = ["HELO", "EHLO", "MAIL", "RCPT", "DATA", "QUIT", "STARTTLS", "AUTH", "CONN", "BDAT", "RSET", "XFORW"] as const;

/** Normalise a command word found in a bounce ("RCPT TO" -> "RCPT", "end of data" -> "DATA"). */
export function normalizeCommand(word: string): string {
  const w = word.trim().toUpperCase();
  if (!w) return "";
  if (w.startsWith("MAIL")) return "MAIL";
  if (w.startsWith("RCPT")) return "RCPT";
  if (w.includes("END OF DATA") || w === "DATA" || w.startsWith("DATA")) return "DATA";
  for (const c of COMMANDS) if (w.startsWith(c)) return c;
  return "";
}

/** Find the failing command in prose such as "in reply to RCPT TO command". */
export function findCommand(text: string): string {
  if (!text) return "";
  const m =
    /\b(?:in reply to|after|during|at|while sending|while receiving|while performing|in response to)\s+(?:the\s+)?(MAIL\s+FROM|RCPT\s+TO|DATA|end of data|HELO|EHLO|STARTTLS|AUTH|initial connection|initial server greeting|end of message)/i.exec(
      text,
    );
  if (!m) return "";
  const w = m[1].toLowerCase();
  if (w === "end of message") return "DATA";
  // Postfix: "timed out while receiving the initial server greeting" (the 220 never came).
  if (w === "initial connection" || w === "initial server greeting") return "CONN";
  return normalizeCommand(w);
}

/** The address inside <...> or the first thing that looks like an address. */
export function findAddress(text: string): string {
  if (!text) return "";
  const angled = /<([^<>\s@]+@[^<>\s]+)>/.exec(text);
  const raw = angled ? angled[1] : /([^\s<>()"'[\],;:]+@[A-Za-z0-9\-_.]+[A-Za-z0-9])/.exec(text)?.[1];
  if (!raw) return "";
  return raw.replace(/^["'(<]+|[>"'),.;:]+$/g, "").replace(/^mailto:/i, "");
}

export function isAddress(s: string): boolean {
  return /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(s) || /^[^\s@<>]+@[A-Za-z0-9-]+$/.test(s);
}
