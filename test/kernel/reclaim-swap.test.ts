// Reclaim with swap: programs that touch more anonymous memory than the machine has finish with the
// same results as with plenty of RAM, under Linux's LRU lists and under every --policy; COW-shared
// pages are unmapped from every process before they go; /proc/vmstat counts what happened.

import { describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { reclaim_policy_names } from "../../kernel/mm/vmscan_policy.js";
import { check_lru } from "../../kernel/mm/swap.js";
import { nr_swap_pages, total_swap_pages } from "../../kernel/mm/swapfile.js";
import { runProgram } from "../helpers/kernel.js";
import { field } from "../helpers/proc.js";
import { pageWords } from "./reclaim-helpers.js";
import { dump, FORK, mmap, runSwap, show, WAIT } from "./swap-helpers.js";

/** 1 MiB of RAM (256 frames) and 4 MiB of swap. */
const SMALL = { mem: 1 << 20, swap: 4 << 20 };

describe("reclaim with swap", () => {
  it("runs demand.s over 600 pages in 1 MiB of RAM with the output of a 4 MiB machine, under every policy", () => {
    const big = runProgram("demand.s", { args: ["600"] });
    expect(big.stdout).toContain("checksum");
    for (const policy of reclaim_policy_names()) {
      const r = runProgram("demand.s", { args: ["600"], ...SMALL, policy });
      expect(r.stdout, policy).toBe(big.stdout);
      expect(r.status, policy).toBe(0);
      expect(r.kernel.vm_events.pswpout, policy).toBeGreaterThan(300);
      expect(nr_free_pages(r.kernel.zone), policy).toBe(r.kernel.boot_free_pages);
      expect(nr_swap_pages(r.kernel), policy).toBe(total_swap_pages(r.kernel));
      expect(check_lru(r.kernel.zone.lruvec, r.kernel.mem_map), policy).toBeNull();
    }
  });

  it("keeps every word of 400 whole pages written and read back twice, under every policy", () => {
    for (const policy of reclaim_policy_names()) {
      const { r, out } = runSwap(`${mmap(0, 400 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${pageWords("fill", 400)}${pageWords("check", 400)}${show}${pageWords("fill", 400, 0x55)}${pageWords("check", 400, 0x55)}${show}`, { ...SMALL, policy, check: false });
      expect(out, policy).toEqual([0, 0]);
      expect(r.status, policy).toBe(0);
      expect(r.kernel.vm_events.pswpin, policy).toBeGreaterThan(200);
    }
  });

  it("unmaps a page COW-shared by a parent and its child from both before it goes, and each keeps its own data", () => {
    // The parent fills 200 pages and forks; the child checks them, rewrites them and checks again,
    // while memory is short; then the parent checks its own copy.
    const { r, out } = runSwap(`${mmap(0, 200 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${pageWords("fill", 200, 7)}${FORK}  bnez a0, 8f
${pageWords("check", 200, 7)}${show}${pageWords("fill", 200, 9)}${pageWords("check", 200, 9)}${show}  li a0, 0
  call sys_exit
8:${WAIT}${pageWords("check", 200, 7)}${show}${dump("vmstat")}`, SMALL);
    expect(out).toEqual([0, 0, 0]);
    expect(r.status).toBe(0);
    expect(r.kernel.vm_events.pswpout).toBeGreaterThan(100);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
    expect(nr_swap_pages(r.kernel)).toBe(total_swap_pages(r.kernel));
  });

  it("counts in /proc/vmstat as Linux does: scanned >= stolen, stolen anon pages written or clean, pageoutrun", () => {
    const { r, files } = runSwap(`${mmap(0, 400 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${dump("vmstat")}${pageWords("fill", 400)}${pageWords("check", 400)}${show}${dump("vmstat")}`, { ...SMALL, check: false });
    const [before, after] = files as [string, string];
    const d = (name: string): number => field(after, name) - field(before, name);
    expect(d("pgscan_kswapd") + d("pgscan_direct")).toBeGreaterThanOrEqual(d("pgsteal_kswapd") + d("pgsteal_direct"));
    expect(d("pgsteal_kswapd") + d("pgsteal_direct")).toBeGreaterThan(300);
    expect(d("pgsteal_anon")).toBe(d("pgsteal_kswapd") + d("pgsteal_direct")); // only anon memory to take
    // Every page stolen while being filled was written out; one read back and not written since is
    // still clean in the swap cache: it goes again without a write.
    expect(d("pswpout")).toBeGreaterThan(300);
    expect(d("pswpout")).toBeLessThanOrEqual(d("pgsteal_anon"));
    expect(d("nr_vmscan_write")).toBe(d("pswpout"));
    expect(d("pswpin")).toBeGreaterThan(200);
    expect(d("pgmajfault")).toBe(d("pswpin")); // each read from swap is a major fault
    // kswapd keeps up here (the program waits for the disk, and kswapd runs meanwhile): its runs are
    // counted once each; direct reclaim, when it happens, in allocstall (reclaim-kswapd.test.ts).
    expect(d("pageoutrun")).toBeGreaterThan(0);
    expect(d("pgsteal_kswapd")).toBeGreaterThan(0);
    expect(d("oom_kill")).toBe(0);
    expect(r.status).toBe(0);
  });
});
