// linux: Linux's two-list LRU approximation (v5.15, mm/swap.c and mm/vmscan.c), small but with the
// same moves. Four lists, anonymous and file-backed pages apart (host.file()):
//   inactive_anon, active_anon, inactive_file, active_file    (enum lru_list, mmzone.h)
// with each page's PG_active (which list) and PG_referenced (a software bit) beside the hardware's
// A bits, which host.referenced() tests and clears in every PTE (page_referenced() through rmap).
//   - New pages go to the head of the inactive list of their kind: file pages always did, anonymous
//     pages since 5.9 (lru_cache_add_inactive_or_unevictable); they must prove themselves there.
//   - mark_page_accessed() (markAccessed(), for uses the PTEs do not see: read()/write() on the page
//     cache): inactive,unreferenced -> inactive,referenced -> active,unreferenced ->
//     active,referenced.
//   - Reclaim takes pages from the tail of an inactive list and asks page_check_references():
//     A bit set and PG_referenced set -> activate (head of the active list); A set alone -> set
//     PG_referenced and keep (back to the inactive head: "look twice", since every mapped page starts
//     with the A bit of its own fault); neither -> reclaim. A file page with only PG_referenced is
//     reclaimed if clean and kept if dirty (PAGEREF_RECLAIM_CLEAN).
//   - When an inactive list is smaller than its active list (inactive_is_low(): a 1:1 target below
//     1 GB), shrink_active_list() moves pages from the active tail to the inactive head, clearing
//     their A bits: referenced or not, anonymous pages are deactivated.
//   - Anonymous and file lists are scanned in the ratio vm_swappiness = 60 : 200 - 60 (get_scan_count
//     with equal costs): file pages are cheaper to drop, so they go first, but not only they.
// Left out: pagevec batching, the VM_EXEC exception in shrink_active_list() (the host cannot say),
// the "referenced by more than one PTE" test, refault activation through shadow entries
// (mm/workingset.c), writeback throttling, memcg, and the unevictable list (the host simply does not
// offer mlocked pages).
// Source: Linux v5.15 mm/swap.c mark_page_accessed(), mm/vmscan.c page_check_references(),
// shrink_active_list(), inactive_is_low(), get_scan_count(); reference notes §4.2; M. Gorman,
// "Understanding the Linux Virtual Memory Manager", ch. 10 (the two-list design).

import { KeyList } from "./keylist.js";
import type { PolicyHost, PolicyOptions, ReplacementPolicy } from "./types.js";

// Linux: include/linux/mmzone.h enum lru_list (LRU_BASE 0, LRU_ACTIVE 1, LRU_FILE 2).
const enum Lru {
  InactiveAnon = 0,
  ActiveAnon = 1,
  InactiveFile = 2,
  ActiveFile = 3,
}
const LRU_ACTIVE = 1;

/** vm_swappiness's default: anon is scanned 60 parts to file's 140. */
const SWAPPINESS = 60;
/** Pages in a gigabyte (4 KiB pages): inactive_is_low()'s `>> (30 - PAGE_SHIFT)`. */
const GB_SHIFT = 30 - 12;

type PageRef = "activate" | "keep" | "reclaim";

interface PageFlags {
  lru: Lru;
  /** PG_referenced. */
  referenced: boolean;
}

