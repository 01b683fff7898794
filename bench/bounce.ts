/**
 * npm run bench:bounce — mails/second of the bounce analyser over the whole public corpus
 * repeated, beside Debian's sisimai (libsisimai-perl) on the same files in the same run when
 * it is installed, and the full reason confusion table against the expected results.
 * mailtrace runs as `mailtrace bounce` does (worker threads past the first mails, one per
 * core) and in one thread (`jobs: 1`), each against sisimai, which is single-threaded.
 * Usage: node bench/bounce.ts [repeat=10] [rounds=5]
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeBounces } from "../src/bounce/analyze.ts";
import { defaultJobs } from "../src/bounce/pool.ts";
import { compareCorpus, summary } from "../test/bounce/corpus-compare.ts";
import { corpusPath } from "../test/support/corpus.ts";

const dir = corpusPath("bounces");
if (!dir) {
  console.log("bench:bounce skipped: ../shared/corpus/bounces is absent");
  process.exit(0);
}
const repeat = Number(process.argv[2] ?? 10);
const ROUNDS = Number(process.argv[3] ?? 5);
const files = readdirSync(join(dir, "emails")).filter((f) => f.endsWith(".eml"));

// Same input for both tools: the corpus copied `repeat` times into one Maildir-like folder.
const work = mkdtempSync(join(tmpdir(), "mailtrace-bench-"));
const maildir = join(work, "cur");
mkdirSync(maildir);
for (let r = 0; r < repeat; r++) for (const f of files) copyFileSync(join(dir, "emails", f), join(maildir, `${r}-${f}`));
// One copy for sisimai's warm-up in each of its processes: it loads a format's modules when
// it first meets one, and we time both tools warm.
const warmdir = join(work, "warm");
mkdirSync(warmdir);
for (const f of files) copyFileSync(join(dir, "emails", f), join(warmdir, f));
const total = files.length * repeat;

async function runOurs(jobs?: number): Promise<{ seconds: number; bounces: number }> {
  const t0 = performance.now();
  let bounces = 0;
  for await (const r of analyzeBounces([maildir], { lang: "en", jobs })) bounces += r.bounces.length;
  return { seconds: (performance.now() - t0) / 1000, bounces };
}

function runSisimai(): { seconds: number; bounces: number; version: string } | undefined {
  const script = [
    "use Time::HiRes qw(time);",
    "Sisimai->make($ARGV[1], delivered => 1);",
    "my $t0 = time; my $v = Sisimai->make($ARGV[0], delivered => 1); my $t = time - $t0;",
    'printf "%s %.6f %d\\n", $Sisimai::VERSION, $t, ($v ? scalar @$v : 0);',
  ].join(" ");
  try {
    const out = execFileSync("perl", ["-MSisimai", "-e", script, maildir, warmdir], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const [version, seconds, bounces] = out.split(" ");
    return { version, seconds: Number(seconds), bounces: Number(bounces) };
  } catch {
    return undefined;
  }
}

try {
  // The machines are shared and noisy: both tools run `ROUNDS` times, interleaved. Each is
  // shown with its best round; the ratio is the median of the rounds' own ratios, since a
  // neighbour's load slows both runs of a round alike.
  await runOurs(); // warm-up (JIT, lazy modules, the worker threads)
  await runOurs(1);
  type Run = { seconds: number; bounces: number };
  const rounds: Array<{ ours: Run; one: Run; sis?: Run & { version: string } }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const ours = await runOurs();
    const one = await runOurs(1);
    rounds.push({ ours, one, sis: runSisimai() });
  }
  const best = (pick: (r: (typeof rounds)[number]) => Run | undefined) =>
    rounds.map(pick).filter((x): x is Run => x !== undefined).reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const ours = best((r) => r.ours);
  const one = best((r) => r.one);
  console.log(`mailtrace: ${total} mails in ${ours.seconds.toFixed(3)} s = ${(total / ours.seconds).toFixed(0)} mails/s (${ours.bounces} bounces; best of ${ROUNDS}; worker threads, ${defaultJobs()} here)`);
  console.log(`mailtrace, one thread: ${total} mails in ${one.seconds.toFixed(3)} s = ${(total / one.seconds).toFixed(0)} mails/s (best of ${ROUNDS})`);
  const sisRounds = rounds.filter((r) => r.sis);
  if (sisRounds.length) {
    const sis = best((r) => r.sis) as Run & { version: string };
    const rate = total / sis.seconds;
    console.log(`sisimai ${sis.version} (perl, Sisimai->make): ${total} mails in ${sis.seconds.toFixed(3)} s = ${rate.toFixed(0)} mails/s (${sis.bounces} bounces; best of ${ROUNDS})`);
    const median = (pick: (r: (typeof rounds)[number]) => Run) => {
      const ratios = sisRounds.map((r) => (r.sis?.seconds ?? 0) / pick(r).seconds).sort((a, b) => a - b);
      return `${ratios[Math.floor(ratios.length / 2)].toFixed(2)}x, median of ${ratios.length} rounds (${ratios.map((r) => r.toFixed(2)).join(", ")})`;
    };
    console.log(`throughput ratio mailtrace/sisimai: ${median((r) => r.ours)}; target >= 5x`);
    console.log(`throughput ratio in one thread:    ${median((r) => r.one)}`);
  } else console.log("sisimai: not installed (apt-get install libsisimai-perl), no baseline");

  const c = await compareCorpus(dir);
  console.log(summary(c));
  const reasons = [...new Set([...c.confusion.keys(), ...[...c.confusion.values()].flatMap((m) => [...m.keys()])])].sort();
  console.log("\nconfusion (rows: expected reason, columns: mailtrace reason; only non-zero cells)");
  for (const exp of [...c.confusion.keys()].sort()) {
    const row = c.confusion.get(exp)!;
    const cells = reasons.filter((r) => row.get(r)).map((r) => `${r === exp ? "*" : ""}${r}=${row.get(r)}`);
    const n = [...row.values()].reduce((a, b) => a + b, 0);
    console.log(`  ${exp.padEnd(16)} ${String(row.get(exp) ?? 0).padStart(3)}/${String(n).padEnd(3)} ${cells.join(" ")}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
