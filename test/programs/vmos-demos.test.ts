// Every demo program prints under `vmos run` exactly what test/programs/expected/ says, which is what
// it prints under qemu-riscv32 (qemu-demos.oracle.test.ts holds the expected files to qemu). Run the
// way the oracle runs them: argv[0] "./NAME", empty environment. The small ones run with the
// invariant checker and the TLB checker on. Programs that work on files get the arguments in
// expected/NAME.args and, as their `/`, a fresh host directory holding a copy of programs/data/.
// A program that needs another machine than 64 MiB without swap runs on the one its header's
// `vmos run` line names (MACHINE).

import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assemble } from "../../src/asm/index.js";
import { fileIncludeResolver } from "../../src/cli/include.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { runElf, type RunOptions } from "../helpers/kernel.js";

const PROGRAMS = join(import.meta.dirname, "../../programs");
const EXPECTED = join(import.meta.dirname, "expected");
const names = readdirSync(EXPECTED).filter((f) => f.endsWith(".stdout")).map((f) => f.slice(0, -".stdout".length)).sort();
/** Programs of ~100 M instructions: checking every frame after each fault would take minutes. */
const BIG = new Set(["compute", "memory"]);
/** Programs about swap, on the machine their header names: `vmos run --mem 512K --swap 4M`. */
const MACHINE: Record<string, RunOptions> = { swapoff: { mem: 512 << 10, swap: 4 << 20 } };

/** The arguments of a program that takes some (expected/NAME.args, one per line), else []. */
function argsOf(name: string): string[] {
  const path = join(EXPECTED, `${name}.args`);
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter((arg) => arg !== "") : [];
}

describe("demo programs under vmos run match the oracle's expected output", () => {
  for (const name of names) {
    it(`${name}.s`, { timeout: 120_000 }, () => {
      const path = join(PROGRAMS, `${name}.s`);
      const { elf } = assemble([{ name: path, text: readFileSync(path, "utf8") }], { include: fileIncludeResolver() });
      const args = argsOf(name);
      const root = args.length > 0 ? mkdtempSync(join(tmpdir(), "vmos-demo-root-")) : null;
      try {
        if (root !== null) cpSync(join(PROGRAMS, "data"), join(root, "programs", "data"), { recursive: true });
        const r = runElf(elf!, `./${name}`, {
          mem: 64 << 20, env: [], check: !BIG.has(name), maxSteps: 0, quantum: 100_000, args, root: root ?? undefined,
          ...MACHINE[name],
        });
        expect({ stdout: r.stdout, status: r.status }).toEqual({
          stdout: readFileSync(join(EXPECTED, `${name}.stdout`), "utf8"),
          status: Number(readFileSync(join(EXPECTED, `${name}.status`), "utf8").trim()),
        });
        expect(nr_free_pages(r.kernel.zone), "every frame is free again after exit").toBe(r.kernel.boot_free_pages);
        // The copy reached the host's file: shutdown wrote back every dirty page.
        if (root !== null && name.startsWith("cp-")) expect(readFileSync(join(root, args[1]!))).toEqual(readFileSync(join(root, args[0]!)));
      } finally {
        if (root !== null) rmSync(root, { recursive: true, force: true });
      }
    });
  }
});
