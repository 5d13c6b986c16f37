// Zone watermarks (kernel/mm/page_alloc.ts) as Linux 5.15 computes them: min_free_kbytes from the RAM
// size, then min, low and high; the two sysctls that move them; and /proc/zoneinfo, which shows them.

import { describe, expect, it } from "vitest";
import { mem_init } from "../../kernel/mm/page_alloc.js";
import { exit, runSource, START } from "../helpers/kernel.js";
import { cat } from "../helpers/proc.js";

/** Linux's formula, written out independently: init_per_zone_wmark_min() + __setup_per_zone_wmarks(). */
function linux(ramKiB: number, min_free_kbytes?: number, scale = 10): { mfk: number; min: number; low: number; high: number } {
  const managed = ramKiB / 4;
  const mfk = min_free_kbytes ?? Math.min(Math.max(Math.floor(Math.sqrt(ramKiB * 16)), 128), 262144);
  const min = mfk >> 2;
  const step = Math.max(min >> 2, Math.floor((managed * scale) / 10000));
  return { mfk, min, low: min + step, high: min + 2 * step };
}

const ZONEINFO = `${START}${cat("path")}${exit(0)}  .section .rodata\npath: .asciz "/proc/zoneinfo"\n  .bss\n  .align 12\ncatbuf: .zero 4096\n`;

/** The first zone's "min", "low", "high" lines of /proc/zoneinfo. */
function zoneWatermarks(zoneinfo: string): number[] {
  return ["min", "low", "high"].map((w) => Number(new RegExp(`^ {8}${w} +(\\d+)$`, "m").exec(zoneinfo)![1]));
}

describe("watermarks", () => {
  it("follow Linux's table of min_free_kbytes by RAM size (4 * sqrt(KiB), 128 KiB at least)", () => {
    // The comment above init_per_zone_wmark_min(), mm/page_alloc.c.
    const table: [number, number][] = [[16, 512], [32, 724], [64, 1024], [128, 1448], [256, 2048], [512, 2896], [1024, 4096]];
    for (const [mib, kb] of table) expect(mem_init((mib << 20) / 4096).zone.min_free_kbytes, `${mib} MiB`).toBe(kb);
    expect(mem_init(256).zone.min_free_kbytes).toBe(128); // 1 MiB: sqrt gives 128 exactly; smaller RAM clamps to 128
    expect(mem_init(64).zone.min_free_kbytes).toBe(128);
  });

  it("are min, min + step and min + 2 step, the step max(min / 4, 0.1 % of the zone), for every RAM size", () => {
    for (const mib of [1, 2, 4, 16, 64, 256, 1024]) {
      const { zone } = mem_init((mib << 20) / 4096);
      const want = linux(mib << 10);
      expect([zone._watermark.min, zone._watermark.low, zone._watermark.high], `${mib} MiB`).toEqual([want.min, want.low, want.high]);
    }
    // Where 0.1 % of the zone is the larger step: 1 GiB (262 pages against 1024 / 4 = 256).
    expect(mem_init(262144).zone._watermark).toEqual({ min: 1024, low: 1286, high: 1548 });
  });

  it("move with min_free_kbytes and watermark_scale_factor, as the sysctls move them", () => {
    const a = mem_init(1024, { min_free_kbytes: 1024 }).zone._watermark; // 4 MiB
    expect(a).toEqual({ min: 256, low: 320, high: 384 });
    const b = mem_init(1024, { watermark_scale_factor: 1000 }).zone._watermark; // 10 % of 1024 pages
    const want = linux(4096, undefined, 1000);
    expect(b).toEqual({ min: want.min, low: want.low, high: want.high });
    expect(b).toEqual({ min: 64, low: 166, high: 268 });
  });

  it("show in /proc/zoneinfo in Linux's format, and follow --min-free-kbytes and --watermark-scale", () => {
    const plain = runSource(ZONEINFO);
    expect(plain.stdout).toMatch(/^Node 0, zone   Normal\n  per-node stats\n      nr_inactive_anon \d+\n/);
    expect(plain.stdout).toMatch(/\n  pages free     \d+\n        boost    0\n        min      64\n        low      80\n        high     96\n        spanned  1024\n        present  1024\n        managed  1024\n/);
    expect(plain.stdout).toMatch(/\n  start_pfn:           0\nNode 0, zone  Movable\n  pages free     0\n/);
    expect(zoneWatermarks(runSource(ZONEINFO, { minFreeKbytes: 1024 }).stdout)).toEqual([256, 320, 384]);
    expect(zoneWatermarks(runSource(ZONEINFO, { watermarkScale: 1000 }).stdout)).toEqual([64, 166, 268]);
  });
});
