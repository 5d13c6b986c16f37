// mmap2 and munmap with Linux 5.15's semantics, seen from a program: where mappings go (top-down
// below mmap_base 0x97c00000), how neighbours merge and split, every errno of the argument checks,
// MAP_FIXED / MAP_FIXED_NOREPLACE / hints / MAP_POPULATE / shared anonymous memory, the signals that
// follow an unmap or a forbidden write, the accounting, and every frame back after exit.

import { describe, expect, it } from "vitest";
import { do_mmap } from "../../kernel/mm/mmap.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { VM_ACCOUNT, VM_GROWSDOWN, VM_MAYEXEC, VM_MAYREAD, VM_MAYSHARE, VM_MAYWRITE, VM_NORESERVE, VM_READ, VM_SHARED, VM_WRITE } from "../../kernel/mm/vma.js";
import { bootProcess, C, err, info, load, mmap, PI, run, sc, scs, show, showVec, store, vmas } from "./mm-syscalls.helpers.js";

const MMAP_BASE = 0x97c0_0000;
const EBADF = 9, ENOMEM = 12, EEXIST = 17, EINVAL = 22, EOVERFLOW = 75;

describe("mmap2: where anonymous memory goes", () => {
  it("places consecutive mappings top-down just below mmap_base, and merges neighbours into one VMA", () => {
    const { out, r } = run(`${mmap(0, 0x3000, "PROT_RW", "MAP_ANON_PRIVATE")}${show}  mv s1, a0
${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}${show}
${mmap(0, 0x2000, "PROT_READ", "MAP_ANON_PRIVATE")}${show}
${info("s1", 4, 5, 6)}`);
    expect(out).toEqual([
      MMAP_BASE - 0x3000, MMAP_BASE - 0x4000, MMAP_BASE - 0x6000,
      // The first two are one VMA now (Linux's vma_merge case 3); the read-only one is separate.
      MMAP_BASE - 0x4000, MMAP_BASE, VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT,
    ]);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("gives zero-filled private memory that keeps what is written", () => {
    const { out } = run(`${mmap(0, 0x2000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${load("s1 + 4096")}${show}${store("s1 + 8", 1234)}${load("s1 + 8")}${show}`);
    expect(out).toEqual([0, 1234]);
  });

  it("takes a free hint as it is (rounded down to its page), and ignores one that is taken", () => {
    const { out } = run(`${mmap("0x50000123", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}${show}
${mmap("0x50000000", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}${show}`);
    expect(out).toEqual([0x5000_0000, MMAP_BASE - 0x1000]);
  });

  it("does not take a hint inside the stack's 1 MiB guard gap", () => {
    // The stack VMA starts 132 KiB (the initial 128 KiB plus a page) below STACK_TOP 0x9fc00000.
    const { out } = run(`${mmap("0x9fb00000", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}${show}
${mmap("0x9f000000", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}${show}`);
    expect(out).toEqual([MMAP_BASE - 0x1000, 0x9f00_0000]);
  });

  it("falls back to bottom-up from TASK_UNMAPPED_BASE when nothing fits below mmap_base", () => {
    // The first takes almost everything below mmap_base; the second fits only above it, between
    // the vDSO page at mmap_base and the stack's guard gap.
    const { out } = run(`${mmap(0, "0x97000000", "PROT_NONE", "MAP_ANON_PRIVATE | MAP_NORESERVE")}${show}
${mmap(0, "0x1000000", "PROT_NONE", "MAP_ANON_PRIVATE | MAP_NORESERVE")}${show}
${mmap(0, "0x8000000", "PROT_NONE", "MAP_ANON_PRIVATE | MAP_NORESERVE")}${show}`);
    expect(out).toEqual([MMAP_BASE - 0x9700_0000, MMAP_BASE + 0x1000, err(ENOMEM)]);
  });
});

describe("mmap2: argument checks, in Linux's order", () => {
  const cases: [string, string, number][] = [
    ["length 0 is -EINVAL", mmap(0, 0, "PROT_RW", "MAP_ANON_PRIVATE"), err(EINVAL)],
    ["a length that PAGE_ALIGN overflows is -ENOMEM", mmap(0, "0xfffff001", "PROT_RW", "MAP_ANON_PRIVATE"), err(ENOMEM)],
    ["a length beyond TASK_SIZE is -ENOMEM", mmap(0, "0xa0000000", "PROT_RW", "MAP_ANON_PRIVATE"), err(ENOMEM)],
    ["a misaligned MAP_FIXED address is -EINVAL", mmap("0x50000010", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED"), err(EINVAL)],
    ["MAP_FIXED reaching past TASK_SIZE (0x9fc00000) is -ENOMEM", mmap("0x9fbff000", 0x2000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED"), err(ENOMEM)],
    ["no MAP_SHARED or MAP_PRIVATE is -EINVAL", mmap(0, 0x1000, "PROT_RW", "MAP_ANONYMOUS"), err(EINVAL)],
    ["MAP_SHARED_VALIDATE of anonymous memory is -EINVAL (5.15)", mmap(0, 0x1000, "PROT_RW", "MAP_SHARED_VALIDATE | MAP_ANONYMOUS"), err(EINVAL)],
    ["a map type of 0xf is -EINVAL", mmap(0, 0x1000, "PROT_RW", "0xf | MAP_ANONYMOUS"), err(EINVAL)],
    ["a page offset that wraps is -EOVERFLOW", sc("SYS_MMAP2", 0, 0x2000, "PROT_RW", "MAP_ANON_PRIVATE", -1, "0xffffffff"), err(EOVERFLOW)],
    ["a file mapping of the console (no ->mmap) is -ENODEV", sc("SYS_MMAP2", 0, 0x1000, "PROT_READ", "MAP_PRIVATE", 1, 0), err(19)],
    ["a file mapping of a descriptor that is not open is -EBADF", sc("SYS_MMAP2", 0, 0x1000, "PROT_READ", "MAP_PRIVATE", 9, 0), err(EBADF)],
    ["fd -1 without MAP_ANONYMOUS is -EBADF", mmap(0, 0x1000, "PROT_READ", "MAP_PRIVATE"), err(EBADF)],
    ["MAP_HUGETLB is -EINVAL (no hugetlbfs on rv32)", mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_HUGETLB"), err(EINVAL)],
    ["write+exec without read is -EINVAL on riscv", mmap(0, 0x1000, "PROT_WRITE | PROT_EXEC", "MAP_ANON_PRIVATE"), err(EINVAL)],
    ["MAP_GROWSDOWN with MAP_SHARED is -EINVAL", mmap(0, 0x1000, "PROT_RW", "MAP_ANON_SHARED | MAP_GROWSDOWN"), err(EINVAL)],
  ];
  for (const [what, call, want] of cases) {
    it(what, () => {
      const { out, r } = run(`${call}${show}`);
      expect(out).toEqual([want]);
      expect(r.status).toBe(0);
    });
  }

  it("MAP_FIXED_NOREPLACE is -EEXIST over a mapping and maps where it is free", () => {
    const { out } = run(`${mmap("0x50000000", 0x2000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}${show}
${mmap("0x50001000", 0x2000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED_NOREPLACE")}${show}
${mmap("0x50002000", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED_NOREPLACE")}${show}`);
    expect(out).toEqual([0x5000_0000, err(EEXIST), 0x5000_2000]);
  });

  it("accepts MAP_NORESERVE, MAP_STACK and MAP_GROWSDOWN (which grows down like a stack)", () => {
    const { out, r } = run(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_NORESERVE | MAP_STACK")}${show}
${mmap("0x60000000", 0x2000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_GROWSDOWN")}${show}  mv s1, a0
  li t0, 5
  sw t0, -8(s1)
${info("s1 + -4096", 4, 6)}`);
    expect(out.slice(0, 2)).toEqual([MMAP_BASE - 0x1000, 0x6000_0000]);
    // The store below it grew the VMA down a page (expand_stack).
    expect(out[2]).toBe(0x5fff_f000);
    expect(out[3]! & VM_GROWSDOWN).toBe(VM_GROWSDOWN);
    expect(r.status).toBe(0);
  });
});

describe("mmap2: MAP_FIXED, MAP_POPULATE and shared memory", () => {
  it("MAP_FIXED replaces what was there: the new pages are zero and merge with the old neighbour", () => {
    const { out } = run(`${mmap(0, 0x2000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1", 7)}${store("s1 + 4096", 7)}
${mmap("s1 + 4096", 0x1000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}
${load("s1")}${show}${load("s1 + 4096")}${show}${info("s1", 4, 5)}
${mmap("s1 + 4096", 0x1000, "PROT_READ", "MAP_ANON_PRIVATE | MAP_FIXED")}${info("s1", 4, 5)}`);
    expect(out).toEqual([7, 0, MMAP_BASE - 0x2000, MMAP_BASE, MMAP_BASE - 0x2000, MMAP_BASE - 0x1000]);
  });

  it("MAP_POPULATE faults every page in now: writable private pages as their own, read-only ones as the zero page", () => {
    const { out } = run(`${mmap(0, 0x3000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_POPULATE")}  mv s1, a0
${scs("SYS_MINCORE", "s1", 0x3000, "&vec")}${showVec(3)}${info("s1", 1)}
${mmap(0, 0x2000, "PROT_READ", "MAP_ANON_PRIVATE | MAP_POPULATE")}  mv s2, a0
${info("s2", 1)}
${mmap(0, 0x2000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s3, a0
${scs("SYS_MINCORE", "s3", 0x2000, "&vec")}${showVec(2)}`);
    expect(out.slice(0, 4)).toEqual([0, 1, 1, 1]);
    expect(out[4]! & (PI.PRESENT | PI.ANON | PI.WRITE)).toBe(PI.PRESENT | PI.ANON | PI.WRITE);
    expect(out[5]! & (PI.PRESENT | PI.ZERO | PI.WRITE)).toBe(PI.PRESENT | PI.ZERO);
    expect(out.slice(6)).toEqual([0, 0, 0]); // without MAP_POPULATE nothing is resident
  });

  it("MAP_SHARED | MAP_ANONYMOUS gives memory every mapping of which sees the same frame", () => {
    const { out, r } = run(`${mmap(0, 0x2000, "PROT_RW", "MAP_ANON_SHARED")}${show}  mv s1, a0
${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_SHARED")}${show}
${load("s1 + 4096")}${show}${store("s1 + 4096", 99)}${info("s1 + 4096", 1, 2, 3, 4, 5, 6)}`);
    expect(out.slice(0, 3)).toEqual([MMAP_BASE - 0x2000, MMAP_BASE - 0x3000, 0]);
    // A shmem page, not anonymous and not the zero page: the object holds one reference, the PTE one.
    expect(out[3]! & (PI.PRESENT | PI.SHMEM | PI.ANON | PI.ZERO | PI.WRITE)).toBe(PI.PRESENT | PI.SHMEM | PI.WRITE);
    expect(out.slice(4, 6)).toEqual([1, 2]);
    // Two shared mappings never merge: each has its own object.
    expect(out.slice(6)).toEqual([MMAP_BASE - 0x2000, MMAP_BASE, VM_READ | VM_WRITE | VM_SHARED | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_MAYSHARE]);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });
});

describe("munmap", () => {
  it("unmaps any part: the middle of a mapping leaves two VMAs, and the hole is gone", () => {
    const { out } = run(`${mmap(0, 0x3000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${scs("SYS_MUNMAP", "s1 + 4096", 0x1000)}${info("s1", 4, 5)}${info("s1 + 4096", 1)}${info("s1 + 8192", 4, 5)}`);
    expect(out).toEqual([0, MMAP_BASE - 0x3000, MMAP_BASE - 0x2000, 0, MMAP_BASE - 0x1000, MMAP_BASE]);
  });

  it("unmaps a range spanning several VMAs and holes, and a hole alone, with result 0", () => {
    const { out } = run(`${mmap("0x50000000", 0x2000, "PROT_READ", "MAP_ANON_PRIVATE | MAP_FIXED")}
${mmap("0x50003000", 0x2000, "PROT_RW", "MAP_ANON_PRIVATE | MAP_FIXED")}
${scs("SYS_MUNMAP", "0x50001000", 0x3000)}${info("0x50000000", 4, 5)}${info("0x50004000", 4, 5)}
${scs("SYS_MUNMAP", "0x60000000", 0x5000)}`);
    expect(out).toEqual([0, 0x5000_0000, 0x5000_1000, 0x5000_4000, 0x5000_5000, 0]);
  });

  it("rejects a misaligned start, a zero length and a range beyond TASK_SIZE with -EINVAL", () => {
    const { out } = run(`${scs("SYS_MUNMAP", "0x50000100", 0x1000)}${scs("SYS_MUNMAP", "0x50000000", 0)}${scs("SYS_MUNMAP", "0x9fbff000", 0x2000)}${scs("SYS_MUNMAP", "0xa0000000", 0x1000)}`);
    expect(out).toEqual([err(EINVAL), err(EINVAL), err(EINVAL), err(EINVAL)]);
  });

  it("touching unmapped memory afterwards is SIGSEGV with SEGV_MAPERR", () => {
    const { r } = run(`${mmap(0, 0x2000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${store("s1 + 4096", 1)}${sc("SYS_MUNMAP", "s1 + 4096", 0x1000)}${load("s1 + 4096")}`);
    expect(r.status).toBe(139);
    expect(r.log[0]).toMatch(/SEGV_MAPERR\) at 0x97bff000 .*read at an address with no mapping/);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("a write to a PROT_READ mapping is SIGSEGV with SEGV_ACCERR", () => {
    const { r } = run(`${mmap(0, 0x1000, "PROT_READ", "MAP_ANON_PRIVATE")}  mv s1, a0
  lw t0, 0(s1)
  sw t0, 0(s1)
`);
    expect(r.status).toBe(139);
    expect(r.log[0]).toMatch(/SEGV_ACCERR\) at 0x97bff000 .*write not allowed by the mapping's permissions \(r--\)/);
  });
});

describe("mmap accounting (vm_stat_account)", () => {
  it("counts total_vm for every mapping, data_vm for private writable, stack_vm for MAP_GROWSDOWN, exec_vm for executable", () => {
    const { mm, task } = bootProcess();
    const before = { total: mm.total_vm, data: mm.data_vm, stack: mm.stack_vm, exec: mm.exec_vm };
    expect(do_mmap(mm, task, 0, 3 * 4096, C.PROT_RW!, C.MAP_ANON_PRIVATE!, 0)).toBeGreaterThan(0);
    expect(do_mmap(mm, task, 0, 2 * 4096, C.PROT_RW!, C.MAP_ANON_SHARED!, 0)).toBeGreaterThan(0);
    expect(do_mmap(mm, task, 0x6000_0000, 4 * 4096, C.PROT_RW!, C.MAP_ANON_PRIVATE! | C.MAP_GROWSDOWN!, 0)).toBe(0x6000_0000);
    expect(do_mmap(mm, task, 0, 5 * 4096, C.PROT_READ! | C.PROT_EXEC!, C.MAP_ANON_PRIVATE!, 0)).toBeGreaterThan(0);
    expect(do_mmap(mm, task, 0, 1 * 4096, C.PROT_RW!, C.MAP_ANON_PRIVATE! | C.MAP_NORESERVE!, 0x1000)).toBeGreaterThan(0);
    expect({ total: mm.total_vm - before.total, data: mm.data_vm - before.data, stack: mm.stack_vm - before.stack, exec: mm.exec_vm - before.exec })
      .toEqual({ total: 15, data: 4, stack: 4, exec: 5 });
    // MAP_NORESERVE: no VM_ACCOUNT, so it does not merge with its accounted neighbour.
    const flags = vmas(mm, 0x9000_0000).map(([, , f]) => f & (VM_ACCOUNT | VM_NORESERVE));
    expect(flags).toContain(VM_NORESERVE);
  });
});
