// Linux: mm/vmscan.c (5.15), page reclaim: take pages off the LRU lists (swap.ts), decide for each
// whether it was used lately, and send the rest away so their frames can be reused.
//
//   try_to_free_pages (direct reclaim, in an allocating task)   balance_pgdat (kswapd, kswapd.ts)
//                    \                                           /
//                     shrink_node: get_scan_count -> how many pages of each list, by priority (the
//                     list size >> priority, 12 down to 0) and swappiness (anon vs file)
//                        shrink_active_list    active -> inactive (only referenced executable file
//                                              pages stay), when the inactive list is low
//                        shrink_inactive_list  isolate from the tail -> shrink_page_list (shrink_page.ts):
//                            page_check_references  referenced twice: activate; once: keep; else:
//                            pageout_one (swap_out.ts)  add_to_swap, try_to_unmap, write, free
//
// What happens to each kind of page: clean file pages are dropped (a later fault reads them again);
// dirty file pages are written to their file first (kswapd writes them; direct reclaim leaves them to
// the flusher, as Linux does); anonymous and shmem pages go to swap, and without swap they stay;
// mlocked pages are on the unevictable list and never scanned; page tables are never on a list.
//
// With --policy other than `linux`, shrink_node asks that policy for victims instead (vmscan_policy.ts);
// everything from the victim onwards (busy and locked checks, pageout) is the same code.

import type { Kernel } from "../kernel.js";
import { page_cache } from "./filemap.js";
import { check_move_unevictable_pages } from "./mlock.js";
import { ClearPageActive, ClearPageLRU, SetPageWorkingset, type page } from "./page.js";
import { filemap_fdatawrite_range } from "./page-writeback.js";
import { high_wmark_pages, int_sqrt, min_wmark_pages, reclaim_ops } from "./page_alloc.js";
import { page_referenced, type referenced_info } from "./rmap.js";
import { RECLAIM_PAGE_CYCLES, shrink_page_list, type reclaim_stat } from "./shrink_page.js";
import {
  check_lru_lists, del_page_from_lru_list, lru_names, page_evictable, page_is_file_lru, putback_lru_page, LRU_ACTIVE,
  LRU_ACTIVE_ANON, LRU_ACTIVE_FILE, LRU_FILE, LRU_INACTIVE_ANON, LRU_INACTIVE_FILE, type lruvec,
} from "./swap.js";
import { nr_swap_pages, total_swap_pages } from "./swapfile.js";
import { VM_EXEC } from "./vma.js";
import { current_is_kswapd, kswapd_state } from "./kswapd.js";
import { shrink_node_policy } from "./vmscan_policy.js";

/** Linux: SWAP_CLUSTER_MAX: reclaim's batch, and what direct reclaim tries to free. */
export const SWAP_CLUSTER_MAX = 32;
/** Linux: DEF_PRIORITY: the first pass scans 1/4096 of each list; each later pass twice as much. */
export const DEF_PRIORITY = 12;
/** Linux: vm_swappiness default: anon is scanned 60:140 against file when their costs are equal. */
export const DEFAULT_SWAPPINESS = 60;

const DEACTIVATE_ANON = 1, DEACTIVATE_FILE = 2;

/** Linux: struct scan_control: one reclaim run's goal, state and tallies. */
export interface scan_control {
  /** Pages to free before stopping. */
  nr_to_reclaim: number;
  gfp_mask: number;
  order: number;
  /** Scan (list size >> priority) pages of each list; 12 is gentle, 0 scans everything. */
  priority: number;
  may_writepage: boolean;
  may_unmap: boolean;
  may_swap: boolean;
  /** DEACTIVATE_ANON / DEACTIVATE_FILE: whose active list may shrink this time (shrink_node). */
  may_deactivate: number;
  force_deactivate: boolean;
  skipped_deactivate: boolean;
  /** Enough inactive page cache: reclaim only file pages. */
  cache_trim_mode: boolean;
  /** Almost no file pages left: reclaim anon pages. */
  file_is_tiny: boolean;
  /** Run by kswapd (pgscan_kswapd...) rather than an allocating task (pgscan_direct...). */
  kswapd: boolean;
  nr_scanned: number;
  nr_reclaimed: number;
}

