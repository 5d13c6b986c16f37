// Linux: mm/swap_state.c, the swap cache: the pages that are both in memory and in a swap slot,
// found by their swap entry (Linux: swapper_spaces[type], an xarray indexed by offset). A page is
// there while it is on its way out (add_to_swap ... until reclaim frees it) and after it came back
// in, as long as its slot still holds a valid copy: a clean page in the swap cache can be dropped
// again without writing it.
//
//   page in the swap cache:   PG_swapcache, page.private = its swp_entry_t, one reference held by
//                             the cache, swap_map[slot] has SWAP_HAS_CACHE; an anonymous page keeps
//                             page.mapping = its anon_vma and page.index, so rmap still finds it
//
// A fault that finds its entry here is a minor fault (do_swap_page); one that does not reads the
// slot into a new page, which enters the cache first (read_swap_cache_async), so every other process
// that has the same slot in a PTE finds that page too: one copy in memory, however many PTEs.

import { BUG, BUG_ON } from "../bug.js";
import type { Kernel } from "../kernel.js";
import { hex } from "../trace.js";
import {
  ClearPageSwapCache, PageSwapBacked, PageSwapCache, SetPageDirty, SetPageSwapBacked, SetPageSwapCache, get_page,
  page_mapped, type page,
} from "./page.js";
import { __alloc_pages, GFP_HIGHUSER_MOVABLE, put_page } from "./page_alloc.js";
import { lru_cache_add } from "./swap.js";
import { swap_readpage } from "./page_io.js";
import { get_swap_page, put_swap_page, swapcache_prepare, try_to_free_swap } from "./swapfile.js";
import type { swp_entry_t } from "./swapops.js";

/** Linux: struct address_space of the swap cache (swapper_spaces). */
class swap_address_space {
  /** Linux: i_pages: the cached page of each swap entry. Each holds one reference. */
  readonly pages = new Map<swp_entry_t, page>();
  /**
   * Reads in flight: the cycle at which each page's swap_readpage completes. Linux keeps the page
   * locked (PG_locked) until end_swap_bio_read(); a fault that finds it waits in lock_page. vmos's
   * bytes arrive at once, so only the time is kept; an entry whose time has passed is stale.
   */
  readonly reading = new Map<page, number>();
}

const spaces = new WeakMap<Kernel, swap_address_space>();

/** The kernel's swap cache, created and registered with the invariant checker at swapon. */
export function swap_cache_init(k: Kernel): void {
  if (spaces.has(k)) return;
  const space = new swap_address_space();
  spaces.set(k, space);
  k.page_holders.push({ name: "the swap cache", pages: () => space.pages.values() });
}

function swap_address_space_of(k: Kernel): swap_address_space {
  const s = spaces.get(k);
  if (s === undefined) BUG("the swap cache is used before swapon");
  return s;
}

/** Linux: total_swapcache_pages(): pages in the swap cache (meminfo SwapCached). */
export function total_swapcache_pages(k: Kernel): number {
  return spaces.get(k)?.pages.size ?? 0;
}

/** Every page in the swap cache with its entry (for the invariant checker). */
export function swap_cache_entries(k: Kernel): ReadonlyMap<swp_entry_t, page> {
  return spaces.get(k)?.pages ?? new Map();
}

/**
 * Linux: add_to_swap_cache(): `p` (swap-backed) becomes the swap cache's page for `entry`, whose
 * slot the caller has claimed (get_swap_page or swapcache_prepare set SWAP_HAS_CACHE). Takes the
 * cache's reference.
 */
export function add_to_swap_cache(k: Kernel, p: page, entry: swp_entry_t): void {
  const space = swap_address_space_of(k);
  BUG_ON(PageSwapCache(p) || !PageSwapBacked(p), "add_to_swap_cache: the page is in the swap cache already, or not swap-backed");
  if (space.pages.has(entry)) BUG(`add_to_swap_cache: entry ${hex(entry)} has a page already`);
  get_page(p);
  SetPageSwapCache(p);
  p.private = entry;
  space.pages.set(entry, p);
}

