// Shared memory and swap: a shmem page leaves every mapping (its PTEs are cleared, as a file page's)
// and the shmem object keeps the swap entry in its place (shmem_writepage); the next fault of any
// process reads it back into the object and frees the slot. A page never written is dropped, not
// written: it reads zeros again.

import { describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { nr_swap_pages, total_swap_pages } from "../../kernel/mm/swapfile.js";
import {
  FORK, PI, WAIT, dump, fill, info, kb, load, mmap, pageout, runSwap, sc, show, store, swapsUsed, verify,
} from "./swap-helpers.js";

describe("a shared anonymous page", () => {
  it("goes to swap from every process that maps it and comes back into the object", () => {
    const { r, out, files } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_SHARED")}  mv s1, a0
${fill("s1", 0x1357)}${FORK}  bnez a0, parent
${load("s1")}${pageout("s1")}${show}${info("s1", 1)}${dump("swaps")}${dump("smaps")}
  li a0, 0
  call sys_exit
parent:
${WAIT}${info("s1", 1)}${verify("s1", 0x1357)}${show}${info("s1", 1, 2)}${dump("swaps")}`);
    const [ret, childFlags, parentFlags, intact, backFlags, mapcount] = out;
    expect(ret).toBe(0);
    expect(childFlags! & (PI.PRESENT | PI.SWAP)).toBe(0); // the PTE was cleared: the object has the entry
    expect(parentFlags! & (PI.PRESENT | PI.SWAP)).toBe(0);
    expect(intact).toBe(1);
    expect(backFlags! & (PI.PRESENT | PI.SHMEM)).toBe(PI.PRESENT | PI.SHMEM);
    expect(mapcount).toBe(1);
    expect(swapsUsed(files[0]!)).toBe(4);
    const vma = files[1]!.split(/\n(?=[0-9a-f]{8}-)/).find((b) => b.includes("/dev/zero (deleted)"))!;
    expect(kb(vma, "Swap")).toBe(4);
    expect(kb(vma, "Rss")).toBe(0);
    expect(swapsUsed(files[2]!)).toBe(0); // swap-in frees the slot
    expect(r.init.maj_flt).toBe(1);
    expect(r.kernel.vm_events.pswpin).toBe(1);
    expect(nr_swap_pages(r.kernel)).toBe(total_swap_pages(r.kernel));
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("never written is dropped without a write and reads zeros", () => {
    const { r, out } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_SHARED")}  mv s1, a0
${load("s1")}${pageout("s1")}${show}${load("s1")}${show}`);
    expect(out).toEqual([0, 0]);
    expect(r.kernel.vm_events.pswpout).toBe(0);
  });

  it("frees its slot when the object goes (munmap of the last mapping) or the range is removed", () => {
    const { out, files } = runSwap(`${mmap(0, 0x2000, "PROT_RW", "MAP_ANON_SHARED")}  mv s1, a0
  li t0, 4096
  add s2, s1, t0
${store("s1", 1)}${store("s2", 2)}${pageout("s1")}${pageout("s2")}${dump("swaps")}
${sc("SYS_MADVISE", "s2", 4096, "MADV_REMOVE")}${show}${dump("swaps")}${load("s2")}${show}
${sc("SYS_MUNMAP", "s1", 8192)}${show}${dump("swaps")}`);
    expect(out).toEqual([0, 0, 0]);
    expect(files.map(swapsUsed)).toEqual([8, 4, 0]);
  });
});

describe("the reverse map", () => {
  it("leaves an mlocked page where it is", () => {
    const { out } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1", 1)}${sc("SYS_MLOCK", "s1", 4096)}${pageout("s1")}${show}${info("s1", 1)}`);
    expect(out[0]).toBe((2 ** 32 - 16) >>> 0); // -EBUSY
    expect(out[1]! & (PI.PRESENT | PI.LOCKED)).toBe(PI.PRESENT | PI.LOCKED);
  });
});
