// The page allocator on hand-worked cases: boot layout, watermarks against Linux's numbers, splitting,
// merging, the order of the free lists, and the kernel bugs it must catch.

import { describe, expect, it } from "vitest";
import { KernelBug } from "../../../kernel/bug.js";
import {
  MAX_ORDER, __free_pages, alloc_page, alloc_pages, check_buddy, mem_init, nr_free_pages, put_page,
  zone_watermark_ok, type zone,
} from "../../../kernel/mm/page_alloc.js";
import {
  PG_active, PG_buddy, PG_locked, PG_lru, PG_mlocked, PG_owner_priv_1, PG_reserved, PG_swapcache, PG_table,
  PageDirty, PageSwapCache, SetPageDirty, SetPageLRU, SetPageSwapBacked, SetPageSwapCache, SetPageTable,
  TestClearPageDirty, dump_page, get_page, page_count, page_mapcount, page_mapped, pageflag_names,
} from "../../../kernel/mm/page.js";

/** The free lists as pfns, in list order, one array per order (trailing empty orders dropped). */
function lists(z: zone): number[][] {
  const out = z.free_area.map((area) => {
    const pfns: number[] = [];
    for (let p = area.free_list; p !== null; p = p.lru_next) pfns.push(p.pfn);
    return pfns;
  });
  while (out.length > 0 && out[out.length - 1]!.length === 0) out.pop();
  return out;
}

const MiB = 256; // frames per MiB

describe("mem_init", () => {
  it("gives an 8-frame RAM to the allocator as one order-3 block", () => {
    const { zone: z, mem_map } = mem_init(8);
    expect(lists(z)).toEqual([[], [], [], [0]]);
    expect(nr_free_pages(z)).toBe(8);
    expect(z.managed_pages).toBe(8);
    expect(mem_map.every((p, pfn) => p.pfn === pfn && p._refcount === 0 && p._mapcount === -1)).toBe(true);
    expect(mem_map[0]!.flags).toBe(1 << PG_buddy);
    expect(mem_map[0]!.private).toBe(3);
    expect(check_buddy(z)).toBeNull();
  });

  it("cuts RAM that is not a power of two into the largest aligned blocks, lowest first", () => {
    expect(lists(mem_init(12).zone)).toEqual([[], [], [8], [0]]);
    expect(lists(mem_init(7).zone)).toEqual([[6], [4], [0]]);
    const big = mem_init(3 * 1024 + 3).zone;
    expect(lists(big)).toEqual([[3074], [3072], [], [], [], [], [], [], [], [], [0, 1024, 2048]]);
    expect(check_buddy(big)).toBeNull();
  });

  it("counts the boot frees in pgfree, as Linux's memblock_free_all does", () => {
    const z = mem_init(100).zone;
    expect([z.pgfree, z.pgalloc]).toEqual([100, 0]);
  });

  it("rejects a frame count or option out of range", () => {
    expect(() => mem_init(0)).toThrow(RangeError);
    expect(() => mem_init(2.5)).toThrow(RangeError);
    expect(() => mem_init(16, { min_free_kbytes: -1 })).toThrow(RangeError);
    expect(() => mem_init(16, { watermark_scale_factor: 0 })).toThrow(RangeError);
    expect(() => mem_init(16, { watermark_scale_factor: 1001 })).toThrow(RangeError);
  });
});

