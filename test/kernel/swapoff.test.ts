// swapoff(2) and swapon(2) (kernel/mm/swapoff.ts, kernel/syscalls/swap.ts): switching the swap
// area off brings every page in it home first -- private pages into their PTEs, a page two processes
// share through one slot as one page, shmem pages into their objects, swap-cache pages out of the
// cache -- and then /proc/swaps, SwapTotal and SwapFree say there is no swap. When memory runs out
// first, the area stays on with what did not come back, and nothing is lost. The invariant checker
// runs after every system call and fault (runElf's default).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { nr_swap_pages, total_swap_pages } from "../../kernel/mm/swapfile.js";
import type { RunResult } from "../helpers/kernel.js";
import {
  FORK, PI, PI_SWAPCACHE, WAIT, dump, err, fill, info, kb, load, mmap, pageout, runSwap, sc, show, swapsUsed, verify,
} from "./swap-helpers.js";

const SYS_SWAPON = 224, SYS_SWAPOFF = 225;
const SWAP_FLAG_PREFER = 0x8000, SWAP_FLAG_DISCARD = 0x10000;
const ENOENT = 2, ENOMEM = 12, EFAULT = 14, EBUSY = 16, EISDIR = 21, EINVAL = 22;

/** The names the programs pass, in .rodata (the body goes on in .text). */
const NAMES = (swapFile = "/dev/vda2"): string => `  .section .rodata
p_dev: .asciz "${swapFile}"
p_vdb: .asciz "/dev/vdb"
p_root: .asciz "/"
p_meminfo_file: .asciz "/proc/meminfo"
p_empty: .asciz ""
  .text
`;

const swapoff = (name: number | string = "&p_dev"): string => `${sc(SYS_SWAPOFF, name)}${show}`;
const swapon = (name: number | string = "&p_dev", flags = 0): string => `${sc(SYS_SWAPON, name, flags)}${show}`;

/** s3 = s1 + page `i`. */
const at = (i: number): string => `  li t6, ${i * 4096}\n  add s3, s1, t6\n`;
const pages = (n: number, each: (i: number) => string): string => Array.from({ length: n }, (_, i) => at(i) + each(i)).join("");
/** Fill pages 0..n-1 at s1, page i with fill(seed + i)'s words. */
const fillAll = (n: number, seed: number): string => pages(n, (i) => fill("s3", seed + i));
const pageoutAll = (n: number): string => pages(n, () => pageout("s3"));
/** Print how many of pages 0..n-1 at s1 still hold fillAll(n, seed)'s words. */
const verifyAll = (n: number, seed: number): string =>
  `  li s4, 0\n${pages(n, (i) => `${verify("s3", seed + i)}  add s4, s4, a0\n`)}  mv a0, s4\n${show}`;

/** Every frame and every swap slot is free again after the run. */
function expectAllFree(r: RunResult): void {
  expect(r.status).toBe(0);
  expect(nr_swap_pages(r.kernel)).toBe(total_swap_pages(r.kernel));
  expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
}

