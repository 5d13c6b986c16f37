// The counters /proc/meminfo and /proc/vmstat print, derived from mem_map. Linux keeps them as
// running per-node and per-zone counters (enum node_stat_item / zone_stat_item, mm/vmstat.c) that
// every map, unmap and LRU move updates; vmos recounts them from the struct pages whenever a /proc
// file is opened, which gives the same numbers and cannot drift. One node, one zone (ZONE_NORMAL).
//
// LRU lists: the sizes of the lists themselves (kernel/mm/swap.ts), as Linux's NR_LRU_BASE + lru
// counters are: anonymous and shmem pages on the anon lists, page-cache pages on the file lists,
// mlocked ones on the unevictable list. "Anonymous" elsewhere here means PageAnon().
//
// The page cache (kernel/mm/filemap.ts): every cached page of a file is in nr_file_pages (meminfo
// Cached, mapped or not), on the file LRU (Active(file) + Inactive(file)), in nr_mapped while a PTE
// maps it, and in nr_dirty while PG_dirty. Shared memory is in nr_file_pages and nr_shmem (Linux's
// Cached includes Shmem) but on the anonymous LRU.

import type { Kernel } from "../../kernel.js";
import type { mm_struct } from "../../mm/mm_types.js";
import {
  PageBuddy, PageDirty, PageMlocked, PageReserved, PageSwapBacked, PageSwapCache, PageTable, PageWriteback, page_mapped,
} from "../../mm/page.js";
import { LRU_ACTIVE_ANON, LRU_ACTIVE_FILE, LRU_INACTIVE_ANON, LRU_INACTIVE_FILE, LRU_UNEVICTABLE } from "../../mm/swap.js";
import { high_wmark_pages, low_wmark_pages } from "../../mm/page_alloc.js";
import { PageAnon } from "../../mm/rmap.js";

/** Linux: the node_stat_item and zone_stat_item counters vmos has, in pages. */
export interface node_stat {
  nr_free_pages: number;
  nr_inactive_anon: number;
  nr_active_anon: number;
  nr_inactive_file: number;
  nr_active_file: number;
  nr_unevictable: number;
  /** NR_ANON_MAPPED: anonymous pages mapped by some PTE (meminfo AnonPages). */
  nr_anon_pages: number;
  /** NR_FILE_MAPPED: page-cache pages mapped by some PTE (meminfo Mapped). */
  nr_mapped: number;
  /** NR_FILE_PAGES: the page cache, shmem and the swap cache included. */
  nr_file_pages: number;
  nr_dirty: number;
  nr_writeback: number;
  nr_shmem: number;
  /** NR_PAGETABLE: PTE-table pages, the sum of every mm's pgtables_bytes (riscv does not count the root table). */
  nr_page_table_pages: number;
  nr_swapcached: number;
  /** NR_MLOCK (a zone item). */
  nr_mlock: number;
}

/** Every distinct mm of a live task (tasks sharing an mm count it once). */
export function live_mms(k: Kernel): mm_struct[] {
  const seen = new Set<mm_struct>();
  for (const t of k.tasks.values()) if (t.mm !== null) seen.add(t.mm);
  return [...seen];
}

/** Linux: global_node_page_state() / global_zone_page_state() for every item at once. */
export function node_page_state(k: Kernel): node_stat {
  const lru = k.zone.lruvec.nr;
  const s: node_stat = {
    nr_free_pages: k.zone.free_pages, nr_inactive_anon: lru[LRU_INACTIVE_ANON]!, nr_active_anon: lru[LRU_ACTIVE_ANON]!,
    nr_inactive_file: lru[LRU_INACTIVE_FILE]!, nr_active_file: lru[LRU_ACTIVE_FILE]!, nr_unevictable: lru[LRU_UNEVICTABLE]!,
    nr_anon_pages: 0, nr_mapped: 0, nr_file_pages: 0, nr_dirty: 0, nr_writeback: 0, nr_shmem: 0,
    nr_page_table_pages: 0, nr_swapcached: 0, nr_mlock: 0,
  };
  for (const mm of live_mms(k)) s.nr_page_table_pages += mm.pgtables_bytes / 4096;
  for (const p of k.mem_map) {
    if (p._refcount === 0 || PageBuddy(p) || PageTable(p) || PageReserved(p)) continue;
    const anon = PageAnon(p);
    // A page the kernel holds for a user mapping or a file: anonymous, page cache, shmem, swap cache.
    const cached = !anon && p.mapping !== null;
    if (!anon && !cached && !PageSwapCache(p)) continue;
    if (anon && page_mapped(p)) s.nr_anon_pages++;
    if (cached || PageSwapCache(p)) s.nr_file_pages++;
    if (cached && page_mapped(p)) s.nr_mapped++;
    if (cached && PageSwapBacked(p)) s.nr_shmem++;
    if (PageSwapCache(p)) s.nr_swapcached++;
    // Linux: NR_FILE_DIRTY / NR_WRITEBACK are accounted by the page cache's set_page_dirty and
    // writeback; shmem's dirt is never written back, so it is not counted.
    if (cached && !PageSwapBacked(p) && PageDirty(p)) s.nr_dirty++;
    if (cached && !PageSwapBacked(p) && PageWriteback(p)) s.nr_writeback++;
    if (PageMlocked(p)) s.nr_mlock++;
  }
  return s;
}

/**
 * Linux: mm/page_alloc.c calculate_totalreserve_pages(): pages the allocator keeps back. One zone, no
 * lowmem_reserve (there is no lower zone): its high watermark, at most its managed pages.
 */
export function totalreserve_pages(k: Kernel): number {
  return Math.min(high_wmark_pages(k.zone), k.zone.managed_pages);
}

/**
 * Linux: mm/page_alloc.c si_mem_available(): free pages above the reserve, plus the page cache that
 * could be dropped (all but max(half of it, the low watermark)); vmos has no reclaimable slab.
 */
export function si_mem_available(k: Kernel, s: node_stat): number {
  const wmark_low = low_wmark_pages(k.zone);
  let available = s.nr_free_pages - totalreserve_pages(k);
  let pagecache = s.nr_active_file + s.nr_inactive_file;
  pagecache -= Math.min(Math.floor(pagecache / 2), wmark_low);
  available += pagecache;
  return Math.max(available, 0);
}
