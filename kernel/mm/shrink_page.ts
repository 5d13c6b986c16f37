// Linux: mm/vmscan.c shrink_page_list() and page_check_references(): what reclaim does with one
// page it has taken off an inactive list (or that a --policy chose). vmscan.ts decides how many pages
// to look at and from which lists; this file decides about each one:
//
//   page_check_references   used lately?  twice: activate; once: keep for another trip; no: go on
//   shrink_page             mlocked, busy, dirty file page not kswapd's to write: keep or activate;
//                           else pageout_one (swap_out.ts): unmap, write if dirty, free
//   keep_page               what stays goes back active (pgactivate) or as it was

import type { Kernel } from "../kernel.js";
import { page_cache } from "./filemap.js";
import {
  ClearPageReclaim, PageDirty, PageMlocked, PageReclaim, PageSwapCache, SetPageActive, SetPageMlocked, SetPageReclaim,
  SetPageReferenced, TestClearPageReferenced, page_count, page_mapcount, page_mapped, type page,
} from "./page.js";
import { PageAnon, page_referenced, type referenced_info } from "./rmap.js";
import { page_evictable, page_is_file_lru } from "./swap.js";
import { nr_swap_pages, try_to_free_swap, vm_swap_full } from "./swapfile.js";
import { pageout_one } from "./swap_out.js";
import { swap_read_done } from "./swap_state.js";
import type { scan_control } from "./vmscan.js";
import { VM_EXEC, VM_LOCKED } from "./vma.js";

/**
 * Simulated cycles reclaim spends on each page it looks at: taking it off its list, the reverse-map
 * walk that reads and clears its PTEs' accessed bits, putting it back or unmapping it (about 0.5 us at
 * 1 GHz; Linux measures a few hundred ns to a few us per page). Charged to whoever reclaims: kswapd's
 * system time, or the allocating task's (direct reclaim). The I/O of a page written out is the swap
 * device's or the file device's own cost on top.
 */
export const RECLAIM_PAGE_CYCLES = 500;

/** Linux: struct reclaim_stat: what shrink_page_list() saw. */
export interface reclaim_stat {
  nr_dirty: number;
  nr_unqueued_dirty: number;
  nr_pageout: number;
  nr_activate: [number, number];
  nr_ref_keep: number;
}

/** Linux: enum page_references: page_check_references()'s verdict. */
export const enum PageRef { Reclaim, ReclaimClean, Keep, Activate }

/**
 * Linux 5.15: page_check_references(): was an inactive page used since reclaim last looked? The PTE
 * accessed bits (page_referenced, which clears them) and PG_referenced (mark_page_accessed) decide:
 * mapped and referenced twice, or once after an earlier reference: activate; referenced once: keep it
 * for another trip (a new page starts with its fault's reference); an executable file page: activate
 * at once; otherwise reclaim it (a page only read() lately: only if clean).
 */
export function page_check_references(k: Kernel, p: page, info: referenced_info): PageRef {
  const referenced_ptes = page_referenced(k, p, info);
  const referenced_page = TestClearPageReferenced(p);
  if (info.vm_flags & VM_LOCKED) return PageRef.Reclaim; // "Mlock lost the isolation race with us"
  if (referenced_ptes) {
    SetPageReferenced(p); // spare it once: another PTE reference activates it
    if (referenced_page || referenced_ptes > 1) return PageRef.Activate;
    if ((info.vm_flags & VM_EXEC) && page_is_file_lru(p)) return PageRef.Activate;
    return PageRef.Keep;
  }
  if (referenced_page && page_is_file_lru(p)) return PageRef.ReclaimClean;
  return PageRef.Reclaim;
}

/**
 * The references a page should have if only its mappings and the cache it is in hold it (vmos:
 * Linux's page_ref_freeze() in __remove_mapping fails for a page someone else holds). A page with
 * more is being worked on (a fault copying it, read() copying from it): reclaim leaves it alone.
 */
function page_busy(p: page): boolean {
  const cache = (p.mapping !== null && !PageAnon(p) ? 1 : 0) + (PageSwapCache(p) ? 1 : 0);
  return page_count(p) > page_mapcount(p) + cache;
}

/** Linux: mlock_vma_page() as try_to_unmap_one() does it: a page reclaim found in a locked VMA. */
function cull_mlocked_page(k: Kernel, p: page): void {
  if (PageMlocked(p)) return;
  SetPageMlocked(p);
  k.zone.lruvec.events.unevictable_pgs_mlocked++;
}

/** Pages written to swap or to files so far (Linux counts reclaim's writes in pageout()). */
function pages_written(k: Kernel): number {
  return k.vm_events.pswpout + page_cache(k).nr_written;
}

