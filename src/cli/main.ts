/**
 * mailtrace command line. Each command lives in its own file under src/cli/ and exports
 * `register(program)`; this file wires them up and turns errors into one-line messages.
 */
import { Command, CommanderError } from "commander";
import { describeError, UserError } from "../core/errors.ts";

/** Command modules, in the order `mailtrace --help` lists them. */
const COMMANDS: Array<() => Promise<{ register: (program: Command) => void }>> = [
  () => import("./ingest.ts"),
  () => import("./trace.ts"),
  () => import("./show.ts"),
  () => import("./bounce.ts"),
  () => import("./demo.ts"),
  () => import("./check.ts"),
  () => import("./headers.ts"),
];

export async function buildProgram(): Promise<Command> {
  const program = new Command("mailtrace")
    .description("Trace mail through MTA logs, read bounces, and check addresses, domains and headers.")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // One line, prefixed like our own errors: "mailtrace: unknown option '--x'".
      outputError: (s, write) => write(`mailtrace: ${s.replace(/^error: /, "").trimEnd()} (see --help)\n`),
    });
  for (const load of COMMANDS) (await load()).register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed its one-line message (or help/version).
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UserError) {
      process.stderr.write(`mailtrace: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`mailtrace: internal error: ${describeError(err)}\n`);
    if (process.env.MAILTRACE_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ""}\n`);
    return 70;
  }
}

if (import.meta.main) {
  process.on("unhandledRejection", (err) => {
    process.stderr.write(`mailtrace: internal error: ${describeError(err)}\n`);
    process.exit(70);
  });
  // EPIPE when piping into `head` is not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
  });
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
}
