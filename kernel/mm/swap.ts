// Linux: mm/swap.c (the LRU half; swap slots are swapfile.ts) and include/linux/mm_inline.h. Every
// page that user memory or a file is made of sits on one of five lists, which reclaim (vmscan.ts)
// scans from the tail:
//
//   LRU_INACTIVE_ANON   anonymous and shmem pages (swap-backed) not used lately      <- new anon pages
//   LRU_ACTIVE_ANON     ... used again while inactive                                   (Linux 5.9+)
//   LRU_INACTIVE_FILE   page-cache pages                                             <- new cache pages
//   LRU_ACTIVE_FILE     ... used twice (mark_page_accessed) or referenced twice
//   LRU_UNEVICTABLE     mlocked pages: reclaim never looks at them
//
// A page joins a list when it is first mapped or cached (lru_cache_add: Linux batches these in per-CPU
// pagevecs; vmos has one CPU and adds at once) and leaves it when it is freed (__page_cache_release, from
// put_page's last reference) or isolated by reclaim. Page tables, pipe buffers and the zero page are
// never on a list. PG_lru says the page is on one; PG_active and PG_unevictable say which, with
// PG_swapbacked choosing anon or file (page_is_file_lru), exactly as in Linux.
//
// The lists live in the zone (Linux keeps them per node, in pgdat->__lruvec; vmos's one node is its one
// zone). With a replacement policy other than `linux` (--policy), the lists still hold every page (so
// /proc/meminfo reads the same), and the policy is told about each page that joins or leaves them.

import { BUG } from "../bug.js";
import type { Kernel } from "../kernel.js";
import type { PolicyHost, ReplacementPolicy } from "./policy/types.js";
import {
  ClearPageActive, ClearPageLRU, ClearPageMlocked, ClearPageReferenced, ClearPageUnevictable, PageActive, PageLRU,
  PageMlocked, PageReferenced, PageSwapBacked, PageSwapCache, PageTable, PageUnevictable, SetPageActive, SetPageLRU, SetPageMlocked,
  SetPageReferenced, SetPageUnevictable, dump_page, type page,
} from "./page.js";
import { VM_LOCKED, VM_SPECIAL, type vm_area_struct } from "./vma.js";

// Linux: enum lru_list (include/linux/mmzone.h): LRU_BASE 0, LRU_ACTIVE 1, LRU_FILE 2.
export const LRU_INACTIVE_ANON = 0;
export const LRU_ACTIVE_ANON = 1;
export const LRU_INACTIVE_FILE = 2;
export const LRU_ACTIVE_FILE = 3;
export const LRU_UNEVICTABLE = 4;
export const NR_LRU_LISTS = 5;
export const LRU_ACTIVE = 1;
export const LRU_FILE = 2;
/** The names /proc/vmstat and traces use for each list. */
export const lru_names = ["inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable"] as const;
/** Marks a frame that is on no list, in lruvec.on. */
const NOT_ON_LRU = 0xff;

/**
 * Linux: the reclaim and LRU half of enum vm_event_item (counted with count_vm_events, printed by
 * /proc/vmstat under these names). One set per kernel, kept in its zone as pgalloc and pgfree are.
 */
export class vm_event_states {
  pgactivate = 0;
  pgdeactivate = 0;
  pgrefill = 0;
  pgsteal_kswapd = 0;
  pgsteal_direct = 0;
  pgscan_kswapd = 0;
  pgscan_direct = 0;
  pgscan_anon = 0;
  pgscan_file = 0;
  pgsteal_anon = 0;
  pgsteal_file = 0;
  allocstall_normal = 0;
  pageoutrun = 0;
  kswapd_low_wmark_hit_quickly = 0;
  kswapd_high_wmark_hit_quickly = 0;
  pgrotated = 0;
  oom_kill = 0;
  unevictable_pgs_culled = 0;
  unevictable_pgs_scanned = 0;
  unevictable_pgs_rescued = 0;
  unevictable_pgs_mlocked = 0;
  unevictable_pgs_munlocked = 0;
  unevictable_pgs_cleared = 0;
  unevictable_pgs_stranded = 0;
  /** Node items Linux counts as events of reclaim: pages reclaim wrote, dirty pages it deferred. */
  nr_vmscan_write = 0;
  nr_vmscan_immediate_reclaim = 0;
}

