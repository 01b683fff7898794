/** Runs bin/mailtrace as a user would, for the end-to-end tests: exit code and both streams. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "./corpus.ts";

export const MAILTRACE = join(REPO_ROOT, "bin/mailtrace");

export function mailtrace(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(MAILTRACE, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
