// mmap of a file: who may map what (the open mode decides, as in Linux's do_mmap), what lies past
// the end of the file (zeros up to the page end, SIGBUS after it, also when the file shrinks under a
// mapping), and how long a mapping keeps its file (past close and unlink).

import { afterAll, describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import {
  childStatus, err, FORK, hostBytes, hostText, info, load, loadb, mmap, onSignal, open, pattern, presentMask, runFiles,
  sc, scs, show, storeText, str, WAIT, writeText,
} from "../helpers/files.js";
import { removeRoots, tempRoot } from "../helpers/roots.js";
import { PI } from "./mm-syscalls.helpers.js";
import { SIGBUS } from "../helpers/signal.js";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

afterAll(removeRoots);

const EACCES = 13, ENODEV = 19, EOVERFLOW = 75, EINVAL = 22, EBADF = 9;
const CLD_KILLED = 2;

describe("who may map a file", () => {
  it("PROT_WRITE|MAP_SHARED needs a writable fd (EACCES); MAP_PRIVATE does not; O_WRONLY maps nothing", () => {
    const root = tempRoot({ data: "abcd" });
    const { out, r } = runFiles(`${open("data", "O_RDONLY")}  mv s0, a0
${open("data", "O_WRONLY")}  mv s2, a0
${scs("SYS_MMAP2", 0, 4096, "PROT_RW", "MAP_SHARED", "s0", 0)}
${sc("SYS_MMAP2", 0, 4096, "PROT_READ", "MAP_SHARED", "s0", 0)}  mv s1, a0
${scs("SYS_MPROTECT", "s1", 4096, "PROT_RW")}
${sc("SYS_MMAP2", 0, 4096, "PROT_RW", "MAP_PRIVATE", "s0", 0)}  mv s3, a0
${storeText("s3", "Z")}${loadb("s3")}${show}${loadb("s1")}${show}
${scs("SYS_MMAP2", 0, 4096, "PROT_READ", "MAP_PRIVATE", "s2", 0)}
${scs("SYS_MMAP2", 0, 4096, "PROT_READ", "MAP_SHARED", "s2", 0)}
${scs("SYS_MMAP2", 0, 4096, "PROT_READ", "MAP_SHARED", 99, 0)}`, { root });
    expect(out).toEqual([err(EACCES), err(EACCES), "Z".charCodeAt(0), "a".charCodeAt(0), err(EACCES), err(EACCES), err(EBADF)]);
    expect(r.status).toBe(0);
    expect(hostText(root, "data")).toBe("abcd");
  });

  it("a directory or a /proc file cannot be mapped: ENODEV", () => {
    const root = tempRoot({ "dir/f": "x" });
    const { out } = runFiles(`${open("dir", "O_RDONLY | O_DIRECTORY")}  mv s0, a0
${scs("SYS_MMAP2", 0, 4096, "PROT_READ", "MAP_PRIVATE", "s0", 0)}
${scs("SYS_MMAP2", 0, 4096, "PROT_READ", "MAP_SHARED", "s0", 0)}
${sc("SYS_OPENAT", "AT_FDCWD", `&${str("/proc/meminfo")}`, "O_RDONLY", 0)}  mv s0, a0
${scs("SYS_MMAP2", 0, 4096, "PROT_READ", "MAP_PRIVATE", "s0", 0)}
${scs("SYS_MMAP2", 0, 4096, "PROT_RW", "MAP_SHARED", "s0", 0)}`, { root });
    expect(out).toEqual([err(ENODEV), err(ENODEV), err(ENODEV), err(EACCES)]); // EACCES is checked first
  });

  it("takes any page offset mmap2 can express (4 GiB and more), EOVERFLOW when offset + length wraps", () => {
    const root = tempRoot({ data: "abcd" });
    const { out, r } = runFiles(`${open("data", "O_RDONLY")}  mv s0, a0
${mmap(0, 4096, "PROT_READ", "MAP_SHARED", "s0", 0x100000)}  mv s1, a0
  srli a0, a0, 12
  snez a0, a0
${show}${sc("SYS_OPENAT", "AT_FDCWD", `&${str("/proc/self/maps")}`, "O_RDONLY", 0)}  mv s2, a0
${sc("SYS_READ", "s2", "&buf", 4096)}  mv a2, a0
  li a0, 1
  la a1, buf
  li a7, 64
  ecall
${scs("SYS_MMAP2", 0, 4096, "PROT_READ", "MAP_SHARED", "s0", 0xfffffffe)}
${scs("SYS_MMAP2", 0, 8192, "PROT_READ", "MAP_SHARED", "s0", 0xffffffff)}
${scs("SYS_MMAP2", 0, 0, "PROT_READ", "MAP_SHARED", "s0", 0)}`, { root });
    expect(out.slice(0, 1)).toEqual([1]);
    expect(out.slice(1, 2)[0]! >>> 12).not.toBe(0); // pgoff 0xfffffffe, one page: fits
    expect(out.slice(2)).toEqual([err(EOVERFLOW), err(EINVAL)]);
    expect(r.stdout).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8} r--s 100000000 00:1e \d+ +\/data$/m);
  });
});

