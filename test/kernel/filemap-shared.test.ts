// File mappings and the page cache are one: a store through MAP_SHARED is the file's data at once
// (read() sees it, msync(MS_SYNC) puts it on the host, munmap and exit leave it for writeback), a
// MAP_PRIVATE store is the process's own copy, and what write() put in the cache a mapping sees.

import { afterAll, describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import type { Kernel } from "../../kernel/kernel.js";
import {
  catFile, childStatus, err, FORK, hostBytes, hostText, load, loadb, mmap, open, pattern, runFiles, sc, scs, show,
  store, storeText, str, WAIT, writeText,
} from "../helpers/files.js";
import { removeRoots, tempRoot } from "../helpers/roots.js";
import { field } from "../helpers/proc.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";

afterAll(removeRoots);

/** A setup hook recording the host file `name` each time the device is asked to fsync (msync, fsync). */
function snapshotsAtFsync(root: string, name: string): { setup: (k: Kernel) => void; seen: string[] } {
  const seen: string[] = [];
  const setup = (k: Kernel): void => {
    const dev = k.machine.hostdir!;
    const fsync = dev.fsync.bind(dev);
    dev.fsync = (h: number): number => {
      seen.push(readFileSync(join(root, name), "latin1"));
      return fsync(h);
    };
  };
  return { setup, seen };
}

describe("MAP_SHARED", () => {
  it("a store is the file's data at once: read() sees it, and after munmap the host file has it", () => {
    const root = tempRoot({ data: "abcdefgh" });
    const { out, r } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 4096, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${storeText("s1", "XY")}${sc("SYS_MUNMAP", "s1", 4096)}${show}
${sc("SYS_READ", "s0", "&buf", 100)}${show}
  la t0, buf
  lbu a0, 0(t0)
${show}  la t0, buf
  lbu a0, 2(t0)
${show}`, { root });
    expect(out).toEqual([0, 8, "X".charCodeAt(0), "c".charCodeAt(0)]);
    expect(r.status).toBe(0);
    expect(hostText(root, "data")).toBe("XYcdefgh"); // written back at shutdown; the size stays 8
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("msync(MS_SYNC) puts the mapping's dirty pages on the host before it returns", () => {
    const root = tempRoot({ data: "0123456789" });
    const { setup, seen } = snapshotsAtFsync(root, "data");
    const { out } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 4096, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${storeText("s1 + 4", "ab")}${scs("SYS_MSYNC", "s1", 4096, "MS_SYNC")}
${storeText("s1 + 6", "cd")}${scs("SYS_MSYNC", "s1", 4096, "MS_SYNC")}`, { root, setup });
    expect(out).toEqual([0, 0]);
    expect(seen).toEqual(["0123ab6789", "0123abcd89"]); // each msync's writes, on the host at its end
  });

  it("MS_ASYNC writes nothing (Linux 5.15), and the data reaches the host at shutdown anyway", () => {
    const root = tempRoot({ data: "0123456789" });
    let writes = 0;
    const setup = (k: Kernel): void => {
      const dev = k.machine.hostdir!;
      const write = dev.write.bind(dev);
      dev.write = (h: number, pos: number, src: Uint8Array): number => {
        writes++;
        return write(h, pos, src);
      };
    };
    const { out } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 4096, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${storeText("s1", "zz")}${scs("SYS_MSYNC", "s1", 4096, "MS_ASYNC")}
${scs("SYS_MSYNC", "s1", 4096, "MS_INVALIDATE")}`, { root, setup });
    expect(out).toEqual([0, 0]);
    expect(writes).toBe(1); // one page, at shutdown's sync
    expect(hostText(root, "data")).toBe("zz23456789");
  });

  it("maps the same frame in every process and every mapping: page_info shows one pfn", () => {
    const root = tempRoot({ data: pattern(8192) });
    const { out } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 8192, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${mmap(0, 4096, "PROT_READ", "MAP_SHARED", "s0", 1)}  mv s2, a0
${load("s1 + 4096")}${load("s2")}
${sc("SYS_PAGE_INFO", "s1 + 4096", "&pi")}  la t0, pi
  lw s3, 0(t0)
  lw a0, 8(t0)
${show}${sc("SYS_PAGE_INFO", "s2", "&pi")}  la t0, pi
  lw a0, 0(t0)
  sub a0, a0, s3
${show}`, { root });
    expect(out).toEqual([2, 0]); // mapcount 2, and the same pfn
  });
});

/** statx("data") and print stx_mtime's tv_nsec (offset 120): simulated time is in nanoseconds. */
const MTIME = `${sc(291, "AT_FDCWD", `&${str("data")}`, 0, 0x7ff, "&buf")}  la t0, buf\n  lw a0, 120(t0)\n  lw t1, 112(t0)\n  xor a0, a0, t1\n  call show\n`;