/** Linux: struct lruvec: the five lists, their sizes, and what reclaiming each type has cost lately. */
export class lruvec {
  /** Newest (list_add) and oldest (where reclaim isolates) page of each list. */
  readonly head: (page | null)[] = [null, null, null, null, null];
  readonly tail: (page | null)[] = [null, null, null, null, null];
  /** Linux: the NR_LRU_BASE + lru node counters: pages on each list. */
  readonly nr: number[] = [0, 0, 0, 0, 0];
  /** Which list each frame is on (NOT_ON_LRU when none), so a page leaves the list it is really on. */
  readonly on: Uint8Array;
  /** Linux: lruvec->anon_cost / file_cost: pages reclaim had to write out per type (get_scan_count). */
  anon_cost = 0;
  file_cost = 0;
  /** The replacement policy other than `linux` chosen with --policy, and what it may ask the kernel. */
  policy: ReplacementPolicy | null = null;
  host: PolicyHost | null = null;
  /** Reclaim's event counters (/proc/vmstat). */
  readonly events = new vm_event_states();

  constructor(frames: number) {
    this.on = new Uint8Array(frames).fill(NOT_ON_LRU);
  }
}

/** Linux: page_is_file_lru(): a page not backed by swap is on a file list. */
export function page_is_file_lru(p: page): boolean {
  return !PageSwapBacked(p);
}

/** Linux: page_evictable(): reclaim may take the page (it is not mlocked). */
export function page_evictable(p: page): boolean {
  return !PageMlocked(p);
}

/** Linux: page_lru(): the list a page's flags say it belongs on. */
export function page_lru(p: page): number {
  if (PageUnevictable(p)) return LRU_UNEVICTABLE;
  return (page_is_file_lru(p) ? LRU_FILE : 0) + (PageActive(p) ? LRU_ACTIVE : 0);
}

/** Linux: add_page_to_lru_list(): at the head of `lru` (list_add: the newest end). */
export function add_page_to_lru_list(lv: lruvec, p: page, lru: number): void {
  if (lv.on[p.pfn] !== NOT_ON_LRU) BUG(`add_page_to_lru_list: already on ${lru_names[lv.on[p.pfn]!]}: ${dump_page(p)}`);
  const old = lv.head[lru]!;
  p.lru_prev = null;
  p.lru_next = old;
  if (old !== null) old.lru_prev = p;
  else lv.tail[lru] = p;
  lv.head[lru] = p;
  lv.nr[lru]!++;
  lv.on[p.pfn] = lru;
}

/** Linux: del_page_from_lru_list(): unlink the page from the list it is on. Returns that list. */
export function del_page_from_lru_list(lv: lruvec, p: page): number {
  const lru = lv.on[p.pfn]!;
  if (lru === NOT_ON_LRU) BUG(`del_page_from_lru_list: not on a list: ${dump_page(p)}`);
  const { lru_prev: prev, lru_next: next } = p;
  if (prev !== null) prev.lru_next = next;
  else lv.head[lru] = next;
  if (next !== null) next.lru_prev = prev;
  else lv.tail[lru] = prev;
  p.lru_prev = p.lru_next = null;
  lv.nr[lru]!--;
  lv.on[p.pfn] = NOT_ON_LRU;
  return lru;
}

/** Linux: lruvec_lru_size(): pages on one list. */
export function lruvec_lru_size(lv: lruvec, lru: number): number {
  return lv.nr[lru]!;
}

