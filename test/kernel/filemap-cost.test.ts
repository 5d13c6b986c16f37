// What the page cache costs in simulated time: read() copies every byte from the cache into the
// caller's buffer (COST.copyPage per page), a mapping reads the cached frames themselves and pays a
// minor fault per page instead; a page that is not cached yet costs the device's time either way.

import { afterAll, describe, expect, it } from "vitest";
import { mmap, open, pattern, runFiles, sc, show } from "../helpers/files.js";
import { removeRoots, tempRoot } from "../helpers/roots.js";

afterAll(removeRoots);

const SIZE = 65536; // 16 pages
const PAGES = SIZE / 4096;

/** Sum the SIZE / 4 words at a0 into a0 (clobbers t0-t2). */
const SUM = `  li t1, ${SIZE}
  add t1, a0, t1
  mv t0, a0
  li a0, 0
1: lw t2, 0(t0)
  add a0, a0, t2
  addi t0, t0, 4
  bne t0, t1, 1b
`;

/** Open "data" and read it once (so it is cached, and buf's pages are present), then `timed`. */
const warm = (timed: string): string => `${open("data")}  mv s0, a0
${sc("SYS_READ", "s0", "&buf", SIZE)}
${timed}`;

/** The cycles `code` takes (rdcycle before and after), then the sum it left in a0. */
const cycles = (code: string): string => `  rdcycle s5\n${code}  mv s7, a0\n  rdcycle s6\n  sub a0, s6, s5\n${show}  mv a0, s7\n${show}`;

describe("summing a cached file", () => {
  it("costs more through read() (a copy per page) than through mmap (a minor fault per page)", () => {
    const root = tempRoot({ data: pattern(SIZE) });
    const viaRead = runFiles(warm(cycles(`${sc("SYS_LLSEEK", "s0", 0, 0, "&siginfo", 0)}${sc("SYS_READ", "s0", "&buf", SIZE)}  la a0, buf\n${SUM}`)), { root });
    const viaMmap = runFiles(warm(cycles(`${mmap(0, SIZE, "PROT_READ", "MAP_SHARED", "s0")}${SUM}`)), { root });
    const viaPopulate = runFiles(warm(cycles(`${mmap(0, SIZE, "PROT_READ", "MAP_SHARED | MAP_POPULATE", "s0")}${SUM}`)), { root });
    const [readCycles, readSum] = viaRead.out;
    const [mmapCycles, mmapSum] = viaMmap.out;
    const [populateCycles, populateSum] = viaPopulate.out;
    expect(mmapSum).toBe(readSum); // the same bytes
    expect(populateSum).toBe(readSum);
    // The copy is COST.copyPage = 800 cycles a page; a minor fault is a trap (100) and a few hundred
    // instructions of kernel time at most. Margins, not exact numbers:
    expect(readCycles! - mmapCycles!).toBeGreaterThan(PAGES * 300);
    expect(readCycles! / mmapCycles!).toBeGreaterThan(1.05);
    expect(populateCycles!).toBeLessThan(readCycles!); // MAP_POPULATE maps it all in one call
  });

  it("costs the device's time for pages that are not cached, whichever way it is read", () => {
    const root = tempRoot({ data: pattern(SIZE) });
    const cold = runFiles(`${open("data")}  mv s0, a0
${cycles(`${mmap(0, SIZE, "PROT_READ", "MAP_SHARED", "s0")}${SUM}`)}`, { root });
    const warmed = runFiles(warm(cycles(`${mmap(0, SIZE, "PROT_READ", "MAP_SHARED", "s0")}${SUM}`)), { root });
    // 16 major faults at COST.filePage (100 000 cycles) each.
    expect(cold.out[0]! - warmed.out[0]!).toBeGreaterThan(PAGES * 90_000);
    expect(cold.out[1]).toBe(warmed.out[1]);
  });
});