describe("swapoff", () => {
  it("brings every private page home intact, and then there is no swap", () => {
    const { r, out, files } = runSwap(`${mmap(0, 16 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${fillAll(16, 0x600d)}${pageoutAll(16)}${load("s1")}${info("s1", 1)}${dump("meminfo")}${dump("status")}
${swapoff()}${info("s1", 1)}${info("s1 + 4096", 1, 2)}${dump("swaps")}${dump("meminfo")}${dump("status")}
${verifyAll(16, 0x600d)}${NAMES()}`);
    const [cachedFlags, ret, backFlags, flags1, mapcount1, intact] = out;
    // Page 0 was read back before: in memory, keeping its slot in the swap cache. The others are out.
    expect(cachedFlags! & (PI.PRESENT | PI_SWAPCACHE)).toBe(PI.PRESENT | PI_SWAPCACHE);
    expect(kb(files[0]!, "SwapFree")).toBe(1020 - 16 * 4);
    expect(kb(files[1]!, "VmSwap")).toBe(15 * 4);
    expect(ret).toBe(0);
    expect(backFlags! & (PI.PRESENT | PI_SWAPCACHE | PI.SWAP)).toBe(PI.PRESENT); // out of the swap cache
    expect(flags1! & (PI.PRESENT | PI.ANON | PI.WRITE | PI_SWAPCACHE | PI.SWAP)).toBe(PI.PRESENT | PI.ANON); // read-only, as a swap-in
    expect(mapcount1).toBe(1);
    expect(files[2]!.trim().split("\n")).toHaveLength(1); // /proc/swaps: the header alone
    expect([kb(files[3]!, "SwapTotal"), kb(files[3]!, "SwapFree"), kb(files[3]!, "SwapCached")]).toEqual([0, 0, 0]);
    expect(kb(files[4]!, "VmSwap")).toBe(0);
    expect(intact).toBe(16);
    expect(r.kernel.vm_events.pswpin).toBe(16); // page 0's fault, and 15 reads by swapoff
    expect(r.init.maj_flt).toBe(1); // swapoff's reads are nobody's faults
    expectAllFree(r);
  });

  it("brings a page two processes share through one slot back as one page mapped by both", () => {
    const { r, out, files } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${show}${fill("s1", 0xc0)}${FORK}  bnez a0, parent
${pageout("s1")}${show}${info("s1", 1, 2)}${swapoff()}${info("s1", 0, 1, 2)}${dump("smaps")}
  li a0, 0
  call sys_exit
parent:
${WAIT}${info("s1", 0, 1, 2)}${verify("s1", 0xc0)}${show}${NAMES()}`);
    const [s1, ret, outFlags, swapCount, off, childPfn, childFlags, childMapcount, parentPfn, parentFlags, parentMapcount, intact] = out;
    expect(ret).toBe(0);
    expect(outFlags! & (PI.SWAP | PI.PRESENT)).toBe(PI.SWAP);
    expect(swapCount).toBe(2); // one slot, a PTE in each process
    expect(off).toBe(0);
    expect(childFlags! & (PI.PRESENT | PI.ANON | PI_SWAPCACHE)).toBe(PI.PRESENT | PI.ANON);
    expect(childMapcount).toBe(2); // both PTEs map the one frame
    // The child's smaps: the page is shared with the parent, and dirty (memory has the only copy now).
    const vma = files[0]!.split(/\n(?=[0-9a-f]{8}-)/).find((b) => b.startsWith(s1!.toString(16).padStart(8, "0")))!;
    expect([kb(vma, "Rss"), kb(vma, "Pss"), kb(vma, "Shared_Dirty")]).toEqual([4, 2, 4]);
    expect(kb(vma, "Swap")).toBe(0);
    expect(parentPfn).toBe(childPfn);
    expect(parentFlags! & (PI.PRESENT | PI.SWAP)).toBe(PI.PRESENT);
    expect(parentMapcount).toBe(1); // the child has gone
    expect(intact).toBe(1);
    expect(r.kernel.vm_events.pswpin).toBe(1); // read once, for both
    expectAllFree(r);
  });

  it("brings shmem pages back into their object, dirty: swapped out again, they are written, not dropped", () => {
    const { r, out, files } = runSwap(`${mmap(0, 4 * 4096, "PROT_RW", "MAP_ANON_SHARED")}  mv s1, a0
${fillAll(4, 0x5e)}${pageoutAll(4)}${info("s1", 1)}${dump("meminfo")}
${swapoff()}${info("s1", 1)}${sc("SYS_MINCORE", "s1", 4 * 4096, "&vec")}  la t0, vec\n  lw a0, 0(t0)\n${show}${dump("meminfo")}
${verifyAll(4, 0x5e)}${swapon()}${pageoutAll(4)}${dump("swaps")}${verifyAll(4, 0x5e)}${NAMES()}`);
    const [outFlags, ret, backFlags, resident, intact, on, intactAgain] = out;
    expect(outFlags! & (PI.PRESENT | PI.SWAP)).toBe(0); // shmem: the PTE was cleared, the object holds the entry
    expect(kb(files[0]!, "SwapFree")).toBe(1020 - 16);
    expect(ret).toBe(0);
    expect(backFlags! & (PI.PRESENT | PI.SWAP)).toBe(0); // in its object, not mapped until touched
    expect(resident).toBe(0x01010101); // mincore: all four in memory
    expect(kb(files[1]!, "Shmem")).toBeGreaterThanOrEqual(16);
    expect(kb(files[1]!, "SwapTotal")).toBe(0);
    expect(intact).toBe(4);
    expect(on).toBe(0);
    expect(swapsUsed(files[2]!)).toBe(16);
    expect(intactAgain).toBe(4);
    expect(r.kernel.vm_events.pswpout).toBe(8); // written twice: they came back dirty
    expect(r.kernel.vm_events.pswpin).toBe(8);
    expect(r.init.maj_flt).toBe(4); // only the last reads were faults
    expectAllFree(r);
  });

  it("goes round again when reclaim sends shared pages back out meanwhile, and they still come back shared", () => {
    // Under --policy clock, the allocations' reclaim may pick a page the parent's PTE has back while
    // the child's still names its slot: the parent's PTE becomes the swap entry again, and a later
    // pass brings it home. The child counts the PTEs mapping each of its pages: 2 for every one.
    const n = 82;
    const mapcounts = pages(n, () => `  mv a0, s3
  call info
  la t0, pi
  lw t0, 8(t0)
  add s5, s5, t0
`);
    const { r, out } = runSwap(`${mmap(0, n * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${fillAll(n, 0x800)}${FORK}  beqz a0, child
  j parent
child:
${pageoutAll(n)}${swapoff()}  li s5, 0
${mapcounts}  mv a0, s5
${show}${verifyAll(n, 0x800)}
  li a0, 0
  call sys_exit
parent:
${WAIT}${verifyAll(n, 0x800)}${NAMES()}`, { mem: 512 << 10, policy: "clock", trace: ["mm"] });
    const passes = r.trace.split("\n").filter((l) => l.includes("try_to_unuse pass")).length;
    expect(passes).toBeGreaterThan(1);
    expect(out).toEqual([0, 2 * n, n, n]);
    expect(r.log).toEqual([]); // no OOM kill
    expectAllFree(r);
  });

  it("brings back the pages of a System V segment no process has attached", () => {
    const SHMGET = 194, SHMCTL = 195, SHMAT = 196, SHMDT = 197, IPC_CREAT = 0o1000, IPC_RMID = 0;
    const { r, out, files } = runSwap(`${sc(SHMGET, 7, 4096, IPC_CREAT | 0o600)}  mv s2, a0
${sc(SHMAT, "s2", 0, 0)}  mv s1, a0
${fill("s1", 0x5757)}${pageout("s1")}${sc(SHMDT, "s1")}${swapoff()}${dump("swaps")}
${sc(SHMAT, "s2", 0, 0)}  mv s1, a0
${verify("s1", 0x5757)}${show}${sc(SHMCTL, "s2", IPC_RMID, 0)}${sc(SHMDT, "s1")}${NAMES()}`);
    expect(out).toEqual([0, 1]);
    expect(files[0]!.trim().split("\n")).toHaveLength(1);
    expect(r.kernel.vm_events.pswpin).toBe(1);
    expectAllFree(r);
  });

  it("returns -ENOMEM when RAM cannot hold what is in swap, keeps the area with what is left, and loses nothing", () => {
    const { r, out, files } = runSwap(`${mmap(0, 160 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${fillAll(160, 0xe0)}${dump("meminfo")}${swapoff()}${dump("meminfo")}${dump("swaps")}
${verifyAll(160, 0xe0)}
  li t0, 48 * 4096
  add a0, s1, t0
${sc("SYS_MUNMAP", "a0", 112 * 4096)}${show}${swapoff()}${dump("meminfo")}${verifyAll(48, 0xe0)}${NAMES()}`,
    { mem: 512 << 10 });
    const [ret, intact, unmapped, ret2, intact2] = out;
    expect(kb(files[0]!, "SwapTotal") - kb(files[0]!, "SwapFree")).toBeGreaterThan(60); // RAM is 128 frames
    expect(ret).toBe(err(ENOMEM));
    expect(kb(files[1]!, "SwapTotal")).toBe(1020); // still on...
    expect(kb(files[1]!, "SwapFree")).toBeLessThan(1020); // ...holding what did not come back
    expect(swapsUsed(files[2]!)).toBeGreaterThan(0);
    expect(intact).toBe(160);
    expect(unmapped).toBe(0);
    expect(ret2).toBe(0); // 48 pages fit
    expect(kb(files[3]!, "SwapTotal")).toBe(0);
    expect(intact2).toBe(48);
    expect(r.log.join("\n")).not.toMatch(/oom|Out of memory/); // swapoff never calls the OOM killer
    expectAllFree(r);
  });

  it("leaves anonymous memory nowhere to go: pageout finds no swap", () => {
    const { r, out } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${fill("s1", 1)}${swapoff()}${pageout("s1")}${show}${info("s1", 1)}${NAMES()}`);
    const [ret, pageoutRet, flags] = out;
    expect(ret).toBe(0);
    expect(pageoutRet).toBe(err(ENOMEM));
    expect(flags! & PI.PRESENT).toBe(PI.PRESENT);
    expectAllFree(r);
  });

  it("traces its progress under --trace mm", () => {
    const { r } = runSwap(`${mmap(0, 2 * 4096, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${fillAll(2, 3)}${pageoutAll(2)}${swapoff()}${NAMES()}`, { trace: ["mm"] });
    expect(r.trace).toMatch(/swapoff\(\/dev\/vda2: 2 pages to bring back\) \{/);
    expect(r.trace).toMatch(/swap_readpage entry 0x00000001 -> pfn/);
    expect(r.trace).toMatch(/unuse_pte entry 0x00000001 -> pfn 0x[0-9a-f]{8} in t at 0x[0-9a-f]{8}/);
    expect(r.trace).toMatch(/try_to_unuse pass 1: 2 slots freed, 0 in use/);
    expect(r.trace).toMatch(/\} = 0 {2}\/\* swapoff \*\//);
  });
});

describe("swapon", () => {
  it("switches the area on again after a swapoff, and pages go to swap again", () => {
    const { r, out, files } = runSwap(`${mmap(0, 0x1000, "PROT_RW", "MAP_ANON_PRIVATE")}  mv s1, a0
${fill("s1", 9)}${swapoff()}${dump("swaps")}${swapon()}${dump("swaps")}${dump("meminfo")}
${pageout("s1")}${show}${info("s1", 1)}${swapon()}${swapoff()}${swapon("&p_dev", SWAP_FLAG_PREFER | 7)}${dump("swaps")}
${verify("s1", 9)}${show}${NAMES()}`);
    const [off, on, ret, flags, busy, off2, on2, intact] = out;
    expect([off, on]).toEqual([0, 0]);
    expect(files[0]!.trim().split("\n")).toHaveLength(1);
    expect(files[1]).toMatch(/^\/dev\/vda2 +partition\t1020\t\t0\t\t-2$/m); // the same priority as at boot
    expect([kb(files[2]!, "SwapTotal"), kb(files[2]!, "SwapFree")]).toEqual([1020, 1020]);
    expect(ret).toBe(0);
    expect(flags! & (PI.SWAP | PI.PRESENT)).toBe(PI.SWAP);
    expect(busy).toBe(err(EBUSY));
    expect([off2, on2]).toEqual([0, 0]);
    expect(files[3]).toMatch(/^\/dev\/vda2 +partition\t1020\t\t0\t\t7$/m); // SWAP_FLAG_PREFER | 7
    expect(intact).toBe(1);
    expectAllFree(r);
  });

  it("names a --swap-file area by its host path", () => {
    const dir = mkdtempSync(join(tmpdir(), "vmos-swapoff-"));
    const file = join(dir, "swap.img");
    try {
      const { r, out, files } = runSwap(`${swapoff()}${swapon()}${dump("swaps")}${NAMES(file)}`, { swapFile: file });
      expect(out).toEqual([0, 0]);
      expect(files[0]).toContain(`${file} `);
      expectAllFree(r);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("swapon and swapoff errors", () => {
  it("returns Linux's errno for each mistake (never -EPERM: every task is root)", () => {
    const { r, out } = runSwap(`${swapon("&p_dev", 0x80000)}${swapon(0, 0x80000)}${swapon("&p_dev", 0)}${swapon(16)}
${swapoff(16)}${swapoff("&p_empty")}${swapoff("&p_vdb")}${swapon("&p_vdb")}${swapoff("&p_root")}${swapon("&p_meminfo_file")}
${swapoff("&p_meminfo_file")}${swapoff()}${swapoff()}${swapon("&p_dev", SWAP_FLAG_DISCARD)}${NAMES()}`);
    expect(out).toEqual([
      err(EINVAL), // an unknown flag
      err(EINVAL), // flags are checked before the name
      err(EBUSY), // on already
      err(EFAULT), // a bad name pointer
      err(EFAULT),
      err(ENOENT), // ""
      err(ENOENT), // no such file
      err(ENOENT),
      err(EISDIR), // a directory
      err(EINVAL), // a file, but no swap area
      err(EINVAL),
      0,
      err(EINVAL), // off already
      0, // discard flags are accepted (a disk without discard ignores them)
    ]);
    expectAllFree(r);
  });

  it("finds no swap device on a machine without one", () => {
    const { r, out } = runSwap(`${swapon()}${swapoff()}${NAMES()}`, { swap: undefined });
    expect(out).toEqual([err(ENOENT), err(ENOENT)]);
    expect(r.status).toBe(0);
  });
});