/** A scan_control for `nr_to_reclaim` pages, as try_to_free_pages() and balance_pgdat() start one. */
export function new_scan_control(k: Kernel, nr_to_reclaim: number, gfp_mask: number, order: number): scan_control {
  return {
    nr_to_reclaim, gfp_mask, order, priority: DEF_PRIORITY, may_writepage: true, may_unmap: true, may_swap: true,
    may_deactivate: 0, force_deactivate: false, skipped_deactivate: false, cache_trim_mode: false,
    file_is_tiny: false, kswapd: current_is_kswapd(k), nr_scanned: 0, nr_reclaimed: 0,
  };
}

/**
 * Linux: inactive_is_low(): is the inactive list of this type (`inactive_lru`) short against its active
 * list? Below 1 GiB of the type the target ratio is 1:1; above, sqrt(10 * GiB):1.
 */
export function inactive_is_low(lv: lruvec, inactive_lru: number): boolean {
  const inactive = lv.nr[inactive_lru]!, active = lv.nr[inactive_lru + LRU_ACTIVE]!;
  const gb = (inactive + active) >> (30 - 12);
  const inactive_ratio = gb ? int_sqrt(10 * gb) : 1;
  return inactive * inactive_ratio < active;
}

/**
 * Linux: isolate_lru_pages(): take up to nr_to_scan pages off the tail of `lru` (PG_lru cleared; a
 * --policy forgets them until they are put back).
 */
function isolate_lru_pages(lv: lruvec, lru: number, nr_to_scan: number): page[] {
  const taken: page[] = [];
  while (taken.length < nr_to_scan) {
    const p = lv.tail[lru] ?? null;
    if (p === null) break;
    del_page_from_lru_list(lv, p);
    ClearPageLRU(p);
    lv.policy?.remove(p.pfn);
    taken.push(p);
  }
  return taken;
}

/** Linux: move_pages_to_lru(): put isolated pages back at the head of the lists their flags name. */
function move_pages_to_lru(k: Kernel, pages: page[]): void {
  for (const p of pages) putback_lru_page(k, p);
}

/**
 * Linux: shrink_active_list(): take nr_to_scan pages off the tail of an active list (pgrefill) and
 * deactivate them (pgdeactivate), reading and clearing their PTEs' accessed bits on the way. Only a
 * referenced page of an executable file mapping gets another trip round the active list: "anon pages
 * are not likely to be evicted by use-once streaming IO".
 */
export function shrink_active_list(k: Kernel, nr_to_scan: number, sc: scan_control, lru: number): void {
  const lv = k.zone.lruvec;
  const hold = isolate_lru_pages(lv, lru, nr_to_scan);
  lv.events.pgrefill += hold.length;
  k.machine.clock.advance(RECLAIM_PAGE_CYCLES * hold.length);
  const l_active: page[] = [], l_inactive: page[] = [];
  const info: referenced_info = { vm_flags: 0 };
  for (const p of hold) {
    if (!page_evictable(p)) {
      putback_lru_page(k, p);
      continue;
    }
    if (page_referenced(k, p, info) > 0 && (info.vm_flags & VM_EXEC) && page_is_file_lru(p)) {
      l_active.push(p);
      continue;
    }
    ClearPageActive(p);
    SetPageWorkingset(p);
    l_inactive.push(p);
  }
  move_pages_to_lru(k, l_active);
  move_pages_to_lru(k, l_inactive);
  lv.events.pgdeactivate += l_inactive.length;
  if (k.trace.vmscan) {
    k.trace.note("vmscan", `shrink_active_list ${lru_names[lru]}: scanned ${hold.length}, deactivated ${l_inactive.length}, rotated ${l_active.length} (priority ${sc.priority})`);
  }
}

/**
 * Linux: wakeup_flusher_threads(WB_REASON_VMSCAN): every page reclaim took was dirty, so the
 * flusher must write file data now. vmos's writeback is synchronous: the dirty files are written here.
 */
function wakeup_flusher_threads(k: Kernel): void {
  for (const mapping of [...page_cache(k).b_dirty]) filemap_fdatawrite_range(k, mapping);
}

/**
 * Linux: shrink_inactive_list(): isolate up to nr_to_scan pages from the tail of an inactive list
 * (pgscan_*), try to free them (shrink_page_list: pgsteal_*), put the rest back. Returns pages freed.
 */
