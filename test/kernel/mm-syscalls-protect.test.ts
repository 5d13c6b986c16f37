// mprotect, madvise, mincore and msync with Linux 5.15's semantics: splitting at the ends and
// merging back, PTE rights rewritten with the TLB flushed (the tests run with --check-tlb), COW kept,
// PROT_NONE pages kept resident, MADV_DONTNEED's zeros, residency bytes, and every errno.

import { describe, expect, it } from "vitest";
import { do_mprotect_pkey } from "../../kernel/mm/mprotect.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { VM_MAYWRITE, VM_RAND_READ, VM_READ, VM_SEQ_READ, VM_WRITE } from "../../kernel/mm/vma.js";
import { do_mmap } from "../../kernel/mm/mmap.js";
import { find_vma } from "../../kernel/mm/vma_tree.js";
import { bootProcess, C, err, info, load, mmap, PI, run, sc, scs, show, showVec, store, vmas } from "./mm-syscalls.helpers.js";

const MMAP_BASE = 0x97c0_0000;
const ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EINVAL = 22;

describe("mprotect", () => {
  it("splits a VMA at both ends of the range and merges it back when the rights match again", () => {
    const { out } = run(`${mmap(0, 0x3000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${scs("SYS_MPROTECT", "s1 + 4096", 0x1000, "PROT_READ")}${info("s1", 4, 5)}${info("s1 + 4096", 4, 5, 6)}${info("s1 + 8192", 4, 5)}
${scs("SYS_MPROTECT", "s1 + 4096", 0x1000, "PROT_RW")}${info("s1", 4, 5)}`);
    const A = MMAP_BASE - 0x3000;
    expect(out).toEqual([
      0, A, A + 0x1000, A + 0x1000, A + 0x2000, out[5]!, A + 0x2000, MMAP_BASE,
      0, A, MMAP_BASE,
    ]);
    expect(out[5]! & (VM_READ | VM_WRITE)).toBe(VM_READ);
  });

  it("makes a write to the read-only part SIGSEGV with SEGV_ACCERR, even right after a write that filled the TLB", () => {
    const { r } = run(`${mmap(0, 0x2000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1 + 4096", 1)}${load("s1 + 4096")}${sc("SYS_MPROTECT", "s1 + 4096", 0x1000, "PROT_READ")}${load("s1 + 4096")}${show}${store("s1 + 4096", 2)}`);
    expect(r.stdout).toBe("0x00000001\n");
    expect(r.status).toBe(139);
    expect(r.log[0]).toMatch(/SEGV_ACCERR\) at 0x97bff000 .*write not allowed by the mapping's permissions \(r--\)/);
  });

  it("keeps PROT_NONE pages resident but inaccessible (V=0, _PAGE_PROT_NONE), and gives them back intact", () => {
    const { out } = run(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1", 77)}${info("s1", 0)}
${scs("SYS_MPROTECT", "s1", 0x1000, "PROT_NONE")}${info("s1", 0, 1)}
${scs("SYS_MPROTECT", "s1", 0x1000, "PROT_READ")}${info("s1", 0)}${load("s1")}${show}`);
    const pfn = out[0];
    expect(out[1]).toBe(0);
    expect(out[2]).toBe(pfn);
    expect(out[3]! & (PI.PRESENT | PI.PROTNONE | PI.READ | PI.WRITE)).toBe(PI.PRESENT | PI.PROTNONE);
    expect(out.slice(4)).toEqual([0, pfn, 77]);
  });

  it("a read of a PROT_NONE page is SIGSEGV with SEGV_ACCERR", () => {
    const { r } = run(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${load("s1")}${sc("SYS_MPROTECT", "s1", 0x1000, "PROT_NONE")}${load("s1")}`);
    expect(r.status).toBe(139);
    expect(r.log[0]).toMatch(/SEGV_ACCERR.*read not allowed by the mapping's permissions \(---\)/);
  });

  it("keeps copy-on-write: private PTEs come back read-only, and the next write reuses the page only this process maps", () => {
    const { out } = run(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1", 5)}${info("s1", 0, 1)}
${sc("SYS_MPROTECT", "s1", 0x1000, "PROT_READ")}${sc("SYS_MPROTECT", "s1", 0x1000, "PROT_RW")}${info("s1", 0, 1)}
${store("s1", 6)}${info("s1", 0, 1)}`);
    const [pfn, f1, pfn2, f2, pfn3, f3] = out;
    expect(f1! & PI.WRITE).toBe(PI.WRITE);
    expect(pfn2).toBe(pfn);
    expect(f2! & PI.WRITE).toBe(0); // vm_get_page_prot of a private writable VMA is read-only (__P011)
    expect(pfn3).toBe(pfn); // do_wp_page reused it: page_count 1, mapcount 1
    expect(f3! & PI.WRITE).toBe(PI.WRITE);
  });

  it("keeps the zero page read-only: a write after mprotect(PROT_RW) gets a new page", () => {
    const { out } = run(`${mmap(0, 0x1000, "PROT_READ", "MAP_ANON_PRIVATE")}  mv s1, a0
${load("s1")}${info("s1", 0, 1)}
${sc("SYS_MPROTECT", "s1", 0x1000, "PROT_RW")}${info("s1", 1)}
${store("s1", 3)}${info("s1", 0, 1)}${load("s1")}${show}`);
    const [zpfn, f1, f2, pfn, f3, v] = out;
    expect(f1! & (PI.ZERO | PI.PRESENT)).toBe(PI.ZERO | PI.PRESENT);
    expect(f2! & (PI.ZERO | PI.WRITE)).toBe(PI.ZERO);
    expect(pfn).not.toBe(zpfn);
    expect(f3! & (PI.ANON | PI.WRITE)).toBe(PI.ANON | PI.WRITE);
    expect(v).toBe(3);
  });

  it("changes a range over several VMAs, which then merge into one", () => {
    const { out } = run(`${mmap("0x50000000", 0x1000, "PROT_READ", "MAP_ANON_PRIVATE | MAP_FIXED")}
${mmap("0x50001000", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}
${mmap("0x50002000", 0x1000, "PROT_EXEC", "MAP_ANON_PRIVATE | MAP_FIXED")}
${scs("SYS_MPROTECT", "0x50000000", 0x3000, "PROT_RW")}${info("0x50001000", 4, 5)}`);
    expect(out).toEqual([0, 0x5000_0000, 0x5000_3000]);
  });

  it("extends the change down to the start of a MAP_GROWSDOWN mapping with PROT_GROWSDOWN", () => {
    const { out } = run(`${mmap("0x60000000", 0x3000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_GROWSDOWN")}
${scs("SYS_MPROTECT", "0x60002000", 0x1000, "PROT_READ | PROT_GROWSDOWN")}${info("0x60000000", 4, 5, 6)}
${scs("SYS_MPROTECT", "0x50000000", 0x1000, "PROT_READ | PROT_GROWSDOWN")}`);
    expect(out.slice(0, 3)).toEqual([0, 0x6000_0000, 0x6000_3000]);
    expect(out[3]! & (VM_READ | VM_WRITE)).toBe(VM_READ);
    expect(out[4]).toBe(err(ENOMEM));
  });

  it("returns its errors as Linux does", () => {
    const { out } = run(`${mmap("0x50000000", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}
${mmap("0x50002000", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}
${scs("SYS_MPROTECT", "0x50000800", 0x1000, "PROT_READ")}
${scs("SYS_MPROTECT", "0x60000000", 0, "PROT_READ")}
${scs("SYS_MPROTECT", "0x60000000", 0x1000, "PROT_READ")}
${scs("SYS_MPROTECT", "0x50000000", 0x3000, "PROT_READ")}
${info("0x50000000", 6)}${info("0x50002000", 6)}
${scs("SYS_MPROTECT", "0x50000000", 0x1000, "0x10")}
${scs("SYS_MPROTECT", "0x50000000", 0x1000, "PROT_READ | 0x03000000")}
${scs("SYS_MPROTECT", "0x50000000", "0xfffff001", "PROT_READ")}`);
    expect(out.slice(0, 4)).toEqual([
      err(EINVAL), // start not page aligned
      0, // len 0, even where nothing is mapped
      err(ENOMEM), // nothing mapped
      err(ENOMEM), // a hole in the range...
    ]);
    expect(out[4]! & VM_WRITE).toBe(0); // ...after the VMA before the hole was changed
    expect(out[5]! & VM_WRITE).toBe(VM_WRITE); // and not the one after it
    expect(out.slice(6)).toEqual([err(EINVAL), err(EINVAL), err(ENOMEM)]); // unknown bits, both GROWS*, len that wraps
  });

  it("is -EACCES for a right the VMA may never have (VM_MAY* clear)", () => {
    const { mm, task } = bootProcess();
    const addr = do_mmap(mm, task, 0, 0x2000, C.PROT_READ!, C.MAP_ANON_PRIVATE!, 0);
    find_vma(mm, addr)!.vm_flags &= ~VM_MAYWRITE; // as a read-only file's shared mapping would be
    expect(do_mprotect_pkey(mm, task, addr, 0x2000, C.PROT_RW!)).toBe(-EACCES);
    expect(do_mprotect_pkey(mm, task, addr, 0x2000, C.PROT_READ! | C.PROT_EXEC!)).toBe(0);
    expect(vmas(mm, addr, addr + 0x2000)).toHaveLength(1);
  });
});

describe("madvise", () => {
  it("MADV_DONTNEED drops private anonymous pages: they read zero and are no longer resident", () => {
    const { out, r } = run(`${mmap(0, 0x2000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1", 11)}${store("s1 + 4096", 22)}
${scs("SYS_MADVISE", "s1", 0x2000, "MADV_DONTNEED")}${sc("SYS_MINCORE", "s1", 0x2000, "&vec")}${showVec(2)}
${load("s1")}${show}${load("s1 + 4096")}${show}`);
    expect(out).toEqual([0, 0, 0, 0, 0]);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("MADV_DONTNEED on shared memory unmaps but keeps the data: the next touch maps the same page", () => {
    const { out } = run(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_SHARED")}  mv s1, a0
${store("s1", 33)}${info("s1", 0)}
${scs("SYS_MADVISE", "s1", 0x1000, "MADV_DONTNEED")}${info("s1", 1)}${sc("SYS_MINCORE", "s1", 0x1000, "&vec")}${showVec(1)}
${load("s1")}${show}${info("s1", 0)}`);
    const [pfn, ret, flags, resident, value, pfn2] = out;
    expect(ret).toBe(0);
    expect(flags! & PI.PRESENT).toBe(0);
    expect(resident).toBe(1); // mincore asks the shmem object, as Linux asks the page cache
    expect(value).toBe(33);
    expect(pfn2).toBe(pfn);
  });

  it("advises what is mapped, skips holes and then says -ENOMEM", () => {
    const { out } = run(`${mmap("0x50000000", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}
${mmap("0x50002000", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}
${store("0x50000000", 1)}${store("0x50002000", 2)}
${scs("SYS_MADVISE", "0x50000000", 0x3000, "MADV_DONTNEED")}${load("0x50000000")}${show}${load("0x50002000")}${show}
${scs("SYS_MADVISE", "0x60000000", 0x1000, "MADV_NORMAL")}`);
    expect(out).toEqual([err(ENOMEM), 0, 0, err(ENOMEM)]);
  });

  it("accepts NORMAL, RANDOM, SEQUENTIAL and WILLNEED; RANDOM on part of a VMA splits it, NORMAL merges it back", () => {
    const { out } = run(`${mmap(0, 0x3000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${scs("SYS_MADVISE", "s1 + 4096", 0x1000, "MADV_RANDOM")}${info("s1 + 4096", 4, 5, 6)}
${scs("SYS_MADVISE", "s1", 0x3000, "MADV_SEQUENTIAL")}${info("s1", 4, 5, 6)}
${scs("SYS_MADVISE", "s1", 0x3000, "MADV_WILLNEED")}
${scs("SYS_MADVISE", "s1", 0x3000, "MADV_NORMAL")}${info("s1", 4, 5, 6)}`);
    const A = MMAP_BASE - 0x3000;
    expect(out.slice(0, 3)).toEqual([0, A + 0x1000, A + 0x2000]);
    expect(out[3]! & (VM_RAND_READ | VM_SEQ_READ)).toBe(VM_RAND_READ);
    expect(out.slice(4, 7)).toEqual([0, A, MMAP_BASE]);
    expect(out[7]! & (VM_RAND_READ | VM_SEQ_READ)).toBe(VM_SEQ_READ);
    expect(out.slice(8, 11)).toEqual([0, 0, A]);
    expect(out[11]).toBe(MMAP_BASE);
    expect(out[12]! & (VM_RAND_READ | VM_SEQ_READ)).toBe(0);
  });

  it("MADV_POPULATE_READ/WRITE fault pages in with the mapping's own rights (-EINVAL otherwise)", () => {
    const { out } = run(`${mmap(0, 0x2000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${scs("SYS_MADVISE", "s1", 0x1000, "MADV_POPULATE_READ")}${info("s1", 1)}
${scs("SYS_MADVISE", "s1 + 4096", 0x1000, "MADV_POPULATE_WRITE")}${info("s1 + 4096", 1)}
${mmap(0, 0x1000, "PROT_READ", "MAP_ANON_PRIVATE")}  mv s2, a0
${scs("SYS_MADVISE", "s2", 0x1000, "MADV_POPULATE_WRITE")}`);
    expect(out[0]).toBe(0);
    expect(out[1]! & (PI.PRESENT | PI.ZERO)).toBe(PI.PRESENT | PI.ZERO);
    expect(out[2]).toBe(0);
    expect(out[3]! & (PI.PRESENT | PI.ANON | PI.WRITE)).toBe(PI.PRESENT | PI.ANON | PI.WRITE);
    expect(out[4]).toBe(err(EINVAL));
  });

  it("MADV_REMOVE frees shared memory everywhere it is mapped; it is -EINVAL for private and -EACCES for read-only memory", () => {
    const { out } = run(`${mmap(0, 0x2000, "PROT_RW", "MAP_ANON_SHARED")}  mv s1, a0
${store("s1", 4)}${store("s1 + 4096", 5)}
${scs("SYS_MADVISE", "s1", 0x1000, "MADV_REMOVE")}${sc("SYS_MINCORE", "s1", 0x2000, "&vec")}${showVec(2)}${load("s1")}${show}${load("s1 + 4096")}${show}
${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}${scs("SYS_MADVISE", "a0", 0x1000, "MADV_REMOVE")}
${mmap(0, 0x1000, "PROT_READ", "MAP_ANON_SHARED")}${scs("SYS_MADVISE", "a0", 0x1000, "MADV_REMOVE")}`);
    expect(out).toEqual([0, 0, 1, 0, 5, err(EINVAL), err(EACCES)]);
  });

  it("returns its errors as Linux does", () => {
    const { out } = run(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${scs("SYS_MADVISE", "s1 + 8", 0x1000, "MADV_DONTNEED")}
${scs("SYS_MADVISE", "s1", 0x1000, 100)}
${scs("SYS_MADVISE", "s1", 0x1000, "MADV_MERGEABLE")}
${scs("SYS_MADVISE", "s1", 0x1000, "MADV_HUGEPAGE")}
${scs("SYS_MADVISE", "s1", 0, "MADV_DONTNEED")}
${scs("SYS_MADVISE", "s1", "0xffffffff", "MADV_DONTNEED")}
${scs("SYS_MADVISE", "s1", 0x1000, "MADV_FREE")}
${sc("SYS_MLOCK", "s1", 0x1000)}${scs("SYS_MADVISE", "s1", 0x1000, "MADV_DONTNEED")}
${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_SHARED")}  mv s2, a0
${scs("SYS_MADVISE", "s2", 0x1000, "MADV_FREE")}
${scs("SYS_MADVISE", "s2", 0x1000, "MADV_WIPEONFORK")}`);
    expect(out).toEqual([
      err(EINVAL), // start not page aligned
      err(EINVAL), err(EINVAL), err(EINVAL), // unknown advice; KSM and THP advice on a kernel without them
      0, // len 0
      err(EINVAL), // a length that rounds up to 0
      0, // MADV_FREE of private memory
      err(EINVAL), // MADV_DONTNEED of locked memory
      err(EINVAL), err(EINVAL), // MADV_FREE and MADV_WIPEONFORK of shared memory
    ]);
  });
});

describe("mincore", () => {
  it("reports one byte per page: 1 for resident pages (the zero page too), 0 for untouched ones", () => {
    const { out } = run(`${mmap(0, 0x4000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1 + 4096", 1)}${load("s1 + 12288")}
${scs("SYS_MINCORE", "s1", "0x3001", "&vec")}${showVec(4)}`);
    expect(out).toEqual([0, 0, 1, 0, 1]); // len 0x3001 covers 4 pages
  });

  it("returns its errors as Linux does, writing the bytes before a hole first", () => {
    const { out } = run(`${mmap("0x50000000", 0x2000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED | MAP_POPULATE")}
${scs("SYS_MINCORE", "0x50000010", 0x1000, "&vec")}
${scs("SYS_MINCORE", "0x60000000", 0x1000, "&vec")}
${scs("SYS_MINCORE", "0x50000000", 0x3000, "&vec")}${showVec(2)}
${scs("SYS_MINCORE", "0x50000000", 0x1000, "0x1000")}
${scs("SYS_MINCORE", "0x50000000", 0x1000, "0xa0000000")}
${scs("SYS_MINCORE", "0x9f000000", "0x1000000", "&vec")}
${scs("SYS_MINCORE", "0x60000000", 0, "&vec")}`);
    expect(out).toEqual([err(EINVAL), err(ENOMEM), err(ENOMEM), 1, 1, err(EFAULT), err(EFAULT), err(ENOMEM), 0]);
  });
});

describe("msync", () => {
  it("is 0 for anonymous memory, whatever it is asked to do", () => {
    const { out } = run(`${mmap(0, 0x2000, "PROT_RW", "MAP_ANON_SHARED")}  mv s1, a0
${scs("SYS_MSYNC", "s1", 0x2000, "MS_SYNC")}${scs("SYS_MSYNC", "s1", 0x2000, "MS_ASYNC")}${scs("SYS_MSYNC", "s1", 0x2000, "MS_INVALIDATE")}${scs("SYS_MSYNC", "s1", "0xffffffff", "MS_SYNC")}`);
    expect(out).toEqual([0, 0, 0, 0]); // the last length rounds up to 0
  });

  it("returns its errors as Linux does", () => {
    const { out } = run(`${mmap("0x50000000", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}
${mmap("0x50002000", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED | MAP_LOCKED")}
${scs("SYS_MSYNC", "0x50000000", 0x1000, 8)}
${scs("SYS_MSYNC", "0x50000000", 0x1000, "MS_SYNC | MS_ASYNC")}
${scs("SYS_MSYNC", "0x50000100", 0x1000, "MS_SYNC")}
${scs("SYS_MSYNC", "0x60000000", 0x1000, "MS_SYNC")}
${scs("SYS_MSYNC", "0x50000000", 0x3000, "MS_SYNC")}
${scs("SYS_MSYNC", "0x50000000", 0x3000, "MS_ASYNC")}
${scs("SYS_MSYNC", "0x50002000", 0x1000, "MS_INVALIDATE")}
${scs("SYS_MSYNC", "0x60000000", 0, "MS_SYNC")}`);
    expect(out).toEqual([err(EINVAL), err(EINVAL), err(EINVAL), err(ENOMEM), err(ENOMEM), err(ENOMEM), err(EBUSY), 0]);
  });
});
