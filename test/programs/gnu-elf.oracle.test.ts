// vmos runs executables built by the GNU toolchain, with GNU ld's own layout (text and rodata in one
// segment, data at an address congruent to its file offset rather than page aligned), and they
// print what the same programs print when vmos builds them.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { AS, describeOracle, GNU_AS_FLAGS, GNU_LD_FLAGS, LD, runTool } from "../helpers/oracle.js";
import { runElf } from "../helpers/kernel.js";

const EXPECTED = join(import.meta.dirname, "expected");

describeOracle("GNU-linked executables run under vmos", [AS, LD], () => {
  for (const name of ["hello", "demand", "brk", "stack"]) {
    it(`${name}.s built by GNU as + ld`, () => {
      const dir = mkdtempSync(join(tmpdir(), "vmos-gnu-run-"));
      const obj = join(dir, `${name}.o`);
      const exe = join(dir, name);
      runTool(AS, [...GNU_AS_FLAGS, "-I", "programs", `programs/${name}.s`, "-o", obj]);
      runTool(LD, [...GNU_LD_FLAGS, obj, "-o", exe]);
      const r = runElf(new Uint8Array(readFileSync(exe)), `./${name}`, { mem: 16 << 20, env: [] });
      expect({ stdout: r.stdout, status: r.status }).toEqual({
        stdout: readFileSync(join(EXPECTED, `${name}.stdout`), "utf8"),
        status: Number(readFileSync(join(EXPECTED, `${name}.status`), "utf8").trim()),
      });
    });
  }
});
