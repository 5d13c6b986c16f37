// memfd_create (kernel/mm/memfd.ts): an anonymous regular file whose data is a shmem object. It reads
// and writes like any file, maps shared (one frame for every mapping and process) or private (copy
// on write), loses its pages past a new end (SIGBUS there), counts as Shmem, goes to swap and comes
// back, takes seals, and leaves no frame or swap slot behind when the last holder goes.

import { afterAll, describe, expect, it } from "vitest";
import { F_SEAL_GROW, F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_WRITE, MFD_ALLOW_SEALING, MFD_CLOEXEC, MFD_HUGETLB } from "../../kernel/mm/memfd.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { nr_swap_pages, total_swap_pages } from "../../kernel/mm/swapfile.js";
import { COST } from "../../src/hw/clock.js";
import * as files from "../helpers/files.js";
import { describeOracle, QEMU } from "../helpers/oracle.js";
import { cat } from "../helpers/proc.js";
import { removeRoots, tempRoot } from "../helpers/roots.js";
import { err, FORK, fill, info, kb, load, pageout, runSwap, sc, show, store, swapsUsed, verify, WAIT, type SwapRun } from "./swap-helpers.js";

const SYS = { memfd_create: 279, fcntl64: 25, ftruncate64: 46, llseek: 62, read: 63, write: 64, pread64: 67, pwrite64: 68, statx: 291, prlimit64: 261, close: 57, mmap2: 222, munmap: 215 };
const F_GETFD = 1, F_GETFL = 3, F_ADD_SEALS = 1033, F_GET_SEALS = 1034;
const EPERM = 1, EFAULT = 14, EBUSY = 16, EINVAL = 22, EMFILE = 24, ENOSYS = 38;
const SIGBUS = 7, CLD_KILLED = 2;
const PROT_READ = 1, PROT_RW = 3, MAP_SHARED = 1, MAP_PRIVATE = 2;

/** A name for memfd_create, and the /proc files the tests read, as data. */
const DATA = `  .data
name: .asciz "test"
p_maps: .asciz "/proc/self/maps"
empty: .asciz ""
msg: .ascii "hello memfd"
  .align 2
word: .word 0x5555aaaa
long249: .asciz "${"a".repeat(249)}"
long250: .asciz "${"b".repeat(250)}"
nofile: .word 4, 0, 4, 0
  .text
`;

/** memfd_create("test", flags) into `reg`, printing the fd. */
const create = (reg: string, flags = 0): string => `${sc(SYS.memfd_create, "&name", flags)}  mv ${reg}, a0\n${show}`;
/** mmap2(0, len, prot, flags, fd in `fd`, 0) into `reg`. */
const mmapFd = (reg: string, len: number, prot: number, flags: number, fd: string): string =>
  `${sc(SYS.mmap2, 0, len, prot, flags, fd, 0)}  mv ${reg}, a0\n`;
/** Print the word at vec + `offset` (a buffer the prelude defines). */
const vecWord = (offset = 0): string => `  la t0, vec\n  lw a0, ${offset}(t0)\n${show}`;
/** Print the value of a call (a0). */
const scs = (nr: number, ...args: (number | string)[]): string => `${sc(nr, ...args)}${show}`;
/** Dump /proc/self/maps between "<<" and ">>". */
const MAPS = `  la a0, s_open\n  call print_str\n${cat("p_maps")}  la a0, s_close\n  call print_str\n`;

function expectClean({ r }: SwapRun): void {
  expect(r.status).toBe(0);
  expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  expect(nr_swap_pages(r.kernel)).toBe(total_swap_pages(r.kernel));
}

