// Linux: mm/rmap.c, the reverse map: from a page to every PTE that maps it. Reclaim needs it to
// unmap a page from all the processes that share it before the page can leave memory (try_to_unmap),
// and to read the hardware's accessed bits of all its mappings (page_referenced); writeback needs it
// to write-protect a file page's mappings (page_mkclean).
//
// Where a page is mapped follows from what it belongs to and where in it (page.index):
//
//   anonymous   page.mapping = the anon_vma   -> anon_vma.vmas: every VMA that may map its pages
//   file        page.mapping = address_space  -> mapping.i_mmap: every VMA that maps the file
//   shmem       page.mapping = shmem object   -> info.i_mmap: every VMA that maps the object
//
// and in each such VMA the page can only be at vm_start + (page.index - vm_pgoff) pages
// (vma_address); the PTE there maps it if it holds the page's frame. The sets are kept by
// vma_link()/vma_unlink() (vma_tree.ts calls vma_link_rmap/vma_unlink_rmap), and for an anon_vma
// given to a VMA already linked, by anon_vma_prepare() and vma_bounds_changed() (a merge).
//
// vmos has no anon_vma_chains: a forked child's VMAs share their parent's anon_vma (fork.ts), so an
// anon_vma's set holds VMAs of several mms, and a walk checks the frame of each PTE it finds.

import type { Kernel } from "../kernel.js";
import { BUG_ON } from "../bug.js";
import { hex } from "../trace.js";
import type { address_space } from "../fs/inode.js";
import { VM_ACCESS_FLAGS, VM_LOCKED, VM_SEQ_READ, type vm_area_struct } from "./vma.js";
import { put_page } from "./page_alloc.js";
import { add_mm_counter, MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES, MM_SWAPENTS, update_hiwater_rss, type mm_struct } from "./mm_types.js";
import { PAGE_SIZE, PageSwapBacked, PageSwapCache, SetPageDirty, SetPageSwapBacked, page_mapped, type page } from "./page.js";
import {
  pte_dirty, pte_mkclean, pte_mkold, pte_offset, pte_pfn, pte_present, pte_write, pte_wrprotect, pte_young, set_pte_at,
} from "./pgtable.js";
import { set_page_dirty } from "./page-writeback.js";
import { shmem_inode_info, vma_is_shmem, vma_shmem } from "./shmem.js";
import { swap_duplicate } from "./swapfile.js";
import { swp_entry_to_pte } from "./swapops.js";

/** Linux: struct anon_vma: the identity shared by the anonymous pages of a VMA (and of its forks). */
export class anon_vma {
  /** Linux: anon_vma->root; a fresh one is its own root. */
  readonly root: anon_vma = this;
  /**
   * Linux: rb_root, the interval tree of the anon_vma_chains of every VMA that may map this
   * anon_vma's pages; vmos keeps the VMAs themselves (linked ones only, of any mm).
   */
  readonly vmas = new Set<vm_area_struct>();
}

// ---- Keeping the sets ---------------------------------------------------------------------------

/** VMAs that vma_link_rmap() put in the sets (linked in their mm), and the anon_vma whose set holds each. */
const rmap_linked = new WeakSet<vm_area_struct>();
const anon_vma_holding = new WeakMap<vm_area_struct, anon_vma>();

/**
 * The reverse map of the file a VMA maps (Linux: vma->vm_file->f_mapping->i_mmap), or null for a
 * VMA without one: page-cache writeback, truncation and reclaim find every mapping of a file here.
 */
function file_i_mmap(vma: vm_area_struct): Set<vm_area_struct> | null {
  const f = vma.vm_file as { f_inode?: { i_mapping: { i_mmap: Set<vm_area_struct> } } | null } | null;
  return f?.f_inode?.i_mapping.i_mmap ?? null;
}

/**
 * Put a linked VMA in the set of its anon_vma, or move it there if its anon_vma changed (mremap
 * drops one, a merge adopts one): Linux's anon_vma_chain_link(). Does nothing for an unlinked VMA
 * (vma_link will).
 */
export function anon_vma_link(vma: vm_area_struct): void {
  if (!rmap_linked.has(vma)) return;
  const av = vma.anon_vma as anon_vma | null;
  const was = anon_vma_holding.get(vma);
  if (was === av) return;
  if (was !== undefined) {
    was.vmas.delete(vma);
    anon_vma_holding.delete(vma);
  }
  if (av !== null) {
    av.vmas.add(vma);
    anon_vma_holding.set(vma, av);
  }
}

