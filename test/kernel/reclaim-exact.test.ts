// The policies that hear of every reference, in the kernel: exact LRU (the board's reference clock
// stamps each frame's last use, and reclaim replays the stamps into the policy) and OPT (a first run
// records the reference string, the second replays it with future knowledge).

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { record_first_run, type ReferenceString } from "../../kernel/mm/refclock.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { nr_swap_pages, total_swap_pages } from "../../kernel/mm/swapfile.js";
import { reclaim_policy_names } from "../../kernel/mm/vmscan_policy.js";
import { start_kernel, run_init } from "../../kernel/main.js";
import { Tracer } from "../../kernel/trace.js";
import { Machine } from "../../src/hw/machine.js";
import { elfOf, exit, runProgram } from "../helpers/kernel.js";
import { vmos } from "../helpers/cli.js";
import { touch } from "./reclaim-helpers.js";
import { mmap, runSwap, sc } from "./swap-helpers.js";
import { silentConsole } from "../../src/cli/host-console.js";

/** 1 MiB of RAM (256 frames) and 4 MiB of swap. */
const SMALL = { mem: 1 << 20, swap: 4 << 20 };
const HOT = 0x4000_0000;
const PAGES = 400;

/**
 * Two passes over PAGES - 1 cold pages at HOT + 4 KiB.., touching the hot page at HOT before each
 * cold one: the hot page is never the least recently used.
 */
const HOT_AND_COLD = `${mmap(HOT, PAGES * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
  li s3, 2
0: li s2, 1
1: sw s2, 0(s1)
  slli t0, s2, 12
  add t0, t0, s1
  sw s2, 0(t0)
  addi s2, s2, 1
  li t1, ${PAGES}
  bne s2, t1, 1b
  addi s3, s3, -1
  bnez s3, 0b
`;

/** How many times a fault installed a PTE for the hot page. */
function hotFaults(policy: string): number {
  const { r } = runSwap(HOT_AND_COLD, { ...SMALL, policy, check: false, trace: ["fault"] });
  expect(r.status, policy).toBe(0);
  expect(r.kernel.vm_events.pswpout, policy).toBeGreaterThan(100);
  return r.trace.split("\n").filter((l) => l.includes("set_pte 0x40000000 ")).length;
}

describe("exact LRU in the kernel", () => {
  it("never evicts a page used between every two others, where FIFO evicts it again and again", () => {
    expect(hotFaults("lru")).toBe(1);
    expect(hotFaults("fifo")).toBeGreaterThan(2);
  });

  it("loses nothing and frees every frame and slot, as every policy must", () => {
    const big = runProgram("demand.s", { args: ["600"] });
    for (const policy of ["lru", "opt"]) {
      const r = runProgram("demand.s", { args: ["600"], ...SMALL, policy });
      expect(r.stdout, policy).toBe(big.stdout);
      expect(nr_free_pages(r.kernel.zone), policy).toBe(r.kernel.boot_free_pages);
      expect(nr_swap_pages(r.kernel), policy).toBe(total_swap_pages(r.kernel));
    }
  });
});

/** The reference string that OPT's recording run makes of `elf` (record_first_run), in 1 MiB with swap. */
function recording(elf: Uint8Array, argv: string[]): ReferenceString {
  return record_first_run(() => {
    const m = new Machine({ memBytes: 1 << 20, tlbEntries: 64, checkTlb: false, swapBytes: 4 << 20 });
    return start_kernel(m, { quantum: 10_000, maxSteps: 1_000_000, check: false, seed: 0 }, new Tracer(),
      silentConsole());
  }, (k) => run_init(k, argv[0]!, elf, argv, []));
}

describe("OPT in the kernel", () => {
  it("records the same reference string in two runs of the same program (the replay's premise)", () => {
    const elf = elfOf(readFileSync("programs/thrash.s", "utf8"));
    const a = recording(elf, ["thrash", "2", "150", "1"]).names, b = recording(elf, ["thrash", "2", "150", "1"]).names;
    expect(a.length).toBeGreaterThan(0);
    expect([...b]).toEqual([...a]);
  });

  it("names a forked child's copy of a page apart from its parent's", () => {
    // Parent and child each write the 8 pages of one anonymous mapping made before the fork.
    const elf = elfOf(`  .include "lib/sys.s"
  .text
  .globl _start
_start:
${sc(222, 0, 8 * 4096, 3, 0x22, -1, 0)}  mv s1, a0
  call sys_fork
  mv s2, a0
${touch("s1", 8)}  beqz s2, 2f
  la a0, info
  call sys_waitid_any
2:${exit(0)}  .bss
info: .zero 128
`);
    const { dense } = recording(elf, ["t"]);
    // Names are owner * 2^20 + page: the mapping's 8 pages appear under two owners, parent and child.
    const owners = new Map<number, Set<number>>();
    for (const name of dense.keys()) {
      if (name < 0) continue;
      const page = name % 2 ** 20, owner = Math.floor(name / 2 ** 20);
      if (!owners.has(page)) owners.set(page, new Set());
      owners.get(page)!.add(owner);
    }
    const twice = [...owners.values()].filter((o) => o.size === 2).length;
    expect(twice).toBeGreaterThanOrEqual(8);
  });

  it("swaps in no more than any other policy on one process's loop larger than RAM", () => {
    const swapins = new Map<string, number>();
    for (const policy of reclaim_policy_names()) {
      const r = runProgram("thrash.s", { args: ["1", "320", "3"], ...SMALL, policy, check: false });
      expect(r.stdout, policy).toBe("workers 1 done\n");
      swapins.set(policy, r.kernel.vm_events.pswpin);
    }
    const opt = swapins.get("opt")!;
    for (const [policy, n] of swapins) expect(opt, `opt ${opt} vs ${policy} ${n}`).toBeLessThanOrEqual(n);
    // On a loop, LRU is at its worst: every page is gone by the time the loop comes back to it.
    expect(opt).toBeLessThan(swapins.get("lru")! / 2);
  });

  it("runs from the command line in two runs, printing the program's output once", () => {
    const r = vmos(["run", "--mem", "512K", "--swap", "4M", "--policy", "opt", "programs/hello.s"]);
    expect(r.status).toBe(0);
    expect(r.stdout.match(/Hello/g)?.length).toBe(1);
    expect(r.stderr).toBe("");
  });
});
