// The page allocator: one zone (ZONE_NORMAL) over all of RAM, its watermarks, and the page-level
// alloc/free API on top of the buddy free lists (buddy.ts). Linux: mm/page_alloc.c, include/linux/mmzone.h.
//
// Lifecycle of a frame: mem_init() creates its struct page and gives it to the buddy allocator
// (_refcount 0, in a free block). alloc_pages() hands it out with _refcount 1; get_page()/put_page()
// move the count; when the last reference goes, the page leaves the LRU (swap.ts) and the block returns
// to the free lists, merged with its free buddies.
//
// Two ways in. __alloc_pages(k, gfp, order) is Linux's allocator for memory that can wait: user pages
// (faults, the page cache, shmem, swap-in). It keeps the watermarks (docs/reclaim.md):
//
//   free > low            take a page                                      (the fast path)
//   min < free <= low     wake kswapd, take a page                         (__alloc_pages_slowpath)
//   free <= min           direct reclaim (try_to_free_pages), then take one; nothing reclaimable:
//                         the OOM killer (out_of_memory), then try again
//
// alloc_pages(z, order) takes a block without looking at watermarks or reclaiming, as Linux's atomic
// allocations dip into the reserve below min: vmos uses it at boot and for page tables and pipe
// buffers, whose callers hold pages reclaim must not touch while they allocate (fork's copy_page_range).

import { BUG } from "../bug.js";
import type { Kernel } from "../kernel.js";
import { FreeTo, MAX_ORDER, __free_one_page, __rmqueue_smallest, free_area } from "./buddy.js";
import {
  PAGE_SHIFT, PG_active, PG_buddy, PG_locked, PG_lru, PG_mlocked, PG_private, PG_private_2, PG_reserved,
  PG_slab, PG_table, PG_unevictable, PG_writeback, dump_page, page, page_flag_names,
} from "./page.js";
import { __page_cache_release, lruvec } from "./swap.js";

export { MAX_ORDER, check_buddy, free_area } from "./buddy.js";

/** Linux: mm/page_alloc.c watermark_scale_factor default: the low-min and high-low gaps are 0.1 % of the zone. */
export const DEFAULT_WATERMARK_SCALE_FACTOR = 10;

/** Linux: struct zone, reduced to what one ZONE_NORMAL spanning all of RAM needs. */
export class zone {
  /** As /proc/zoneinfo and /proc/buddyinfo print it. */
  readonly name = "Normal";
  /** Linux: zone->zone_start_pfn. RAM starts at frame 0. */
  readonly zone_start_pfn = 0;
  /** Frames the zone covers (all of RAM). Pfns 0..spanned_pages-1 exist; there are no holes. */
  spanned_pages: number;
  /** Frames given to the page allocator. Equal to spanned_pages: vmos reserves none. */
  managed_pages = 0;
  /** Free blocks by order. */
  readonly free_area: free_area[] = [];
  /** Linux: zone->vm_stat[NR_FREE_PAGES]. Pages in all free blocks; read with nr_free_pages(). */
  free_pages = 0;
  /** Linux: zone->_watermark[WMARK_MIN/LOW/HIGH], in pages. Set by setup_per_zone_wmarks(). */
  readonly _watermark = { min: 0, low: 0, high: 0 };
  /** Linux: the min_free_kbytes sysctl (a global there; per zone here, as there is one zone). */
  min_free_kbytes = 0;
  /** Linux: the watermark_scale_factor sysctl, in 1/10000ths of the zone. */
  watermark_scale_factor = DEFAULT_WATERMARK_SCALE_FACTOR;
  /** Pages allocated / freed, counted per page as Linux counts pgalloc_normal and pgfree in /proc/vmstat. */
  pgalloc = 0;
  pgfree = 0;
  /** The struct page of every frame, indexed by pfn (Linux: the global mem_map). */
  readonly mem_map: page[];
  /** Linux: pgdat->__lruvec: the LRU lists (swap.ts) of the one node, which is this one zone. */
  readonly lruvec: lruvec;

  constructor(mem_map: page[]) {
    this.mem_map = mem_map;
    this.spanned_pages = mem_map.length;
    this.lruvec = new lruvec(mem_map.length);
    for (let order = 0; order < MAX_ORDER; order++) this.free_area.push(new free_area());
  }
}

export interface MemInit {
  zone: zone;
  mem_map: page[];
}

