// vmos_page_info (system call 1024, vmos only): what backs one virtual address right now, for tests
// and labs -- in the spirit of Pintos-KAIST's get_phys_addr(). It only looks: nothing is faulted in,
// and no A or D bit changes. Two processes share a frame when their pfns are equal (and mapcount says
// how many PTEs map it); a page is not resident when PI_PRESENT is clear.
//
//   struct vmos_page_info {          offset
//     u32 pfn;                         0   frame number; 0 when nothing is resident (a swapped-out
//                                          page still in the swap cache: that page's frame)
//     u32 flags;                       4   PI_* bits below
//     u32 mapcount;                    8   page_mapcount(): PTEs mapping the frame, in all processes;
//                                          for a swap entry, the slot's swap_map count: the PTEs (in
//                                          all processes) and shmem objects that refer to it
//     u32 refcount;                   12   page_count(): references to the frame (0 for the zero page)
//     u32 vm_start, vm_end;        16, 20  the VMA containing the address, or 0, 0
//     u32 vm_flags;                   24   its vm_flags (VM_READ 0x1, VM_WRITE 0x2, ..., VM_LOCKED 0x2000)
//     u32 pte;                        28   the raw Sv32 PTE (0 when there is no page table)
//   };                                     32 bytes
//
// vmos_pageout (system call 1025, vmos only): send the page at one virtual address out of memory
// now, the whole way reclaim would (swap_out.ts pageout_one: unmapped from every process that maps
// it, written to swap or to its file if dirty, freed), so tests and labs can watch a page's trip to
// swap and back without filling memory first. Returns 0 when the page is out (or was already: a swap
// entry, an untouched page), -EFAULT when the address has no mapping, -EINVAL for the zero page (it
// never goes), -ENOMEM when an anonymous or shmem page finds no free swap slot (or no swap), -EBUSY
// when it must stay for another reason (mlocked, held by someone else, a read still in flight).

import { PTE_A, PTE_D, PTE_R, PTE_V, PTE_W, PTE_X } from "../../src/hw/sv32.js";
import type { task_struct } from "../proc/task.js";
import { EBUSY, EFAULT, EINVAL, ENOMEM } from "../syscalls/errno.js";
import { copy_to_user } from "../syscalls/uaccess.js";
import { vm_normal_page } from "./memory.js";
import { TASK_SIZE, type mm_struct } from "./mm_types.js";
import { page_count, page_mapcount, PageSwapBacked, PageSwapCache } from "./page.js";
import { pte_none, pte_offset, pte_pfn, pte_present, pte_special } from "./pgtable.js";
import { PageAnon } from "./rmap.js";
import { pageout_one } from "./swap_out.js";
import { lookup_swap_cache } from "./swap_state.js";
import { __swap_count, nr_swap_pages } from "./swapfile.js";
import { pte_to_swp_entry } from "./swapops.js";
import { VM_LOCKED } from "./vma.js";
import { find_vma } from "./vma_tree.js";

export const VMOS_PAGE_INFO = 1024;
export const VMOS_PAGEOUT = 1025;
export const PAGE_INFO_SIZE = 32;

// Bits of vmos_page_info.flags.
/** A frame is mapped at the address (PROT_NONE pages included: they are resident, just inaccessible). */
export const PI_PRESENT = 1 << 0;
/** The PTE allows writes (W). A present private page without it is copy-on-write or the zero page. */
export const PI_WRITE = 1 << 1;
/** The PTE's dirty bit (D): written through this mapping. */
export const PI_DIRTY = 1 << 2;
/** The PTE's accessed bit (A). */
export const PI_ACCESSED = 1 << 3;
/** The frame is the shared zero page (a read of untouched anonymous memory). */
export const PI_ZERO = 1 << 4;
/** An anonymous page: private memory, or a copy-on-write copy of a file page. */
export const PI_ANON = 1 << 5;
/** A page of shared anonymous memory (MAP_SHARED | MAP_ANONYMOUS). */
export const PI_SHMEM = 1 << 6;
/** A page of a file (the program's text and data, until written). */
export const PI_FILE = 1 << 7;
/** The PTE allows reads (V and R). */
export const PI_READ = 1 << 8;
/** The PTE allows execution (V and X). */
export const PI_EXEC = 1 << 9;
/** Present but inaccessible: a PROT_NONE page (V clear, R set as _PAGE_PROT_NONE). */
export const PI_PROTNONE = 1 << 10;
/** The address lies inside a VMA (mapped, resident or not). */
export const PI_VMA = 1 << 11;
/** The PTE holds a swap entry: the page is on the swap device. */
export const PI_SWAP = 1 << 12;
/** The VMA is mlocked (VM_LOCKED). */
export const PI_LOCKED = 1 << 13;
/**
 * The page is in the swap cache: resident and also in a swap slot (a present page that came back
 * from swap keeping its slot, or a swap entry whose page is still in memory).
 */