describe("memfd_create", () => {
  it("makes a regular file that reads, writes, seeks and stats as Linux's", () => {
    const run = runSwap(`${create("s0")}${create("s1", MFD_CLOEXEC)}
${scs(SYS.write, "s0", "&msg", 11)}${scs(SYS.llseek, "s0", 0, 0, "&vec", 0)}${scs(SYS.read, "s0", "&vec", 64)}${vecWord(0)}
${scs(SYS.pwrite64, "s0", "&msg", 5, 8192, 0)}${scs(SYS.llseek, "s0", 0, 0, "&vec", 2)}${vecWord(0)}
${scs(SYS.pread64, "s0", "&vec", 8, 4096, 0)}${vecWord(0)}${scs(SYS.pread64, "s0", "&vec", 64, 8190, 0)}
${scs(SYS.fcntl64, "s0", F_GETFL, 0)}${scs(SYS.fcntl64, "s0", F_GETFD, 0)}${scs(SYS.fcntl64, "s1", F_GETFD, 0)}
${scs(SYS.statx, "s0", "&empty", 0x1000, 0x7ff, "&vec")}${vecWord(16)}  la t0, vec\n  lhu a0, 28(t0)\n${show}${vecWord(40)}${vecWord(48)}
${scs(SYS.ftruncate64, "s0", 3, 0)}${scs(SYS.llseek, "s0", 0, 0, "&vec", 2)}${vecWord(0)}${scs(SYS.pread64, "s0", "&vec", 64, 0, 0)}
${DATA}`);
    expect(run.out).toEqual([
      3, 4, // the lowest free descriptors
      11, 0, 11, 0x6c6c6568, // "hell"
      5, 0, 8197, // a write past EOF leaves a hole; SEEK_END
      8, 0, 7, // the hole reads zeros; a read stops at EOF
      0o100002, 0, 1, // O_RDWR | O_LARGEFILE; MFD_CLOEXEC
      0, 0, 0o100777, 8197, 24, // statx: nlink 0, S_IFREG | 0777, size, blocks
      0, 0, 3, 3, // ftruncate shrinks
    ]);
    expectClean(run);
  });

  it("refuses bad flags and names as Linux 5.15 does", () => {
    const run = runSwap(`${scs(SYS.memfd_create, "&name", 8)}${scs(SYS.memfd_create, "&name", 1 << 26)}
${scs(SYS.memfd_create, "&name", MFD_HUGETLB)}${scs(SYS.memfd_create, "&name", MFD_HUGETLB | (21 << 26))}
${scs(SYS.memfd_create, 0, 0)}${scs(SYS.memfd_create, 0x9000_0000, 0)}${scs(SYS.memfd_create, "&long250", 0)}
${scs(SYS.memfd_create, "&long249", 0)}${scs(SYS.close, 3)}
${scs(SYS.prlimit64, 0, 7, "&nofile", 0)}${scs(SYS.memfd_create, "&name", 0)}${scs(SYS.memfd_create, "&name", 0)}
${DATA}`);
    expect(run.out).toEqual([
      err(EINVAL), err(EINVAL), // an unknown flag; a huge page size without MFD_HUGETLB
      err(ENOSYS), err(ENOSYS), // no hugetlbfs: hugetlb_file_setup()'s -ENOSYS
      err(EFAULT), err(EFAULT), err(EINVAL), // bad pointers; a name of 250 bytes
      3, 0, // 249 bytes is the longest name
      0, 3, err(EMFILE), // RLIMIT_NOFILE 4
    ]);
    expectClean(run);
  });

  it("maps shared: every mapping, read, write and a child see the same pages; maps names it", () => {
    const run = runSwap(`${create("s0")}${scs(SYS.ftruncate64, "s0", 8192, 0)}
${mmapFd("s1", 8192, PROT_RW, MAP_SHARED, "s0")}${mmapFd("s2", 8192, PROT_READ, MAP_SHARED, "s0")}
${store("s1", 0x1234)}${scs(SYS.pread64, "s0", "&vec", 4, 0, 0)}${vecWord(0)}
${scs(SYS.pwrite64, "s0", "&word", 4, 4096, 0)}${load("s1 + 4096")}${show}${load("s2 + 4096")}${show}
${info("s1 + 4096")}  la t0, pi\n  lw s3, 0(t0)\n${info("s2 + 4096")}  la t0, pi\n  lw a0, 0(t0)\n  sub a0, a0, s3\n${show}
${FORK}  bnez a0, parent
${store("s1 + 8", 0x77)}  li a0, 0
  call sys_exit
parent:
${WAIT}${load("s2 + 8")}${show}${scs(SYS.close, "s0")}${load("s1")}${show}${MAPS}
${DATA}`);
    expect(run.out).toEqual([3, 0, 4, 0x1234, 4, 0x5555aaaa, 0x5555aaaa, 0, 0x77, 0, 0x1234]);
    const lines = run.files[0]!.split("\n").filter((l) => l.includes("memfd"));
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(/ r[w-]-s 00000000 00:01 1 +\/memfd:test \(deleted\)$/);
    expectClean(run);
  });

  it("maps private: reads follow the file until the first write copies the page", () => {
    const run = runSwap(`${create("s0")}${scs(SYS.ftruncate64, "s0", 8192, 0)}${scs(SYS.pwrite64, "s0", "&word", 4, 0, 0)}
${mmapFd("s1", 8192, PROT_RW, MAP_PRIVATE, "s0")}${load("s1")}${show}
${scs(SYS.pwrite64, "s0", "&msg", 4, 0, 0)}${load("s1")}${show}
${store("s1 + 4", 0x99)}${scs(SYS.pwrite64, "s0", "&word", 4, 0, 0)}${load("s1")}${show}${load("s1 + 4")}${show}
${store("s1 + 4096", 0x11)}${scs(SYS.pread64, "s0", "&vec", 8, 0, 0)}${vecWord(0)}${vecWord(4)}
${scs(SYS.pread64, "s0", "&vec", 4, 4096, 0)}${vecWord(0)}
${FORK}  bnez a0, parent
${load("s1 + 4")}  mv s3, a0\n${load("s1 + 4096")}  add a0, a0, s3
  call sys_exit
parent:
${WAIT}  la t0, vec\n  lw a0, 20(t0)\n${show}
${DATA}`);
    expect(run.out).toEqual([
      3, 0, 4, 0x5555aaaa, // the file's page, mapped read-only
      4, 0x6c6c6568, // a write to the file shows through
      4, 0x6c6c6568, 0x99, // after the copy, no longer
      8, 0x5555aaaa, 0, 4, 0, // the file never saw the private stores
      0xaa, // a child sees the parent's copies (0x99 + 0x11)
    ]);
    expectClean(run);
  });

  it("shrinking frees the pages past the end: SIGBUS there, zeros after growing again", () => {
    const run = runSwap(`${create("s0")}${scs(SYS.ftruncate64, "s0", 8192, 0)}
${mmapFd("s1", 8192, PROT_RW, MAP_SHARED, "s0")}${store("s1", 1)}${store("s1 + 4096", 2)}${store("s1 + 4092", 3)}
${scs(SYS.ftruncate64, "s0", 4092, 0)}${FORK}  bnez a0, parent
${load("s1 + 4096")}  li a0, 0
  call sys_exit
parent:
${WAIT}  la t0, vec\n  lw a0, 8(t0)\n${show}  la t0, vec\n  lw a0, 20(t0)\n${show}
${scs(SYS.ftruncate64, "s0", 8192, 0)}${load("s1 + 4096")}${show}${load("s1 + 4092")}${show}${load("s1")}${show}
${DATA}`);
    expect(run.out).toEqual([3, 0, 0, CLD_KILLED, SIGBUS, 0, 0, 0, 1]);
    expectClean(run);
  });

  it("counts its pages as Shmem, in /proc/meminfo and smaps", () => {
    const run = runSwap(`${create("s0")}${scs(SYS.pwrite64, "s0", "&word", 4, 3 * 4096 - 4, 0)}
  la a0, s_open\n  call print_str\n${cat("p_meminfo")}  la a0, s_close\n  call print_str
${scs(SYS.ftruncate64, "s0", 0, 0)}
  la a0, s_open\n  call print_str\n${cat("p_meminfo")}  la a0, s_close\n  call print_str
${DATA}`);
    expect(run.out).toEqual([3, 4, 0]);
    expect(kb(run.files[0]!, "Shmem") - kb(run.files[1]!, "Shmem")).toBe(4); // one page: the rest are holes
    expectClean(run);
  });

  it("goes to swap and comes back, through read() and through a mapping", () => {
    const run = runSwap(`${create("s0")}${scs(SYS.ftruncate64, "s0", 8192, 0)}
${mmapFd("s1", 8192, PROT_RW, MAP_SHARED, "s0")}  li t0, 4096\n  add s2, s1, t0
${fill("s1", 0x2468)}${fill("s2", 0x1357)}${pageout("s1")}${pageout("s2")}${show}
  la a0, s_open\n  call print_str\n${cat("p_swaps")}  la a0, s_close\n  call print_str
${scs(SYS.pread64, "s0", "&vec", 4096, 4096, 0)}  la s3, vec\n${verify("s3", 0x1357)}${show}
${verify("s1", 0x2468)}${show}
  la a0, s_open\n  call print_str\n${cat("p_swaps")}  la a0, s_close\n  call print_str
${DATA}`);
    expect(run.out).toEqual([3, 0, 0, 4096, 1, 1]);
    expect(run.files.map(swapsUsed)).toEqual([8, 0]);
    expect(run.r.kernel.vm_events.pswpout).toBe(2);
    expectClean(run);
  });

  it("waits for the disk when read() meets a page in swap, without counting a fault; a private copy of one is a major fault", () => {
    const run = runSwap(`${create("s0")}${scs(SYS.ftruncate64, "s0", 8192, 0)}
${mmapFd("s1", 8192, PROT_RW, MAP_SHARED, "s0")}  li t0, 4096\n  add s2, s1, t0
${fill("s1", 0x2468)}${fill("s2", 0x1357)}${pageout("s1")}${pageout("s2")}${show}
${scs(SYS.pread64, "s0", "&vec", 4096, 4096, 0)}  la s3, vec\n${verify("s3", 0x1357)}${show}
${mmapFd("s4", 4096, PROT_RW, MAP_PRIVATE, "s0")}${store("s4", 7)}${load("s4 + 4")}${show}
${DATA}`);
    expect(run.out[run.out.length - 3]).toBe(4096); // pread
    expect(run.out[run.out.length - 2]).toBe(1); // page 1 verified
    const k = run.r.kernel;
    expect(k.vm_events.pswpin).toBe(2);
    expect(k.vm_events.pgmajfault).toBe(1); // the private copy's fault; the read() is none
    expect(run.r.init.maj_flt).toBe(1);
    expect(k.iowait_cycles).toBeGreaterThanOrEqual(2 * COST.diskPage); // both reads were waited for
    expectClean(run);
  });

  it("larger than memory, lives in swap and reads back whole", () => {
    // 768 pages through write() on a 2 MiB machine: reclaim sends the object's pages to swap.
    const run = runSwap(`${create("s0")}  li s4, 0
1: la t0, vec
  li t1, 1024
2: sw s4, 0(t0)
  addi t0, t0, 4
  addi t1, t1, -1
  bnez t1, 2b
${sc(SYS.write, "s0", "&vec", 4096)}  addi s4, s4, 1
  li t0, 768
  bne s4, t0, 1b
${scs(SYS.llseek, "s0", 0, 0, "&vec", 0)}  li s4, 0
  li s5, 0
3: ${sc(SYS.read, "s0", "&vec", 4096)}  la t0, vec
  lw t1, 0(t0)
  addi t3, t0, 2047
  lw t2, 2045(t3)
  bne t1, s4, 4f
  bne t2, s4, 4f
  addi s5, s5, 1
4: addi s4, s4, 1
  li t0, 768
  bne s4, t0, 3b
  mv a0, s5
${show}
${DATA}`, { mem: 2 << 20, swap: 4 << 20 });
    expect(run.out).toEqual([3, 0, 768]);
    expect(run.r.kernel.vm_events.pswpout).toBeGreaterThan(200);
    expectClean(run);
  });
});

