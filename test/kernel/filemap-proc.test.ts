// The page cache as /proc shows it, counted as Linux 5.15 counts it: meminfo's Cached (every cached
// page, mapped or not), Mapped (those a PTE maps), Dirty, Active(file)/Inactive(file) (a page read
// twice through read() is active); vmstat's pgpgin/pgpgout (KiB), pgmajfault, nr_dirtied and
// nr_written; smaps of a file mapping (Private_* while one PTE maps a page, Shared_* from two, dirty
// if the PTE or the page is).

import { afterAll, describe, expect, it } from "vitest";
import { field } from "../helpers/proc.js";
import { catFile, load, mark, mmap, open, pattern, runFiles, sc, sections, storeText } from "../helpers/files.js";
import { removeRoots, tempRoot } from "../helpers/roots.js";

afterAll(removeRoots);

/** Every smaps block whose maps line ends with `name`, in address order, as label -> kB. */
function smapsBlocks(smaps: string, name: string): Record<string, number>[] {
  const blocks: Record<string, number>[] = [];
  let cur: Record<string, number> | null = null;
  for (const l of smaps.split("\n")) {
    if (/^[0-9a-f]{8}-/.test(l)) {
      cur = l.endsWith(name) ? {} : null;
      if (cur !== null) blocks.push(cur);
      continue;
    }
    const m = /^(\w+):\s+(\d+) kB$/.exec(l);
    if (m && cur !== null) cur[m[1]!] = Number(m[2]);
  }
  return blocks;
}

/** meminfo's file LRU adds up to the page cache (no shared memory, nothing mlocked here). */
function expectLruConsistent(meminfo: string): void {
  expect(field(meminfo, "Active(file)") + field(meminfo, "Inactive(file)")).toBe(field(meminfo, "Cached") - field(meminfo, "Shmem"));
}

describe("/proc/meminfo and /proc/vmstat", () => {
  it("count cached, mapped, dirty and active file pages, and the KiB read and written", () => {
    const root = tempRoot({ data: pattern(16384), cold: pattern(8192, 3) });
    const snap = (name: string): string => `${mark(`${name} meminfo`)}${catFile("/proc/meminfo")}${mark(`${name} vmstat`)}${catFile("/proc/vmstat")}`;
    const { r } = runFiles(`${snap("boot")}
${open("data", "O_RDONLY")}  mv s0, a0
${sc("SYS_READ", "s0", "&buf", 16384)}
${snap("read")}
${sc("SYS_LLSEEK", "s0", 0, 0, "&buf", 0)}${sc("SYS_READ", "s0", "&buf", 16384)}
${snap("reread")}
${mmap(0, 16384, "PROT_READ", "MAP_SHARED", "s0")}  mv s1, a0
${load("s1")}${load("s1 + 4096")}
${snap("mapped")}
${open("out", "O_RDWR | O_CREAT")}  mv s2, a0
${sc("SYS_WRITE", "s2", "&buf", 4096)}
${snap("written")}
${sc("SYS_FSYNC", "s2")}
${snap("synced")}
${open("cold", "O_RDONLY")}  mv s3, a0
${mmap(0, 8192, "PROT_READ", "MAP_PRIVATE", "s3")}  mv s4, a0
${load("s4")}${load("s1 + 8192")}
${snap("faulted")}`, { root });
    const s = sections(r.stdout);
    const d = (from: string, to: string, label: string, file = "meminfo"): number =>
      field(s[`${to} ${file}`]!, label) - field(s[`${from} ${file}`]!, label);
    for (const name of ["boot", "read", "reread", "mapped", "written", "synced", "faulted"]) expectLruConsistent(s[`${name} meminfo`]!);
    // read(): 4 pages cached (16 kB), none mapped, all inactive; 16 KiB read in.
    expect([d("boot", "read", "Cached"), d("boot", "read", "Mapped"), d("boot", "read", "Inactive(file)")]).toEqual([16, 0, 16]);
    expect(d("boot", "read", "pgpgin", "vmstat")).toBe(16);
    // The second read() finds them cached (nothing read in) and activates them.
    expect([d("read", "reread", "Cached"), d("read", "reread", "Active(file)"), d("read", "reread", "pgpgin", "vmstat")]).toEqual([0, 16, 0]);
    expect(d("read", "reread", "pgactivate", "vmstat")).toBe(4);
    // Two of them touched through a mapping, but the first fault maps every cached page around it
    // (fault-around, 64 KiB): all four are mapped. Cached unchanged, no major fault.
    expect([d("reread", "mapped", "Mapped"), d("reread", "mapped", "Cached"), d("reread", "mapped", "pgmajfault", "vmstat")]).toEqual([16, 0, 0]);
    // write() of a new page: cached and dirty.
    expect([d("mapped", "written", "Cached"), d("mapped", "written", "Dirty"), d("mapped", "written", "nr_dirtied", "vmstat")]).toEqual([4, 4, 1]);
    // fsync: clean again, one page written, 4 KiB out.
    expect([d("written", "synced", "Dirty"), d("written", "synced", "nr_written", "vmstat"), d("written", "synced", "pgpgout", "vmstat")]).toEqual([-4, 1, 4]);
    // A fault on an uncached page is major and reads that page in (its neighbour stays unmapped and
    // uncached); page 2 of data was mapped already.
    expect([d("synced", "faulted", "pgmajfault", "vmstat"), d("synced", "faulted", "pgpgin", "vmstat"), d("synced", "faulted", "Mapped")]).toEqual([1, 4, 4]);
    expect(field(s["faulted meminfo"]!, "Writeback")).toBe(0);
  });
});

describe("/proc/PID/smaps of a file mapping", () => {
  it("is Private_Clean while one PTE maps each page, Private_Dirty once written, clean again after msync", () => {
    const root = tempRoot({ data: pattern(8192) });
    const smaps = (name: string): string => `${mark(name)}${catFile("/proc/self/smaps")}`;
    const { r } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0
${mmap(0, 8192, "PROT_RW", "MAP_SHARED", "s0")}  mv s1, a0
${load("s1")}${load("s1 + 4096")}${smaps("read")}
${storeText("s1", "w")}${smaps("written")}
${sc("SYS_MSYNC", "s1", 8192, "MS_SYNC")}${smaps("synced")}
${mmap(0, 4096, "PROT_READ", "MAP_SHARED", "s0")}  mv s2, a0
${load("s2")}${smaps("twice")}`, { root });
    const s = sections(r.stdout);
    const pick = (b: Record<string, number>) => [b.Rss, b.Pss, b.Shared_Clean, b.Shared_Dirty, b.Private_Clean, b.Private_Dirty, b.Anonymous];
    expect(pick(smapsBlocks(s.read!, "/data")[0]!)).toEqual([8, 8, 0, 0, 8, 0, 0]);
    expect(pick(smapsBlocks(s.written!, "/data")[0]!)).toEqual([8, 8, 0, 0, 4, 4, 0]);
    expect(pick(smapsBlocks(s.synced!, "/data")[0]!)).toEqual([8, 8, 0, 0, 8, 0, 0]);
    // A second mapping of page 0 (lower: mmap goes top-down): page 0 has two PTEs now, so both
    // VMAs call it shared and split its Pss.
    const [second, first] = smapsBlocks(s.twice!, "/data");
    expect(pick(second!)).toEqual([4, 2, 4, 0, 0, 0, 0]);
    expect(pick(first!)).toEqual([8, 6, 4, 0, 4, 0, 0]);
  });
});