describe("watermarks", () => {
  // Linux's own table, from the comment above init_per_zone_wmark_min() (mm/page_alloc.c).
  const linuxTable: [number, number][] = [[16, 512], [32, 724], [64, 1024], [128, 1448], [256, 2048],
    [512, 2896], [1024, 4096]];
  it.each(linuxTable)("%i MiB gets min_free_kbytes %ik, as in Linux's table", (mib, kbytes) => {
    expect(mem_init(mib * MiB).zone.min_free_kbytes).toBe(kbytes);
  });

  // Worked by hand: min = min_free_kbytes / 4; gap = max(min / 4, floor(managed * 10 / 10000)).
  //   16 MiB:  4096 pages, 512k  -> min 128,  gap max(32, 4)    = 32  -> low 160,  high 192
  //   64 MiB: 16384 pages, 1024k -> min 256,  gap max(64, 16)   = 64  -> low 320,  high 384
  //  256 MiB: 65536 pages, 2048k -> min 512,  gap max(128, 65)  = 128 -> low 640,  high 768
  //    1 GiB: 262144 pages, 4096k -> min 1024, gap max(256, 262) = 262 -> low 1286, high 1548
  it.each([
    [16, { min: 128, low: 160, high: 192 }], [64, { min: 256, low: 320, high: 384 }],
    [256, { min: 512, low: 640, high: 768 }], [1024, { min: 1024, low: 1286, high: 1548 }],
  ])("%i MiB gets Linux's min/low/high watermarks", (mib, marks) => {
    const z = mem_init(mib * MiB).zone;
    expect(z._watermark).toEqual(marks);
    // The same numbers from the formula, written independently of the kernel code.
    const pages = mib * MiB;
    const mfk = Math.min(262144, Math.max(128, Math.floor(Math.sqrt(pages * 4 * 16))));
    const min = mfk / 4, gap = Math.max(Math.floor(min / 4), Math.floor((pages * 10) / 10000));
    expect(marks).toEqual({ min, low: min + gap, high: min + 2 * gap });
  });

  it("clamps min_free_kbytes to 128k on a tiny RAM, so the marks may exceed it", () => {
    const z = mem_init(8).zone;
    expect(z.min_free_kbytes).toBe(128);
    expect(z._watermark).toEqual({ min: 32, low: 40, high: 48 });
  });

  it("takes min_free_kbytes and watermark_scale_factor overrides", () => {
    expect(mem_init(64 * MiB, { min_free_kbytes: 4096 }).zone._watermark)
      .toEqual({ min: 1024, low: 1280, high: 1536 });
    // gap = max(256 / 4, 16384 * 1000 / 10000 = 1638)
    expect(mem_init(64 * MiB, { watermark_scale_factor: 1000 }).zone._watermark)
      .toEqual({ min: 256, low: 1894, high: 3532 });
  });

  it("zone_watermark_ok wants free pages after the allocation above the mark, and a block of that order", () => {
    const z = mem_init(16, { min_free_kbytes: 0 }).zone;
    const pages = Array.from({ length: 16 }, () => alloc_page(z)!);
    for (let pfn = 0; pfn < 16; pfn += 2) put_page(z, pages[pfn]!); // 8 free pages, no two adjacent
    expect(lists(z)).toEqual([[14, 12, 10, 8, 6, 4, 2, 0]]);
    expect([zone_watermark_ok(z, 0, 7), zone_watermark_ok(z, 0, 8)]).toEqual([true, false]);
    expect(zone_watermark_ok(z, 1, 0)).toBe(false); // plenty free, but no order-1 block
    put_page(z, pages[1]!); // 0 and 1 merge
    expect(lists(z)).toEqual([[14, 12, 10, 8, 6, 4, 2], [0]]);
    expect([zone_watermark_ok(z, 1, 7), zone_watermark_ok(z, 1, 8)]).toEqual([true, false]); // 9 - 1 > 7
    expect(check_buddy(z)).toBeNull();
  });
});