describe("seals", () => {
  it("start sealed without MFD_ALLOW_SEALING", () => {
    const run = runSwap(`${create("s0")}${scs(SYS.fcntl64, "s0", F_GET_SEALS, 0)}${scs(SYS.fcntl64, "s0", F_ADD_SEALS, F_SEAL_SHRINK)}
${scs(SYS.fcntl64, 1, F_GET_SEALS, 0)}
${DATA}`);
    expect(run.out).toEqual([3, F_SEAL_SEAL, err(EPERM), err(EINVAL)]);
    expectClean(run);
  });

  it("forbid shrinking, growing and writing; F_SEAL_WRITE waits for shared mappings to go", () => {
    const run = runSwap(`${create("s0", MFD_ALLOW_SEALING)}${scs(SYS.fcntl64, "s0", F_GET_SEALS, 0)}
${scs(SYS.fcntl64, "s0", F_ADD_SEALS, 0x20)}${scs(SYS.ftruncate64, "s0", 8192, 0)}
${scs(SYS.fcntl64, "s0", F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)}
${scs(SYS.ftruncate64, "s0", 4096, 0)}${scs(SYS.ftruncate64, "s0", 12288, 0)}${scs(SYS.ftruncate64, "s0", 8192, 0)}
${scs(SYS.pwrite64, "s0", "&word", 4, 8192, 0)}${scs(SYS.pwrite64, "s0", "&word", 4, 0, 0)}
${mmapFd("s1", 8192, PROT_READ, MAP_SHARED, "s0")}${scs(SYS.fcntl64, "s0", F_ADD_SEALS, F_SEAL_WRITE)}
${scs(SYS.munmap, "s1", 8192)}${scs(SYS.fcntl64, "s0", F_ADD_SEALS, F_SEAL_WRITE)}
${scs(SYS.pwrite64, "s0", "&word", 4, 0, 0)}${scs(SYS.write, "s0", "&word", 4)}
${sc(SYS.mmap2, 0, 4096, PROT_READ, MAP_SHARED, "s0", 0)}${show}
${mmapFd("s2", 4096, PROT_RW, MAP_PRIVATE, "s0")}${store("s2", 7)}${load("s2")}${show}
${scs(SYS.fcntl64, "s0", F_ADD_SEALS, F_SEAL_SEAL)}${scs(SYS.fcntl64, "s0", F_ADD_SEALS, F_SEAL_SHRINK)}
${scs(SYS.fcntl64, "s0", F_GET_SEALS, 0)}
${DATA}`);
    expect(run.out).toEqual([
      3, 0, err(EINVAL), 0, 0,
      err(EPERM), err(EPERM), 0, // shrink, grow, the same size
      err(EPERM), 4, // a write past EOF; one inside
      err(EBUSY), 0, 0, // a shared mapping, read-only too, blocks F_SEAL_WRITE (5.15)
      err(EPERM), err(EPERM), err(EPERM), // write, pwrite, shared mmap
      7, // a private mapping still copies on write
      0, err(EPERM), F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE,
    ]);
    expectClean(run);
  });
});

