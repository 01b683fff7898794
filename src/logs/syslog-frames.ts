/**
 * Syslog messages out of a stream (TCP or TLS, RFC 6587): each frame is either octet-counted
 * (`LEN SP MSG`, what rsyslog's `TCP_Framing="octet-counted"` and RFC 5425 send) or ends at a
 * newline (non-transparent framing, rsyslog's default over TCP). The form is read again at each
 * frame, as RFC 6587 allows a sender to mix them. A datagram (UDP) is one message as it is.
 *
 * Messages are capped at MAX_MESSAGE bytes: the rest of a longer one is read and dropped, so a
 * sender cannot make us hold an unbounded frame. Each message comes out as one log line (its
 * `<PRI>` kept, as the envelope parser accepts it): line breaks and NULs inside it are written
 * as rsyslog writes control characters (`#012`), so one message never becomes two lines.
 */

/** The longest message kept (bytes); as long as the longest log line ingest reads. */
export const MAX_MESSAGE = 64 * 1024;

/** The longest octet count accepted: more digits than this is not a count but text. */
const MAX_COUNT_DIGITS = 9;

const LF = 10;
const SP = 32;

/** One received message as a log line: control characters that would break it up escaped, no trailing newline. */
export function messageLine(bytes: Uint8Array): string {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === LF || bytes[end - 1] === 13 || bytes[end - 1] === 0)) end--;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, end).toString("utf8");
  return /[\n\r\0]/.test(text) ? text.replace(/[\n\r\0]/g, (c) => `#${c.charCodeAt(0).toString(8).padStart(3, "0")}`) : text;
}

/** Splits one connection's bytes into messages, frame by frame, whatever the chunks. */
export class FrameReader {
  private readonly onMessage: (line: string) => void;
  /** Bytes of the frame being read (its text; for an octet-counted frame, after the count). */
  private parts: Buffer[] = [];
  private kept = 0;
  /** Octet-counted frame: bytes still to come (undefined: not in such a frame). */
  private remaining: number | undefined;
  /** At a frame's start, the digits of a count read so far. */
  private digits = "";
  private atStart = true;

  constructor(onMessage: (line: string) => void) {
    this.onMessage = onMessage;
  }

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining !== undefined) {
        const n = Math.min(this.remaining, chunk.length - i);
        this.keep(chunk.subarray(i, i + n));
        this.remaining -= n;
        i += n;
        if (this.remaining === 0) this.emit();
        continue;
      }
      if (this.atStart) {
        // The count: digits up to a space. Anything else starts a newline-ended frame that
        // holds the digits read so far.
        const c = chunk[i];
        if (c >= 48 && c <= 57 && this.digits.length < MAX_COUNT_DIGITS && !(this.digits === "" && c === 48)) {
          this.digits += String.fromCharCode(c);
          i++;
          continue;
        }
        if (c === SP && this.digits !== "") {
          this.remaining = Number(this.digits);
          this.digits = "";
          this.atStart = false;
          i++;
          continue;
        }
        if (c === LF && this.digits === "") {
          i++; // an empty line between frames
          continue;
        }
        this.atStart = false;
        if (this.digits) this.keep(Buffer.from(this.digits, "latin1"));
        this.digits = "";
      }
      const nl = chunk.indexOf(LF, i);
      const end = nl < 0 ? chunk.length : nl;
      this.keep(chunk.subarray(i, end));
      i = end;
      if (nl >= 0) {
        i++;
        this.emit();
      }
    }
  }

  /** The connection ended: a frame cut short is still a message (what arrived of it). */
  end(): void {
    if (this.kept > 0 || this.digits) {
      if (this.digits) this.keep(Buffer.from(this.digits, "latin1"));
      this.emit();
    }
  }

  private keep(b: Buffer): void {
    const room = MAX_MESSAGE - this.kept;
    if (room <= 0) return;
    const part = b.length > room ? b.subarray(0, room) : b;
    // A copy: the chunk's buffer is reused by the socket once this returns.
    this.parts.push(Buffer.from(part));
    this.kept += part.length;
  }

  private emit(): void {
    const bytes = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
    this.kept = 0;
    this.remaining = undefined;
    this.digits = "";
    this.atStart = true;
    const line = messageLine(bytes);
    if (line) this.onMessage(line);
  }
}