describe("splitting and merging", () => {
  it("splits a fresh 8-page zone down to order 0, leaving one free block of each smaller order", () => {
    const z = mem_init(8).zone;
    const p = alloc_page(z)!;
    expect([p.pfn, page_count(p), page_mapcount(p), p.flags]).toEqual([0, 1, 0, 0]);
    expect(lists(z)).toEqual([[1], [2], [4]]);
    expect(nr_free_pages(z)).toBe(7);
    expect(check_buddy(z)).toBeNull();
    expect(alloc_page(z)!.pfn).toBe(1); // the order-0 block, no split
    expect(lists(z)).toEqual([[], [2], [4]]);
    expect(alloc_page(z)!.pfn).toBe(2); // splits [2 3]
    expect(lists(z)).toEqual([[3], [], [4]]);
  });

  it("splits a maximal order-10 block through every order and merges it back", () => {
    const z = mem_init(1024).zone;
    const p = alloc_page(z)!;
    expect(p.pfn).toBe(0);
    expect(lists(z)).toEqual([...Array(MAX_ORDER - 1).keys()].map((order) => [1 << order]));
    put_page(z, p);
    expect(lists(z)).toEqual([[], [], [], [], [], [], [], [], [], [], [0]]);
    expect(alloc_pages(z, 10)!.pfn).toBe(0);
    expect(alloc_page(z)).toBeNull();
  });

  it("merges a freed page with its buddies all the way back to the boot block", () => {
    const z = mem_init(8).zone;
    const p = alloc_page(z)!;
    put_page(z, p);
    expect(lists(z)).toEqual([[], [], [], [0]]);
    expect([z.pgalloc, z.pgfree]).toEqual([1, 8 + 1]);
    expect(check_buddy(z)).toBeNull();
  });

  it("merges only with a buddy that is free at the same order", () => {
    const z = mem_init(8).zone;
    const [a, b, c] = [alloc_page(z)!, alloc_page(z)!, alloc_page(z)!];
    expect([a.pfn, b.pfn, c.pfn]).toEqual([0, 1, 2]);
    expect(lists(z)).toEqual([[3], [], [4]]);
    put_page(z, a); // buddy 1 is allocated: no merge
    expect(lists(z)).toEqual([[0, 3], [], [4]]);
    put_page(z, b); // merges with 0 into [0 1], which stops there: its buddy [2 3] is half in use
    expect(lists(z)).toEqual([[3], [0], [4]]);
    expect(check_buddy(z)).toBeNull();
    put_page(z, c); // 2+3 -> [2 3], + [0 1] -> [0..3], + [4..7] -> [0..7]
    expect(lists(z)).toEqual([[], [], [], [0]]);
  });

  it("takes higher-order blocks aligned and whole, and frees them as a unit", () => {
    const z = mem_init(16).zone;
    const a = alloc_page(z)!;
    const b = alloc_pages(z, 2)!;
    expect([a.pfn, b.pfn, page_count(b)]).toEqual([0, 4, 1]);
    expect(lists(z)).toEqual([[1], [2], [], [8]]);
    __free_pages(z, b, 2);
    expect(lists(z)).toEqual([[1], [2], [4], [8]]);
    put_page(z, a);
    expect(lists(z)).toEqual([[], [], [], [], [0]]);
  });

  it("does not merge across the end of RAM", () => {
    const z = mem_init(12).zone; // [0..7]@3, [8..11]@2; the order-2 buddy of 8 would be 12
    const p = alloc_pages(z, 2)!;
    expect(p.pfn).toBe(8);
    __free_pages(z, p, 2);
    expect(lists(z)).toEqual([[], [], [8], [0]]);
    expect(check_buddy(z)).toBeNull();
  });

  it("queues a freed page at the tail when its parent's buddy is free (Linux's buddy_merge_likely)", () => {
    const z = mem_init(16).zone;
    const pages = Array.from({ length: 16 }, () => alloc_page(z)!);
    expect(pages.map((p) => p.pfn)).toEqual([...Array(16).keys()]);
    for (const pfn of [5, 2, 3]) put_page(z, pages[pfn]!);
    expect(lists(z)).toEqual([[5], [2]]);
    put_page(z, pages[0]!); // buddy 1 is in use, but [0 1]'s buddy [2 3] is free: likely to merge soon
    expect(lists(z)).toEqual([[5, 0], [2]]);
    put_page(z, pages[6]!); // [6 7]'s buddy [4 5] is not a free order-1 block: head
    expect(lists(z)).toEqual([[6, 5, 0], [2]]);
  });

  it("keeps a page while another reference remains", () => {
    const z = mem_init(8).zone;
    const p = alloc_page(z)!;
    get_page(p);
    put_page(z, p);
    expect([page_count(p), nr_free_pages(z)]).toEqual([1, 7]);
    put_page(z, p);
    expect(nr_free_pages(z)).toBe(8);
  });

  it("wipes a page's flags, mapping and private when it is freed", () => {
    const z = mem_init(8).zone;
    const p = alloc_page(z)!;
    SetPageDirty(p); SetPageSwapBacked(p); p.mapping = {}; p.private = 77;
    put_page(z, p);
    expect(check_buddy(z)).toBeNull();
    const q = alloc_page(z)!;
    expect([q.pfn, q.flags, q.mapping, q.private]).toEqual([0, 0, null, 0]);
  });
});

