/** `HOST:PORT` as the flags take it (IPv6 in brackets), and whether a host is this machine alone. */
import { isIP } from "node:net";
import { UserError } from "./errors.ts";

export interface HostPort {
  host: string;
  port: number;
}

/**
 * `[HOST:]PORT` or `HOST[:PORT]`: `host` or `port` may be left out where a default is given.
 * `what` names the flag in the one-line error.
 */
export function parseHostPort(spec: string, what: string, defaults: { host?: string; port?: number }, example: string): HostPort {
  // A bare number is a port (tried first: a host name is never all digits).
  const m = /^(?:(\d{1,5})|(\[[0-9A-Fa-f:.]+\]|[^:[\]\s]+)(?::(\d{1,5}))?)$/.exec(spec.trim());
  const onlyPort = m?.[1];
  const host = onlyPort !== undefined ? defaults.host : m?.[2]?.replace(/^\[|\]$/g, "");
  const portText = onlyPort ?? m?.[3];
  const port = portText === undefined ? defaults.port : Number(portText);
  if (!m || host === undefined || port === undefined || port > 65535) throw new UserError(`${what} ${spec}: expected ${example}`);
  return { host, port };
}

/** Whether `host` names this machine only (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  if (host === "localhost" || host === "::1") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return /^::ffff:127\./i.test(host);
}

/** A host and port as the flags take them (IPv6 in brackets). */
export function hostPortText(a: HostPort): string {
  return `${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`;
}