describe("file times", () => {
  it("the first store through a shared mapping changes mtime (filemap_page_mkwrite); loads do not", () => {
    const root = tempRoot({ data: "times" });
    const { out } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 4096, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${MTIME}${loadb("s1")}${MTIME}${storeText("s1", "T")}${MTIME}`, { root });
    expect(out[0]).toBe(out[1]); // a load leaves the times alone
    expect(out[2]).not.toBe(out[1]);
  });
});

describe("MAP_SHARED at an offset", () => {
  it("stores land at the mapped file offset; msync writes only the pages of its range", () => {
    const root = tempRoot({ data: "-".repeat(5 * 4096) });
    const { setup, seen } = snapshotsAtFsync(root, "data");
    // Map file pages 1-4 (pgoff 1), dirty file pages 1 and 3, msync the first mapped page only.
    const { out, r } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 4 * 4096, "PROT_RW", "MAP_SHARED", "s0", 1)}  mv s1, a0
${storeText("s1", "one")}${storeText("s1 + 8192", "three")}
${scs("SYS_MSYNC", "s1", 4096, "MS_SYNC")}
${catFile("/proc/meminfo")}`, { root, setup });
    expect(out).toEqual([0]);
    expect(seen).toHaveLength(2); // msync's, and shutdown's sync of the page still dirty
    expect(seen[0]!.slice(4096, 4099)).toBe("one");
    expect(seen[0]!.slice(3 * 4096, 3 * 4096 + 5)).toBe("-----"); // not in msync's range: still dirty
    expect(field(r.stdout, "Dirty")).toBe(4);
    const host = hostText(root, "data")!;
    expect([host.slice(4096, 4099), host.slice(3 * 4096, 3 * 4096 + 5)]).toEqual(["one", "three"]);
  });
});

describe("MAP_PRIVATE", () => {
  it("a store is the process's own copy: the mapping reads it back, read() and the host file never see it", () => {
    const root = tempRoot({ data: "abcdefgh" });
    const { out, r } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 4096, "PROT_RW", "MAP_PRIVATE", "s0")}  mv s1, a0
${storeText("s1", "PQ")}${loadb("s1")}${show}
${scs("SYS_MSYNC", "s1", 4096, "MS_SYNC")}
${sc("SYS_READ", "s0", "&buf", 100)}  la t0, buf
  lbu a0, 0(t0)
${show}`, { root });
    expect(out).toEqual(["P".charCodeAt(0), 0, "a".charCodeAt(0)]);
    expect(r.status).toBe(0);
    expect(hostText(root, "data")).toBe("abcdefgh");
  });

  it("loses its copies to a truncation like any mapping of the file: SIGBUS (Linux zaps even COW pages)", () => {
    const root = tempRoot({ data: pattern(8192) });
    const { out } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 8192, "PROT_RW", "MAP_PRIVATE", "s0")}  mv s1, a0
${storeText("s1 + 4096", "mine")}${scs("SYS_FTRUNCATE64", "s0", 4096, 0)}
${FORK}  bnez a0, 2f
${load("s1 + 4096")}
  li a0, 0
  call sys_exit
2:
${WAIT}${childStatus}${show}${loadb("s1")}${show}`, { root });
    expect(out).toEqual([0, (2 << 8) | 7, pattern(1)[0]]); // CLD_KILLED by SIGBUS; page 0 unharmed
  });

  it("sees write()s to pages it has not copied yet (they are the page cache's), and not after its copy", () => {
    const root = tempRoot({ data: pattern(8192) });
    // Map two pages privately, read both; write() changes byte 0 of each page; then the process
    // stores into page 1 only (its copy), and write() changes page 1 again.
    const { out } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 8192, "PROT_RW", "MAP_PRIVATE", "s0")}  mv s1, a0
${load("s1")}${load("s1 + 4096")}
${writeText("s0", "A")}${sc("SYS_LLSEEK", "s0", 0, 4096, "&buf", 0)}${writeText("s0", "B")}
${loadb("s1")}${show}${loadb("s1 + 4096")}${show}
${storeText("s1 + 4097", "c")}${sc("SYS_LLSEEK", "s0", 0, 4096, "&buf", 0)}${writeText("s0", "D")}
${loadb("s1 + 4096")}${show}`, { root });
    expect(out).toEqual(["A".charCodeAt(0), "B".charCodeAt(0), "B".charCodeAt(0)]);
    const host = hostBytes(root, "data")!;
    expect([host[0], host[4096], host[4097]]).toEqual(["A".charCodeAt(0), "D".charCodeAt(0), pattern(8192)[4097]]);
  });
});

describe("write() and read() meet mappings in the page cache", () => {
  it("a mapping made after write() sees the written bytes, before any writeback", () => {
    const root = tempRoot({});
    const { out } = runFiles(`${open("new", "O_RDWR | O_CREAT")}  mv s0, a0