export interface MemInitOptions {
  /** Override the computed min_free_kbytes, as writing /proc/sys/vm/min_free_kbytes does. Integer >= 0. */
  min_free_kbytes?: number;
  /** Override watermark_scale_factor (default 10). Integer 1..1000, the sysctl's range. */
  watermark_scale_factor?: number;
}

/**
 * Linux: mm_init() -> free_area_init() + memblock_free_all() + init_per_zone_wmark_min().
 * Creates mem_map for `frames` frames (an integer >= 1) and gives every frame to the buddy allocator:
 * from pfn 0 upward, each time the largest block that is aligned and fits before the end of RAM (at
 * most order MAX_ORDER-1), queued at the tail of its list as __free_pages_core() does, so the first
 * allocations come from the lowest frames. These boot frees count in pgfree, as in Linux.
 * Then computes min_free_kbytes = int_sqrt(lowmem_kbytes * 16) clamped to [128, 262144] and the
 * watermarks (setup_per_zone_wmarks); `options` override min_free_kbytes and watermark_scale_factor.
 * Throws RangeError on an invalid argument (a caller's mistake, not a kernel invariant).
 */
export function mem_init(frames: number, options: MemInitOptions = {}): MemInit {
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`mem_init: bad frame count ${frames}`);
  const mfk = options.min_free_kbytes, wsf = options.watermark_scale_factor;
  if (mfk !== undefined && (!Number.isInteger(mfk) || mfk < 0)) {
    throw new RangeError(`mem_init: min_free_kbytes must be an integer >= 0, not ${mfk}`);
  }
  if (wsf !== undefined && (!Number.isInteger(wsf) || wsf < 1 || wsf > 1000)) {
    throw new RangeError(`mem_init: watermark_scale_factor must be an integer in 1..1000, not ${wsf}`);
  }
  // Grown by push: V8 gives `new Array(n)` slow dictionary elements when n > 100000 (a 400 MiB RAM).
  const mem_map: page[] = [];
  for (let pfn = 0; pfn < frames; pfn++) mem_map.push(new page(pfn));
  const z = new zone(mem_map);
  // Linux: mm/memblock.c __free_pages_memory(): largest aligned blocks first.
  for (let start = 0; start < frames;) {
    let order = MAX_ORDER - 1;
    while ((start & ((1 << order) - 1)) !== 0 || start + (1 << order) > frames) order--;
    __free_pages_core(z, mem_map[start]!, order);
    start += 1 << order;
  }
  z.watermark_scale_factor = wsf ?? DEFAULT_WATERMARK_SCALE_FACTOR;
  init_per_zone_wmark_min(z);
  if (mfk !== undefined) z.min_free_kbytes = mfk;
  setup_per_zone_wmarks(z);
  return { zone: z, mem_map };
}

// Linux: mm/page_alloc.c __free_pages_core(). Boot hands a block of fresh pages to the allocator:
// drop the boot reference of each page, count them as managed, and free the block at the list tail.
function __free_pages_core(z: zone, p: page, order: number): void {
  const n = 1 << order;
  for (let i = 0; i < n; i++) {
    const q = z.mem_map[p.pfn + i]!;
    q.flags &= ~(1 << PG_reserved);
    q._refcount = 0;
  }
  z.managed_pages += n;
  z.pgfree += n;
  __free_one_page(p, z, order, FreeTo.Tail);
}

/** Linux: include/linux/kernel.h int_sqrt(): the floor of the square root of x >= 0. */
export function int_sqrt(x: number): number {
  let r = Math.floor(Math.sqrt(x));
  while (r * r > x) r--;
  while ((r + 1) * (r + 1) <= x) r++;
  return r;
}

// Linux: mm/page_alloc.c init_per_zone_wmark_min(). min_free_kbytes = 4 * sqrt(lowmem_kbytes), which
// Linux's comment tabulates as 16MB: 512k, 64MB: 1024k, 1GB: 4096k. lowmem is nr_free_buffer_pages(),
// the managed pages above the high watermark, which is still 0 at this point: all of RAM.
function init_per_zone_wmark_min(z: zone): void {
  const lowmem_kbytes = z.managed_pages * (1 << (PAGE_SHIFT - 10));
  z.min_free_kbytes = Math.min(Math.max(int_sqrt(lowmem_kbytes * 16), 128), 262144);
}

/**
 * Linux: mm/page_alloc.c setup_per_zone_wmarks() -> __setup_per_zone_wmarks(), for one lowmem zone:
 *   min  = min_free_kbytes in pages (the whole of pages_min, the zone being all of lowmem)
 *   gap  = max(min / 4, managed_pages * watermark_scale_factor / 10000)
 *   low  = min + gap,  high = min + 2 * gap
 * Call it again after changing z.min_free_kbytes or z.watermark_scale_factor (the sysctl handlers do).
 */