/** What shrink_page() did with a page: freed it, or left it to go back (to the active list, or as it was). */
export type ShrinkResult = "freed" | "activate" | "keep";

/**
 * Linux 5.15: the body of shrink_page_list()'s loop, for one isolated page whose references were
 * checked (`references`; `locked`: a VM_LOCKED VMA maps it). Keeps what is used or busy, defers dirty
 * file pages to the flusher unless kswapd has seen them dirty before, and sends the rest away with
 * pageout_one() (swap for anon and shmem pages, the file for dirty file pages; clean ones just go).
 */
export function shrink_page(k: Kernel, p: page, sc: scan_control, stat: reclaim_stat, references: PageRef, locked: boolean): ShrinkResult {
  const lv = k.zone.lruvec;
  const file = page_is_file_lru(p);
  // Linux: "if (!trylock_page(page)) goto keep;": a page whose read is still in flight is locked,
  // and stays where it was. Activating it would let pages read ahead push the working set out.
  if (swap_read_done(k, p) !== 0) return "keep";
  if (!page_evictable(p)) return "activate";
  if (!sc.may_unmap && page_mapped(p)) return "keep";
  if (PageDirty(p)) {
    stat.nr_dirty++;
    stat.nr_unqueued_dirty++; // vmos writes synchronously: a page is never under writeback
  }
  if (locked) {
    cull_mlocked_page(k, p); // "Mlock lost the isolation race with us": to the unevictable list
    return "activate";
  }
  if (references === PageRef.Activate) return "activate";
  if (references === PageRef.Keep || page_busy(p)) {
    stat.nr_ref_keep++;
    return "keep";
  }
  if (file && PageDirty(p)) {
    // Only kswapd writes file pages, and only ones it saw dirty before (PG_reclaim): the flusher
    // writes the rest in bigger batches; they are reclaimed once clean.
    if (!sc.kswapd || !PageReclaim(p) || !sc.may_writepage) {
      SetPageReclaim(p);
      lv.events.nr_vmscan_immediate_reclaim++;
      return "activate";
    }
    if (references === PageRef.ReclaimClean) return "keep";
  }
  // Anonymous memory with nowhere to go stays (Linux: add_to_swap() fails -> activate).
  if (!file && !PageSwapCache(p) && (!sc.may_swap || nr_swap_pages(k) === 0)) return "activate";
  const before = pages_written(k);
  if (!pageout_one(k, p)) return "activate"; // swap full, or some mapping could not be undone
  const wrote = pages_written(k) - before;
  stat.nr_pageout += wrote;
  lv.events.nr_vmscan_write += wrote;
  return "freed";
}

/**
 * Linux: shrink_page_list()'s "activate_locked:" and "keep:" for a page that stays: a swap-cache
 * page that cannot go gives its slot back if swap is getting full; an evictable page that was used
 * goes back active (pgactivate).
 */
export function keep_page(k: Kernel, p: page, result: ShrinkResult, stat: reclaim_stat): void {
  if (result === "activate") {
    if (PageSwapCache(p) && (vm_swap_full(k) || PageMlocked(p))) try_to_free_swap(k, p);
    if (!PageMlocked(p)) {
      SetPageActive(p);
      stat.nr_activate[page_is_file_lru(p) ? 1 : 0]++;
    }
  } else if (!PageDirty(p)) ClearPageReclaim(p);
}

/**
 * Linux 5.15: shrink_page_list(): page_check_references() and shrink_page() for each isolated page.
 * Returns the number freed; the rest are left in `pages` for the caller to put back.
 */
export function shrink_page_list(k: Kernel, pages: page[], sc: scan_control, stat: reclaim_stat): number {
  const ret: page[] = [];
  const info: referenced_info = { vm_flags: 0 };
  let nr_reclaimed = 0;
  k.machine.clock.advance(RECLAIM_PAGE_CYCLES * pages.length);
  for (const p of pages) {
    sc.nr_scanned++;
    info.vm_flags = 0;
    const references = page_evictable(p) ? page_check_references(k, p, info) : PageRef.Activate;
    const result = shrink_page(k, p, sc, stat, references, (info.vm_flags & VM_LOCKED) !== 0);
    if (result === "freed") {
      nr_reclaimed++;
      continue;
    }
    keep_page(k, p, result, stat);
    ret.push(p);
  }
  pages.length = 0;
  pages.push(...ret);
  k.zone.lruvec.events.pgactivate += stat.nr_activate[0] + stat.nr_activate[1];
  return nr_reclaimed;
}
