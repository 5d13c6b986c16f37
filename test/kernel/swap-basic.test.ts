// A page's trip to swap and back (docs/swap.md), driven by vmos_pageout (1025): written, sent out,
// read back intact through a major fault; kept in the swap cache with its slot after a read, given
// up on a write; and what /proc says at each step. The invariant checker runs after every system
// call and fault (runElf's default), so swap_map counts, the swap cache and MM_SWAPENTS are
// recounted throughout.

import { describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { nr_swap_pages, total_swap_pages } from "../../kernel/mm/swapfile.js";
import {
  dump, err, fill, info, kb, load, mmap, PI, PI_SWAPCACHE, pageout, runSwap, sc, show, store, swapsUsed, verify,
} from "./swap-helpers.js";

describe("a private anonymous page", () => {
  it("goes to swap and comes back intact, through one major fault", () => {
    const { r, out } = runSwap(`${mmap(0, 0x2000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${fill("s1", 0x5a5a1234)}
${pageout("s1")}${show}${info("s1", 1, 0)}
${verify("s1", 0x5a5a1234)}${show}${info("s1", 1)}`);
    const [ret, outFlags, outPfn, intact, inFlags] = out;
    expect(ret).toBe(0);
    expect(outFlags! & (PI.SWAP | PI.PRESENT | PI_SWAPCACHE)).toBe(PI.SWAP); // in swap only: the frame was freed
    expect(outPfn).toBe(0);
    expect(intact).toBe(1);
    // Read back, it stays in the swap cache keeping its slot (Linux 5.15), mapped read-only.
    expect(inFlags! & (PI.PRESENT | PI.ANON | PI_SWAPCACHE | PI.WRITE | PI.SWAP)).toBe(PI.PRESENT | PI.ANON | PI_SWAPCACHE);
    expect(r.init.maj_flt).toBe(1);
    expect(r.kernel.vm_events.pswpout).toBe(1);
    expect(r.kernel.vm_events.pswpin).toBe(1);
    // The read queued behind the write: 2 x 5 ms of disk, during which the only task slept.
    expect(r.kernel.iowait_cycles).toBeGreaterThan(9_900_000);
    expect(r.kernel.iowait_cycles).toBeLessThanOrEqual(10_000_000);
    expect(r.status).toBe(0);
    expect(nr_swap_pages(r.kernel)).toBe(total_swap_pages(r.kernel));
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("written after a read fault is copied, and its old page and slot are freed (COW break, 5.15)", () => {
    const { out, files } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1", 7)}${pageout("s1")}${load("s1")}${show}${info("s1", 0)}${dump("swaps")}
${store("s1", 8)}${load("s1")}${show}${info("s1", 0, 1)}${dump("swaps")}`);
    const [seven, inPfn, eight, newPfn, flags] = out;
    expect([seven, eight]).toEqual([7, 8]);
    expect(newPfn).not.toBe(inPfn); // page_count 2 (PTE + swap cache): do_wp_page copies
    expect(flags! & (PI.WRITE | PI_SWAPCACHE)).toBe(PI.WRITE);
    expect(files.map(swapsUsed)).toEqual([4, 0]);
  });

  it("written by the faulting access itself is reused: out of the swap cache at once, slot freed", () => {
    const { out, r, files } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1", 7)}${info("s1", 0)}${pageout("s1")}${dump("swaps")}${store("s1", 9)}${info("s1", 1)}${load("s1")}${show}${dump("swaps")}`);
    const [, flags, nine] = out;
    expect(flags! & (PI.WRITE | PI.DIRTY | PI_SWAPCACHE)).toBe(PI.WRITE | PI.DIRTY); // reuse_swap_page
    expect(nine).toBe(9);
    expect(files.map(swapsUsed)).toEqual([4, 0]);
    expect(r.init.maj_flt).toBe(1);
  });

  it("frees its slot on munmap and on MADV_DONTNEED, and reads zeros after DONTNEED", () => {
    const { out, files } = runSwap(`${mmap(0, 0x2000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
  li t0, 4096
  add s2, s1, t0
${store("s1", 1)}${store("s2", 2)}${pageout("s1")}${pageout("s2")}${dump("swaps")}
${sc("SYS_MADVISE", "s2", 4096, "MADV_DONTNEED")}${show}${dump("swaps")}${load("s2")}${show}
${sc("SYS_MUNMAP", "s1", 4096)}${show}${dump("swaps")}`);
    expect(out).toEqual([0, 0, 0]);
    expect(files.map(swapsUsed)).toEqual([8, 4, 0]);
  });

  it("frees its slot when the process exits", () => {
    const { r, out } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1", 1)}${pageout("s1")}${show}`);
    expect(out).toEqual([0]);
    expect(r.kernel.vm_events.pswpout).toBe(1);
    expect(nr_swap_pages(r.kernel)).toBe(total_swap_pages(r.kernel));
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("keeps its swap entry across mprotect and mremap, and comes back with the new rights", () => {
    const { out } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1", 0x77)}${pageout("s1")}
${sc("SYS_MPROTECT", "s1", 4096, "PROT_READ")}${show}${info("s1", 1)}
${sc("SYS_MREMAP", "s1", 4096, 8192, "MREMAP_MAYMOVE", 0)}  mv s1, a0
${info("s1", 1)}${load("s1")}${show}${info("s1", 1)}`);
    const [mp, afterProtect, afterRemap, value, flags] = out;
    expect(mp).toBe(0);
    expect(afterProtect! & (PI.SWAP | PI.PRESENT)).toBe(PI.SWAP);
    expect(afterRemap! & (PI.SWAP | PI.PRESENT)).toBe(PI.SWAP);
    expect(value).toBe(0x77);
    expect(flags! & (PI.PRESENT | PI.READ | PI.WRITE)).toBe(PI.PRESENT | PI.READ);
  });

  it("is resident for mincore only while it is in the swap cache", () => {
    const { out } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1", 3)}${pageout("s1")}
${sc("SYS_MINCORE", "s1", 4096, "&vec")}  la t0, vec\n  lbu a0, 0(t0)\n${show}
${load("s1")}${sc("SYS_MINCORE", "s1", 4096, "&vec")}  la t0, vec\n  lbu a0, 0(t0)\n${show}`);
    expect(out).toEqual([0, 1]);
  });

  it("shows in VmSwap and in its VMA's Swap and SwapPss while it is out", () => {
    const { files } = runSwap(`${mmap(0, 0x3000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
  li t0, 4096
  add s2, s1, t0
${store("s1", 1)}${store("s2", 2)}${pageout("s1")}${pageout("s2")}${dump("status")}${dump("smaps")}${load("s1")}${dump("status")}`);
    const [status, smaps, after] = files;
    expect(kb(status!, "VmSwap")).toBe(8);
    const vma = smaps!.split(/\n(?=[0-9a-f]{8}-)/).find((b) => /^Size:\s+12 kB$/m.test(b))!; // the mmap's block
    expect(kb(vma, "Swap")).toBe(8);
    expect(kb(vma, "SwapPss")).toBe(8);
    expect(kb(vma, "Rss")).toBe(0);
    expect(kb(after!, "VmSwap")).toBe(4);
  });

  it("without swap, stays: vmos_pageout says -ENOMEM", () => {
    const { out } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1", 1)}${pageout("s1")}${show}${info("s1", 1)}`, { swap: 0 });
    expect(out[0]).toBe(err(12));
    expect(out[1]! & (PI.PRESENT | PI.SWAP)).toBe(PI.PRESENT);
  });
});

describe("/proc with swap", () => {
  it("lists the swap area in /proc/swaps and counts it in meminfo and vmstat", () => {
    const { files } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${dump("swaps")}${dump("meminfo")}${store("s1", 1)}${pageout("s1")}${load("s1")}${dump("swaps")}${dump("meminfo")}${dump("vmstat")}`);
    const [swaps0, mem0, swaps1, mem1, vmstat] = files;
    expect(swaps0).toBe("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n" +
      "/dev/vda2                               partition\t1020\t\t0\t\t-2\n");
    expect(swapsUsed(swaps1!)).toBe(4);
    expect([kb(mem0!, "SwapTotal"), kb(mem0!, "SwapFree"), kb(mem0!, "SwapCached")]).toEqual([1020, 1020, 0]);
    expect([kb(mem1!, "SwapTotal"), kb(mem1!, "SwapFree"), kb(mem1!, "SwapCached")]).toEqual([1020, 1016, 4]);
    expect(vmstat).toMatch(/^pswpin 1$/m);
    expect(vmstat).toMatch(/^pswpout 1$/m);
    expect(vmstat).toMatch(/^nr_swapcached 1$/m);
    expect(vmstat).toMatch(/^pgmajfault 1$/m);
  });

  it("has an empty /proc/swaps and no swap in meminfo without a swap device", () => {
    const { files } = runSwap(`${dump("swaps")}${dump("meminfo")}`, { swap: 0 });
    expect(files[0]).toBe("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
    expect([kb(files[1]!, "SwapTotal"), kb(files[1]!, "SwapFree")]).toEqual([0, 0]);
  });
});