/**
 * Linux: lru_cache_add() -> __pagevec_lru_add_fn(): a page just mapped or cached joins the lists:
 * an mlocked page the unevictable list (counted as culled), any other the head of the (in)active list
 * of its type that PG_active names (a new page: inactive). The --policy policy hears of evictable ones.
 */
export function lru_cache_add(k: Kernel, p: page): void {
  const lv = k.zone.lruvec;
  if (PageLRU(p)) BUG(`lru_cache_add: page already on the LRU: ${dump_page(p)}`);
  SetPageLRU(p);
  if (page_evictable(p)) {
    ClearPageUnevictable(p);
    add_page_to_lru_list(lv, p, page_lru(p));
    lv.policy?.insert(p.pfn, lv.host!);
  } else {
    ClearPageActive(p);
    SetPageUnevictable(p);
    lv.events.unevictable_pgs_culled++;
    add_page_to_lru_list(lv, p, LRU_UNEVICTABLE);
  }
}

/**
 * Linux: lru_cache_add_inactive_or_unevictable(): a new anonymous page of `vma` joins the lists, mlocked
 * first if the VMA is locked (mlock_vma_page), so it goes straight to the unevictable list.
 */
export function lru_cache_add_inactive_or_unevictable(k: Kernel, p: page, vma: vm_area_struct): void {
  if ((vma.vm_flags & (VM_LOCKED | VM_SPECIAL)) === VM_LOCKED && !PageMlocked(p)) {
    SetPageMlocked(p);
    k.zone.lruvec.events.unevictable_pgs_mlocked++;
  }
  lru_cache_add(k, p);
}

/**
 * Linux: putback_lru_page(): a page reclaim or mlock took off the lists goes back to the one its flags
 * now name (the unevictable list if it became mlocked). In Linux it is lru_cache_add() plus dropping
 * the isolation's reference; vmos's isolation takes none.
 */
export const putback_lru_page: (k: Kernel, p: page) => void = lru_cache_add;

/**
 * Linux: isolate_lru_page(): take one page off its list for the caller (reclaim, mlock), clearing
 * PG_lru. Returns false if it is on none (already isolated, or never added).
 */
export function isolate_lru_page(k: Kernel, p: page): boolean {
  if (!PageLRU(p)) return false;
  const lv = k.zone.lruvec;
  const lru = del_page_from_lru_list(lv, p);
  ClearPageLRU(p);
  if (lru !== LRU_UNEVICTABLE) lv.policy?.remove(p.pfn);
  return true;
}

/**
 * Linux: activate_page() -> __activate_page(): move an inactive, evictable page on the LRU to the head
 * of its active list (counted in pgactivate). A page off the LRU only gets PG_active, which decides
 * where it goes when it is put back.
 */
export function activate_page(k: Kernel, p: page): void {
  if (PageActive(p) || PageUnevictable(p)) return;
  const lv = k.zone.lruvec;
  if (!PageLRU(p)) {
    SetPageActive(p);
    return;
  }
  del_page_from_lru_list(lv, p);
  SetPageActive(p);
  add_page_to_lru_list(lv, p, page_lru(p));
  lv.events.pgactivate++;
}

/**
 * Linux 5.15: mark_page_accessed(), for pages used through read() and write() (mapped pages are
 * referenced through their PTEs' A bits instead):
 *   inactive,unreferenced -> inactive,referenced -> active,unreferenced -> active,referenced.
 * Policies other than `linux` are told through markAccessed() if they have one.
 */
export function mark_page_accessed(k: Kernel, p: page): void {
  const lv = k.zone.lruvec;
  if (lv.policy !== null && PageLRU(p) && !PageUnevictable(p)) lv.policy.markAccessed?.(p.pfn, lv.host!);
  if (!PageReferenced(p)) {
    SetPageReferenced(p);
  } else if (PageUnevictable(p)) {
    // Unevictable pages are on the unevictable list; nothing to promote.
  } else if (!PageActive(p)) {
    activate_page(k, p);
    ClearPageReferenced(p);
  }
}

