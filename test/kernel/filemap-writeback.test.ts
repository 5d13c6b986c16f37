// Nothing a program wrote is lost, however its run ends: bytes given to write() and stores through a
// MAP_SHARED mapping reach the host file after SIGKILL, SIGSEGV, --max-steps and an out-of-memory
// kill (exit unmaps the dirty PTEs into the page cache, shutdown syncs it). And the flusher writes old
// dirty data back while the program still runs, on the vm.dirty_* tunables' schedule.

import { afterAll, describe, expect, it } from "vitest";
import type { Kernel } from "../../kernel/kernel.js";
import { writeback_tunables } from "../../kernel/mm/page-writeback.js";
import { nr_free_pages } from "../../kernel/mm/page_alloc.js";
import { field } from "../helpers/proc.js";
import {
  catFile, err, FORK, hostBytes, mark, mmap, open, pattern, runFiles, sc, scs, sections, shownValues, storeText, WAIT,
  writeText,
} from "../helpers/files.js";
import { removeRoots, tempRoot } from "../helpers/roots.js";

afterAll(removeRoots);

/**
 * Make "out" an 8 KiB file: write() puts a line at 0 and a byte at 8191, a MAP_SHARED store puts one
 * at 4096 (s0 the fd, s1 the mapping). What the host file must hold afterwards: expectedOut().
 */
const WRITER = `${open("out", "O_RDWR | O_CREAT")}  mv s0, a0
${writeText("s0", "hello from write()")}${sc("SYS_LLSEEK", "s0", 0, 8191, "&buf", 0)}${writeText("s0", "E")}
${mmap(0, 8192, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${storeText("s1 + 4096", "from a store")}`;

function expectedOut(): Buffer {
  const b = Buffer.alloc(8192);
  b.write("hello from write()", 0, "latin1");
  b.write("from a store", 4096, "latin1");
  b.write("E", 8191, "latin1");
  return b;
}

