// Processes and address spaces: fork+exit+wait of processes with 1, 16 and 64 MiB resident (the
// cost must grow with page-table entries, not bytes), copy-on-write faults per second, and find_vma
// with 10,000 VMAs. Targets (issue 4): fork no slower per MiB than this machine's Linux (~6 ms for
// 256 MiB, i.e. ~23 us/MiB), >= 500,000 COW faults/s, >= 5,000,000 find_vma/s.

import { assemble } from "../src/asm/index.js";
import { Machine } from "../src/hw/machine.js";
import { run_init, start_kernel } from "../kernel/main.js";
import { mm_struct } from "../kernel/mm/mm_types.js";
import { vm_area_struct } from "../kernel/mm/vma.js";
import { find_vma, vma_link } from "../kernel/mm/vma_tree.js";
import { Tracer } from "../kernel/trace.js";
import type { Kernel } from "../kernel/kernel.js";
import { report, timeBest, type BenchResult } from "./report.js";
import { silentConsole } from "../src/cli/host-console.js";

/**
 * Touch PAGES pages of a heap, then FORKS times: fork; the child writes CHILD_WRITES of the pages
 * (copy-on-write faults) and exits; the parent waits.
 */
function program(pages: number, forks: number, childWrites: number): string {
  return `
        .text
        .globl _start
_start: li      a0, 0
        li      a7, 214
        ecall
        mv      s0, a0                  # heap start
        li      t0, ${pages}
        slli    t0, t0, 12
        add     a0, s0, t0
        li      a7, 214
        ecall
        li      t1, 4096
        li      t2, ${pages}
        mv      t0, s0
1:      sw      t2, 0(t0)
        add     t0, t0, t1
        addi    t2, t2, -1
        bnez    t2, 1b
        li      s1, ${forks}
2:      beqz    s1, 9f
        li      a0, 17
        li      a1, 0
        li      a2, 0
        li      a3, 0
        li      a4, 0
        li      a7, 220
        ecall
        bnez    a0, 3f
        li      t2, ${childWrites}
        mv      t0, s0
4:      beqz    t2, 5f
        sw      t2, 0(t0)
        add     t0, t0, t1
        addi    t2, t2, -1
        j       4b
5:      li      a0, 0
        li      a7, 93
        ecall
3:      li      a0, 0
        li      a1, 0
        la      a2, info
        li      a3, 4
        li      a4, 0
        li      a7, 95
        ecall
        addi    s1, s1, -1
        j       2b
9:      li      a0, 0
        li      a7, 93
        ecall
        .bss
        .align  2
info:   .zero   128
`;
}

/** Best wall time of running the program on a warm 256 MiB machine (host buffers pre-touched). */
function seconds(pages: number, forks: number, childWrites: number): number {
  const elf = assemble([{ name: "fork.s", text: program(pages, forks, childWrites) }]).elf!;
  const machine = new Machine({ memBytes: 256 << 20, tlbEntries: 64, checkTlb: false });
  machine.ram.u8.fill(0);
  machine.ram.decoded.fill(0);
  let k: Kernel | undefined;
  const t = timeBest(3, () => {
    k = start_kernel(machine, { quantum: 100_000, maxSteps: 0, check: false, seed: 0 }, new Tracer(),
      silentConsole());
    const o = run_init(k, "fork", elf, ["fork"], []);
    if (o.status !== 0) throw new Error(`fork bench program exited with ${o.status}`);
  });
  return t;
}

export function benchFork(): BenchResult[] {
  const results: BenchResult[] = [];
  const forks = 40;
  seconds(256, forks, 0); // warm-up: the first runs would time the JIT compiling fork's code paths
  for (const mib of [1, 16, 64]) {
    const pages = mib * 256;
    const per = (seconds(pages, forks, 0) - seconds(pages, 0, 0)) / forks;
    results.push({
      name: `fork+exit+wait, ${mib} MiB resident`, value: per, unit: "s",
      note: `${((per * 1e6) / mib).toFixed(1)} us per MiB (Linux here: ~23 us/MiB)`,
    });
  }
  return results;
}

export function benchCow(): BenchResult[] {
  const pages = 16384; // 64 MiB: every page copied once by the child
  const extra = seconds(pages, 1, pages) - seconds(pages, 1, 0);
  return [{ name: "copy-on-write faults/s (64 MiB)", value: pages / extra, unit: "faults/s", target: ">= 500000 faults/s" }];
}

export function benchFindVma(): BenchResult[] {
  const k = { machine: {} } as unknown as Kernel;
  const mm = new mm_struct(k);
  const n = 10_000;
  // Non-adjacent one-page VMAs with one-page holes between them.
  for (let i = 0; i < n; i++) vma_link(mm, new vm_area_struct(mm, 0x1000_0000 + i * 0x2000, 0x1000_0000 + i * 0x2000 + 0x1000, 0x3, i));
  const lookups = 5_000_000;
  const addrs = new Uint32Array(4096);
  let seed = 12345;
  for (let i = 0; i < addrs.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    addrs[i] = 0x1000_0000 + (seed % (n * 0x2000));
  }
  let found = 0;
  const t = timeBest(3, () => {
    for (let i = 0; i < lookups; i++) if (find_vma(mm, addrs[i & 4095]!) !== null) found++;
  });
  if (found === 0) throw new Error("find_vma found nothing");
  return [{ name: "find_vma with 10,000 VMAs", value: lookups / t, unit: "lookups/s", target: ">= 5000000 lookups/s" }];
}

export function benchProcesses(): BenchResult[] {
  return [...benchFork(), ...benchCow(), ...benchFindVma()];
}

if (import.meta.url === `file://${process.argv[1]}`) report("processes and address spaces", benchProcesses());
