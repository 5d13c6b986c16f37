// Assembler throughput: a generated 100,000-line program through `assemble()` (lex, parse, pass 1,
// link, encode, ELF), against GNU as + ld on the same file in the same run.
// Target (issue 2): at least 200,000 lines/s, and no worse than 5x GNU's wall time.

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assemble } from "../src/asm/index.js";
import { report, timeBest, type BenchResult } from "./report.js";

/** A deterministic program of `lines` lines mixing what real code has: ALU, memory, branches, calls, data. */
export function generateProgram(lines: number): string {
  const body = [
    "        addi    a0, a0, 1",
    "        lw      t0, 8(sp)",
    "        sw      t0, -12(s0)",
    "        beq     a0, a1, 1f",
    "        li      t1, 0x12345678",
    "        la      a2, table",
    "        call    helper",
    "        mul     a3, a4, a5",
    "        amoadd.w a6, a7, (s1)",
    "1:      slli    t2, t3, 3    # a comment",
  ];
  const out = ["        .text", "        .globl _start", "_start:"];
  let i = 0;
  while (out.length < lines - 6) {
    if (i % 200 === 0) out.push(`block_${i}:`);
    out.push(body[i % body.length]!);
    i++;
  }
  out.push("helper: ret", "        .data", "table:  .word 1, 2, 3, 4", "        .asciz \"bench\"");
  return out.join("\n") + "\n";
}

export function benchAssembler(lines = 100_000): BenchResult[] {
  const text = generateProgram(lines);
  const vmosSeconds = timeBest(3, () => {
    const r = assemble([{ name: "bench.s", text }]);
    if (!r.elf) throw new Error(`bench program failed to assemble: ${r.diagnostics[0]?.message}`);
  });
  const results: BenchResult[] = [
    { name: "vmos asm (100k lines)", value: lines / vmosSeconds, unit: "lines/s", target: ">= 200000 lines/s" },
  ];
  const gnu = gnuSeconds(text);
  if (gnu === undefined) {
    results.push({ name: "GNU as + ld", value: NaN, unit: "s", note: "riscv64-unknown-elf-as not installed: ratio not measured" });
  } else {
    results.push({ name: "GNU as + ld (same file)", value: gnu, unit: "s" });
    results.push({ name: "vmos time / GNU time", value: vmosSeconds / gnu, unit: "x", target: "<= 5x" });
  }
  return results;
}

function gnuSeconds(text: string): number | undefined {
  if (spawnSync("sh", ["-c", "command -v riscv64-unknown-elf-as"]).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "vmos-bench-"));
  try {
    const src = join(dir, "bench.s");
    writeFileSync(src, text);
    return timeBest(3, () => {
      execFileSync("riscv64-unknown-elf-as", ["-march=rv32ima_zicsr", "-mabi=ilp32", "-mno-relax", src, "-o", join(dir, "b.o")]);
      execFileSync("riscv64-unknown-elf-ld", ["-m", "elf32lriscv", "--no-relax", join(dir, "b.o"), "-o", join(dir, "b")]);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) report("assembler", benchAssembler());