export function setup_per_zone_wmarks(z: zone): void {
  const pages_min = z.min_free_kbytes >> (PAGE_SHIFT - 10);
  // Linux: tmp = pages_min * managed / lowmem_pages, the zone's share of pages_min; one zone gets all.
  const min = pages_min;
  // Linux: mult_frac(managed, watermark_scale_factor, 10000), an exact floor for these magnitudes.
  const gap = Math.max(min >> 2, Math.floor((z.managed_pages * z.watermark_scale_factor) / 10000));
  z._watermark.min = min;
  z._watermark.low = min + gap;
  z._watermark.high = min + 2 * gap;
}

/** Linux: include/linux/mmzone.h min_wmark_pages(): below it only direct reclaim may allocate. */
export function min_wmark_pages(z: zone): number {
  return z._watermark.min;
}
/** Linux: low_wmark_pages(): the fast path's mark; below it kswapd is woken. */
export function low_wmark_pages(z: zone): number {
  return z._watermark.low;
}
/** Linux: high_wmark_pages(): kswapd reclaims until free pages are above it. */
export function high_wmark_pages(z: zone): number {
  return z._watermark.high;
}

/** Linux: nr_free_pages() / zone_page_state(z, NR_FREE_PAGES). Pages in free blocks, O(1). */
export function nr_free_pages(z: zone): number {
  return z.free_pages;
}

/**
 * Linux: mm/page_alloc.c __zone_watermark_ok() with no alloc_flags and no lowmem reserve.
 * True when, after taking 2^order pages, more than `mark` pages would stay free
 * (free_pages - (2^order - 1) > mark) and, for order > 0, a free block of at least that order exists.
 */
export function zone_watermark_ok(z: zone, order: number, mark: number): boolean {
  const free_pages = z.free_pages - ((1 << order) - 1);
  if (free_pages <= mark) return false;
  if (order === 0) return true;
  for (let o = order; o < MAX_ORDER; o++) if (z.free_area[o]!.nr_free !== 0) return true;
  return false;
}

// Linux: mm/page_alloc.c bad_page(). Linux reports "BUG: Bad page state", taints and leaks the page;
// vmos stops, because a page in a wrong state means the kernel's bookkeeping is already broken.
function bad_page(p: page, reason: string): never {
  BUG(`Bad page state: ${reason}: ${dump_page(p)}`);
}

// Linux: include/linux/page-flags.h PAGE_FLAGS_CHECK_AT_FREE, plus vmos's PG_buddy and PG_table, which
// Linux keeps in page_type and catches as "nonzero mapcount". The owner must clear these before the
// last put: remove the page from the LRU, unlock it, finish writeback, run the page-table destructor.
const PAGE_FLAGS_CHECK_AT_FREE = 1 << PG_lru | 1 << PG_locked | 1 << PG_private | 1 << PG_private_2 |
  1 << PG_writeback | 1 << PG_reserved | 1 << PG_slab | 1 << PG_active | 1 << PG_unevictable |
  1 << PG_mlocked | 1 << PG_buddy | 1 << PG_table;

// Linux: mm/page_alloc.c free_pages_prepare() + check_free_page(). The block's last reference is about to
// go: check that nothing still uses any of its pages (a KernelBug leaves every page as it was), then wipe
// them (all flags, mapping, private), as Linux clears PAGE_FLAGS_CHECK_AT_PREP. Anonymous pages need not
// clear `mapping` first: Linux does it here for them (PageMappingFlags), and vmos does it for every page.
function free_pages_prepare(z: zone, p: page, order: number): void {
  const n = 1 << order;
  if ((p.pfn & (n - 1)) !== 0) bad_page(p, `freeing a block not aligned to its order ${order}`);
  if (p.pfn + n > z.spanned_pages) bad_page(p, `freeing an order-${order} block past the end of RAM`);
  for (let i = 0; i < n; i++) {
    const q = i === 0 ? p : z.mem_map[p.pfn + i]!;
    if (q._mapcount !== -1) bad_page(q, "freeing a page that is still mapped (nonzero mapcount)");
    if (i !== 0 && q._refcount !== 0) bad_page(q, `freeing an order-${order} block with a page still in use`);
    if (q.flags & PAGE_FLAGS_CHECK_AT_FREE) {
      bad_page(q, `freeing a page with flags ${page_flag_names(q.flags & PAGE_FLAGS_CHECK_AT_FREE)} set`);
    }
  }
  for (let i = 0; i < n; i++) {
    const q = i === 0 ? p : z.mem_map[p.pfn + i]!;
    q.flags = 0;
    q.mapping = null;
    q.private = 0;
  }
  p._refcount = 0;
}

