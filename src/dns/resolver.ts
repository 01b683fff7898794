/**
 * The one DNS resolver every module uses. It talks to a configurable server (HOST[:PORT],
 * from --dns-server or MAILTRACE_DNS_SERVER, else the system's), with a timeout, and never
 * throws for a DNS failure: each lookup returns a status that tells NXDOMAIN (the name does not
 * exist), NODATA (it exists, without records of that type), SERVFAIL, REFUSED and timeout apart.
 */
import { promises as dns } from "node:dns";
import { isIP } from "node:net";
import { UserError } from "../core/errors.ts";

export type RecordType = "A" | "AAAA" | "MX" | "TXT" | "CNAME" | "PTR" | "NS";
export type LookupStatus = "ok" | "nxdomain" | "nodata" | "servfail" | "refused" | "timeout" | "unreachable" | "error";

export interface MxRecord {
  exchange: string;
  priority: number;
}

export interface RecordOf {
  A: string;
  AAAA: string;
  MX: MxRecord;
  /** A TXT record: its character-strings joined (RFC 7208 3.3 / RFC 6376 3.6.2.2). */
  TXT: string;
  CNAME: string;
  PTR: string;
  NS: string;
}

export interface Lookup<T extends RecordType = RecordType> {
  name: string;
  type: T;
  status: LookupStatus;
  records: RecordOf[T][];
  /** The resolver's own words when status is "error" (connection refused, bad name ...). */
  error?: string;
}

export interface ResolverOptions {
  /** "HOST", "HOST:PORT", "[V6]:PORT"; undefined = the system's resolvers. */
  server?: string;
  timeoutMs?: number;
  tries?: number;
}

export const DEFAULT_TIMEOUT_MS = 5000;

/** Turns HOST[:PORT] into the form node:dns wants, or throws a UserError. */
export function parseServer(value: string): string {
  const v = value.trim();
  let host = v;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(v);
  if (bracketed) {
    host = bracketed[1];
    port = bracketed[2];
  } else if ((v.match(/:/g) ?? []).length === 1) {
    [host, port] = v.split(":");
  }
  if (!isIP(host)) throw new UserError(`--dns-server: "${value}" is not an IP address (HOST[:PORT], e.g. 127.0.0.1:5353)`);
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535)) {
    throw new UserError(`--dns-server: bad port in "${value}"`);
  }
  const p = port ?? "53";
  return isIP(host) === 6 ? `[${host}]:${p}` : `${host}:${p}`;
}

/** The server from the flag, else MAILTRACE_DNS_SERVER, else undefined (system resolvers). */
export function dnsServerFrom(flag?: string): string | undefined {
  return flag ?? (process.env.MAILTRACE_DNS_SERVER || undefined);
}

const STATUS_BY_CODE: Record<string, LookupStatus> = {
  ENOTFOUND: "nxdomain",
  ENODATA: "nodata",
  ESERVFAIL: "servfail",
  EREFUSED: "refused",
  ETIMEOUT: "timeout",
  ECONNREFUSED: "unreachable",
};

export class DnsResolver {
  readonly server?: string;
  readonly timeoutMs: number;
  private readonly resolver: dns.Resolver;
  /** Every lookup made, in order (the domain report shows how many queries it took). */
  readonly log: Lookup[] = [];

  constructor(options: ResolverOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.resolver = new dns.Resolver({ timeout: this.timeoutMs, tries: options.tries ?? 1 });
    if (options.server) {
      this.server = parseServer(options.server);
      this.resolver.setServers([this.server]);
    }
  }

  /** One question is asked once per resolver (one CLI run): a batch of addresses at one domain costs one MX lookup. */
  private readonly answers = new Map<string, Promise<Lookup>>();

  lookup<T extends RecordType>(name: string, type: T): Promise<Lookup<T>> {
    const key = `${type} ${name.toLowerCase()}`;
    let answer = this.answers.get(key);
    if (!answer) {
      answer = this.ask(name, type);
      this.answers.set(key, answer);
    }
    return answer as Promise<Lookup<T>>;
  }

  private async ask<T extends RecordType>(name: string, type: T): Promise<Lookup<T>> {
    const result: Lookup<T> = { name, type, status: "ok", records: [] };
    try {
      const raw = (await this.resolver.resolve(name, type)) as unknown[];
      result.records = (type === "TXT" ? (raw as string[][]).map((chunks) => chunks.join("")) : raw) as RecordOf[T][];
      if (result.records.length === 0) result.status = "nodata";
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "";
      result.status = STATUS_BY_CODE[code] ?? "error";
      if (result.status === "error") result.error = `${code} ${(err as Error).message}`.trim();
    }
    this.log.push(result as Lookup);
    return result;
  }

  /**
   * The resolver in the shape mailauth wants: resolves like dns.promises.resolve (TXT as arrays
   * of strings) and rejects with node's error codes, so its SPF limits see NXDOMAIN/NODATA.
   */
  forMailauth(): (name: string, type: string) => Promise<unknown[]> {
    return async (name: string, type: string) => {
      const r = await this.lookup(name, type as RecordType);
      if (r.status === "ok") {
        // Copies: mailauth sorts MX lists in place, and answers are shared through the cache.
        if (type === "TXT") return (r.records as string[]).map((s) => [s]);
        return (r.records as unknown[]).map((x) => (typeof x === "object" && x ? { ...x } : x));
      }
      const code = Object.entries(STATUS_BY_CODE).find(([, s]) => s === r.status)?.[0] ?? "EFAIL";
      const err = new Error(`${type} ${name}: ${r.status}`) as NodeJS.ErrnoException;
      err.code = code;
      throw err;
    };
  }
}

/** True for statuses that say something definite about the name (as opposed to a failure). */
export function isAnswer(status: LookupStatus): boolean {
  return status === "ok" || status === "nxdomain" || status === "nodata";
}
