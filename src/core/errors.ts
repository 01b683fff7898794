import { readFileSync } from "node:fs";

/**
 * An error whose message is meant for the user as it is: the CLI prints it on one line
 * and exits non-zero, without a stack trace. Library code throws it for bad input
 * (unreadable files, malformed flags, corrupt data); anything else is a bug.
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = "UserError";
    this.exitCode = exitCode;
  }
}

/** The bytes of a file a flag names; one it cannot read is the user's one-line error. */
export function readFlagFile(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    throw new UserError(`${flag} ${path}: cannot read the file`);
  }
}

/** One line describing any thrown value, for places that must go on past a failure. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const path = (err as NodeJS.ErrnoException).path;
    if (code === "ENOENT" && path) return `no such file: ${path}`;
    if (code === "EACCES" && path) return `permission denied: ${path}`;
    if (code === "EISDIR" && path) return `is a directory: ${path}`;
    return err.message.split("\n")[0];
  }
  return String(err).split("\n")[0];
}
