// struct page: what the kernel knows about one 4 KiB frame of RAM. Linux: include/linux/mm_types.h.
// mem_map[pfn] is the page of frame pfn (Linux: pfn_to_page() on FLATMEM). Flags are bits of
// page.flags named as in Linux's enum pageflags (include/linux/page-flags.h), in the same bit order.

import { BUG } from "../bug.js";

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT; // 4096

// Linux: include/linux/page-flags.h enum pageflags (5.15, CONFIG_MMU, 32-bit), in bit order.
export const PG_locked = 0;         // page is locked: someone is doing I/O on it or changing its identity
export const PG_referenced = 1;     // second-chance bit of the LRU (mark_page_accessed)
export const PG_uptodate = 2;       // contents are valid
export const PG_dirty = 3;          // contents differ from the backing store (file or swap)
export const PG_lru = 4;            // on one of the LRU lists
export const PG_active = 5;         // on the active rather than the inactive list
export const PG_workingset = 6;     // was active before it was deactivated (refault detection)
export const PG_waiters = 7;        // someone waits on PG_locked
export const PG_error = 8;          // an I/O error happened
export const PG_slab = 9;           // owned by the slab allocator
export const PG_owner_priv_1 = 10;  // owner's use; for anonymous pages it means PG_swapcache
export const PG_arch_1 = 11;
export const PG_reserved = 12;      // not managed by the page allocator (boot memory, holes)
export const PG_private = 13;       // page.private holds filesystem data
export const PG_private_2 = 14;
export const PG_writeback = 15;     // being written to disk
export const PG_head = 16;          // head of a compound page (vmos has none yet)
export const PG_mappedtodisk = 17;
export const PG_reclaim = 18;       // to be reclaimed as soon as writeback ends
export const PG_swapbacked = 19;    // backed by swap (anonymous or shmem), not by a file
export const PG_unevictable = 20;   // on the unevictable list (mlocked, ramfs)
export const PG_mlocked = 21;       // in an mlock()ed VMA
/** Linux aliases PG_swapcache to PG_owner_priv_1: "Swap page: swp_entry_t in private". */
export const PG_swapcache = PG_owner_priv_1;
/**
 * vmos-private: the page heads a free block in the buddy allocator, whose order is page.private.
 * Linux keeps this in page->page_type (PageBuddy(), stored in the _mapcount word); Linux up to 2.6.37
 * had it as the real flag PG_buddy, which is what vmos does, so that _mapcount stays a plain count.
 */
export const PG_buddy = 22;
/** vmos-private: the page holds a page table. Linux: PageTable(), also a page_type. */
export const PG_table = 23;
export const NR_PAGEFLAGS = 24;

/** Flag names by bit, as Linux prints them (include/trace/events/mmflags.h), for dump_page(). */
export const pageflag_names: readonly string[] = [
  "locked", "referenced", "uptodate", "dirty", "lru", "active", "workingset", "waiters", "error",
  "slab", "owner_priv_1", "arch_1", "reserved", "private", "private_2", "writeback", "head",
  "mappedtodisk", "reclaim", "swapbacked", "unevictable", "mlocked", "buddy", "table",
];

/**
 * Linux: struct page. One per frame, created by mem_init() and never replaced, so a page object can be
 * compared by identity. Every field is initialised in the constructor, in one order, so all pages share
 * one hidden class (the fault path touches millions of them).
 * A new page is in Linux's __init_single_page() state: one reference (the boot code's), not mapped.
 */
export class page {
  /** Frame number. Linux derives it from the page's position in mem_map; vmos stores it. */
  readonly pfn: number;
  /** Bits 1 << PG_xxx. */
  flags = 0;
  /** Linux: page->_refcount, read with page_count(). 0 exactly when the page is free or a free block's tail. */
  _refcount = 1;
  /** Number of PTEs mapping the page, minus one: -1 means unmapped. Read with page_mapcount(). */
  _mapcount = -1;
  /** anon_vma for anonymous pages, address_space for file pages; null while free. */
  mapping: unknown = null;
  /** Offset in `mapping`, in pages. */
  index = 0;
  /** Buddy order while PG_buddy; swap entry while PG_swapcache; filesystem data with PG_private. */
  private = 0;
  /** Links of the list the page is on (Linux reuses page->lru): a buddy free list or an LRU list. */
  lru_prev: page | null = null;
  lru_next: page | null = null;

  constructor(pfn: number) {
    this.pfn = pfn;
  }
}

/**
 * Linux's PAGEFLAG()/TESTSCFLAG() macros: the accessors of one flag bit, in the order
 * [PageXxx, SetPageXxx, ClearPageXxx, TestSetPageXxx, TestClearPageXxx].
 * The TestSet/TestClear forms return the bit's old value.
 */
function pageflag(bit: number) {
  const mask = 1 << bit;
  return [
    (p: page): boolean => (p.flags & mask) !== 0,
    (p: page): void => { p.flags |= mask; },
    (p: page): void => { p.flags &= ~mask; },
    (p: page): boolean => { const old = p.flags; p.flags = old | mask; return (old & mask) !== 0; },
    (p: page): boolean => { const old = p.flags; p.flags = old & ~mask; return (old & mask) !== 0; },
  ] as const;
}

