// Oracle tools (GNU binutils for RISC-V, qemu-riscv32): tests compare vmos against them.
// An oracle test skips only when its tool is absent, and says so loudly; CI installs the tools and
// sets VMOS_REQUIRE_ORACLES=1, which turns a missing tool into a failure instead of a skip.

import { execFileSync, spawnSync } from "node:child_process";
import { describe } from "vitest";

export const AS = "riscv64-unknown-elf-as";
export const LD = "riscv64-unknown-elf-ld";
export const OBJDUMP = "riscv64-unknown-elf-objdump";
export const READELF = "riscv64-unknown-elf-readelf";
export const QEMU = "qemu-riscv32";

const found = new Map<string, boolean>();

/** True if `tool` can be run from PATH. */
export function haveTool(tool: string): boolean {
  let ok = found.get(tool);
  if (ok === undefined) {
    ok = spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status === 0;
    found.set(tool, ok);
  }
  return ok;
}

/**
 * `describe` for tests that need oracle tools: runs them when all tools exist, otherwise prints a
 * visible message and skips (or fails, when VMOS_REQUIRE_ORACLES=1 as in CI).
 */
export function describeOracle(name: string, tools: string[], body: () => void): void {
  const missing = tools.filter((t) => !haveTool(t));
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  if (process.env.VMOS_REQUIRE_ORACLES === "1") {
    throw new Error(`oracle test "${name}" needs ${missing.join(", ")}, which CI must install`);
  }
  console.warn(`\n*** SKIPPED oracle test "${name}": ${missing.join(", ")} not installed ***\n`);
  describe.skip(name, body);
}

/** Run an oracle tool and return its stdout; throws with its stderr on failure. */
export function runTool(tool: string, args: string[], input?: string): string {
  return execFileSync(tool, args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
}

/** GNU's reference assembly for vmos's flavour: `as` and `ld` flags the oracle tests always use. */
export const GNU_AS_FLAGS = ["-march=rv32ima_zicsr", "-mabi=ilp32", "-mno-relax"];
export const GNU_LD_FLAGS = ["-m", "elf32lriscv", "--no-relax"];
