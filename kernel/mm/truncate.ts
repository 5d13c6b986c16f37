// Linux: mm/truncate.c (with mm/memory.c's unmap_mapping_range): a file that shrinks, or whose inode
// goes away, takes its page-cache pages (filemap.ts) with it. Every PTE that maps a page past the new
// end is zapped first, private copies included, so a later access there is SIGBUS rather than a read
// of freed memory; then the pages leave the cache.

import type { Kernel } from "../kernel.js";
import { evict_hooks, type inode } from "../fs/inode.js";
import { delete_from_page_cache, size_pages } from "./filemap.js";
import { zap_page_range } from "./memory.js";
import { update_hiwater_rss, type mm_struct } from "./mm_types.js";
import { flush_tlb_range } from "./mprotect.js";
import { filemap_fdatawrite_range } from "./page-writeback.js";
import type { vm_area_struct } from "./vma.js";

const PAGE_SIZE = 4096;

/**
 * Linux: unmap_mapping_range(..., even_cows = 1) for pages at or after `first`: zap every PTE, in
 * every VMA that maps the file (or shmem object: memfd.ts), for those pages, private copies included
 * (as truncation does).
 */
export function unmap_mapping_range(mapping: { readonly i_mmap: ReadonlySet<vm_area_struct> }, first: number): void {
  for (const vma of mapping.i_mmap) {
    const mm = vma.vm_mm as mm_struct;
    const start = Math.max(vma.vm_start, vma.vm_start + (first - vma.vm_pgoff) * PAGE_SIZE);
    if (start >= vma.vm_end) continue;
    update_hiwater_rss(mm);
    zap_page_range(mm, start, vma.vm_end);
    flush_tlb_range(mm, start, vma.vm_end);
  }
}

/**
 * Linux: truncate_pagecache(inode, newsize): the file now ends at `newsize`. Mappings lose every
 * page past the new end (a later access there is SIGBUS), those pages leave the page cache, and the
 * tail of the new last page is zeroed so a mapping reads zeros past EOF.
 */
export function truncate_pagecache(k: Kernel, node: inode, newsize: number): void {
  const mapping = node.i_mapping;
  const first = size_pages(newsize);
  unmap_mapping_range(mapping, first);
  for (const p of [...mapping.i_pages.values()]) if (p.index >= first) delete_from_page_cache(k, p);
  const tail = newsize % PAGE_SIZE;
  const last = tail === 0 ? undefined : mapping.i_pages.get(first - 1);
  if (last !== undefined) {
    const ram = k.machine.ram;
    ram.writeBytes(last.pfn * PAGE_SIZE + tail, new Uint8Array(PAGE_SIZE - tail));
  }
}

// An inode that goes away takes its pages with it (Linux: evict() -> truncate_inode_pages_final).
evict_hooks.push((k, node) => {
  const mapping = node.i_mapping;
  if (mapping.i_pages.size === 0) return;
  if (node.i_nlink > 0) filemap_fdatawrite_range(k, mapping); // still named: keep its data
  for (const p of [...mapping.i_pages.values()]) {
    if (p._mapcount >= 0) continue; // BUG territory: an evicted inode has no mappings
    delete_from_page_cache(k, p);
  }
});
