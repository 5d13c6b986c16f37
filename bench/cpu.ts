// CPU throughput: guest instructions per host second (MIPS) with Sv32 translation on, for a
// compute-bound loop whose few pages stay in the TLB, and a memory-bound one that strides over 8 MiB
// so nearly every access misses the TLB and walks the page table.
// Target (issue 3): at least 150 MIPS on the compute-bound loop.

import { availableParallelism, loadavg } from "node:os";
import { assemble } from "../src/asm/index.js";
import { Exit } from "../src/hw/cpu.js";
import type { ExecutableImage } from "../src/elf/writer.js";
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
 * land on different pages: 2000 of its 2048 pages against a 64-entry TLB. Per access (9 instructions)
 * the load misses the TLB and walks the page table; the store after it hits.
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

/** A fresh machine with `image` (and the 8 MiB array) mapped in a Sv32 address space, ready to run. */
function boot(image: ExecutableImage): Machine {
  const m = new Machine({ memBytes: 32 << 20, tlbEntries: 64, checkTlb: false });
  const map = new PageMap(m.ram, 1);
  m.cpu.pc = map.loadImage(image, STACK_TOP, 16 * 4096);
  map.mapFresh(BIG_VA, BIG_BYTES, USER_RW);
  m.cpu.satp = map.satp(1);
  m.cpu.x[2] = STACK_TOP;
  m.cpu.x[10] = BIG_VA;
  return m;
}

/** Run `m` to the program's ecall, in scheduler-sized slices as the kernel would. */
function runToExit(m: Machine): void {
  while (m.cpu.run(10_000_000) !== Exit.Trap);
  if (m.cpu.trapCause !== 8) throw new Error(`bench program trapped with cause ${m.cpu.trapCause} at 0x${m.cpu.pc.toString(16)}`);
}

/**
 * Best of three timed runs of `source`, each on a freshly booted machine (booting is not timed).
 * The figure is wall-clock MIPS; the note adds MIPS per second of this process's CPU time and the
 * host's load average, because on a busy machine the two differ.
 */
function measure(name: string, source: string, target?: string): BenchResult[] {
  const asm = assemble([{ name: "bench.s", text: source }]);
  if (asm.image === undefined) throw new Error(`bench program: ${asm.diagnostics[0]?.message}`);
  let seconds = Infinity, cpuSeconds = Infinity;
  let m: Machine | undefined;
  for (let i = 0; i < 3; i++) {
    const machine = (m = boot(asm.image));
    const cpuBefore = process.cpuUsage();
    seconds = Math.min(seconds, timeBest(1, () => runToExit(machine)));
    const cpu = process.cpuUsage(cpuBefore);
    cpuSeconds = Math.min(cpuSeconds, (cpu.user + cpu.system) / 1e6);
  }
  const instructions = m!.cpu.instret, hitRate = m!.tlb.hits / (m!.tlb.hits + m!.tlb.misses);
  const mips = (s: number): string => (instructions / s / 1e6).toFixed(0);
  return [{
    name, value: instructions / seconds / 1e6, unit: "MIPS", target,
    note: `${(instructions / 1e6).toFixed(0)}M instructions, TLB hit rate ${(hitRate * 100).toFixed(2)}%; ` +
      `${mips(cpuSeconds)} MIPS per CPU-second, load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs`,
  }];
}

/** Both loops, best of three runs each. */
export function benchCpu(): BenchResult[] {
  return [
    ...measure("cpu compute-bound (Sv32 on)", COMPUTE(1500), ">= 150 MIPS"),
    ...measure("cpu memory-bound (TLB misses)", MEMORY(3000)),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) report("cpu", benchCpu());
