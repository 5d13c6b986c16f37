// The oracle test of the assembler: for a corpus using every instruction, every pseudo-instruction
// form and every directive, vmos's section contents equal GNU as + ld's, byte for byte.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { assemble } from "../../src/asm/index.js";
import { readExecutable } from "../../src/elf/reader.js";
import { AS, describeOracle, LD } from "../helpers/oracle.js";
import { allocSections, gnuBuild } from "./gnu.js";

const corpus = join(import.meta.dirname, "corpus");
const CASES: [string, string[]][] = [
  ["every base, M, A and Zicsr instruction", [join(corpus, "base.s")]],
  ["every pseudo-instruction form", [join(corpus, "pseudo.s")]],
  ["directives, expressions and literals", [join(corpus, "directives.s")]],
  ["two files linked with .globl symbols", [join(corpus, "multi/main.s"), join(corpus, "multi/lib.s")]],
  ["programs/hello.s", [join(import.meta.dirname, "../../programs/hello.s")]],
];

describeOracle("vmos asm produces GNU's bytes", [AS, LD], () => {
  for (const [title, paths] of CASES) {
    it(title, () => {
      const result = assemble(paths.map((name) => ({ name, text: readFileSync(name, "utf8") })));
      expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const ours = readExecutable(result.elf!);
      if (!ours.ok) throw new Error(ours.error);
      const mine = allocSections(ours.elf);
      const theirs = allocSections(gnuBuild(paths, mine));
      expect([...theirs.keys()].sort()).toEqual([...mine.keys()].sort());
      for (const [name, section] of mine) {
        const gnu = theirs.get(name)!;
        expect({ name, addr: gnu.addr, size: gnu.size }).toEqual({ name, addr: section.addr, size: section.size });
        expect(Buffer.from(section.bytes).toString("hex"), `${name} contents`).toBe(Buffer.from(gnu.bytes).toString("hex"));
      }
      expect(ours.elf.entry).toBe(result.image!.entry);
    });
  }
});
