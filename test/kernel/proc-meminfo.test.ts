// /proc/meminfo, /proc/vmstat and /proc/buddyinfo: the machine's memory in Linux 5.15's formats,
// with numbers that follow the frames a program takes and the faults it makes.

import { describe, expect, it } from "vitest";
import { proc_file_text } from "../../kernel/fs/procfs/root.js";
import { exit, runSource, START } from "../helpers/kernel.js";
import { cat, field, touch } from "../helpers/proc.js";

const DATA = (...paths: string[]): string =>
  `  .section .rodata\n${paths.map((p, i) => `path${i || ""}: .asciz "${p}"\n`).join("")}`;

/** Split the stdout of several cats of one file at each occurrence of its first line's label. */
const copies = (stdout: string, first: string): string[] => stdout.split(new RegExp(`(?=^${first})`, "m"));

describe("/proc/meminfo", () => {
  it("prints every line of Linux 5.15's meminfo for rv32, with values from the page allocator and mem_map", () => {
    // A 4 MiB machine: 1024 frames. Taken when openat runs: the zero page, the program's root page
    // table and 2 PTE tables, and 3 resident pages: text and rodata (file pages, the path was read
    // from rodata) and the stack's first page (anonymous). 1024 - 7 = 1017 free = 4068 kB.
    const r = runSource(`${START}${cat("path")}${exit(0)}${DATA("/proc/meminfo")}  .bss\n  .align 12\ncatbuf: .zero 4096\n`);
    expect(r.stdout).toBe([
      "MemTotal:           4096 kB",
      "MemFree:            4068 kB",
      // si_mem_available(): free - high watermark (96 pages for 4 MiB: min_free_kbytes 256 = 64
      // pages, low and high 16 and 32 above) + page cache - min(half of it, low): 1017-96+2-1 = 922.
      "MemAvailable:       3688 kB",
      "Buffers:               0 kB",
      "Cached:                8 kB", // the two file pages
      "SwapCached:            0 kB",
      "Active:                0 kB",
      "Inactive:             12 kB", // new pages start on the inactive lists (Linux 5.9+)
      "Active(anon):          0 kB",
      "Inactive(anon):        4 kB",
      "Active(file):          0 kB",
      "Inactive(file):        8 kB",
      "Unevictable:           0 kB",
      "Mlocked:               0 kB",
      "SwapTotal:             0 kB",
      "SwapFree:              0 kB",
      "Dirty:                 0 kB",
      "Writeback:             0 kB",
      "AnonPages:             4 kB",
      "Mapped:                8 kB",
      "Shmem:                 0 kB",
      "KReclaimable:          0 kB",
      "Slab:                  0 kB",
      "SReclaimable:          0 kB",
      "SUnreclaim:            0 kB",
      "KernelStack:           0 kB",
      "PageTables:            8 kB", // the 2 PTE tables: riscv does not count the root table
      "NFS_Unstable:          0 kB",
      "Bounce:                0 kB",
      "WritebackTmp:          0 kB",
      "CommitLimit:        2048 kB", // overcommit_ratio 50 % of RAM, no swap
      "Committed_AS:        136 kB", // VM_ACCOUNT VMAs: the 33-page stack and the 1-page bss
      "VmallocTotal:     524287 kB",
      "VmallocUsed:           0 kB",
      "VmallocChunk:          0 kB",
      "Percpu:                0 kB",
      "",
    ].join("\n"));
  });

  it("MemFree drops by exactly the pages a program writes, and AnonPages grows by as many", () => {
    // catbuf is written first, so both snapshots see it; between them the program writes 50 pages of
    // the bss (all under 4 MiB, so no new page table).
    const r = runSource(`${START}${touch("catbuf", 1)}${cat("path")}${touch("big", 50)}${cat("path")}${exit(0)}${DATA("/proc/meminfo")}  .bss\n  .align 12\ncatbuf: .zero 4096\nbig: .zero 64 * 4096\n`);
    const [before, after] = copies(r.stdout, "MemTotal");
    expect(field(before!, "MemFree") - field(after!, "MemFree")).toBe(50 * 4);
    expect(field(after!, "AnonPages") - field(before!, "AnonPages")).toBe(50 * 4);
    expect(field(after!, "Inactive(anon)") - field(before!, "Inactive(anon)")).toBe(50 * 4);
    // Once everything has exited, every frame but the zero page is free again.
    expect(field(proc_file_text(r.kernel, "meminfo", null)!, "MemFree")).toBe(r.kernel.boot_free_pages * 4);
  });
});

