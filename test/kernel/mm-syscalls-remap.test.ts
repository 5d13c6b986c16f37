// mremap, the mlock family and vmos_page_info with Linux 5.15's semantics: shrinking, growing in
// place, moving (PTEs and frames go along, the old range is gone), MREMAP_FIXED and DONTUNMAP,
// shared memory that mremap keeps shared; VM_LOCKED set and cleared with splits and merges, pages
// populated at once, locked_vm counted; and the debug call's view of frames and residency.

import { describe, expect, it } from "vitest";
import { sys_mlock, sys_munlock } from "../../kernel/mm/mlock.js";
import { do_mmap, do_munmap } from "../../kernel/mm/mmap.js";
import { sys_mremap } from "../../kernel/mm/mremap.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { VM_LOCKED, VM_LOCKONFAULT } from "../../kernel/mm/vma.js";
import { bootProcess, C, err, info, load, mmap, PI, run, sc, scs, show, showVec, store } from "./mm-syscalls.helpers.js";

const MMAP_BASE = 0x97c0_0000;
const EAGAIN = 11, ENOMEM = 12, EFAULT = 14, EINVAL = 22;
const mremap = (...a: (number | string)[]): string => scs("SYS_MREMAP", ...a);

describe("mremap", () => {
  it("shrinks a mapping by unmapping its tail", () => {
    const { out, r } = run(`${mmap(0, 0x3000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${mremap("s1", 0x3000, 0x1000, 0)}${info("s1", 4, 5)}${load("s1 + 4096")}`);
    expect(out).toEqual([MMAP_BASE - 0x3000, MMAP_BASE - 0x3000, MMAP_BASE - 0x2000]);
    expect(r.status).toBe(139); // the tail is gone
  });

  it("grows in place when the pages after the mapping are free, keeping its contents", () => {
    const { out } = run(`${mmap("0x50000000", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}
${store("0x50000000", 42)}${mremap("0x50000000", 0x1000, 0x3000, 0)}${info("0x50000000", 4, 5)}
${load("0x50000000")}${show}${load("0x50002000")}${show}`);
    expect(out).toEqual([0x5000_0000, 0x5000_0000, 0x5000_3000, 42, 0]);
  });

  it("cannot grow into the next mapping: -ENOMEM without MREMAP_MAYMOVE; with it the mapping moves, frames and all", () => {
    const { out, r } = run(`${mmap("0x50000000", 0x2000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}
${mmap("0x50002000", 0x1000, "PROT_READ", "MAP_ANON_PRIVATE | MAP_FIXED")}
${store("0x50000000", 1)}${store("0x50001000", 2)}${info("0x50001000", 0)}  mv s2, a0
${mremap("0x50000000", 0x2000, 0x4000, 0)}
${mremap("0x50000000", 0x2000, 0x4000, "MREMAP_MAYMOVE")}  mv s1, a0
${load("s1")}${show}${load("s1 + 4096")}${show}${load("s1 + 8192")}${show}${info("s1 + 4096", 0, 4, 5)}${info("0x50000000", 1)}`);
    const [pfn, nomove, to, v0, v1, v2, pfn2, start, end, oldFlags] = out;
    expect(nomove).toBe(err(ENOMEM));
    expect(to).toBe(MMAP_BASE - 0x4000);
    expect([v0, v1, v2]).toEqual([1, 2, 0]);
    expect(pfn2).toBe(pfn); // the PTEs moved: same frame, nothing copied
    expect([start, end]).toEqual([MMAP_BASE - 0x4000, MMAP_BASE]);
    expect(oldFlags).toBe(0); // the old range is unmapped
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("MREMAP_FIXED moves to the address given, replacing what was there", () => {
    const { out } = run(`${mmap("0x50000000", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}
${mmap("0x60000000", 0x2000, "PROT_READ", "MAP_ANON_PRIVATE | MAP_FIXED")}
${store("0x50000000", 9)}${mremap("0x50000000", 0x1000, 0x2000, "MREMAP_MAYMOVE | MREMAP_FIXED", "0x60000000")}
${load("0x60000000")}${show}${info("0x60000000", 4, 5, 6)}${info("0x50000000", 1)}`);
    expect(out.slice(0, 4)).toEqual([0x6000_0000, 9, 0x6000_0000, 0x6000_2000]);
    expect(out[4]! & C.PROT_RW!).toBe(C.PROT_RW!);
    expect(out[5]).toBe(0);
  });

  it("MREMAP_DONTUNMAP moves the pages and leaves the old mapping in place, empty", () => {
    const { out } = run(`${mmap("0x50000000", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}
${store("0x50000000", 8)}${mremap("0x50000000", 0x1000, 0x1000, "MREMAP_MAYMOVE | MREMAP_DONTUNMAP", 0)}  mv s1, a0
${load("s1")}${show}${load("0x50000000")}${show}`);
    expect(out).toEqual([MMAP_BASE - 0x1000, 8, 0]);
  });

  it("keeps shared memory shared when it moves, and a shared mapping grown past its size is SIGBUS there", () => {
    const { out, r } = run(`${mmap("0x50000000", 0x1000, "PROT_RW", "MAP_ANON_SHARED | MAP_FIXED")}
${store("0x50000000", 6)}${info("0x50000000", 0)}
${mremap("0x50000000", 0x1000, 0x2000, "MREMAP_MAYMOVE | MREMAP_FIXED", "0x60000000")}${info("0x60000000", 0, 1)}
${load("0x60000000")}${show}${load("0x60001000")}`);
    const [pfn, to, pfn2, flags, value] = out;
    expect(to).toBe(0x6000_0000);
    expect(pfn2).toBe(pfn);
    expect(flags! & PI.SHMEM).toBe(PI.SHMEM);
    expect(value).toBe(6);
    expect(r.status).toBe(135); // SIGBUS: the shmem object has one page
    expect(r.log[0]).toMatch(/SIGBUS\) code 0x2 \(BUS_ADRERR\) at 0x60001000/);
  });

  it("duplicates a shared mapping when old_len is 0: both map the same frames", () => {
    const { out } = run(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_SHARED")}  mv s1, a0
${store("s1", 12)}${mremap("s1", 0, 0x1000, "MREMAP_MAYMOVE")}  mv s2, a0
${load("s2")}${show}${info("s1", 0, 2)}${info("s2", 0, 2)}`);
    const [to, value, pfn1, map1, pfn2, map2] = out;
    expect(to).toBe(MMAP_BASE - 0x2000);
    expect(value).toBe(12);
    expect(pfn2).toBe(pfn1);
    expect([map1, map2]).toEqual([2, 2]); // one frame, two PTEs
  });

  it("returns its errors as Linux does", () => {
    const { out } = run(`${mmap("0x50000000", 0x2000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}
${mremap("0x50000000", 0x1000, 0x2000, 8)}
${mremap("0x50000000", 0x1000, 0x2000, "MREMAP_FIXED", "0x60000000")}
${mremap("0x50000000", 0x1000, 0x2000, "MREMAP_MAYMOVE | MREMAP_DONTUNMAP")}
${mremap("0x50000000", 0x1000, 0x1000, "MREMAP_DONTUNMAP")}
${mremap("0x50000010", 0x1000, 0x2000, "MREMAP_MAYMOVE")}
${mremap("0x50000000", 0x1000, 0, "MREMAP_MAYMOVE")}
${mremap("0x60000000", 0x1000, 0x2000, "MREMAP_MAYMOVE")}
${mremap("0x50000000", 0x3000, 0x4000, "MREMAP_MAYMOVE")}
${mremap("0x50000000", 0x2000, 0x2000, "MREMAP_MAYMOVE | MREMAP_FIXED", "0x50001000")}
${mremap("0x50000000", 0x1000, 0x2000, "MREMAP_MAYMOVE | MREMAP_FIXED", "0x60000010")}
${mremap("0x50000000", 0, 0x2000, "MREMAP_MAYMOVE")}
${mremap("0x97c00000", 0x1000, 0x2000, "MREMAP_MAYMOVE")}
${mremap("0x60000000", 0x2000, 0x1000, 0)}`);
    expect(out).toEqual([
      err(EINVAL), // unknown flag
      err(EINVAL), // MREMAP_FIXED without MREMAP_MAYMOVE
      err(EINVAL), // MREMAP_DONTUNMAP that resizes
      err(EINVAL), // MREMAP_DONTUNMAP without MREMAP_MAYMOVE
      err(EINVAL), // addr not page aligned
      err(EINVAL), // new_len 0
      err(EFAULT), // nothing mapped at addr
      err(EFAULT), // the old range runs past the VMA
      err(EINVAL), // old and new ranges overlap
      err(EINVAL), // new_addr not page aligned
      err(EINVAL), // old_len 0 on private memory: nothing to duplicate
      err(EFAULT), // the vDSO may not grow (VM_DONTEXPAND)
      0x6000_0000, // shrinking never looks for a VMA (5.15): it unmaps the tail and returns addr
    ]);
  });
});

describe("mlock, munlock, mlock2, mlockall, munlockall", () => {
  it("locks a range and faults every page in now, writable private pages as the process's own", () => {
    const { out } = run(`${mmap(0, 0x3000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${mmap(0, 0x1000, "PROT_READ", "MAP_ANON_PRIVATE")}  mv s2, a0
${scs("SYS_MLOCK", "s1", 0x3000)}${sc("SYS_MINCORE", "s1", 0x3000, "&vec")}${showVec(3)}${info("s1 + 4096", 1, 6)}
${scs("SYS_MLOCK", "s2", 0x1000)}${info("s2", 1)}`);
    expect(out.slice(0, 4)).toEqual([0, 1, 1, 1]);
    expect(out[4]! & (PI.ANON | PI.WRITE | PI.LOCKED | PI.ZERO)).toBe(PI.ANON | PI.WRITE | PI.LOCKED);
    expect(out[5]! & VM_LOCKED).toBe(VM_LOCKED);
    expect(out[6]).toBe(0);
    expect(out[7]! & (PI.ZERO | PI.LOCKED)).toBe(PI.ZERO | PI.LOCKED); // read-only: the zero page
  });

  it("widens the range to whole pages, splits the VMA around it, and munlock merges it back", () => {
    const { out } = run(`${mmap(0, 0x3000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${scs("SYS_MLOCK", "s1 + 4196", 10)}${info("s1 + 4096", 4, 5)}${info("s1", 4, 5)}
${scs("SYS_MUNLOCK", "s1 + 4100", 1)}${info("s1", 4, 5, 6)}`);
    const A = MMAP_BASE - 0x3000;
    expect(out.slice(0, 8)).toEqual([0, A + 0x1000, A + 0x2000, A, A + 0x1000, 0, A, MMAP_BASE]);
    expect(out[8]! & VM_LOCKED).toBe(0);
  });

  it("counts locked_vm through mlock, munmap, mremap and munlock", () => {
    const { mm, task } = bootProcess();
    const a = do_mmap(mm, task, 0x5000_0000, 4 * 4096, C.PROT_RW!, C.MAP_ANON_PRIVATE! | C.MAP_FIXED!, 0);
    expect(sys_mlock(mm, task, a, 3 * 4096)).toBe(0);
    expect(mm.locked_vm).toBe(3);
    expect(sys_mlock(mm, task, a, 4 * 4096)).toBe(0); // only the new page counts
    expect(mm.locked_vm).toBe(4);
    expect(do_munmap(mm, a + 3 * 4096, 4096)).toBe(0);
    expect(mm.locked_vm).toBe(3);
    expect(sys_mremap(mm, task, a, 3 * 4096, 5 * 4096, 0, 0)).toBe(a); // grows in place, locked
    expect(mm.locked_vm).toBe(5);
    expect(sys_munlock(mm, a, 5 * 4096)).toBe(0);
    expect(mm.locked_vm).toBe(0);
  });

  it("mlock2(MLOCK_ONFAULT) locks without faulting anything in", () => {
    const { out } = run(`${mmap(0, 0x2000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${scs("SYS_MLOCK2", "s1", 0x2000, "MLOCK_ONFAULT")}${sc("SYS_MINCORE", "s1", 0x2000, "&vec")}${showVec(2)}${info("s1", 6)}`);
    expect(out.slice(0, 3)).toEqual([0, 0, 0]);
    expect(out[3]! & (VM_LOCKED | VM_LOCKONFAULT)).toBe(VM_LOCKED | VM_LOCKONFAULT);
  });

  it("mlockall(MCL_CURRENT | MCL_FUTURE) locks everything and every later mapping, brk too; munlockall undoes both", () => {
    const { out, r } = run(`${scs("SYS_MLOCKALL", "MCL_CURRENT | MCL_FUTURE")}
${mmap(0, 0x2000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${sc("SYS_MINCORE", "s1", 0x2000, "&vec")}${showVec(2)}${info("s1", 6)}
${sc(214, 0)}  mv s2, a0
${sc(214, "s2 + 8192")}${info("s2", 1)}
${scs("SYS_MUNLOCKALL")}${info("s1", 6)}
${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}${info("a0", 1)}`);
    expect(out.slice(0, 3)).toEqual([0, 1, 1]);
    expect(out[3]! & VM_LOCKED).toBe(VM_LOCKED);
    expect(out[4]! & (PI.PRESENT | PI.LOCKED)).toBe(PI.PRESENT | PI.LOCKED); // the new heap page was populated
    expect(out[5]).toBe(0);
    expect(out[6]! & VM_LOCKED).toBe(0);
    expect(out[7]! & (PI.PRESENT | PI.LOCKED)).toBe(0);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("MAP_LOCKED maps locked and populated", () => {
    const { out } = run(`${mmap(0, 0x2000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_LOCKED")}  mv s1, a0
${sc("SYS_MINCORE", "s1", 0x2000, "&vec")}${showVec(2)}${info("s1", 1)}`);
    expect(out.slice(0, 2)).toEqual([1, 1]);
    expect(out[2]! & (PI.LOCKED | PI.ANON)).toBe(PI.LOCKED | PI.ANON);
  });

  it("returns its errors as Linux does", () => {
    const { out } = run(`${mmap("0x50000000", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}
${mmap("0x50002000", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}
${mmap("0x50004000", 0x1000, "PROT_NONE", "MAP_ANON_PRIVATE | MAP_FIXED")}
${scs("SYS_MLOCK", "0x60000000", 0x1000)}
${scs("SYS_MLOCK", "0x50000000", 0x3000)}
${scs("SYS_MUNLOCK", "0x50000000", 0x3000)}
${scs("SYS_MLOCK", "0x50004000", 0x1000)}${info("0x50004000", 6)}
${scs("SYS_MLOCK2", "0x50000000", 0x1000, 2)}
${scs("SYS_MLOCKALL", 0)}
${scs("SYS_MLOCKALL", "MCL_ONFAULT")}
${scs("SYS_MLOCKALL", 8)}
${scs("SYS_MLOCK", "0x60000000", 0)}`);
    expect(out.slice(0, 4)).toEqual([err(ENOMEM), err(ENOMEM), err(ENOMEM), err(ENOMEM)]);
    // PROT_NONE: VM_LOCKED is set, then the populate fails -- 5.15's -ENOMEM.
    expect(out[4]! & VM_LOCKED).toBe(VM_LOCKED);
    expect(out.slice(5)).toEqual([err(EINVAL), err(EINVAL), err(EINVAL), err(EINVAL), 0]);
  });

  it("is -EAGAIN when memory runs out while faulting the pages in", () => {
    const { mm, task } = bootProcess(1 << 20);
    const a = do_mmap(mm, task, 0, 2 << 20, C.PROT_RW!, C.MAP_ANON_PRIVATE!, 0);
    expect(sys_mlock(mm, task, a, 2 << 20)).toBe(-EAGAIN);
  });
});

describe("vmos_page_info (1024)", () => {
  it("says a page is not resident, and what backs it once it is", () => {
    const { out } = run(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${info("s1", 0, 1, 2, 3, 4, 5, 7)}${store("s1", 1)}${info("s1", 1, 2, 3)}`);
    expect(out.slice(0, 7)).toEqual([0, PI.VMA, 0, 0, MMAP_BASE - 0x1000, MMAP_BASE, 0]);
    expect(out[7]).toBe(PI.VMA | PI.PRESENT | PI.READ | PI.WRITE | PI.ACCESSED | PI.DIRTY | PI.ANON);
    expect(out.slice(8)).toEqual([1, 1]);
  });

  it("shows the zero page and file pages, and nothing outside every VMA", () => {
    const { out } = run(`${mmap(0, 0x1000, "PROT_READ", "MAP_ANON_PRIVATE")}  mv s1, a0
${load("s1")}${info("s1", 1, 2, 3)}${info("0x10000", 1)}${info("0x40000000", 0, 1, 4, 5)}${info("0xa0000000", 1)}`);
    expect(out[0]! & (PI.ZERO | PI.PRESENT | PI.WRITE)).toBe(PI.ZERO | PI.PRESENT);
    expect(out.slice(1, 3)).toEqual([0, 0]); // the zero page has no counts
    expect(out[3]! & (PI.FILE | PI.EXEC | PI.PRESENT)).toBe(PI.FILE | PI.EXEC | PI.PRESENT); // the program's text
    expect(out.slice(4)).toEqual([0, 0, 0, 0, 0]);
  });

  it("is -EFAULT for an output pointer it cannot write", () => {
    const { out } = run(`${scs("SYS_PAGE_INFO", "0x10000", "0x1000")}${scs("SYS_PAGE_INFO", "0x10000", "0x10000")}${scs("SYS_PAGE_INFO", "0x10000", "0xa0000000")}`);
    expect(out).toEqual([err(EFAULT), err(EFAULT), err(EFAULT)]); // unmapped, read-only text, kernel space
  });
});