// Linux: mm/page_alloc.c check_new_page() + prep_new_page(). The block just left the free lists: every
// page must be pristine (else someone wrote to a free page), and the head gets the caller's reference.
function prep_new_page(z: zone, p: page, order: number): void {
  const n = 1 << order;
  for (let i = 0; i < n; i++) {
    const q = i === 0 ? p : z.mem_map[p.pfn + i]!;
    if (q.flags !== 0 || q._refcount !== 0 || q._mapcount !== -1 || q.mapping !== null) {
      bad_page(q, "a free page was modified while it was free");
    }
  }
  p._refcount = 1; // Linux: set_page_refcounted()
}

/**
 * Linux: mm/page_alloc.c rmqueue() under get_page_from_freelist(), with no watermark check (as an
 * ALLOC_NO_WATERMARKS allocation): take a block of 2^order frames from the smallest order that has
 * one, splitting larger blocks (expand()). Never reclaims: see __alloc_pages() for memory that can wait.
 * Returns the head page with _refcount 1 and _mapcount -1, no flags, mapping null; the other pages of
 * the block have _refcount 0 and belong to the caller with it. Returns null, never throws, when no block
 * is big enough or order >= MAX_ORDER (Linux warns and fails). A negative or fractional order is a
 * kernel bug. Does not zero the frame: RAM belongs to the board; the caller clears it (clear_highpage).
 */
export function alloc_pages(z: zone, order: number): page | null {
  if (order >= MAX_ORDER) return null;
  if (!(order >= 0) || (order | 0) !== order) BUG(`alloc_pages: bad order ${order}`);
  const p = __rmqueue_smallest(z, order);
  if (p === null) return null;
  z.free_pages -= 1 << order;
  z.pgalloc += 1 << order;
  prep_new_page(z, p, order);
  return p;
}

/** Linux: alloc_page(). alloc_pages(z, 0): one frame, or null when none is free. O(1) amortised. */
export function alloc_page(z: zone): page | null {
  return alloc_pages(z, 0);
}

/**
 * Linux: mm/page_alloc.c __free_pages(). Drop one reference on the head `p` of a block of 2^order frames
 * allocated by alloc_pages(z, order); when it was the last, free the whole block, merging it with its free
 * buddies (__free_one_page). A kernel bug (KernelBug) when `p` holds no reference (a double free, a page
 * never allocated, or a tail page), and when the last reference goes while a page of the block is still
 * mapped, flagged as in use (LRU, locked, writeback, reserved, page table...), or referenced (tails).
 */
export function __free_pages(z: zone, p: page, order: number): void {
  if (!(order >= 0 && order < MAX_ORDER) || (order | 0) !== order) BUG(`__free_pages: bad order ${order}`);
  if (p._refcount <= 0) {
    bad_page(p, p.flags & (1 << PG_buddy) ? "double free: the page is already free"
      : "freeing a page with no reference (never allocated, already freed, or a tail page)");
  }
  if (p._refcount > 1) {
    p._refcount--; // Linux: put_page_testzero() false: someone else still holds the block
    return;
  }
  free_pages_prepare(z, p, order);
  z.pgfree += 1 << order;
  __free_one_page(p, z, order, FreeTo.Head);
}

/**
 * Linux: include/linux/mm.h put_page() -> __put_single_page(): drop a reference on an order-0 page;
 * when it was the last, take the page off its LRU list (__page_cache_release) and free the frame.
 * The fault path's partner of alloc_page(); O(1) amortised, allocates nothing. Same kernel bugs as
 * __free_pages().
 */
export function put_page(z: zone, p: page): void {
  if (p._refcount === 1) __page_cache_release(z.lruvec, p);
  __free_pages(z, p, 0);
}

// Linux: gfp_t values (include/linux/gfp.h, 5.15), as the OOM report prints them. vmos distinguishes
// only "may reclaim" from "may not", and whether a failure may skip the OOM killer.
/** Kernel memory that may sleep and reclaim. */
export const GFP_KERNEL = 0xcc0;
/** User memory: faults, the page cache, shmem, swap-in. */
export const GFP_HIGHUSER_MOVABLE = 0x100cca;
/** Reclaim hard, but fail rather than call the OOM killer: the caller can back out (swapoff). */
export const __GFP_RETRY_MAYFAIL = 0x4000;