afterAll(removeRoots);

// qemu-user passes memfd_create to its host's kernel, which may be newer than 5.15 (flag 8 is
// MFD_NOEXEC_SEAL since 6.3) and is 64-bit (F_GETFL shows no O_LARGEFILE): neither is compared.
describeOracle("memfd under vmos and under qemu-riscv32", [QEMU], () => {
  it("reads, writes, maps, seals and refuses alike", () => {
    const { sc: call, scs: calls, show: print } = files;
    const body = `${call(SYS.memfd_create, `&${files.str("oracle")}`, MFD_ALLOW_SEALING)}  mv s0, a0\n${print}
${files.writeText("s0", "hello memfd")}${print}${calls(SYS.pread64, "s0", "&buf", 64, 0, 0)}  la t0, buf\n  lw a0, 4(t0)\n${print}
${calls(SYS.ftruncate64, "s0", 8192, 0)}${call(SYS.mmap2, 0, 8192, PROT_RW, MAP_SHARED, "s0", 0)}  mv s1, a0
${files.storeText("s1 + 4096", "mapped")}${calls(SYS.pread64, "s0", "&buf", 8, 4096, 0)}  la t0, buf\n  lw a0, 0(t0)\n${print}
${calls(SYS.llseek, "s0", 0, 0, "&buf", 2)}  la t0, buf\n  lw a0, 0(t0)\n${print}
${calls(SYS.fcntl64, "s0", F_GET_SEALS, 0)}${calls(SYS.fcntl64, "s0", F_ADD_SEALS, F_SEAL_GROW)}
${calls(SYS.ftruncate64, "s0", 16384, 0)}${calls(SYS.pwrite64, "s0", "&buf", 4, 8192, 0)}
${calls(SYS.fcntl64, "s0", F_ADD_SEALS, F_SEAL_WRITE)}${calls(SYS.munmap, "s1", 8192)}${calls(SYS.fcntl64, "s0", F_ADD_SEALS, F_SEAL_WRITE)}
${calls(SYS.write, "s0", "&buf", 4)}${calls(SYS.fcntl64, "s0", F_GET_SEALS, 0)}
${calls(SYS.memfd_create, `&${files.str("oracle")}`, 0x40)}${calls(SYS.memfd_create, `&${files.str("b".repeat(250))}`, 0)}
${calls(SYS.memfd_create, `&${files.str("a".repeat(249))}`, MFD_CLOEXEC)}${calls(SYS.fcntl64, "a0", F_GETFD, 0)}`;
    const { r } = files.runFiles(body, { root: tempRoot({}) });
    expect({ stdout: r.stdout, status: r.status }).toEqual(files.runQemu(body, tempRoot({})));
  });
});
