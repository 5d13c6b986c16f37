// Swap and fork: a copy-on-write page shared by parent and child leaves memory from both at once
// (try_to_unmap through the reverse map) into one slot counted twice; whoever touches it first reads
// it into the swap cache, where the other finds it (a minor fault, the same frame). A swap entry in
// the parent's PTE at fork is shared by the child the same way (copy_page_range).

import { describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { nr_swap_pages, total_swap_pages } from "../../kernel/mm/swapfile.js";
import {
  FORK, PI, PI_SWAPCACHE, WAIT, dump, info, kb, load, mmap, pageout, runSwap, sc, show, store, swapsUsed,
} from "./swap-helpers.js";

const CHILD_EXIT = "  li a0, 0\n  call sys_exit\n";

describe("a copy-on-write page shared after fork", () => {
  it("is unmapped from both processes into one slot (swap count 2) and read back once for both", () => {
    const { r, out } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1", 0x1234)}${info("s1", 2)}
${FORK}  bnez a0, parent
${info("s1", 2)}${pageout("s1")}${show}${info("s1", 1, 2)}
${load("s1")}${show}${info("s1", 0, 1, 2)}
${CHILD_EXIT}
parent:
${WAIT}${info("s1", 0, 1, 2)}${load("s1")}${show}${info("s1", 0, 1, 2)}`);
    const [before, shared, ret, outFlags, swapCount, childValue, childPfn, childFlags, childMapcount,
      cachedPfn, parentFlags, parentCount, parentValue, parentPfn, afterFlags, afterMapcount] = out;
    expect([before, shared]).toEqual([1, 2]); // one PTE, then the child's too (COW)
    expect(ret).toBe(0);
    expect(outFlags! & (PI.SWAP | PI.PRESENT)).toBe(PI.SWAP);
    expect(swapCount).toBe(2); // one slot, one reference per process
    expect(childValue).toBe(0x1234);
    expect(childFlags! & (PI.PRESENT | PI_SWAPCACHE)).toBe(PI.PRESENT | PI_SWAPCACHE);
    expect(childMapcount).toBe(1);
    // The child is gone; the parent's PTE still holds the entry, and the page waits in the swap cache.
    expect(parentFlags! & (PI.SWAP | PI_SWAPCACHE | PI.PRESENT)).toBe(PI.SWAP | PI_SWAPCACHE);
    expect(cachedPfn).toBe(childPfn);
    expect(parentCount).toBe(1);
    expect(parentValue).toBe(0x1234);
    expect(parentPfn).toBe(childPfn); // a swap-cache hit: the same frame
    expect(afterFlags! & (PI.PRESENT | PI_SWAPCACHE)).toBe(PI.PRESENT | PI_SWAPCACHE);
    expect(afterMapcount).toBe(1);
    expect(r.kernel.vm_events.pswpin).toBe(1); // read once
    expect(r.kernel.vm_events.pgmajfault).toBe(1);
    expect(r.init.maj_flt).toBe(0); // the parent's was a minor fault
    expect(r.init.cmaj_flt).toBe(1);
    expect(nr_swap_pages(r.kernel)).toBe(total_swap_pages(r.kernel));
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("has SwapPss split between the two processes while out", () => {
    const { files } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1", 1)}${FORK}  bnez a0, parent
${pageout("s1")}${dump("smaps")}${CHILD_EXIT}
parent:
${WAIT}`);
    const vma = files[0]!.split(/\n(?=[0-9a-f]{8}-)/).find((b) => /^Size:\s+4 kB$/m.test(b) && /^Swap:\s+4 kB$/m.test(b))!;
    expect(kb(vma, "Swap")).toBe(4);
    expect(kb(vma, "SwapPss")).toBe(2);
  });

  it("frees the slot when both have written their own copies", () => {
    const { out, files } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1", 5)}${FORK}  bnez a0, parent
${pageout("s1")}${store("s1", 6)}${load("s1")}${show}${dump("swaps")}${CHILD_EXIT}
parent:
${WAIT}${dump("swaps")}${store("s1", 7)}${load("s1")}${show}${dump("swaps")}`);
    expect(out).toEqual([6, 7]);
    // The child's write copied (the slot still had the parent's reference); the parent's then reused it.
    expect(files.map(swapsUsed)).toEqual([4, 4, 0]);
  });
});

describe("a swap entry at fork", () => {
  it("is shared by the child (copy_page_range), and the page read by one is in memory for the other", () => {
    const { r, out } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1", 0xabc)}${pageout("s1")}
${FORK}  bnez a0, parent
${info("s1", 1, 2)}${load("s1")}${show}${CHILD_EXIT}
parent:
${WAIT}${info("s1", 1)}${sc("SYS_MINCORE", "s1", 4096, "&vec")}  la t0, vec\n  lbu a0, 0(t0)\n${show}${load("s1")}${show}`);
    const [childFlags, childCount, childValue, parentFlags, resident, parentValue] = out;
    expect(childFlags! & PI.SWAP).toBe(PI.SWAP);
    expect(childCount).toBe(2);
    expect(childValue).toBe(0xabc);
    expect(parentFlags! & (PI.SWAP | PI_SWAPCACHE)).toBe(PI.SWAP | PI_SWAPCACHE);
    expect(resident).toBe(1); // mincore: in the swap cache
    expect(parentValue).toBe(0xabc);
    expect(r.kernel.vm_events.pswpin).toBe(1);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });
});