// Flag accessors (Linux: include/linux/page-flags.h). PageXxx(p) tests, SetPageXxx/ClearPageXxx change,
// TestSetPageXxx/TestClearPageXxx change and return the old value (TestSetPageLocked is trylock_page's core).
export const [PageLocked, SetPageLocked, ClearPageLocked, TestSetPageLocked] = pageflag(PG_locked);
export const [PageReferenced, SetPageReferenced, ClearPageReferenced, , TestClearPageReferenced] =
  pageflag(PG_referenced);
export const [PageUptodate, SetPageUptodate, ClearPageUptodate] = pageflag(PG_uptodate);
export const [PageDirty, SetPageDirty, ClearPageDirty, TestSetPageDirty, TestClearPageDirty] =
  pageflag(PG_dirty);
export const [PageLRU, SetPageLRU, ClearPageLRU, , TestClearPageLRU] = pageflag(PG_lru);
export const [PageActive, SetPageActive, ClearPageActive, , TestClearPageActive] = pageflag(PG_active);
export const [PageWorkingset, SetPageWorkingset, ClearPageWorkingset] = pageflag(PG_workingset);
export const [PageSlab, SetPageSlab, ClearPageSlab] = pageflag(PG_slab);
export const [PageReserved, SetPageReserved, ClearPageReserved] = pageflag(PG_reserved);
export const [PagePrivate, SetPagePrivate, ClearPagePrivate] = pageflag(PG_private);
export const [PageWriteback, SetPageWriteback, ClearPageWriteback, TestSetPageWriteback,
  TestClearPageWriteback] = pageflag(PG_writeback);
export const [PageReclaim, SetPageReclaim, ClearPageReclaim, , TestClearPageReclaim] = pageflag(PG_reclaim);
export const [PageSwapBacked, SetPageSwapBacked, ClearPageSwapBacked] = pageflag(PG_swapbacked);
export const [PageUnevictable, SetPageUnevictable, ClearPageUnevictable, , TestClearPageUnevictable] =
  pageflag(PG_unevictable);
export const [PageMlocked, SetPageMlocked, ClearPageMlocked, TestSetPageMlocked, TestClearPageMlocked] =
  pageflag(PG_mlocked);
export const [PageBuddy, SetPageBuddy, ClearPageBuddy] = pageflag(PG_buddy);
export const [PageTable, SetPageTable, ClearPageTable] = pageflag(PG_table);
const [testSwapCacheBit, setSwapCacheBit, clearSwapCacheBit] = pageflag(PG_swapcache);

/**
 * Linux: PageSwapCache(). True when the page is in the swap cache (page.private is its swap entry).
 * As in Linux, the bit only counts on a swap-backed page, because PG_owner_priv_1 means other things
 * on file pages.
 */
export function PageSwapCache(p: page): boolean {
  return PageSwapBacked(p) && testSwapCacheBit(p);
}
/** Linux: SetPageSwapCache(). */
export const SetPageSwapCache: (p: page) => void = setSwapCacheBit;
/** Linux: ClearPageSwapCache(). */
export const ClearPageSwapCache: (p: page) => void = clearSwapCacheBit;

/** Linux: page_count(). References held on the page: mappings, the swap cache, the kernel's own. */
export function page_count(p: page): number {
  return p._refcount;
}

/** Linux: page_mapcount(). Number of PTEs that map the page (0 when unmapped). */
export function page_mapcount(p: page): number {
  return p._mapcount + 1;
}

/** Linux: page_mapped(). Whether any PTE maps the page. */
export function page_mapped(p: page): boolean {
  return p._mapcount >= 0;
}

/**
 * Linux: get_page(). Take one more reference on a page someone already holds.
 * A page with no reference is free (or a free block's tail): taking one is a kernel bug.
 */
export function get_page(p: page): void {
  if (p._refcount <= 0) BUG(`get_page on a page with no reference: ${dump_page(p)}`);
  p._refcount++;
}

/** The names of the set flags joined by "|", as Linux's %pGp prints them: "referenced|lru|active". */
export function page_flag_names(flags: number): string {
  const names: string[] = [];
  for (let bit = 0; bit < NR_PAGEFLAGS; bit++) if ((flags >>> bit) & 1) names.push(pageflag_names[bit]!);
  return names.join("|");
}

/**
 * Linux: mm/debug.c dump_page(). One line describing the page, for bug reports:
 * "page:pfn 0x5 refcount:1 mapcount:0 mapping:null index:0x0 flags:0x11(locked|lru)".
 */
export function dump_page(p: page): string {
  const mapping = p.mapping === null ? "null" : typeof p.mapping === "object" ? "set" : String(p.mapping);
  return `page:pfn 0x${p.pfn.toString(16)} refcount:${p._refcount} mapcount:${page_mapcount(p)}` +
    ` mapping:${mapping} index:0x${p.index.toString(16)} private:0x${p.private.toString(16)}` +
    ` flags:0x${p.flags.toString(16)}(${page_flag_names(p.flags)})`;
}
