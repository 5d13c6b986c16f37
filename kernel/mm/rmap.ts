// Reverse-mapping bookkeeping for one page: who maps it (Linux: mm/rmap.c). The counts and the
// anon/file identity, and one walk from a file page to every PTE mapping it (page_mkclean, for
// writeback); the walk for anonymous pages (try_to_unmap) comes with reclaim.

import type { Kernel } from "../kernel.js";
import type { address_space } from "../fs/inode.js";
import { VM_ACCESS_FLAGS, type vm_area_struct } from "./vma.js";
import type { page } from "./page.js";
import { MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES, type mm_struct } from "./mm_types.js";
import { PAGE_SIZE, PageSwapBacked, SetPageSwapBacked } from "./page.js";
import { pte_dirty, pte_mkclean, pte_offset, pte_pfn, pte_present, pte_write, pte_wrprotect, set_pte_at } from "./pgtable.js";

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

/** Linux: mm/internal.h vma_address(): the user address at which `vma` maps page `index` of its file, or -1. */
function vma_address(vma: vm_area_struct, index: number): number {
  const va = vma.vm_start + (index - vma.vm_pgoff) * PAGE_SIZE;
  return va >= vma.vm_start && va < vma.vm_end ? va : -1;
}

/**
 * Linux: page_mkclean() (rmap_walk_file over i_mmap): write-protect and clean every PTE that maps
 * `p`, so the next write through a mapping faults and dirties the page again. Returns whether some
 * PTE was dirty (the page was written through a mapping since the last writeback).
 */
export function page_mkclean(k: Kernel, p: page): boolean {
  const mapping = p.mapping as address_space;
  const ram = k.machine.ram;
  let dirty = false;
  for (const vma of mapping.i_mmap) {
    const va = vma_address(vma, p.index);
    if (va < 0) continue;
    const mm = vma.vm_mm as mm_struct;
    const ptep = pte_offset(ram, mm, va);
    if (ptep < 0) continue;
    const pte = ram.read32(ptep);
    if (!pte_present(pte) || pte_pfn(pte) !== p.pfn) continue; // not mapped here, or a private copy
    if (pte_dirty(pte)) dirty = true;
    if (pte_dirty(pte) || pte_write(pte)) set_pte_at(mm, va, ptep, pte_wrprotect(pte_mkclean(pte)));
  }
  return dirty;
}
