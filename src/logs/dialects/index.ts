/** Every known MTA dialect, in the order they are tried: the first whose `accepts(program)` is true parses the line. */
import type { Dialect } from "./types.ts";
import { amavis } from "./amavis.ts";
import { postfix } from "./postfix.ts";

export const DIALECTS: readonly Dialect[] = [postfix, amavis];

/** The dialect of a syslog program name, or undefined for programs no dialect knows. */
export function dialectFor(program: string): Dialect | undefined {
  return DIALECTS.find((d) => d.accepts(program));
}