export function linux(_o: PolicyOptions): ReplacementPolicy {
  const lists = [new KeyList(), new KeyList(), new KeyList(), new KeyList()];
  const pages = new Map<number, PageFlags>();
  const scanned = [0, 0]; // pages scanned, [anon, file]: the swappiness balance

  function move(key: number, f: PageFlags, to: Lru): void {
    lists[f.lru]!.remove(key);
    lists[to]!.pushHead(key);
    f.lru = to;
  }

  // Linux: mm/vmscan.c inactive_is_low()
  function inactive_is_low(inactiveLru: Lru): boolean {
    const inactive = lists[inactiveLru]!.size;
    const active = lists[inactiveLru | LRU_ACTIVE]!.size;
    const gb = (inactive + active) >>> GB_SHIFT;
    const ratio = gb ? Math.floor(Math.sqrt(10 * gb)) : 1;
    return inactive * ratio < active;
  }

  // Linux: mm/vmscan.c shrink_active_list(), until the inactive list is no longer low.
  function shrink_active_list(inactiveLru: Lru, host: PolicyHost): void {
    const active = lists[inactiveLru | LRU_ACTIVE]!;
    while (inactive_is_low(inactiveLru)) {
      const key = active.tail()!;
      host.referenced(key); // page_referenced(): clears the A bits; the answer changes nothing here
      move(key, pages.get(key)!, inactiveLru);
    }
  }

  // Linux: mm/vmscan.c page_check_references()
  function page_check_references(key: number, f: PageFlags, host: PolicyHost): PageRef {
    const referencedPtes = host.referenced(key);
    const referencedPage = f.referenced;
    f.referenced = false;
    if (referencedPtes) {
      f.referenced = true;
      return referencedPage ? "activate" : "keep";
    }
    if (referencedPage && f.lru === Lru.InactiveFile && host.dirty(key)) return "keep"; // RECLAIM_CLEAN
    return "reclaim";
  }

  /** Which kind to scan next (get_scan_count's proportions), or null with nothing on any list. */
  function scanKind(): Lru.InactiveAnon | Lru.InactiveFile | null {
    const anon = lists[Lru.InactiveAnon]!.size + lists[Lru.ActiveAnon]!.size;
    const file = lists[Lru.InactiveFile]!.size + lists[Lru.ActiveFile]!.size;
    if (anon === 0) return file === 0 ? null : Lru.InactiveFile;
    if (file === 0) return Lru.InactiveAnon;
    return scanned[1]! * SWAPPINESS <= scanned[0]! * (200 - SWAPPINESS) ? Lru.InactiveFile : Lru.InactiveAnon;
  }

  return {
    name: "linux",
    get size() {
      return pages.size;
    },
    // Linux: mm/swap.c lru_cache_add() (5.9+: lru_cache_add_inactive_or_unevictable for anon)
    insert(key, host) {
      if (pages.has(key)) throw new Error(`linux: key ${key} is already resident`);
      const lru = host.file(key) ? Lru.InactiveFile : Lru.InactiveAnon;
      lists[lru]!.pushHead(key);
      pages.set(key, { lru, referenced: false });
    },
    // Linux: mm/swap.c mark_page_accessed()
    markAccessed(key) {
      const f = pages.get(key);
      if (f === undefined) return;
      if (!f.referenced) f.referenced = true;
      else if ((f.lru & LRU_ACTIVE) === 0) {
        move(key, f, f.lru | LRU_ACTIVE); // activate_page()
        f.referenced = false;
      }
    },
    remove(key) {
      const f = pages.get(key);
      if (f === undefined) return;
      lists[f.lru]!.remove(key);
      pages.delete(key);
    },
    // Linux: mm/vmscan.c shrink_lruvec() -> shrink_list() -> shrink_page_list(), one page at a time.
    victim(host) {
      for (;;) {
        const inactiveLru = scanKind();
        if (inactiveLru === null) return null;
        if (inactive_is_low(inactiveLru)) shrink_active_list(inactiveLru, host);
        const key = lists[inactiveLru]!.tail()!;
        const f = pages.get(key)!;
        scanned[inactiveLru === Lru.InactiveFile ? 1 : 0]++;
        switch (page_check_references(key, f, host)) {
          case "activate":
            move(key, f, inactiveLru | LRU_ACTIVE);
            break;
          case "keep":
            lists[inactiveLru]!.moveToHead(key);
            break;
          case "reclaim":
            lists[inactiveLru]!.remove(key);
            pages.delete(key);
            return key;
        }
      }
    },
  };
}