function shrink_inactive_list(k: Kernel, nr_to_scan: number, sc: scan_control, lru: number): number {
  const lv = k.zone.lruvec;
  const ev = lv.events;
  const file = (lru & LRU_FILE) !== 0;
  const list = isolate_lru_pages(lv, lru, nr_to_scan);
  const nr_taken = list.length;
  if (sc.kswapd) ev.pgscan_kswapd += nr_taken;
  else ev.pgscan_direct += nr_taken;
  if (file) ev.pgscan_file += nr_taken;
  else ev.pgscan_anon += nr_taken;
  if (nr_taken === 0) return 0;
  const stat: reclaim_stat = { nr_dirty: 0, nr_unqueued_dirty: 0, nr_pageout: 0, nr_activate: [0, 0], nr_ref_keep: 0 };
  const nr_reclaimed = shrink_page_list(k, list, sc, stat);
  move_pages_to_lru(k, list);
  // Linux: lru_note_cost(): what this type cost to reclaim (pages written) tilts get_scan_count.
  if (file) lv.file_cost += stat.nr_pageout;
  else lv.anon_cost += stat.nr_pageout;
  if (sc.kswapd) ev.pgsteal_kswapd += nr_reclaimed;
  else ev.pgsteal_direct += nr_reclaimed;
  if (file) ev.pgsteal_file += nr_reclaimed;
  else ev.pgsteal_anon += nr_reclaimed;
  if (stat.nr_unqueued_dirty === nr_taken && file) wakeup_flusher_threads(k);
  if (k.trace.vmscan) {
    k.trace.note("vmscan", `shrink_inactive_list ${lru_names[lru]}: scanned ${nr_taken}, reclaimed ${nr_reclaimed}, activated ${stat.nr_activate[0] + stat.nr_activate[1]}, written ${stat.nr_pageout} (priority ${sc.priority})`);
  }
  return nr_reclaimed;
}

/** Linux: shrink_list(): an active list is only aged when shrink_node allowed it (may_deactivate). */
function shrink_list(k: Kernel, lru: number, nr_to_scan: number, sc: scan_control): number {
  if (lru & LRU_ACTIVE) {
    if (sc.may_deactivate & ((lru & LRU_FILE) ? DEACTIVATE_FILE : DEACTIVATE_ANON)) shrink_active_list(k, nr_to_scan, sc, lru);
    else sc.skipped_deactivate = true;
    return 0;
  }
  return shrink_inactive_list(k, nr_to_scan, sc, lru);
}

/**
 * Linux 5.15: get_scan_count(): how many pages of each evictable list to scan at this priority
 * (list size >> priority), split between anon and file: no swap -> file only; priority 0 -> both
 * alike; almost no file pages -> anon; plenty of inactive file pages -> file only; otherwise in the
 * ratio swappiness : 200 - swappiness, weighted against what each type cost to reclaim lately.
 */
function get_scan_count(k: Kernel, sc: scan_control): number[] {
  const lv = k.zone.lruvec;
  const swappiness = kswapd_state(k).swappiness;
  let balance: "equal" | "fract" | "file" | "anon";
  let fraction = [1, 1], denominator = 2;
  if (!sc.may_swap || nr_swap_pages(k) <= 0) balance = "file";
  else if (sc.priority === 0 && swappiness) balance = "equal";
  else if (sc.file_is_tiny) balance = "anon";
  else if (sc.cache_trim_mode) balance = "file";
  else {
    balance = "fract";
    let total_cost = lv.anon_cost + lv.file_cost;
    const anon_cost = total_cost + lv.anon_cost, file_cost = total_cost + lv.file_cost;
    total_cost = anon_cost + file_cost;
    const ap = Math.floor((swappiness * (total_cost + 1)) / (anon_cost + 1));
    const fp = Math.floor(((200 - swappiness) * (total_cost + 1)) / (file_cost + 1));
    fraction = [ap, fp];
    denominator = ap + fp;
  }
  const nr = [0, 0, 0, 0];
  for (let lru = LRU_INACTIVE_ANON; lru <= LRU_ACTIVE_FILE; lru++) {
    const file = (lru & LRU_FILE) ? 1 : 0;
    let scan = Math.floor(lv.nr[lru]! / 2 ** sc.priority);
    if (balance === "fract") scan = Math.floor((scan * fraction[file]!) / denominator);
    else if ((balance === "file" || balance === "anon") && (balance === "file") !== (file === 1)) scan = 0;
    nr[lru] = scan;
  }
  return nr;
}

/**
 * Linux: shrink_lruvec(): scan the lists in batches of SWAP_CLUSTER_MAX, in get_scan_count's
 * amounts, until they are done or enough was reclaimed (direct reclaim at DEF_PRIORITY finishes its
 * batch: "it is best to do a batch of work at once"). Then rebalance the anon lists if swap exists.
 */