describe("fault-around", () => {
  it("a read fault maps the cached pages of its 64 KiB window too (within the VMA and the file), nothing uncached", () => {
    const root = tempRoot({ data: pattern(20 * 4096 - 100) });
    // Cache pages 0-7 and 12 with pread; map all 20 pages at a 64 KiB boundary; read page 3, then
    // page 17 (window 16-31, cut to the VMA's 20 pages; none cached), then store to page 5.
    const { out } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${sc("SYS_PREAD64", "s0", "&buf", 8 * 4096, 0, 0)}${sc("SYS_PREAD64", "s0", "&buf", 4096, 12 * 4096, 0)}
${mmap(0x40000000, 20 * 4096, "PROT_RW", "MAP_SHARED | MAP_FIXED", "s0")}  mv s1, a0
${load("s1 + 12288")}${presentMask("s1", 20)}
${load("s1 + 69632")}${presentMask("s1", 20)}
${info("s1 + 20480", 1)}${storeText("s1 + 20480", "w")}${info("s1 + 20480", 1)}`, { root });
    expect(out[0]).toBe(0b1_0000_1111_1111); // pages 0-7 and 12
    expect(out[1]).toBe(0b10_0001_0000_1111_1111); // and page 17, read in for its own fault
    expect(out[2]! & (PI.PRESENT | PI.WRITE)).toBe(PI.PRESENT); // prefaulted read-only (writenotify)
    expect(out[3]! & (PI.PRESENT | PI.WRITE | PI.DIRTY)).toBe(PI.PRESENT | PI.WRITE | PI.DIRTY);
    expect(hostBytes(root, "data")![20480]).toBe("w".charCodeAt(0));
  });

  it("stops at the VMA: a one-page mapping of a cached file maps one page", () => {
    const root = tempRoot({ data: pattern(8 * 4096) });
    const { out } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${sc("SYS_READ", "s0", "&buf", 8 * 4096)}
${mmap(0x40000000, 8 * 4096, "PROT_READ", "MAP_PRIVATE | MAP_FIXED", "s0")}  mv s1, a0
${sc("SYS_MUNMAP", "s1 + 8192", 4096)}
${load("s1")}${presentMask("s1", 8)}`, { root });
    expect(out).toEqual([0b11]); // pages 0 and 1; the VMA after the hole is not touched
  });
});

describe("mincore on a file mapping", () => {
  it("reports the pages the page cache holds, though this mapping never touched them (Linux's mincore_page)", () => {
    // read() brings pages 0 and 1 into the page cache; the mapping of pages 0-3 faults nothing in.
    const root = tempRoot({ data: pattern(4 * 4096) });
    const { out } = runFiles(`${open("data", "O_RDONLY")}  mv s0, a0
${sc("SYS_READ", "s0", "&buf", 2 * 4096)}
${mmap(0x40000000, 4 * 4096, "PROT_READ", "MAP_PRIVATE", "s0")}  mv s1, a0
${sc(232, "s1", 4 * 4096, "&buf")}${show}  la t0, buf
  lw a0, 0(t0)
${show}`, { root });
    expect(out).toEqual([0, 0x00000101]); // bytes 1, 1, 0, 0
  });
});

