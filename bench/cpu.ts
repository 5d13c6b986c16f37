// CPU throughput: guest instructions per host second (MIPS) with Sv32 translation on, for a
// compute-bound loop whose few pages stay in the TLB, and a memory-bound one that strides over 8 MiB
// so nearly every access misses the TLB and walks the page table.
// Target (issue 3): at least 150 MIPS on the compute-bound loop.

import { assemble } from "../src/asm/index.js";
import { Exit } from "../src/hw/cpu.js";
import { Machine } from "../src/hw/machine.js";
import { PageMap, USER_RW } from "../src/hw/pagemap.js";
import { report, timeBest, type BenchResult } from "./report.js";

const STACK_TOP = 0x8000_0000;
/** Where the memory-bound loop's 8 MiB array is mapped, outside the program image. */
const BIG_VA = 0x4000_0000;
const BIG_BYTES = 8 << 20;

/**
 * Checksum a 16 KiB array in place, REPS times: per element a load, a store, shifts, adds, xor and a
 * loop branch (10 instructions), then exit with ecall.
 */
const COMPUTE = (reps: number): string => `
        .text
        .globl _start
_start: li      s0, ${reps}
        li      a2, 0
outer:  la      a0, buf
        li      a1, 4096
inner:  lw      t0, 0(a0)
        add     a2, a2, t0
        slli    t1, a2, 5
        xor     a2, a2, t1
        srli    t1, a2, 3
        add     a2, a2, t1
        sw      a2, 0(a0)
        addi    a0, a0, 4
        addi    a1, a1, -1
        bnez    a1, inner
        addi    s0, s0, -1
        bnez    s0, outer
        ecall
        .bss
buf:    .zero   16384
`;

/**
 * Walk an 8 MiB array (given in a0) with a stride of one page plus 68 bytes, so consecutive accesses
 * land on different pages: 2048 pages against a 64-entry TLB. 6 instructions per access.
 */
const MEMORY = (reps: number): string => `
        .text
        .globl _start
_start: li      s0, ${reps}
        mv      s1, a0
outer:  mv      a0, s1
        li      a1, 2000
inner:  lw      t0, 0(a0)
        add     a2, a2, t0
        sw      a2, 0(a0)
        addi    a0, a0, 1024
        addi    a0, a0, 1024
        addi    a0, a0, 1024
        addi    a0, a0, 1092
        addi    a1, a1, -1
        bnez    a1, inner
        addi    s0, s0, -1
        bnez    s0, outer
        ecall
`;

interface Run {
  instructions: number;
  hitRate: number;
}

/** Assemble `source`, map it (and the 8 MiB array) in a fresh Sv32 address space, run it to its ecall. */
function runProgram(source: string): Run {
  const asm = assemble([{ name: "bench.s", text: source }]);
  if (asm.image === undefined) throw new Error(`bench program: ${asm.diagnostics[0]?.message}`);
  const m = new Machine({ memBytes: 32 << 20, tlbEntries: 64, checkTlb: false });
  const map = new PageMap(m.ram, 1);
  const entry = map.loadImage(asm.image, STACK_TOP, 16 * 4096);
  map.mapFresh(BIG_VA, BIG_BYTES, USER_RW);
  const cpu = m.cpu;
  cpu.satp = map.satp(1);
  cpu.pc = entry;
  cpu.x[2] = STACK_TOP;
  cpu.x[10] = BIG_VA;
  while (cpu.run(10_000_000) !== Exit.Trap);
  if (cpu.trapCause !== 8) throw new Error(`bench program trapped with cause ${cpu.trapCause} at 0x${cpu.pc.toString(16)}`);
  return { instructions: cpu.instret, hitRate: m.tlb.hits / (m.tlb.hits + m.tlb.misses) };
}

function measure(name: string, source: string, target?: string): BenchResult[] {
  let run: Run = { instructions: 0, hitRate: 0 };
  const seconds = timeBest(3, () => { run = runProgram(source); });
  return [{
    name, value: run.instructions / seconds / 1e6, unit: "MIPS", target,
    note: `${(run.instructions / 1e6).toFixed(0)}M instructions, TLB hit rate ${(run.hitRate * 100).toFixed(2)}%`,
  }];
}

/** Both loops, best of three runs each. */
export function benchCpu(): BenchResult[] {
  return [
    ...measure("cpu compute-bound (Sv32 on)", COMPUTE(1500), ">= 150 MIPS"),
    ...measure("cpu memory-bound (TLB misses)", MEMORY(1000)),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) report("cpu", benchCpu());