describe("allocation failure", () => {
  it("returns null, never throws, when RAM is exhausted", () => {
    const z = mem_init(8).zone;
    for (let i = 0; i < 8; i++) expect(alloc_page(z)).not.toBeNull();
    expect(alloc_page(z)).toBeNull();
    expect(nr_free_pages(z)).toBe(0);
    expect(check_buddy(z)).toBeNull();
  });

  it("returns null when pages are free but no block is big enough", () => {
    const z = mem_init(8).zone;
    const pages = Array.from({ length: 8 }, () => alloc_page(z)!);
    for (const pfn of [0, 2, 4, 6]) put_page(z, pages[pfn]!);
    expect(nr_free_pages(z)).toBe(4);
    expect(alloc_pages(z, 1)).toBeNull();
    expect(alloc_pages(z, 4)).toBeNull(); // bigger than RAM
    expect(alloc_pages(z, MAX_ORDER)).toBeNull(); // Linux fails order >= MAX_ORDER too
    expect(alloc_page(z)).not.toBeNull();
  });
});

describe("kernel bugs", () => {
  it("a double free is a KernelBug, and leaves the allocator intact", () => {
    const z = mem_init(8).zone;
    const p = alloc_page(z)!;
    alloc_page(z); // keep page 1 so that page 0 stays a free block head
    put_page(z, p);
    expect(() => put_page(z, p)).toThrow(/double free/);
    expect(() => put_page(z, p)).toThrow(KernelBug);
    expect(check_buddy(z)).toBeNull();
  });

  it("freeing a page that was never allocated is a KernelBug", () => {
    const { zone: z, mem_map } = mem_init(8);
    expect(() => put_page(z, mem_map[5]!)).toThrow(KernelBug); // inside the free block [0..7]
    expect(() => put_page(z, mem_map[0]!)).toThrow(KernelBug); // its head
    const p = alloc_pages(z, 1)!;
    expect(() => put_page(z, mem_map[p.pfn + 1]!)).toThrow(/no reference/); // tail of an allocated block
    expect(check_buddy(z)).toBeNull();
  });

  it("freeing a block with the wrong order is a KernelBug", () => {
    const z = mem_init(8).zone;
    alloc_page(z);
    const q = alloc_page(z)!; // pfn 1
    expect(() => __free_pages(z, q, 1)).toThrow(/not aligned/);
    const r = alloc_page(z)!; // pfn 2, whose neighbour 3 is free
    expect(() => __free_pages(z, r, 1)).toThrow(/flags buddy/);
    expect(() => __free_pages(z, r, -1)).toThrow(KernelBug);
    expect(() => alloc_pages(z, 0.5)).toThrow(KernelBug);
    expect(check_buddy(z)).toBeNull();
  });

  it("freeing a page still mapped, on the LRU or holding a page table is a KernelBug", () => {
    const z = mem_init(8).zone;
    const p = alloc_page(z)!;
    p._mapcount = 0;
    expect(() => put_page(z, p)).toThrow(/still mapped/);
    p._mapcount = -1;
    SetPageLRU(p);
    expect(() => put_page(z, p)).toThrow(/flags lru set/);
    p.flags = 0;
    SetPageTable(p);
    expect(() => put_page(z, p)).toThrow(/flags table set/);
    p.flags = 0;
    put_page(z, p);
    expect(check_buddy(z)).toBeNull();
  });

  it("get_page on a free page is a KernelBug", () => {
    const { mem_map } = mem_init(8);
    expect(() => get_page(mem_map[3]!)).toThrow(KernelBug);
  });

  it("an allocation that finds a free page written to is a KernelBug", () => {
    const { zone: z, mem_map } = mem_init(8);
    mem_map[0]!._mapcount = 0; // a stray write to the free block's head
    expect(() => alloc_page(z)).toThrow(/modified while it was free/);
  });
});

