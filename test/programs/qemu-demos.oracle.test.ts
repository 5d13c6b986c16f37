// The demo programs, assembled by vmos, behave under qemu-riscv32 exactly as their expected files
// say: test/programs/expected/NAME.stdout (exact bytes) and NAME.status (the exit status as a
// shell reports it: 128 + N for death by signal N). These files are the oracle's answers; the same
// programs must later produce the same answers under `vmos run`.
//
// How a program runs, so that its output can be reproduced anywhere: no arguments, argv[0] is
// "./NAME" (the executable is run from its own directory, which is also where a core dump would
// land), and an empty environment (QEMU_* variables such as QEMU_STRACE would change qemu).
// Programs that work on files take the arguments in expected/NAME.args (one per line), naming files
// under programs/data/; they run in a directory of their own holding a copy of programs/data/, so
// what they create stays there (the cp-* demos copy their first argument to their second, and the
// copy is checked too).

import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { assemble, formatDiagnostic } from "../../src/asm/index.js";
import { fileIncludeResolver } from "../../src/cli/include.js";
import { describeOracle, QEMU } from "../helpers/oracle.js";

const PROGRAMS = join(import.meta.dirname, "../../programs");
const EXPECTED = join(import.meta.dirname, "expected");

/** Every program: programs/NAME.s, without the library files in programs/lib/. */
const programs = readdirSync(PROGRAMS).filter((f) => f.endsWith(".s")).map((f) => f.slice(0, -2)).sort();
/** The programs that have expected results. */
const demos = programs.filter((name) => existsSync(join(EXPECTED, `${name}.stdout`)));
/**
 * Programs whose expected output is vmos's alone, with the reason qemu cannot be the oracle: qemu-user
 * 7.2 shows the host's /proc (or emulates maps with the host's layout, no [heap], names at column 73).
 * vmos-demos.test.ts still holds them to their expected files.
 */
const VMOS_ONLY: Record<string, string> = {
  maps: "prints /proc/self/maps: qemu emulates it with its own layout and padding",
  meminfo: "reads /proc/meminfo, which under qemu is the host's and changes on its own",
  sharedtext: "calls vmos_page_info (1024), which Linux does not have: qemu returns -ENOSYS",
  swapoff: "calls vmos_pageout (1025), which Linux does not have, and swapoff, which qemu would pass to the host",
};

interface Outcome {
  stdout: string;
  status: number;
}

function expectedOutcome(name: string): Outcome {
  return {
    stdout: readFileSync(join(EXPECTED, `${name}.stdout`), "utf8"),
    status: Number(readFileSync(join(EXPECTED, `${name}.status`), "utf8").trim()),
  };
}

/** The arguments of a program that takes some (expected/NAME.args, one per line), else []. */
function argsOf(name: string): string[] {
  const path = join(EXPECTED, `${name}.args`);
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter((arg) => arg !== "") : [];
}

/** DIR/NAME/, a directory holding a copy of programs/data/ for a program that works on files. */
function dataDir(name: string, dir: string): string {
  const root = join(dir, name);
  mkdirSync(root);
  cpSync(join(PROGRAMS, "data"), join(root, "programs", "data"), { recursive: true });
  return root;
}

/** Assemble programs/NAME.s with vmos (its .includes resolved beside it) into DIR/NAME. */
function assembleProgram(name: string, dir: string): string {
  const path = join(PROGRAMS, `${name}.s`);
  const result = assemble([{ name: path, text: readFileSync(path, "utf8") }], { include: fileIncludeResolver() });
  const messages = result.diagnostics.map((d) => formatDiagnostic(d, result.sources));
  expect(messages, `${name}.s assembles cleanly`).toEqual([]);
  const exe = join(dir, name);
  writeFileSync(exe, result.elf!);
  chmodSync(exe, 0o755);
  return exe;
}

/** Run DIR/NAME under qemu-riscv32 as "./NAME ARGS...", and report what a shell would see. */
function runUnderQemu(name: string, dir: string, args: string[] = []): Outcome {
  const r = spawnSync(QEMU, [`./${name}`, ...args], { cwd: dir, env: {}, encoding: "utf8", timeout: 60_000 });
  if (r.error !== undefined) throw new Error(`${QEMU} ./${name}: ${r.error.message}`);
  // A process killed by signal N has no exit code; shells report 128 + N (139 for SIGSEGV).
  const status = r.status ?? 128 + constants.signals[r.signal!];
  return { stdout: r.stdout, status };
}

describeOracle("demo programs assembled by vmos behave under qemu-riscv32 as expected/ says", [QEMU], () => {
  const dir = mkdtempSync(join(tmpdir(), "vmos-demos-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("every program in programs/ has expected output", () => {
    const missing = programs.filter((name) => !demos.includes(name));
    expect(missing).toEqual([]);
    for (const name of demos) expect(existsSync(join(EXPECTED, `${name}.status`)), `${name}.status`).toBe(true);
  });

  it("lists a reason for every program it does not hold to qemu's output", () => {
    for (const name of Object.keys(VMOS_ONLY)) expect(demos, `${name} is in VMOS_ONLY`).toContain(name);
  });

  // Programs in VMOS_ONLY are not oracle cases at all (vmos-demos.test.ts holds them), so they are
  // left out here rather than counted as skipped tests.
  for (const name of demos.filter((n) => VMOS_ONLY[n] === undefined)) {
    it(`${name}.s prints expected/${name}.stdout and exits with expected/${name}.status`, () => {
      const args = argsOf(name);
      const cwd = args.length > 0 ? dataDir(name, dir) : dir;
      assembleProgram(name, cwd);
      expect(runUnderQemu(name, cwd, args)).toEqual(expectedOutcome(name));
      if (name.startsWith("cp-")) expect(readFileSync(join(cwd, args[1]!))).toEqual(readFileSync(join(cwd, args[0]!)));
    });
  }
});
