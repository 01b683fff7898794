/**
 * Optional RCPT TO probe: connect to the domain's mail servers in MX order, say EHLO,
 * MAIL FROM:<> and RCPT TO:<address>, record the reply, then RSET and QUIT: nothing is sent.
 * A 250 does not prove the mailbox exists (many servers accept everything and bounce later),
 * and probing may be taken for address harvesting, so the CLI only does it on request.
 */
import { Socket } from "node:net";

export interface ProbeTarget {
  exchange: string;
  addresses: string[];
}

export interface ProbeResult {
  /** MX host and address that gave the answer (or the last one tried). */
  exchange?: string;
  ip?: string;
  /** The step the conversation reached: the reply below belongs to it. */
  stage: "connect" | "banner" | "ehlo" | "mail" | "rcpt";
  code?: number;
  /** Enhanced status code (RFC 3463) when the reply carries one, e.g. "5.1.1". */
  enhanced?: string;
  reply?: string;
  /** true: RCPT accepted (2xx); false: refused permanently (5xx); null: temporary or no answer. */
  accepted: boolean | null;
  error?: string;
}

export interface ProbeOptions {
  port?: number;
  heloName?: string;
  timeoutMs?: number;
}

const MAX_REPLY = 16 * 1024;

/** A minimal SMTP client conversation over one socket: send a line, read one (multi-line) reply. */
class SmtpConversation {
  private buffer = "";
  private waiting?: { resolve: (r: { code: number; text: string }) => void; reject: (e: Error) => void };
  private failed?: Error;
  readonly socket: Socket;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding("latin1");
    socket.on("data", (d: string) => {
      this.buffer += d;
      if (this.buffer.length > MAX_REPLY) this.fail(new Error("reply too long"));
      this.deliver();
    });
    socket.on("error", (e) => this.fail(e));
    socket.on("close", () => this.fail(new Error("connection closed")));
    socket.on("timeout", () => this.fail(new Error("timed out")));
  }

  private fail(e: Error): void {
    this.failed ??= e;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w.reject(e);
    }
  }

  private deliver(): void {
    if (!this.waiting) return;
    const lines = this.buffer.split("\r\n");
    for (let i = 0; i < lines.length - 1; i++) {
      // The last line of a reply has a space (or nothing) after the code, not a hyphen.
      if (/^\d{3}(?: |$)/.test(lines[i])) {
        const reply = lines.slice(0, i + 1);
        this.buffer = lines.slice(i + 1).join("\r\n");
        const w = this.waiting;
        this.waiting = undefined;
        w.resolve({ code: Number(reply[i].slice(0, 3)), text: reply.map((l) => l.slice(4)).join(" ").trim() });
        return;
      }
    }
  }

  read(): Promise<{ code: number; text: string }> {
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      this.waiting = { resolve, reject };
      this.deliver();
    });
  }

  async command(line: string): Promise<{ code: number; text: string }> {
    this.socket.write(`${line}\r\n`);
    return this.read();
  }
}

function connect(ip: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = new Socket();
    s.setTimeout(timeoutMs);
    const onError = (e: Error) => {
      s.destroy();
      reject(e);
    };
    s.once("error", onError);
    s.once("timeout", () => onError(new Error("connect timed out")));
    s.connect({ host: ip, port }, () => {
      s.removeListener("error", onError);
      resolve(s);
    });
  });
}

function outcome(stage: ProbeResult["stage"], code: number, text: string, base: Partial<ProbeResult>): ProbeResult {
  const enhanced = /^([245]\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1];
  return { ...base, stage, code, reply: `${code} ${text}`.trim(), ...(enhanced ? { enhanced } : {}), accepted: code >= 200 && code < 300 ? true : code >= 500 ? false : null };
}

/** Asks one server; undefined when it could not be reached at all (try the next one). */
async function probeHost(address: string, exchange: string, ip: string, o: Required<ProbeOptions>): Promise<ProbeResult | undefined> {
  let socket: Socket;
  try {
    socket = await connect(ip, o.port, o.timeoutMs);
  } catch {
    return undefined;
  }
  const c = new SmtpConversation(socket);
  const base = { exchange, ip };
  try {
    const banner = await c.read();
    if (banner.code !== 220) return outcome("banner", banner.code, banner.text, base);
    let hello = await c.command(`EHLO ${o.heloName}`);
    if (hello.code >= 500) hello = await c.command(`HELO ${o.heloName}`);
    if (hello.code !== 250) return outcome("ehlo", hello.code, hello.text, base);
    const mail = await c.command("MAIL FROM:<>");
    if (mail.code !== 250) return outcome("mail", mail.code, mail.text, base);
    const rcpt = await c.command(`RCPT TO:<${address}>`);
    const result = outcome("rcpt", rcpt.code, rcpt.text, base);
    await c.command("RSET").catch(() => undefined);
    await c.command("QUIT").catch(() => undefined);
    return result;
  } catch (err) {
    return { ...base, stage: "banner", accepted: null, error: (err as Error).message };
  } finally {
    socket.destroy();
  }
}

export async function probeRecipient(address: string, targets: readonly ProbeTarget[], options: ProbeOptions = {}): Promise<ProbeResult> {
  const o: Required<ProbeOptions> = { port: options.port ?? 25, heloName: options.heloName ?? "mailtrace.invalid", timeoutMs: options.timeoutMs ?? 15_000 };
  if (/[\r\n<>]/.test(address)) return { stage: "connect", accepted: null, error: "address contains characters that cannot be sent in RCPT TO" };
  let last: ProbeResult = { stage: "connect", accepted: null, error: "no mail server to ask" };
  for (const t of targets) {
    for (const ip of t.addresses) {
      const r = await probeHost(address, t.exchange, ip, o);
      if (!r) {
        last = { exchange: t.exchange, ip, stage: "connect", accepted: null, error: `could not connect to ${ip} port ${o.port}` };
        continue;
      }
      // A server that refuses us before RCPT (421 busy, 554 no service) says nothing about the mailbox.
      if (r.stage !== "rcpt" && r.accepted !== true) {
        last = r;
        continue;
      }
      return r;
    }
  }
  return last;
}