describe("check_buddy", () => {
  const corruptions: [string, (z: zone) => void, RegExp][] = [
    ["a head without PG_buddy", (z) => { z.mem_map[0]!.flags = 0; }, /not PG_buddy/],
    ["a wrong order", (z) => { z.mem_map[8]!.private = 1; }, /not PG_buddy with order 2/],
    ["a wrong nr_free", (z) => { z.free_area[3]!.nr_free++; }, /nr_free is 2/],
    ["a wrong free page count", (z) => { z.free_pages--; }, /zone.free_pages is 11/],
    ["a stray PG_buddy page", (z) => { z.mem_map[4]!.flags = 1 << PG_buddy; }, /tail page|PG_buddy but/],
    ["a referenced tail", (z) => { z.mem_map[9]!._refcount = 1; }, /tail page of a free block in use/],
    ["a broken back link", (z) => { z.mem_map[8]!.lru_prev = z.mem_map[0]!; }, /lru_prev/],
    ["a misaligned block", (z) => {
      const area = z.free_area[2]!, p = z.mem_map[8]!, q = z.mem_map[10]!;
      area.free_list = area.free_tail = q; q.flags = p.flags; q.private = 2; p.flags = 0; p.private = 0;
    }, /not aligned|past the end/],
  ];
  it.each(corruptions)("reports %s", (_, corrupt, message) => {
    const z = mem_init(12).zone;
    expect(check_buddy(z)).toBeNull();
    corrupt(z);
    expect(check_buddy(z)).toMatch(message);
  });

  it("reports two free buddies left unmerged", () => {
    const z = mem_init(8).zone;
    const [a, b] = [alloc_page(z)!, alloc_page(z)!];
    put_page(z, a);
    // Free b behind the allocator's back, as a buggy free path that forgot to merge would.
    b._refcount = 0; b.flags = 1 << PG_buddy; b.private = 0;
    const area = z.free_area[0]!;
    area.free_tail!.lru_next = b; b.lru_prev = area.free_tail; area.free_tail = b; area.nr_free++; z.free_pages++;
    expect(check_buddy(z)).toMatch(/missed merge/);
  });
});

describe("struct page", () => {
  it("numbers the flags in Linux's enum pageflags order", () => {
    expect([PG_locked, PG_lru, PG_active, PG_reserved, PG_mlocked]).toEqual([0, 4, 5, 12, 21]);
    expect(PG_swapcache).toBe(PG_owner_priv_1);
    expect([PG_buddy, PG_table]).toEqual([22, 23]);
    expect([pageflag_names[PG_lru], pageflag_names[PG_buddy], pageflag_names.length])
      .toEqual(["lru", "buddy", 24]);
  });

  it("counts mappings from _mapcount -1, and PageSwapCache needs PG_swapbacked as in Linux", () => {
    const p = alloc_page(mem_init(4).zone)!;
    expect([page_mapcount(p), page_mapped(p)]).toEqual([0, false]);
    p._mapcount = 0;
    expect([page_mapcount(p), page_mapped(p)]).toEqual([1, true]);
    SetPageSwapCache(p);
    expect(PageSwapCache(p)).toBe(false);
    SetPageSwapBacked(p);
    expect(PageSwapCache(p)).toBe(true);
    SetPageDirty(p);
    expect([TestClearPageDirty(p), TestClearPageDirty(p), PageDirty(p)]).toEqual([true, false, false]);
  });

  it("dump_page describes a page in one line", () => {
    const p = alloc_page(mem_init(4).zone)!;
    p.flags = (1 << PG_lru) | (1 << PG_active);
    expect(dump_page(p))
      .toBe("page:pfn 0x0 refcount:1 mapcount:0 mapping:null index:0x0 private:0x0 flags:0x30(lru|active)");
  });
});
