// Waiting for the disk: a task whose fault needs a swap read sleeps (state D) until the read
// completes, and the CPU runs others meanwhile; only when nothing can run does time pass idle, as
// iowait. This is what makes thrashing visible: the more tasks wait for the disk, the more of the
// machine's time is iowait.

import { describe, expect, it } from "vitest";
import { task_iowait_cycles } from "../../kernel/sched/core.js";
import { FORK, WAIT, dump, load, mmap, pageout, runSwap, show, store } from "./swap-helpers.js";

/** The thrashing loop: 10 times, write the page at s1, send it out, read it back (a major fault). */
const THRASH = `  li s3, 10
thrash:
${store("s1", 1)}${pageout("s1")}${load("s1")}  addi s3, s3, -1
  bnez s3, thrash
`;

/** About `n` million instructions of computing (a count-down loop of 2 instructions per step). */
const compute = (n: number): string => `  li t0, ${n * 500_000}
1: addi t0, t0, -1
  bnez t0, 1b
`;

describe("I/O wait", () => {
  it("lets a computing process run while a thrashing one sleeps on its swap-ins", () => {
    const { r, files } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${FORK}  bnez a0, parent
${compute(0.01)}${dump("init_status")}${compute(30)}
  li a0, 0
  call sys_exit
parent:
${THRASH}${WAIT}`);
    const k = r.kernel;
    const wait = task_iowait_cycles(r.init);
    // Each round: a 5 ms write, then a 5 ms read queued behind it; init sleeps for both.
    expect(wait).toBeGreaterThan(95_000_000);
    expect(r.init.maj_flt).toBe(10);
    // The child's 30 ms of computing filled 30 ms of init's 100 ms of waiting: the machine idled ~70.
    expect(k.iowait_cycles).toBeLessThan(wait - 25_000_000);
    expect(k.iowait_cycles).toBeGreaterThan(wait - 35_000_000);
    expect(k.machine.clock.cycles).toBeLessThan(wait + 10_000_000); // not 100 + 30 ms: they overlapped
    expect(files[0]).toMatch(/^State:\tD \(disk sleep\)$/m); // what the child saw of init
  });

  it("counts all of the wait as iowait when nothing else can run", () => {
    const { r } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${THRASH}`);
    const wait = task_iowait_cycles(r.init);
    expect(wait).toBeGreaterThan(95_000_000);
    expect(r.kernel.iowait_cycles).toBe(wait);
  });

  it("scales with the disk's latency (--swap-latency)", () => {
    const { r } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${THRASH}`, { swapLatency: 100_000 });
    expect(task_iowait_cycles(r.init)).toBeGreaterThan(1_900_000);
    expect(task_iowait_cycles(r.init)).toBeLessThanOrEqual(2_000_000);
  });

  it("waits inside the kernel when the kernel itself faults a page in (write() from a swapped buffer)", () => {
    const { r, out } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
  li t0, 0x0a41
${"  sw t0, 0(s1)\n"}${pageout("s1")}  li a0, 1
  mv a1, s1
  li a2, 2
  li a7, 64
  ecall
${show}`);
    expect(r.stdout.startsWith("A\n")).toBe(true);
    expect(out).toEqual([2]);
    expect(r.init.maj_flt).toBe(1);
    expect(task_iowait_cycles(r.init)).toBeGreaterThan(9_000_000);
    expect(r.kernel.iowait_cycles).toBe(task_iowait_cycles(r.init));
  });
});