/**
 * Linux: __page_cache_release() + __clear_page_lru_flags(), from put_page()'s last reference: a page on
 * the LRU leaves it before it is freed (free_pages_prepare refuses a page with PG_lru). An mlocked page
 * freed while still marked (vmos clears PG_mlocked lazily, see mlock.ts) is counted as Linux's
 * "mlocked page freed".
 */
export function __page_cache_release(lv: lruvec, p: page): void {
  if (PageLRU(p) && lv.on[p.pfn] !== NOT_ON_LRU) { // PG_lru on no list: free_pages_prepare reports it
    const lru = del_page_from_lru_list(lv, p);
    ClearPageLRU(p);
    if (lru !== LRU_UNEVICTABLE) lv.policy?.remove(p.pfn);
  }
  ClearPageActive(p);
  ClearPageUnevictable(p);
  if (PageMlocked(p)) {
    ClearPageMlocked(p);
    lv.events.unevictable_pgs_cleared++;
  }
}

/**
 * Walk one list from the tail (oldest) to the head. The callback must not move pages of that list
 * (collect them first): reclaim isolates with isolate_lru_pages() instead.
 */
export function* lru_pages(lv: lruvec, lru: number): Generator<page> {
  for (let p = lv.tail[lru] ?? null; p !== null; p = p.lru_prev) yield p;
}

/**
 * Recount the lists against the flags (for tests and --check): every page on a list has PG_lru and the
 * flags of that list, the links are consistent, and the counts match. Returns the first problem or null.
 */
export function check_lru(lv: lruvec, mem_map: readonly page[]): string | null {
  let total = 0;
  for (let lru = 0; lru < NR_LRU_LISTS; lru++) {
    let n = 0;
    let prev: page | null = null;
    for (let p = lv.head[lru] ?? null; p !== null; p = p.lru_next) {
      if (p.lru_prev !== prev) return `${lru_names[lru]}: broken back link at pfn ${p.pfn}`;
      if (lv.on[p.pfn] !== lru) return `${lru_names[lru]}: pfn ${p.pfn} is recorded on another list`;
      if (!PageLRU(p)) return `${lru_names[lru]}: pfn ${p.pfn} lacks PG_lru`;
      if (page_lru(p) !== lru) return `${lru_names[lru]}: pfn ${p.pfn} has the flags of ${lru_names[page_lru(p)]}`;
      if (p._refcount <= 0) return `${lru_names[lru]}: pfn ${p.pfn} is free`;
      prev = p;
      if (++n > mem_map.length) return `${lru_names[lru]}: the list loops`;
    }
    if (prev !== lv.tail[lru]) return `${lru_names[lru]}: tail is not the last page`;
    if (n !== lv.nr[lru]) return `${lru_names[lru]}: counts ${lv.nr[lru]} pages but holds ${n}`;
    total += n;
  }
  let flagged = 0;
  for (const p of mem_map) {
    if (PageLRU(p)) flagged++;
    // Outside reclaim (which isolates pages for a moment) every page of user memory or a file is on
    // a list: anonymous, page-cache, shmem and swap-cache pages.
    else if (p._refcount > 0 && (p.mapping !== null || PageSwapCache(p)) && !PageTable(p)) {
      return `pfn ${p.pfn} holds user or file memory but is on no LRU list: ${dump_page(p)}`;
    }
  }
  if (flagged !== total) return `${flagged} pages have PG_lru but the lists hold ${total}`;
  return null;
}

/** --check: recount the LRU lists after a reclaim run (check_lru); a problem is a kernel bug. */
export function check_lru_lists(k: Kernel): void {
  const problem = check_lru(k.zone.lruvec, k.mem_map);
  if (problem !== null) BUG(`LRU lists: ${problem}`);
}