/** Linux: MAX_RECLAIM_RETRIES: rounds of direct reclaim without progress before the OOM killer. */
export const MAX_RECLAIM_RETRIES = 16;

/**
 * What the slow path calls above the page allocator, which Linux's calls directly: kswapd and direct
 * reclaim (kswapd.ts, vmscan.ts) and the OOM killer (oom_kill.ts). Each registers itself here when its
 * module loads, so this file, at the bottom of the kernel, imports none of them (ES modules must not
 * import in a circle through code that runs at load time; the OOM killer reaches up to processes and
 * signals). Until they load (a test of the allocator alone), there is no reclaim: the slow path fails.
 */
export const reclaim_ops = {
  /** Linux: wakeup_kswapd(). */
  wakeup_kswapd: (_k: Kernel, _order: number): void => {},
  /** Linux: try_to_free_pages(): pages freed by direct reclaim. */
  try_to_free_pages: (_k: Kernel, _gfp: number, _order: number): number => 0,
  /** Linux: out_of_memory(): "other" (a victim's memory is back), "current" (the caller dies), "none". */
  out_of_memory: (_k: Kernel, _gfp: number, _order: number): "other" | "current" | "none" => "none",
  /** Linux: fatal_signal_pending(current): the caller is dying and may use the reserve. */
  dying: (_k: Kernel): boolean => false,
};

/**
 * Linux: mm/page_alloc.c __alloc_pages(): a block of 2^order frames for memory that can wait (gfp
 * GFP_HIGHUSER_MOVABLE or GFP_KERNEL). The fast path takes it while free pages stay above the low
 * watermark; below, __alloc_pages_slowpath() wakes kswapd, reclaims, and at last calls the OOM killer.
 * Returns null only when even that found nothing (VM_FAULT_OOM / -ENOMEM for the caller): the current
 * task was chosen as the OOM victim and the reserve is empty too, or nothing could be killed.
 * The caller must hold a reference on every page it is working on (reclaim takes only pages no one
 * else holds), and may find that another task was killed meanwhile.
 */
export function __alloc_pages(k: Kernel, gfp: number, order: number): page | null {
  const z = k.zone;
  if (zone_watermark_ok(z, order, low_wmark_pages(z))) return alloc_pages(z, order); // ALLOC_WMARK_LOW
  return __alloc_pages_slowpath(k, gfp, order);
}

/**
 * Linux: __alloc_pages_slowpath(), as far as one zone and order-0 user pages need it:
 * wake_all_kswapds; ALLOC_WMARK_MIN; __alloc_pages_direct_reclaim (try_to_free_pages, allocstall)
 * while it makes progress (should_reclaim_retry); __alloc_pages_may_oom (out_of_memory) and retry when
 * a task was killed. A dying task (SIGKILL pending: the OOM victim) may take the reserve below min
 * (ALLOC_OOM) instead of reclaiming.
 */
function __alloc_pages_slowpath(k: Kernel, gfp: number, order: number): page | null {
  const z = k.zone;
  reclaim_ops.wakeup_kswapd(k, order);
  if (zone_watermark_ok(z, order, min_wmark_pages(z))) return alloc_pages(z, order);
  if (reclaim_ops.dying(k)) return alloc_pages(z, order);
  let retries = 0;
  for (;;) {
    const progress = reclaim_ops.try_to_free_pages(k, gfp, order);
    if (zone_watermark_ok(z, order, min_wmark_pages(z))) return alloc_pages(z, order);
    if (progress > 0 && ++retries < MAX_RECLAIM_RETRIES) continue;
    // Linux: __alloc_pages_may_oom(): one last try at the high watermark, then the OOM killer.
    if (zone_watermark_ok(z, order, high_wmark_pages(z))) return alloc_pages(z, order);
    if (gfp & __GFP_RETRY_MAYFAIL) return null; // "the caller has a more reasonable fallback"
    const killed = reclaim_ops.out_of_memory(k, gfp, order);
    if (killed === "other") {
      retries = 0; // a victim's memory came back: try again
      if (zone_watermark_ok(z, order, min_wmark_pages(z))) return alloc_pages(z, order);
      continue;
    }
    // The current task is the victim (it dies on its way back to user mode) or nothing could be
    // killed: Linux lets the victim use the reserves (ALLOC_OOM) so it can exit.
    return killed === "current" ? alloc_pages(z, order) : null;
  }
}