function shrink_lruvec(k: Kernel, sc: scan_control): void {
  const lv = k.zone.lruvec;
  const nr = get_scan_count(k, sc);
  const scan_adjusted = !sc.kswapd && sc.priority === DEF_PRIORITY;
  let nr_reclaimed = 0;
  while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
    for (let lru = LRU_INACTIVE_ANON; lru <= LRU_ACTIVE_FILE; lru++) {
      if (nr[lru] === 0) continue;
      const nr_to_scan = Math.min(nr[lru]!, SWAP_CLUSTER_MAX);
      nr[lru]! -= nr_to_scan;
      nr_reclaimed += shrink_list(k, lru, nr_to_scan, sc);
    }
    if (nr_reclaimed >= sc.nr_to_reclaim && !scan_adjusted) break;
  }
  sc.nr_reclaimed += nr_reclaimed;
  if (total_swap_pages(k) > 0 && inactive_is_low(lv, LRU_INACTIVE_ANON)) {
    shrink_active_list(k, SWAP_CLUSTER_MAX, sc, LRU_ACTIVE_ANON);
  }
}

/**
 * Linux 5.15: shrink_node(): choose whose active lists may shrink (those whose inactive list is low),
 * whether to trim only the page cache or to turn to anon (file_is_tiny), then shrink_lruvec. A
 * --policy other than linux picks the victims itself (vmscan_policy.ts).
 */
export function shrink_node(k: Kernel, sc: scan_control): void {
  const lv = k.zone.lruvec;
  const before = sc.nr_reclaimed;
  if (lv.policy !== null) {
    shrink_node_policy(k, sc);
  } else {
    if (sc.force_deactivate) sc.may_deactivate = DEACTIVATE_ANON | DEACTIVATE_FILE;
    else {
      sc.may_deactivate = (inactive_is_low(lv, LRU_INACTIVE_ANON) ? DEACTIVATE_ANON : 0) |
        (inactive_is_low(lv, LRU_INACTIVE_FILE) ? DEACTIVATE_FILE : 0);
    }
    const inactive_file = lv.nr[LRU_INACTIVE_FILE]!;
    sc.cache_trim_mode = Math.floor(inactive_file / 2 ** sc.priority) > 0 && (sc.may_deactivate & DEACTIVATE_FILE) === 0;
    const file = lv.nr[LRU_INACTIVE_FILE]! + lv.nr[LRU_ACTIVE_FILE]!;
    sc.file_is_tiny = file + k.zone.free_pages <= high_wmark_pages(k.zone) && (sc.may_deactivate & DEACTIVATE_ANON) === 0 &&
      Math.floor(lv.nr[LRU_INACTIVE_ANON]! / 2 ** sc.priority) > 0;
    shrink_lruvec(k, sc);
  }
  if (sc.nr_reclaimed > before) kswapd_state(k).kswapd_failures = 0; // Linux: "if (reclaimable)"
}

/**
 * Linux: try_to_free_pages() -> do_try_to_free_pages(): direct reclaim, in the allocating task, of
 * SWAP_CLUSTER_MAX pages: shrink_node at priority 12, 11, ... 0 until enough is freed (allocstall
 * counts the call). If nothing was freed because active lists were never aged, retry forcing that.
 * Returns the pages freed (0: the OOM killer is next).
 */
export function try_to_free_pages(k: Kernel, gfp_mask: number, order: number): number {
  const lv = k.zone.lruvec;
  const sc = new_scan_control(k, SWAP_CLUSTER_MAX, gfp_mask, order);
  lv.events.allocstall_normal++;
  if (k.trace.vmscan) k.trace.enter("vmscan", "try_to_free_pages", `free=${k.zone.free_pages} min=${min_wmark_pages(k.zone)}`);
  check_move_unevictable_pages(k);
  for (;;) {
    do {
      sc.nr_scanned = 0;
      shrink_node(k, sc);
      if (sc.nr_reclaimed >= sc.nr_to_reclaim) break;
    } while (--sc.priority >= 0);
    if (sc.nr_reclaimed > 0 || !sc.skipped_deactivate || sc.force_deactivate) break;
    sc.priority = DEF_PRIORITY;
    sc.force_deactivate = true;
    sc.skipped_deactivate = false;
  }
  if (k.trace.vmscan) k.trace.exit("vmscan", "try_to_free_pages", `= ${sc.nr_reclaimed} (free=${k.zone.free_pages})`);
  if (k.options.check) check_lru_lists(k);
  return sc.nr_reclaimed;
}

reclaim_ops.try_to_free_pages = try_to_free_pages;