/** vma_link()'s part here (Linux: __vma_link_file + anon_vma_chain_link): the VMA joins its sets. */
export function vma_link_rmap(vma: vm_area_struct): void {
  rmap_linked.add(vma);
  file_i_mmap(vma)?.add(vma);
  if (vma_is_shmem(vma)) vma_shmem(vma).i_mmap.add(vma);
  anon_vma_link(vma);
}

/** vma_unlink()'s part (Linux: __remove_shared_vm_struct + unlink_anon_vmas): the VMA leaves them. */
export function vma_unlink_rmap(vma: vm_area_struct): void {
  rmap_linked.delete(vma);
  file_i_mmap(vma)?.delete(vma);
  if (vma_is_shmem(vma)) vma_shmem(vma).i_mmap.delete(vma);
  anon_vma_holding.get(vma)?.vmas.delete(vma);
  anon_vma_holding.delete(vma);
}

/**
 * Linux: anon_vma_prepare(): give a VMA its anon_vma before its first anonymous page, reusing a
 * neighbour's when the two could one day merge (find_mergeable_anon_vma), so that mprotect can glue
 * them back together later.
 */
export function anon_vma_prepare(vma: vm_area_struct): anon_vma {
  if (vma.anon_vma === null) {
    vma.anon_vma = find_mergeable_anon_vma(vma) ?? new anon_vma();
    anon_vma_link(vma);
  }
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

/**
 * Linux: do_page_add_anon_rmap() -> __page_set_anon_rmap(): one more PTE maps an anonymous page that
 * already exists (a swap-in). A page read from swap (mapping null) gets the VMA's anon_vma and its
 * index now; one that stayed in the swap cache kept them ("if (PageAnon(page)) return").
 */
export function page_add_anon_rmap(p: page, vma: vm_area_struct, address: number): void {
  p._mapcount++;
  if (PageAnon(p)) return;
  p.mapping = anon_vma_prepare(vma);
  p.index = linear_page_index(vma, address);
}

/** Linux: mm/internal.h vma_address(): the user address at which `vma` maps page `index` of its file, or -1. */
function vma_address(vma: vm_area_struct, index: number): number {
  const va = vma.vm_start + (index - vma.vm_pgoff) * PAGE_SIZE;
  return va >= vma.vm_start && va < vma.vm_end ? va : -1;
}

/** The VMAs that may map `p` (see the top of this file); empty for a page of none of the three kinds. */
function rmap_vmas(p: page): Iterable<vm_area_struct> {
  const m = p.mapping;
  if (m instanceof anon_vma) return m.vmas;
  if (m instanceof shmem_inode_info) return m.i_mmap;
  return (m as address_space | null)?.i_mmap ?? [];
}

/**
 * Linux: rmap_walk() (rmap_walk_anon / rmap_walk_file + page_vma_mapped_walk): call `visit` with
 * every VMA, address and PTE (a physical address) that maps `p` now, in any process. `visit`
 * returns false to stop the walk. A PTE that is not present or maps another frame (a COW copy of
 * the page in a child) is no mapping of `p`.
 */
export function rmap_walk(k: Kernel, p: page, visit: (vma: vm_area_struct, address: number, ptep: number) => boolean): void {
  if (!page_mapped(p)) return;
  const ram = k.machine.ram;
  const av = p.mapping instanceof anon_vma ? p.mapping : null;
  for (const vma of rmap_vmas(p)) {
    if (av !== null && vma.anon_vma !== av) continue; // its anon_vma changed since (mremap's DONTUNMAP)
    const address = vma_address(vma, p.index);
    if (address < 0) continue;
    const ptep = pte_offset(ram, vma.vm_mm as mm_struct, address);
    if (ptep < 0) continue;
    const pte = ram.read32(ptep);
    if (!pte_present(pte) || pte_pfn(pte) !== p.pfn) continue;
    if (!visit(vma, address, ptep)) return;
  }
}

/** What page_referenced() learnt besides the count (Linux: its `unsigned long *vm_flags`). */
export interface referenced_info {
  /** The vm_flags of every VMA that referenced the page, or-ed; VM_LOCKED if a locked VMA maps it. */
  vm_flags: number;
}

/**
 * Linux: page_referenced() -> page_referenced_one(): test and clear the accessed (A) bit of every PTE
 * mapping `p`, and count the mappings that had it set (a VM_SEQ_READ mapping's do not count). Like
 * riscv's ptep_clear_flush_young(), the TLB is not flushed: a TLB entry may keep the page looking
 * unused for a while, which costs accuracy, never correctness. A VM_LOCKED VMA stops the walk and
 * sets VM_LOCKED in `info.vm_flags`: the page must not be reclaimed. Returns the count.
 */
export function page_referenced(k: Kernel, p: page, info?: referenced_info): number {
  const ram = k.machine.ram;
  let referenced = 0;
  let vm_flags = 0;
  rmap_walk(k, p, (vma, _address, ptep) => {
    if (vma.vm_flags & VM_LOCKED) {
      vm_flags |= VM_LOCKED;
      return false;
    }
    const pte = ram.read32(ptep);
    if (pte_young(pte)) {
      ram.write32(ptep, pte_mkold(pte));
      if ((vma.vm_flags & VM_SEQ_READ) === 0) {
        referenced++;
        vm_flags |= vma.vm_flags;
      }
    }
    return true;
  });
  if (info !== undefined) info.vm_flags = vm_flags;
  return referenced;
}

/**
 * Linux: try_to_unmap() -> try_to_unmap_one() for every PTE that maps `p`:
 *   anonymous (in the swap cache: add_to_swap first)  the PTE becomes its swap entry (swap_duplicate),
 *                                                      MM_ANONPAGES - 1, MM_SWAPENTS + 1
 *   file or shmem                                      the PTE is cleared (a fault finds the page in
 *                                                      the page cache or the shmem object again)
 * A dirty PTE hands its dirt to the page (set_page_dirty), each PTE's reference is dropped, and each
 * change is flushed from the TLB of its mm. A page mapped by a VM_LOCKED VMA is never unmapped, not
 * even from its other mappings (Linux stops half way; vmos looks first): returns false. Otherwise
 * returns whether the page is unmapped now (!page_mapped).
 */
export function try_to_unmap(k: Kernel, p: page): boolean {
  if (!page_mapped(p)) return true;
  let locked = false;
  rmap_walk(k, p, (vma) => !(locked = (vma.vm_flags & VM_LOCKED) !== 0));
  if (locked) return false;
  const anon = PageAnon(p);
  BUG_ON(anon && !PageSwapCache(p), "try_to_unmap: an anonymous page must be in the swap cache (add_to_swap) first");
  const ram = k.machine.ram;
  rmap_walk(k, p, (vma, address, ptep) => {
    const mm = vma.vm_mm as mm_struct;
    const pte = ram.read32(ptep);
    if (pte_dirty(pte)) {
      if (p.mapping instanceof shmem_inode_info || anon) SetPageDirty(p); // Linux: __set_page_dirty_no_writeback
      else set_page_dirty(k, p);
    }
    update_hiwater_rss(mm);
    if (anon) {
      swap_duplicate(k, p.private);
      add_mm_counter(mm, MM_ANONPAGES, -1);
      add_mm_counter(mm, MM_SWAPENTS, 1);
      set_pte_at(mm, address, ptep, swp_entry_to_pte(p.private));
    } else {
      add_mm_counter(mm, mm_counter(p), -1);
      set_pte_at(mm, address, ptep, 0);
    }
    if (k.trace.mm) k.trace.note("mm", `try_to_unmap pfn ${hex(p.pfn)} from ${mm.exe_name} at ${hex(address)}`);
    page_remove_rmap(p);
    put_page(k.zone, p); // the PTE's reference; the cache (swap, page or shmem) still holds one
    return true;
  });
  return !page_mapped(p);
}

/**
 * Linux: page_mkclean() (rmap_walk_file over i_mmap): write-protect and clean every PTE that maps
 * `p`, so the next write through a mapping faults and dirties the page again. Returns whether some
 * PTE was dirty (the page was written through a mapping since the last writeback).
 */
export function page_mkclean(k: Kernel, p: page): boolean {
  const ram = k.machine.ram;
  let dirty = false;
  rmap_walk(k, p, (vma, address, ptep) => {
    const pte = ram.read32(ptep);
    if (pte_dirty(pte)) dirty = true;
    if (pte_dirty(pte) || pte_write(pte)) set_pte_at(vma.vm_mm as mm_struct, address, ptep, pte_wrprotect(pte_mkclean(pte)));
    return true;
  });
  return dirty;
}