export const PI_SWAPCACHE = 1 << 14;

/** The 8 words of struct vmos_page_info for `vaddr` in `mm`. */
export function page_info(mm: mm_struct, vaddr: number): Uint32Array {
  const k = mm.kernel;
  const out = new Uint32Array(PAGE_INFO_SIZE / 4);
  vaddr >>>= 0;
  if (vaddr >= TASK_SIZE) return out;
  let flags = 0;
  const vma = find_vma(mm, vaddr);
  if (vma !== null && vma.vm_start <= vaddr) {
    flags |= PI_VMA | (vma.vm_flags & VM_LOCKED ? PI_LOCKED : 0);
    out[4] = vma.vm_start;
    out[5] = vma.vm_end;
    out[6] = vma.vm_flags;
  }
  const ptep = pte_offset(k.machine.ram, mm, vaddr);
  const pte = ptep < 0 ? 0 : k.machine.ram.read32(ptep);
  out[7] = pte;
  if (pte_present(pte)) {
    const pfn = pte_pfn(pte);
    out[0] = pfn;
    flags |= PI_PRESENT;
    if (pte & PTE_W) flags |= PI_WRITE;
    if (pte & PTE_D) flags |= PI_DIRTY;
    if (pte & PTE_A) flags |= PI_ACCESSED;
    if (pte & PTE_V) flags |= (pte & PTE_R ? PI_READ : 0) | (pte & PTE_X ? PI_EXEC : 0);
    else flags |= PI_PROTNONE;
    if (pte_special(pte) && pfn === k.zero_pfn) {
      flags |= PI_ZERO;
    } else {
      const p = k.mem_map[pfn]!;
      out[2] = page_mapcount(p);
      out[3] = page_count(p);
      if (PageSwapCache(p)) flags |= PI_SWAPCACHE;
      if (PageAnon(p)) flags |= PI_ANON;
      else if (PageSwapBacked(p)) flags |= PI_SHMEM;
      else flags |= PI_FILE;
    }
  } else if (!pte_none(pte)) {
    flags |= PI_SWAP;
    const entry = pte_to_swp_entry(pte);
    out[2] = __swap_count(k, entry);
    const cached = lookup_swap_cache(k, entry);
    if (cached !== null) {
      flags |= PI_SWAPCACHE;
      out[0] = cached.pfn;
    }
  }
  out[1] = flags;
  return out;
}

/**
 * vmos_page_info(vaddr, out): fill the struct at user address `out`. Returns 0 (also for an address
 * with nothing behind it: flags says so), or -EFAULT when `out` cannot be written.
 */
export function sys_vmos_page_info(mm: mm_struct, task: task_struct | null, vaddr: number, out: number): number {
  const info = page_info(mm, vaddr);
  return copy_to_user(mm, task, out >>> 0, new Uint8Array(info.buffer)) === 0 ? 0 : -14; // -EFAULT
}

/** vmos_pageout(vaddr): see the top of this file. */
export function sys_vmos_pageout(mm: mm_struct, vaddr: number): number {
  const k = mm.kernel;
  vaddr >>>= 0;
  const vma = vaddr < TASK_SIZE ? find_vma(mm, vaddr) : null;
  if (vma === null || vma.vm_start > vaddr) return -EFAULT;
  const ptep = pte_offset(k.machine.ram, mm, vaddr);
  const pte = ptep < 0 ? 0 : k.machine.ram.read32(ptep);
  if (!pte_present(pte)) return 0; // nothing resident here: untouched, or out already
  const p = vm_normal_page(mm, pte);
  if (p === null) return -EINVAL;
  if (pageout_one(k, p)) return 0;
  const needs_swap = (PageAnon(p) || PageSwapBacked(p)) && !PageSwapCache(p);
  return needs_swap && nr_swap_pages(k) === 0 && (vma.vm_flags & VM_LOCKED) === 0 ? -ENOMEM : -EBUSY;
}