describe("every byte written survives", () => {
  it("when the writer is killed by SIGKILL", () => {
    const root = tempRoot({});
    // The child writes, creates "ready" and spins; the parent waits for ready, then kills it.
    const { r } = runFiles(`${FORK}  bnez a0, 2f
${WRITER}${open("ready", "O_WRONLY | O_CREAT")}
1: j 1b
2:
  mv s3, a0
3:
${open("ready")}  bltz a0, 3b
${sc("SYS_KILL", "s3", 9)}${WAIT}`, { root });
    expect(r.status).toBe(0);
    expect(hostBytes(root, "out")).toEqual(expectedOut());
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("when the writer dies of SIGSEGV", () => {
    const root = tempRoot({});
    const { r } = runFiles(`${WRITER}  sw zero, 0(zero)`, { root });
    expect(r.status).toBe(128 + 11);
    expect(hostBytes(root, "out")).toEqual(expectedOut());
  });

  it("when --max-steps ends the run", () => {
    const root = tempRoot({});
    const { r } = runFiles(`${WRITER}1: j 1b`, { root, maxSteps: 200_000 });
    expect(r.reason).toBe("max-steps");
    expect(hostBytes(root, "out")).toEqual(expectedOut());
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("when memory runs out and the writer is killed for it", () => {
    const root = tempRoot({});
    // 1 MiB of RAM; after writing, touch fresh anonymous pages until the kernel kills the process.
    const { r } = runFiles(`${WRITER}${mmap(0, 0x400000, "PROT_RW", "MAP_PRIVATE | MAP_ANONYMOUS", -1)}
1: sw a0, 0(a0)
  li t0, 4096
  add a0, a0, t0
  j 1b`, { root, mem: 1 << 20 });
    expect(r.status).toBe(128 + 9);
    expect(r.log.join("\n")).toMatch(/Out of memory/);
    expect(hostBytes(root, "out")).toEqual(expectedOut());
    expect(nr_free_pages(r.kernel.zone)).toBe(r.kernel.boot_free_pages);
  });

  it("when dirty pages must make room in a small memory: written back, dropped, read back intact", () => {
    const root = tempRoot({});
    // 1 MiB of RAM, a 1.5 MiB file written with write(): the page cache must write pages back and
    // drop them to go on; then the whole file is read back and compared.
    const chunks = 24;
    const { r } = runFiles(`${open("big", "O_RDWR | O_CREAT")}  mv s0, a0
  la t0, buf
  li t1, 65536
  add t1, t0, t1
  li t2, 0
1: sb t2, 0(t0)
  addi t2, t2, 7
  addi t0, t0, 1
  bne t0, t1, 1b
  li s2, ${chunks}
2:
${sc("SYS_WRITE", "s0", "&buf", 65536)}  addi s2, s2, -1
  bnez s2, 2b
  li a0, 0
  call sys_exit`, { root, mem: 1 << 20 });
    expect(r.status).toBe(0);
    const one = Buffer.alloc(65536);
    for (let i = 0; i < 65536; i++) one[i] = (i * 7) & 0xff;
    const host = hostBytes(root, "big")!;
    expect(host.length).toBe(chunks * 65536);
    expect(host.equals(Buffer.concat(Array(chunks).fill(one)))).toBe(true); // (toEqual is slow on 1.5 MB)
  });
});

/** Set the flusher's tunables before init starts. */
const tunables = (writeback: number, expire: number) => (k: Kernel): void => {
  const t = writeback_tunables(k);
  t.dirty_writeback_centisecs = writeback;
  t.dirty_expire_centisecs = expire;
};

/**
 * Dirty "out" (write() and a store), then pass simulated time by reading "slow" (128 uncached pages,
 * each costing the device's 100 us), then show meminfo and vmstat, all before exit.
 */
const DIRTY_THEN_WAIT = `${WRITER}
${open("slow")}  mv s2, a0
  li s3, 8
1:
${sc("SYS_READ", "s2", "&buf", 65536)}  addi s3, s3, -1
  bnez s3, 1b
${mark("meminfo")}${catFile("/proc/meminfo")}${mark("vmstat")}${catFile("/proc/vmstat")}`;

describe("the flusher (wb_workfn)", () => {
  it("writes dirty data back during the run once it is older than dirty_expire_centisecs", () => {
    const root = tempRoot({ slow: pattern(8 * 65536) });
    const { r } = runFiles(DIRTY_THEN_WAIT, { root, setup: tunables(1, 0), trace: ["mm"] });
    const s = sections(r.stdout);
    expect(field(s.meminfo!, "Dirty")).toBe(0); // both pages written back before the program looked
    expect(field(s.vmstat!, "nr_written")).toBe(2);
    const flusher = r.trace.indexOf("flusher: writing back");
    const exit = r.trace.indexOf("remove_vma");
    expect(flusher).toBeGreaterThan(0);
    expect(flusher).toBeLessThan(exit); // before the process's exit unmapped anything
    expect(hostBytes(root, "out")).toEqual(expectedOut());
  });

  it("leaves young dirt alone: with the default 30 s expiry nothing is written before the end", () => {
    const root = tempRoot({ slow: pattern(8 * 65536) });
    const { r } = runFiles(DIRTY_THEN_WAIT, { root, setup: tunables(1, 3000), trace: ["mm"] });
    const s = sections(r.stdout);
    expect(field(s.meminfo!, "Dirty")).toBe(8); // 2 pages
    expect(field(s.vmstat!, "nr_written")).toBe(0);
    expect(r.trace).not.toContain("flusher: writing back");
    expect(hostBytes(root, "out")).toEqual(expectedOut()); // shutdown's sync
  });

  it("keeps a failed writeback's error for the next msync, as Linux's errseq does", () => {
    const root = tempRoot({ slow: pattern(8 * 65536) });
    const setup = (k: Kernel): void => {
      tunables(1, 0)(k);
      k.machine.hostdir!.write = (): number => -5;
    };
    const { r } = runFiles(`${DIRTY_THEN_WAIT}${scs("SYS_MSYNC", "s1", 8192, "MS_SYNC")}${scs("SYS_MSYNC", "s1", 8192, "MS_SYNC")}`, { root, setup, trace: ["mm"] });
    expect(r.trace).toContain("flusher: writing back");
    expect(shownValues(r.stdout)).toEqual([err(5), 0]); // nothing left to write, but the error is reported once
  });

  it("is off with dirty_writeback_centisecs 0", () => {
    const root = tempRoot({ slow: pattern(8 * 65536) });
    const { r } = runFiles(DIRTY_THEN_WAIT, { root, setup: tunables(0, 0), trace: ["mm"] });
    expect(field(sections(r.stdout).vmstat!, "nr_written")).toBe(0);
    expect(r.trace).not.toContain("flusher: writing back");
  });
});
