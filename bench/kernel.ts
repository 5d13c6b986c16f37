// The machine and kernel, end to end: guest MIPS on real programs (MMU on) against qemu-riscv32
// running the same ELF in the same run; minor page faults per second; `vmos run hello.s` from the
// shell; and what tracing costs when it is on (when off, the kernel only tests booleans).
// Targets (issue 3): >= 150 MIPS, >= 1,000,000 faults/s, hello < 300 ms.

import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assemble } from "../src/asm/index.js";
import { fileIncludeResolver } from "../src/cli/include.js";
import { Machine } from "../src/hw/machine.js";
import { run_init, start_kernel, type RunOutcome } from "../kernel/main.js";
import { Tracer, TRACE_CATEGORIES } from "../kernel/trace.js";
import type { Kernel } from "../kernel/kernel.js";
import { start_reference_clock } from "../kernel/mm/refclock.js";
import { report, timeBest, type BenchResult } from "./report.js";
import { silentConsole } from "../src/cli/host-console.js";

function elfOf(path: string): Uint8Array {
  const r = assemble([{ name: path, text: readFileSync(path, "utf8") }], { include: fileIncludeResolver() });
  if (!r.elf) throw new Error(`${path} does not assemble`);
  return r.elf;
}

interface Run {
  seconds: number;
  kernel: Kernel;
  outcome: RunOutcome;
}

/**
 * Boot and run `elf` in-process (best of `repeat`), output discarded. With `warm`, the emulator's RAM
 * buffers are touched before timing, so the host's first-touch page faults (~2 us per host page, a
 * cost of the host OS, twice per guest page: the RAM and the decoded-op cache) are not counted.
 */
export function runGuest(elf: Uint8Array, args: string[], memBytes: number, repeat = 3, traced = false, warm = false,
  setup: (k: Kernel) => void = () => {}): Run {
  let last: Run | undefined;
  let machine: Machine | undefined;
  if (warm) {
    machine = new Machine({ memBytes, tlbEntries: 64, checkTlb: false });
    machine.ram.u8.fill(0);
    machine.ram.decoded.fill(0);
  }
  const seconds = timeBest(repeat, () => {
    if (!warm) machine = new Machine({ memBytes, tlbEntries: 64, checkTlb: false });
    const tracer = traced ? new Tracer({ event() {}, close() {} }, TRACE_CATEGORIES) : new Tracer();
    const kernel = start_kernel(machine!, { quantum: 100_000, maxSteps: 0, check: false, seed: 0 }, tracer,
      silentConsole());
    setup(kernel);
    const outcome = run_init(kernel, "prog", elf, ["prog", ...args], []);
    last = { seconds: 0, kernel, outcome };
  });
  return { ...last!, seconds };
}

function qemuSeconds(elf: Uint8Array, args: string[]): number | undefined {
  if (spawnSync("sh", ["-c", "command -v qemu-riscv32"]).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "vmos-bench-"));
  try {
    const exe = join(dir, "prog");
    writeFileSync(exe, elf);
    chmodSync(exe, 0o755);
    return timeBest(3, () => execFileSync("qemu-riscv32", [exe, ...args], { stdio: "ignore" }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function mipsBench(name: string, path: string, args: string[], memBytes: number): BenchResult[] {
  const elf = elfOf(path);
  const run = runGuest(elf, args, memBytes);
  const mips = run.kernel.instructions / run.seconds / 1e6;
  const tlb = run.kernel.machine.tlb;
  const results: BenchResult[] = [{
    name: `${name}: guest MIPS`, value: mips, unit: "MIPS", target: ">= 150 MIPS",
    note: `${(run.kernel.instructions / 1e6).toFixed(1)} M instructions in ${run.seconds.toFixed(2)} s, TLB hit rate ${((100 * tlb.hits) / Math.max(1, tlb.hits + tlb.misses)).toFixed(2)}%`,
  }];
  const qemu = qemuSeconds(elf, args);
  if (qemu === undefined) results.push({ name: `${name}: qemu-riscv32`, value: NaN, unit: "s", note: "qemu-riscv32 not installed" });
  else {
    results.push({ name: `${name}: qemu-riscv32 wall`, value: qemu, unit: "s" });
    results.push({ name: `${name}: vmos time / qemu time`, value: run.seconds / qemu, unit: "x" });
  }
  return results;
}

/**
 * What the reference clock (src/hw/refclock.ts, on for --policy lru/opt and --record-refs) costs:
 * memory.s with the clock on, against the same program with it off in the same run (the peer).
 */
function refclockBench(): BenchResult[] {
  const elf = elfOf("programs/memory.s");
  const off = runGuest(elf, [], 64 << 20, 1);
  const on = runGuest(elf, [], 64 << 20, 1, false, false, start_reference_clock);
  const mips = on.kernel.instructions / on.seconds / 1e6;
  return [
    { name: "memory.s with the reference clock: guest MIPS", value: mips, unit: "MIPS",
      note: `${(on.kernel.machine.refs.time / 1e6).toFixed(1)} M page references counted` },
    { name: "reference clock on / off time", value: on.seconds / off.seconds, unit: "x" },
  ];
}

/** Grows the heap by `a0` pages with one brk, then writes one word per page: one minor fault each. */
const TOUCH_PAGES = `
        .text
        .globl _start
_start: lw      s1, 0(sp)               # argc
        li      s0, 200000              # default page count
        li      a0, 0
        li      a7, 214                 # brk(0): the current break
        ecall
        mv      s2, a0
        slli    t0, s0, 12
        add     a0, s2, t0
        li      a7, 214                 # brk(start + pages * 4096)
        ecall
        li      t1, 4096
        mv      t0, s2
1:      sw      t0, 0(t0)
        add     t0, t0, t1
        addi    s0, s0, -1
        bnez    s0, 1b
        li      a0, 0
        li      a7, 93
        ecall
`;

export function benchFaults(): BenchResult[] {
  const r = assemble([{ name: "touch.s", text: TOUCH_PAGES }]);
  const elf = r.elf!;
  const warm = runGuest(elf, [], 1 << 30, 3, false, true);
  const cold = runGuest(elf, [], 1 << 30, 1);
  const traced = runGuest(elf, [], 1 << 30, 1, true, true);
  const faults = warm.outcome.init.min_flt;
  return [
    { name: "minor faults/s (200k fresh pages)", value: faults / warm.seconds, unit: "faults/s", target: ">= 1000000 faults/s",
      note: `${faults} faults in ${warm.seconds.toFixed(3)} s, boot and exit included, host RAM warm` },
    { name: "same, host RAM cold", value: faults / cold.seconds, unit: "faults/s",
      note: "includes the host OS's first-touch faults on the emulator's own buffers" },
    { name: "same, with --trace all (null sink)", value: traced.outcome.init.min_flt / traced.seconds, unit: "faults/s",
      note: `tracing on costs ${(traced.seconds / warm.seconds).toFixed(1)}x; off, the kernel only tests booleans` },
  ];
}

function helloBench(): BenchResult[] {
  const seconds = timeBest(5, () => execFileSync(process.execPath, ["bin/vmos.js", "run", "programs/hello.s"], { stdio: "ignore" }));
  return [{ name: "vmos run programs/hello.s (shell)", value: seconds, unit: "s", target: "< 300 ms" }];
}

export function benchKernel(): BenchResult[] {
  return [
    ...mipsBench("compute.s", "programs/compute.s", [], 64 << 20),
    ...mipsBench("memory.s", "programs/memory.s", [], 64 << 20),
    ...refclockBench(),
    ...benchFaults(),
    ...helloBench(),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) report("machine and kernel", benchKernel());