/** A SIGBUS handler that prints si_signo, si_code and si_addr - s1, then exits 0. */
const BUS_HANDLER = `  j 1f
on_bus:
  mv s9, a1
  lw a0, 0(s9)
${show}  lw a0, 8(s9)
${show}  lw a0, 12(s9)
  sub a0, a0, s1
${show}  li a0, 0
  call sys_exit
1:
`;

describe("past the end of the file", () => {
  it("the rest of the last page reads zero; the next page is SIGBUS (BUS_ADRERR, si_addr the address)", () => {
    const root = tempRoot({ data: pattern(5000) });
    const { out, r } = runFiles(`${BUS_HANDLER}${onSignal(SIGBUS, "on_bus")}${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 12288, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${loadb("s1 + 4999")}${show}${loadb("s1 + 5000")}${show}${loadb("s1 + 8191")}${show}
${storeText("s1 + 6000", "beyond")}
  li t0, 8200
  add t0, s1, t0
  lb a0, 0(t0)
${show}`, { root });
    expect(out).toEqual([pattern(5000)[4999], 0, 0, SIGBUS, 2, 8200]);
    expect(r.status).toBe(0);
    expect(hostText(root, "data")!.length).toBe(5000); // a store past EOF does not grow the file
  });

  it("a store past EOF in the last page is not written back, and neither is the page past it", () => {
    const root = tempRoot({ data: "short" });
    const { out } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 4096, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${storeText("s1 + 3", "RT and long")}${scs("SYS_MSYNC", "s1", 4096, "MS_SYNC")}
${loadb("s1 + 10")}${show}`, { root });
    expect(out).toEqual([0, "l".charCodeAt(0)]); // the page cache keeps the bytes; the file ends at 5
    expect(hostText(root, "data")).toBe("shoRT");
  });

  it("truncation (O_TRUNC) under a mapping makes its pages SIGBUS; growing the file brings them back as zeros", () => {
    const root = tempRoot({ data: pattern(8192) });
    // The child touches the mapping after the parent truncated: SIGBUS. The parent then grows the
    // file by writing at 8191 and reads page 0 (zeros now) and page 1's last byte.
    const { out, r } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 8192, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${loadb("s1 + 4096")}${show}
${open("data", "O_RDWR | O_TRUNC")}  mv s2, a0
${FORK}  bnez a0, 2f
${load("s1")}
  li a0, 0
  call sys_exit
2:
${WAIT}${childStatus}${show}
${sc("SYS_LLSEEK", "s2", 0, 8191, "&buf", 0)}${writeText("s2", "!")}
${loadb("s1")}${show}${loadb("s1 + 8191")}${show}`, { root });
    expect(out).toEqual([pattern(8192)[4096], (CLD_KILLED << 8) | SIGBUS, 0, "!".charCodeAt(0)]);
    expect(r.status).toBe(0);
    const host = hostText(root, "data")!;
    expect(host.length).toBe(8192);
    expect(host.slice(0, 8191)).toBe("\0".repeat(8191));
  });

  it("ftruncate to the middle of a page: the tail reads zero at once, the pages after it are SIGBUS", () => {
    const root = tempRoot({ data: pattern(12288) });
    const { out } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 12288, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${load("s1 + 8192")}${storeText("s1 + 4000", "dirty")}
${scs("SYS_FTRUNCATE64", "s0", 4002, 0)}
${loadb("s1 + 4001")}${show}${loadb("s1 + 4002")}${show}
${FORK}  bnez a0, 2f
${load("s1 + 8192")}
  li a0, 0
  call sys_exit
2:
${WAIT}${childStatus}${show}`, { root });
    expect(out).toEqual([0, "i".charCodeAt(0), 0, (CLD_KILLED << 8) | SIGBUS]);
    const host = hostText(root, "data")!;
    expect(host.length).toBe(4002);
    expect(host.slice(4000)).toBe("di");
  });
});

describe("VMAs that change keep finding their pages (i_mmap)", () => {
  it("a split (munmap in the middle) still loses its pages to a truncation: SIGBUS in both halves", () => {
    const root = tempRoot({ data: pattern(12288) });
    const { out, r } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 12288, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${load("s1")}${load("s1 + 8192")}${sc("SYS_MUNMAP", "s1 + 4096", 4096)}
${scs("SYS_FTRUNCATE64", "s0", 0, 0)}
${FORK}  bnez a0, 2f
${load("s1 + 8192")}
  li a0, 0
  call sys_exit
2:
${WAIT}${childStatus}${show}
${FORK}  bnez a0, 3f
${load("s1")}
  li a0, 0
  call sys_exit
3:
${WAIT}${childStatus}${show}`, { root });
    expect(out).toEqual([0, (CLD_KILLED << 8) | SIGBUS, (CLD_KILLED << 8) | SIGBUS]);
    expect(r.status).toBe(0);
    expect(hostText(root, "data")).toBe("");
  });

  it("mremap moves and grows a shared file mapping: stores through the new range reach the file", () => {
    const root = tempRoot({ data: "a".repeat(8192) });
    const { out } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 4096, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${storeText("s1", "0")}${sc(216, "s1", 4096, 8192, 1, 0)}  mv s1, a0
${storeText("s1 + 4096", "1")}${loadb("s1")}${show}${scs("SYS_MSYNC", "s1", 8192, "MS_SYNC")}`, { root });
    expect(out).toEqual(["0".charCodeAt(0), 0]);
    const host = hostText(root, "data")!;
    expect([host[0], host[1], host[4096], host[4097]]).toEqual(["0", "a", "1", "a"]);
  });

  it("mprotect from read-only to read-write: the first store still dirties the page (writenotify)", () => {
    const root = tempRoot({ data: "read-only first" });
    const { out } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 4096, "PROT_READ", "MAP_SHARED", "s0")}  mv s1, a0
${loadb("s1")}${scs("SYS_MPROTECT", "s1", 4096, "PROT_RW")}${info("s1", 1)}
${storeText("s1", "R")}${info("s1", 1)}${scs("SYS_MPROTECT", "s1", 4096, "PROT_READ")}${sc("SYS_MUNMAP", "s1", 4096)}`, { root });
    expect(out[1]! & (PI.PRESENT | PI.WRITE)).toBe(PI.PRESENT); // writable VMA, read-only PTE
    expect(out[2]! & (PI.WRITE | PI.DIRTY)).toBe(PI.WRITE | PI.DIRTY);
    expect(hostText(root, "data")).toBe("Read-only first");
  });
});