${writeText("s0", "hello, page cache")}${show}
${mmap(0, 4096, "PROT_READ", "MAP_SHARED", "s0")}  mv s1, a0
${loadb("s1 + 7")}${show}${loadb("s1 + 17")}${show}`, { root });
    expect(out).toEqual([17, "p".charCodeAt(0), 0]); // past EOF in the last page: zero
    expect(hostText(root, "new")).toBe("hello, page cache");
  });

  it("a write() into a MAP_SHARED mapping of another file copies through both page caches", () => {
    const root = tempRoot({ src: "source!", dst: "........" });
    const { out } = runFiles(`${open("src", "O_RDONLY")}  mv s0, a0
${open("dst", "O_RDWR")}  mv s2, a0
${mmap(0, 4096, "PROT_RW", "MAP_SHARED", "s2")}  mv s1, a0
${sc("SYS_READ", "s0", "s1", 7)}${show}`, { root });
    expect(out).toEqual([7]);
    expect(hostText(root, "dst")).toBe("source!.");
  });
});

describe("msync's checks, in Linux's order", () => {
  const body = (tail: string): string => `${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 12288, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${tail}`;

  it("EINVAL for unknown flags, an unaligned start, MS_ASYNC with MS_SYNC; 0 for length 0", () => {
    const root = tempRoot({ data: pattern(12288) });
    const { out } = runFiles(body(`${scs("SYS_MSYNC", "s1", 4096, 8)}${scs("SYS_MSYNC", "s1 + 1", 4096, "MS_SYNC")}
${scs("SYS_MSYNC", "s1", 4096, "MS_SYNC | MS_ASYNC")}${scs("SYS_MSYNC", "s1", 0, "MS_SYNC")}
${scs("SYS_MSYNC", "s1", 1, "MS_SYNC")}${scs("SYS_MSYNC", "s1", 4096, "MS_SYNC | MS_INVALIDATE")}`), { root });
    expect(out).toEqual([err(22), err(22), err(22), 0, 0, 0]);
  });

  it("ENOMEM for a hole, after syncing the mapped parts around it; plain MS_ASYNC stops at the hole", () => {
    const root = tempRoot({ data: "x".repeat(12288) });
    const { setup, seen } = snapshotsAtFsync(root, "data");
    // Punch a hole at the middle page, dirty both ends, msync across the hole.
    const { out } = runFiles(body(`${sc("SYS_MUNMAP", "s1 + 4096", 4096)}
${storeText("s1", "A")}${storeText("s1 + 8192", "C")}
${scs("SYS_MSYNC", "s1", 12288, "MS_ASYNC")}${scs("SYS_MSYNC", "s1", 12288, "MS_SYNC")}
${scs("SYS_MSYNC", "s1 + 4096", 4096, "MS_SYNC")}${scs("SYS_MSYNC", "s1", 12288, "MS_INVALIDATE")}`), { root, setup });
    expect(out).toEqual([err(12), err(12), err(12), err(12)]);
    expect(seen).toHaveLength(2); // the two VMAs either side of the hole, each synced
    expect(seen[1]!.slice(0, 1) + seen[1]!.slice(8192, 8193)).toBe("AC");
  });

  it("EBUSY for MS_INVALIDATE on mlocked memory; MS_SYNC there is fine", () => {
    const root = tempRoot({ data: pattern(12288) });
    const { out } = runFiles(body(`${scs("SYS_MLOCK", "s1", 4096)}${scs("SYS_MSYNC", "s1", 8192, "MS_INVALIDATE")}
${scs("SYS_MSYNC", "s1 + 4096", 4096, "MS_INVALIDATE")}${scs("SYS_MSYNC", "s1", 8192, "MS_SYNC")}`), { root });
    expect(out).toEqual([0, err(16), 0, 0]);
  });

  it("anonymous and private memory have nothing to sync: 0", () => {
    const root = tempRoot({ data: pattern(4096) });
    const { out } = runFiles(`${mmap(0, 4096, "PROT_RW", "MAP_SHARED | MAP_ANONYMOUS", -1)}  mv s1, a0
${store("s1", 1)}${scs("SYS_MSYNC", "s1", 4096, "MS_SYNC")}
${mmap(0, 4096, "PROT_RW", "MAP_PRIVATE | MAP_ANONYMOUS", -1)}  mv s1, a0
${store("s1", 1)}${scs("SYS_MSYNC", "s1", 4096, "MS_SYNC")}`, { root });
    expect(out).toEqual([0, 0]);
  });

  it("EIO when writeback fails, reported once", () => {
    const root = tempRoot({ data: "0123456789" });
    const setup = (k: Kernel): void => {
      k.machine.hostdir!.write = (): number => -5; // the device fails every write
    };
    const { out } = runFiles(body(`${storeText("s1", "E")}${scs("SYS_MSYNC", "s1", 4096, "MS_SYNC")}
${scs("SYS_MSYNC", "s1", 4096, "MS_SYNC")}`), { root, setup, check: true });
    expect(out).toEqual([err(5), 0]);
    expect(hostText(root, "data")).toBe("0123456789"); // the failed page was dropped as clean, as Linux does
  });
});
