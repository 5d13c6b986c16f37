// One page out of memory, the whole way, as Linux's shrink_page_list() (mm/vmscan.c) takes a page
// it has decided to reclaim: reclaim (vmscan.ts) calls pageout_one() for each such page, and the
// vmos_pageout debug call (page_info.ts) for the page at an address. Which page to take is the
// caller's question; this file only knows how.
//
//   anonymous   add_to_swap (a slot, the swap cache, dirty) -> try_to_unmap (every PTE becomes the
//               swap entry) -> swap_writepage -> out of the swap cache -> freed
//               (a page still in the swap cache from its last swap-in, clean, needs no write at all)
//   shmem       try_to_unmap (PTEs cleared) -> dirty: shmem_writepage (the object now names the slot,
//               the page is in the swap cache) -> swap_writepage; clean: it was never written, and
//               the object just forgets it (a hole reads zeros) -> freed
//   file        try_to_unmap (PTEs cleared, their dirt moved to the page) -> dirty: written back to
//               its file (write_one_page) -> out of the page cache -> freed (a fault reads it again)
//
// Pages that never go: mlocked ones (a VM_LOCKED mapping, PG_mlocked), page tables, the zero page,
// pages anyone else holds a reference on (a pipe buffer, a page under a read still in flight).
// Writes are not waited for: the bytes are on the device at once, and the disk's busy time delays
// whoever reads next (page_io.ts).

import { address_space } from "../fs/inode.js";
import type { Kernel } from "../kernel.js";
import { hex } from "../trace.js";
import { delete_from_page_cache } from "./filemap.js";
import {
  get_page, page_count, page_mapped, PageDirty, PageMlocked, PageReserved, PageSwapCache, PageTable, PageUnevictable,
  type page,
} from "./page.js";
import { put_page } from "./page_alloc.js";
import { swap_writepage } from "./page_io.js";
import { write_one_page } from "./page-writeback.js";
import { PageAnon, try_to_unmap } from "./rmap.js";
import { shmem_inode_info, shmem_remove_page, shmem_writepage } from "./shmem.js";
import { add_to_swap, delete_from_swap_cache, swap_read_done } from "./swap_state.js";

/** What kind of memory a page is, as far as sending it out goes. */
type PageKind = "anon" | "shmem" | "file" | "swapcache" | "other";

function page_kind(p: page): PageKind {
  if (PageAnon(p)) return "anon";
  if (p.mapping instanceof shmem_inode_info) return "shmem";
  if (p.mapping instanceof address_space) return "file";
  if (PageSwapCache(p)) return "swapcache"; // a shmem page on its way out (mapping already null)
  return "other";
}

/**
 * Linux: shrink_page_list() for one page it decided to reclaim: unmap it from every process,
 * write it to swap or to its file if it is dirty, take it out of the swap cache or page cache, and
 * free it. Returns true when the page is freed; false when it must stay (mlocked, no swap slot free,
 * a write-back error, another reference held, not a user page at all), in which case it is left
 * consistent, possibly unmapped, possibly clean in the swap cache. The page may be on an LRU list:
 * the last put_page takes it off. The caller holds no reference of its own (vmos's isolation takes
 * none).
 */
export function pageout_one(k: Kernel, p: page): boolean {
  if (p._refcount <= 0 || PageTable(p) || PageReserved(p) || PageMlocked(p) || PageUnevictable(p)) return false;
  const kind = page_kind(p);
  if (kind === "other") return false;
  if (swap_read_done(k, p) !== 0) return false; // Linux: trylock_page fails while the read is in flight
  get_page(p); // Linux: the isolation's reference: nothing below may free the page under us
  try {
    const done = shrink_one(k, p, kind);
    if (done && k.trace.mm) k.trace.note("mm", `pageout pfn ${hex(p.pfn)} (${kind})`);
    return done;
  } finally {
    put_page(k.zone, p); // the last reference if it was reclaimed: the frame is free now
  }
}

function shrink_one(k: Kernel, p: page, kind: PageKind): boolean {
  if (kind === "anon" && !PageSwapCache(p) && !add_to_swap(k, p)) return false;
  if (page_mapped(p) && !try_to_unmap(k, p)) return false;
  if (PageDirty(p)) {
    // Linux: pageout() -> mapping->a_ops->writepage: swap_writepage, shmem_writepage, the file's.
    if (PageSwapCache(p)) swap_writepage(k, p);
    else if (kind === "shmem") {
      if (!shmem_writepage(k, p)) return false;
    } else if (kind === "file" && write_one_page(k, p) < 0) return false;
  }
  // Linux: __remove_mapping(): only the cache's reference and ours may be left.
  const cached = PageSwapCache(p) || p.mapping !== null;
  if (page_count(p) !== 1 + (cached ? 1 : 0) || page_mapped(p)) return false;
  if (PageSwapCache(p)) delete_from_swap_cache(k, p);
  else if (p.mapping instanceof shmem_inode_info) shmem_remove_page(k, p.mapping, p.index); // clean: a hole again
  else if (p.mapping instanceof address_space) delete_from_page_cache(k, p);
  return true;
}
