// File pages under reclaim (pageout_one through vmos_pageout): they never go to swap. A dirty page of
// a shared mapping is written back to its file first; a clean one is simply dropped; either way the
// next access reads it from the file again (a major fault).

import { afterAll, describe, expect, it } from "vitest";
import { page_cache_stats } from "../../kernel/mm/filemap.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { hostText, info, load, loadb, mmap, open, runFiles, sc, show, storeText } from "../helpers/files.js";
import { removeRoots, tempRoot } from "../helpers/roots.js";
import { PI } from "./swap-helpers.js";

afterAll(removeRoots);

const PAGEOUT = 1025;

describe("a file page", () => {
  it("of a shared mapping, written, is written back to its file, dropped, and read again", () => {
    const program = (pageout: boolean): string => `${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 4096, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${storeText("s1", "XY")}${pageout ? sc(PAGEOUT, "s1") : "  li a0, 0\n"}${show}${info("s1", 1)}
${sc("SYS_PREAD64", "s0", "&buf", 8, 0, 0)}${show}  la t0, buf\n  lbu a0, 1(t0)\n${show}
${loadb("s1 + 1")}${show}`;
    const root = tempRoot({ data: "abcdefgh" });
    const { out, r } = runFiles(program(true), { root, swap: 1 << 20 });
    const [ret, flags, n, readByte, mappedByte] = out;
    expect(ret).toBe(0);
    expect(flags! & (PI.PRESENT | PI.SWAP)).toBe(0); // no swap entry: the file is where it is
    expect(n).toBe(8);
    expect([readByte, mappedByte]).toEqual(["Y".charCodeAt(0), "Y".charCodeAt(0)]); // read() re-read the file
    expect(r.kernel.vm_events.pswpout).toBe(0);
    expect(hostText(root, "data")).toBe("XYcdefgh");
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
    // The page was read from the file once more than without the pageout (pgpgin counts KiB).
    const { r: without } = runFiles(program(false), { root: tempRoot({ data: "abcdefgh" }), swap: 1 << 20 });
    expect(page_cache_stats(r.kernel).pgpgin).toBe(page_cache_stats(without.kernel).pgpgin + 4);
  });

  it("of a private mapping, only read, is dropped without a write, and faults in again", () => {
    const root = tempRoot({ data: "abcdefgh" });
    const { out, r } = runFiles(`${open("data", "O_RDONLY")}  mv s0, a0
${mmap(0, 4096, "PROT_READ", "MAP_PRIVATE", "s0")}  mv s1, a0
${load("s1")}${sc(PAGEOUT, "s1")}${show}${load("s1")}${show}`, { root });
    expect(out).toEqual([0, 0x64636261]);
    expect(r.init.maj_flt).toBe(2); // read from the file twice
    expect(r.kernel.vm_events.pswpout).toBe(0);
  });
});