/** Linux: __delete_from_swap_cache(): the cache forgets the page (the caller drops the slot's flag and the reference). */
function __delete_from_swap_cache(k: Kernel, p: page): swp_entry_t {
  const space = swap_address_space_of(k);
  const entry: swp_entry_t = p.private;
  if (!PageSwapCache(p) || space.pages.get(entry) !== p) BUG(`delete_from_swap_cache: pfn ${hex(p.pfn)} is not in the swap cache`);
  space.pages.delete(entry);
  space.reading.delete(p);
  ClearPageSwapCache(p);
  p.private = 0;
  return entry;
}

/**
 * Linux: delete_from_swap_cache(): take `p` out of the swap cache: its slot loses SWAP_HAS_CACHE
 * (and is freed if no PTE or shmem object needs it) and the cache's reference is dropped, which
 * frees the page if it was the last.
 */
export function delete_from_swap_cache(k: Kernel, p: page): void {
  const entry = __delete_from_swap_cache(k, p);
  put_swap_page(k, entry);
  put_page(k.zone, p);
}

/**
 * Linux: add_to_swap(): give an anonymous page a swap slot and put it in the swap cache, dirty (its
 * slot holds nothing yet). Returns false when swap is full or off: the page cannot leave memory.
 */
export function add_to_swap(k: Kernel, p: page): boolean {
  BUG_ON(PageSwapCache(p) || !PageSwapBacked(p), "add_to_swap: the page is in the swap cache already, or not swap-backed");
  const entry = get_swap_page(k);
  if (entry === 0) return false;
  add_to_swap_cache(k, p, entry);
  SetPageDirty(p); // Linux: set_page_dirty(): "the page is dirty as far as swap is concerned"
  if (k.trace.mm) k.trace.note("mm", `add_to_swap pfn ${hex(p.pfn)} -> entry ${hex(entry)}`);
  return true;
}

/** Linux: lookup_swap_cache(): the page cached for `entry`, or null. Takes no reference. */
export function lookup_swap_cache(k: Kernel, entry: swp_entry_t): page | null {
  return spaces.get(k)?.pages.get(entry) ?? null;
}

/**
 * The cycle at which the read bringing `p` into the swap cache completes, or 0 if no read is in
 * flight (Linux: the page is locked until end_swap_bio_read; a fault waits in lock_page).
 */
export function swap_read_done(k: Kernel, p: page): number {
  const space = spaces.get(k);
  const done = space?.reading.get(p) ?? 0;
  if (done !== 0 && done <= k.machine.clock.cycles) {
    space!.reading.delete(p);
    return 0;
  }
  return done;
}

/** What read_swap_cache_async() gives its caller. */
export interface swapin_result {
  /** The page, with one reference for the caller besides the cache's. */
  page: page;
  /** The cycle its read completes (0: it was in memory already). */
  done: number;
  /** It had to be read: a major fault. */
  major: boolean;
}

/**
 * Linux: swapin_readahead() -> read_swap_cache_async() for one page (no readahead): the swap
 * cache's page for `entry`, read from the slot into a new page (allocated with `gfp`) if it is not
 * cached. The page is in the swap cache either way; the caller gets a reference of its own. Returns
 * null when no frame is free (VM_FAULT_OOM).
 */
export function read_swap_cache_async(k: Kernel, entry: swp_entry_t, gfp = GFP_HIGHUSER_MOVABLE): swapin_result | null {
  const found = lookup_swap_cache(k, entry);
  if (found !== null) {
    get_page(found);
    return { page: found, done: swap_read_done(k, found), major: false };
  }
  const p = __alloc_pages(k, gfp, 0); // may reclaim: nothing is held yet
  if (p === null) return null;
  const err = swapcache_prepare(k, entry);
  if (err !== 0) BUG(`read_swap_cache_async: entry ${hex(entry)} ${err === -2 ? "has no user left" : "is cached but was not found"}`);
  SetPageSwapBacked(p);
  add_to_swap_cache(k, p, entry);
  lru_cache_add(k, p); // Linux: __read_swap_cache_async() puts the new page on the inactive anon list
  const done = swap_readpage(k, p, entry);
  swap_address_space_of(k).reading.set(p, done);
  return { page: p, done, major: true };
}

/**
 * Linux: free_swap_cache(): a page that was just unmapped (zap, a COW copy replaced it) leaves the
 * swap cache if nothing refers to its slot any more, so its memory goes with its last user.
 */
export function free_swap_cache(k: Kernel, p: page): void {
  if (PageSwapCache(p) && !page_mapped(p)) try_to_free_swap(k, p);
}
