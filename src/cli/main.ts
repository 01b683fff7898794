/**
 * mailtrace command line. Each command lives in its own file under src/cli/ and exports
 * `register(program)`; this file wires them up and turns errors into one-line messages.
 */
import { Command, CommanderError } from "commander";
import { describeError, UserError } from "../core/errors.ts";

/** Command modules by command name, in the order `mailtrace --help` lists them. */
const COMMANDS: Record<string, () => Promise<{ register: (program: Command) => void }>> = {
  ingest: () => import("./ingest.ts"),
  trace: () => import("./trace.ts"),
  show: () => import("./show.ts"),
  report: () => import("./report.ts"),
  summary: () => import("./summary.ts"),
  serve: () => import("./serve.ts"),
  bounce: () => import("./bounce.ts"),
  demo: () => import("./demo.ts"),
  check: () => import("./check.ts"),
  headers: () => import("./headers.ts"),
};

/**
 * The program with every command, or with only `only`: loading all the command modules (DNS,
 * MIME, header analysis...) takes longer than a small ingest or a trace query itself.
 */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command("mailtrace")
    .description("Trace mail through MTA logs, read bounces, and check addresses, domains and headers.")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // One line, prefixed like our own errors: "mailtrace: unknown option '--x'".
      outputError: (s, write) => write(`mailtrace: ${s.replace(/^error: /, "").trimEnd()} (see --help)\n`),
    });
  for (const [name, load] of Object.entries(COMMANDS)) if (only === undefined || name === only) (await load()).register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** The command an argument list runs, when it names one (else every command is loaded: help, version, typos). */
function commandOf(argv: readonly string[]): string | undefined {
  const first = argv[0];
  return first !== undefined && Object.hasOwn(COMMANDS, first) ? first : undefined;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(commandOf(argv));
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