describe("a mapping holds its file", () => {
  it("past close(): the data stays readable and writable through the mapping, and reaches the file", () => {
    const root = tempRoot({ data: "closed file" });
    const { out } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 4096, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${sc("SYS_CLOSE", "s0")}
${loadb("s1 + 7")}${show}${storeText("s1", "C")}`, { root });
    expect(out).toEqual(["f".charCodeAt(0)]);
    expect(hostText(root, "data")).toBe("Closed file");
  });

  it("past unlink(): still readable and writable through the mapping, and the name does not come back", () => {
    const root = tempRoot({ data: "unlinked", other: "x" });
    const { out, r } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 4096, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${sc("SYS_CLOSE", "s0")}
${scs("SYS_UNLINKAT", "AT_FDCWD", `&${str("data")}`, 0)}
${open("data", "O_RDONLY")}${show}
${storeText("s1", "UN")}${loadb("s1 + 1")}${show}${loadb("s1 + 2")}${show}
${scs("SYS_MSYNC", "s1", 4096, "MS_SYNC")}
${sc("SYS_MUNMAP", "s1", 4096)}${show}`, { root });
    // unlink 0; the name is gone (ENOENT); the mapping reads its store and the old bytes; msync and
    // munmap succeed (the unlinked file takes the writeback, as Linux's does).
    expect(out).toEqual([0, err(2), "N".charCodeAt(0), "l".charCodeAt(0), 0, 0]);
    expect(existsSync(join(root, "data"))).toBe(false);
    expect(readdirSync(root).sort()).toEqual(["other"]);
    expect(r.status).toBe(0);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages); // the inode and its page went with the munmap
  });
});
