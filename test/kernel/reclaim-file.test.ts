// Reclaim of page-cache pages: with no swap, anonymous memory cannot leave, so a program that needs it
// takes the frames of file pages. A clean one is simply dropped (it is unmapped from every process
// first) and read again by the next fault; a dirty one is written to its file before its frame is
// used for anything else, so what the next fault reads back is what was written.

import { afterAll, describe, expect, it } from "vitest";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { catFile, hostBytes, mark, mmap, open, pattern, runFiles, sc, sections, show } from "../helpers/files.js";
import { field } from "../helpers/proc.js";
import { removeRoots, tempRoot } from "../helpers/roots.js";

afterAll(removeRoots);

const PAGES = 150;

/** a0 = the sum of the first word of each of `pages` pages from s1. Clobbers t0-t2. */
const sumFirstWords = (pages: number): string => `  mv t0, s1
  li t1, ${pages}
  li a0, 0
1: lw t2, 0(t0)
  add a0, a0, t2
  li t2, 4096
  add t0, t0, t2
  addi t1, t1, -1
  bnez t1, 1b
`;

/** Map 200 anonymous pages and write each: more than the machine has left. Clobbers s2, t0-t2. */
const pressure = `${mmap(0, 200 * 4096, "PROT_RW", "MAP_PRIVATE | MAP_ANONYMOUS", -1)}  mv s2, a0
  mv t0, s2
  li t1, 200
1: sw t1, 0(t0)
  li t2, 4096
  add t0, t0, t2
  addi t1, t1, -1
  bnez t1, 1b
`;

/** 1 MiB of RAM, no swap. */
const SMALL = { mem: 1 << 20 };

describe("reclaim of file pages", () => {
  it("drops clean file pages, unmapping them first, and a later access reads them again from the file", () => {
    const data = pattern(PAGES * 4096, 3);
    const root = tempRoot({ data });
    const { r, out } = runFiles(`${open("data")}  mv s0, a0
${mmap(0, PAGES * 4096, "PROT_READ", "MAP_SHARED", "s0")}  mv s1, a0
${sumFirstWords(PAGES)}${show}${mark("before")}${catFile("/proc/vmstat")}${pressure}${mark("pressed")}${catFile("/proc/vmstat")}
${sumFirstWords(PAGES)}${show}${mark("after")}${catFile("/proc/vmstat")}${mark("end")}`, { root, ...SMALL });
    const words = new DataView(data.buffer);
    let sum = 0;
    for (let i = 0; i < PAGES; i++) sum = (sum + words.getUint32(i * 4096, true)) >>> 0;
    expect(out).toEqual([sum, sum]);
    const s = sections(r.stdout);
    const d = (from: string, to: string, name: string): number => field(s[to]!, name) - field(s[from]!, name);
    expect(d("before", "pressed", "pgsteal_file")).toBeGreaterThan(50); // the pressure took file pages
    expect(d("before", "pressed", "pgsteal_anon")).toBe(0); // and no anonymous one: no swap
    expect(d("before", "pressed", "nr_vmscan_write")).toBe(0); // clean: nothing to write
    expect(d("pressed", "after", "pgmajfault")).toBeGreaterThan(50); // read again from the file
    expect(r.status).toBe(0);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("writes dirty file pages to their file before their frames are reused: a later access reads what was written", () => {
    const root = tempRoot({});
    // Write the page number into the first word of each page of a shared mapping of a new file; make
    // memory short; read the words back through the mapping (refaults); exit without msync.
    const { r, out } = runFiles(`${open("out", "O_RDWR | O_CREAT")}  mv s0, a0
${sc("SYS_FTRUNCATE64", "s0", PAGES * 4096, 0)}${mmap(0, PAGES * 4096, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
  mv t0, s1
  li t1, 0
1: addi t1, t1, 1
  sw t1, 0(t0)
  li t2, 4096
  add t0, t0, t2
  li t2, ${PAGES}
  bne t1, t2, 1b
${mark("before")}${catFile("/proc/vmstat")}${pressure}${mark("pressed")}${catFile("/proc/vmstat")}
${sumFirstWords(PAGES)}${show}${mark("end")}`, { root, ...SMALL });
    expect(out).toEqual([(PAGES * (PAGES + 1)) / 2]);
    const s = sections(r.stdout);
    const d = (name: string): number => field(s.pressed!, name) - field(s.before!, name);
    expect(d("pgsteal_file")).toBeGreaterThan(50);
    expect(d("nr_written")).toBeGreaterThan(50); // written back during the pressure, not at exit
    expect(r.status).toBe(0);
    const host = hostBytes(root, "out")!;
    expect(host.length).toBe(PAGES * 4096);
    for (let i = 0; i < PAGES; i++) expect(host.readUInt32LE(i * 4096), `page ${i}`).toBe(i + 1);
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });
});
