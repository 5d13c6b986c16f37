// Reverse-mapping bookkeeping for one page: who maps it (Linux: mm/rmap.c). For now the counts and the
// anon/file identity; the walk from a page to every PTE mapping it (try_to_unmap) comes with reclaim.

import { VM_ACCESS_FLAGS, type vm_area_struct } from "./vma.js";
import type { page } from "./page.js";
import { MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES } from "./mm_types.js";
import { PageSwapBacked, SetPageSwapBacked } from "./page.js";

/** Linux: struct anon_vma: the identity shared by the anonymous pages of a VMA (and later its forks). */
export class anon_vma {
  /** Linux: anon_vma->root; a fresh one is its own root. */
  readonly root: anon_vma = this;
}

/**
 * Linux: anon_vma_prepare(): give a VMA its anon_vma before its first anonymous page, reusing a
 * neighbour's when the two could one day merge (find_mergeable_anon_vma), so that mprotect can glue
 * them back together later.
 */
export function anon_vma_prepare(vma: vm_area_struct): anon_vma {
  if (vma.anon_vma === null) vma.anon_vma = find_mergeable_anon_vma(vma) ?? new anon_vma();
  return vma.anon_vma as anon_vma;
}

/**
 * Linux: mm/mmap.c anon_vma_compatible(): a and b (a just below b) differ at most in their access
 * flags and continue each other's file and page offsets.
 */
function anon_vma_compatible(a: vm_area_struct, b: vm_area_struct): boolean {
  return a.vm_end === b.vm_start && a.vm_file === b.vm_file && a.vm_private_data === b.vm_private_data &&
    ((a.vm_flags ^ b.vm_flags) & ~VM_ACCESS_FLAGS) === 0 &&
    b.vm_pgoff === a.vm_pgoff + (b.vm_start - a.vm_start) / 4096;
}

/** Linux: mm/mmap.c find_mergeable_anon_vma(): the anon_vma of a compatible neighbour (next first), or null. */
function find_mergeable_anon_vma(vma: vm_area_struct): anon_vma | null {
  const { vm_next: next, vm_prev: prev } = vma;
  if (next !== null && next.anon_vma !== null && anon_vma_compatible(vma, next)) return next.anon_vma as anon_vma;
  if (prev !== null && prev.anon_vma !== null && anon_vma_compatible(prev, vma)) return prev.anon_vma as anon_vma;
  return null;
}

/** Linux: PageAnon(): mapping points at an anon_vma (Linux tags the pointer's low bit instead). */
export function PageAnon(p: page): boolean {
  return p.mapping instanceof anon_vma;
}

/** Linux: linear_page_index(): the page's index in the VMA's pgoff space. */
export function linear_page_index(vma: vm_area_struct, address: number): number {
  return ((address - vma.vm_start) >>> 12) + vma.vm_pgoff;
}

/**
 * Linux 5.15: page_add_new_anon_rmap(): first mapping of a new anonymous page (_mapcount -1 -> 0).
 * The page is swap-backed from birth (__SetPageSwapBacked): once it has been written, only swap can
 * hold its contents.
 */
export function page_add_new_anon_rmap(p: page, vma: vm_area_struct, address: number): void {
  SetPageSwapBacked(p);
  p._mapcount = 0;
  p.mapping = anon_vma_prepare(vma);
  p.index = linear_page_index(vma, address);
}

/** Linux: page_add_file_rmap() / page_dup_rmap(): one more PTE maps the page. */
export function page_add_rmap(p: page): void {
  p._mapcount++;
}

/** Linux: page_remove_rmap(): one PTE fewer maps the page. */
export function page_remove_rmap(p: page): void {
  p._mapcount--;
}

/** Linux: mm_counter(): which RSS counter a mapped page belongs to. */
export function mm_counter(p: page): number {
  if (PageAnon(p)) return MM_ANONPAGES;
  return PageSwapBacked(p) ? MM_SHMEMPAGES : MM_FILEPAGES;
}