describe("/proc/vmstat", () => {
  it("counts every fault in pgfault and every page taken in pgalloc_normal", () => {
    // Between two snapshots: 10 pages only read (each maps the zero page: a fault, no allocation)
    // and 20 written (a fault and a new page each).
    const r = runSource(`${START}${touch("catbuf", 1)}${cat("path")}${touch("rd", 10, "lw")}${touch("wr", 20)}${cat("path")}${exit(0)}${DATA("/proc/vmstat")}  .bss\n  .align 12\ncatbuf: .zero 4096\nrd: .zero 10 * 4096\nwr: .zero 20 * 4096\n`);
    const [before, after] = copies(r.stdout, "nr_free_pages");
    const diff = (name: string): number => field(after!, name) - field(before!, name);
    expect(diff("pgfault")).toBe(30);
    expect(diff("pgmajfault")).toBe(0);
    expect(diff("pgalloc_normal")).toBe(20);
    expect(diff("pgfree")).toBe(0);
    expect(diff("nr_free_pages")).toBe(-20);
    expect(diff("nr_anon_pages")).toBe(20);
    // Every handle_mm_fault call counts in pgfault; the successful ones also count in min_flt.
    expect(r.kernel.vm_events.pgfault).toBeGreaterThanOrEqual(r.init.min_flt);
  });

  it("lists Linux 5.15's counters in vmstat_text order, ending with the deprecated nr_unstable", () => {
    const r = runSource(`${START}${cat("path")}${exit(0)}${DATA("/proc/vmstat")}  .bss\n  .align 12\ncatbuf: .zero 4096\n`);
    const names = r.stdout.trimEnd().split("\n").map((l) => {
      expect(l).toMatch(/^[a-z_]+ \d+$/);
      return l.split(" ")[0]!;
    });
    const order = ["nr_free_pages", "nr_zone_inactive_anon", "nr_bounce", "nr_free_cma", "nr_inactive_anon",
      "nr_anon_pages", "nr_mapped", "nr_file_pages", "nr_page_table_pages", "nr_swapcached", "nr_dirty_threshold",
      "nr_dirty_background_threshold", "pgpgin", "pgpgout", "pswpin", "pswpout", "pgalloc_normal", "pgalloc_movable",
      "allocstall_normal", "pgskip_movable", "pgfree", "pgactivate", "pgdeactivate", "pglazyfree", "pgfault",
      "pgmajfault", "pglazyfreed", "pgrefill", "pgreuse", "pgsteal_kswapd", "pgsteal_direct", "pgdemote_kswapd",
      "pgscan_kswapd", "pgscan_direct", "pageoutrun", "oom_kill", "unevictable_pgs_culled", "swap_ra", "swap_ra_hit",
      "nr_unstable"];
    expect(names.filter((n) => order.includes(n))).toEqual(order);
    // 10 zone items (no nr_zspages), 39 node items, 2 dirty limits, 49 events, nr_unstable.
    expect(names).toHaveLength(101);
    expect(names).not.toContain("pgalloc_dma32"); // no ZONE_DMA32 on rv32
    expect(names).not.toContain("thp_fault_alloc"); // no THP on rv32
    expect(r.stdout).toMatch(/\nnr_unstable 0\n$/);
  });
});

describe("/proc/buddyinfo", () => {
  it("lists free blocks per order in Linux's format, adding up to MemFree", () => {
    const r = runSource(`${START}${touch("catbuf", 1)}${cat("path")}${cat("path1")}${exit(0)}${DATA("/proc/buddyinfo", "/proc/meminfo")}  .bss\n  .align 12\ncatbuf: .zero 4096\n`);
    const line = r.stdout.slice(0, r.stdout.indexOf("\n") + 1);
    expect(line).toMatch(/^Node 0, zone   Normal (?:[ \d]{6} ){11}\n$/);
    const counts = line.slice("Node 0, zone   Normal ".length).trim().split(/ +/).map(Number);
    const free = counts.reduce((sum, n, order) => sum + n * 2 ** order, 0);
    expect(free * 4).toBe(field(r.stdout, "MemFree"));
  });
});
