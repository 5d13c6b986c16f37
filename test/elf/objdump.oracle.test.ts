// `vmos objdump` prints what `riscv64-unknown-elf-objdump -d` prints, line for line, for the
// assembler corpus and the demo programs.

import { readFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { assemble } from "../../src/asm/index.js";
import { objdump } from "../../src/elf/objdump.js";
import { readExecutable } from "../../src/elf/reader.js";
import { describeOracle, OBJDUMP, runTool } from "../helpers/oracle.js";

const corpus = join(import.meta.dirname, "../asm/corpus");
const CASES: [string, string[]][] = [
  ["every instruction", [join(corpus, "base.s")]],
  ["pseudo-instructions", [join(corpus, "pseudo.s")]],
  ["directives", [join(corpus, "directives.s")]],
  ["two files", [join(corpus, "multi/main.s"), join(corpus, "multi/lib.s")]],
  ["hello", [join(import.meta.dirname, "../../programs/hello.s")]],
];

describeOracle("vmos objdump matches GNU objdump -d", [OBJDUMP], () => {
  for (const [title, paths] of CASES) {
    it(title, () => {
      const result = assemble(paths.map((name) => ({ name, text: readFileSync(name, "utf8") })));
      const file = join(mkdtempSync(join(tmpdir(), "vmos-objdump-")), "prog");
      writeFileSync(file, result.elf!);
      const parsed = readExecutable(result.elf!);
      if (!parsed.ok) throw new Error(parsed.error);
      const ours = objdump(parsed.elf, file).split("\n");
      const gnu = runTool(OBJDUMP, ["-d", file]).split("\n");
      for (let i = 0; i < Math.max(ours.length, gnu.length); i++) expect(ours[i], `line ${i + 1}`).toBe(gnu[i]);
    });
  }
});
