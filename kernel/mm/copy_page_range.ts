// Linux: mm/memory.c copy_page_range() -> copy_pte_range() -> copy_present_pte(): at fork, the child
// gets the parent's PTEs for a VMA. Private writable pages become copy-on-write: write-protected in
// BOTH parent and child, the frame shared (refcount and mapcount up); the first write by either side
// goes to do_wp_page. Shared mappings stay shared and writable.
//
// A swap entry is copied as it is: the child refers to the same slot (swap_duplicate), and whichever
// process faults first reads the page into the swap cache, where the other finds it (Linux:
// copy_nonpresent_pte()). A VMA with swapped-out pages always has an anon_vma, so it is copied.
//
// Only VMAs that hold anonymous pages (an anon_vma) are copied. A file mapping, shared anonymous
// memory or a private mapping nobody has written yet loses nothing by starting empty in the child:
// its pages are in the page cache or the shmem object, and the child's first touch faults them in
// again (the same frames). Fork is cheaper for it; each such page costs the child a minor fault.

import { hex } from "../trace.js";
import { add_mm_counter, MM_SWAPENTS, type mm_struct } from "./mm_types.js";
import { get_page } from "./page.js";
import { pte_alloc, pte_mkclean, pte_mkold, pte_none, pte_offset, pte_present, pte_write, pte_wrprotect } from "./pgtable.js";
import { vm_normal_page } from "./memory.js";
import { mm_counter, page_add_rmap } from "./rmap.js";
import { swap_duplicate } from "./swapfile.js";
import { pte_to_swp_entry } from "./swapops.js";
import { VM_HUGETLB, VM_MAYWRITE, VM_MIXEDMAP, VM_PFNMAP, VM_SHARED, type vm_area_struct } from "./vma.js";

/** Linux: is_cow_mapping(): private and could be written. */
export function is_cow_mapping(flags: number): boolean {
  return (flags & (VM_SHARED | VM_MAYWRITE)) === VM_MAYWRITE;
}

/**
 * Copy the PTEs of `src_vma` (in `src`) into `dst`, for the child's copy of the VMA, unless a fault
 * can fill them as well (no anon_vma, and not a raw-pfn mapping): then the child's copy stays empty.
 * Returns false if a page table could not be allocated (the caller undoes the fork). The caller
 * flushes the parent's TLB afterwards (write-protected PTEs must not stay writable in it).
 */
export function copy_page_range(dst: mm_struct, src: mm_struct, src_vma: vm_area_struct): boolean {
  const k = src.kernel;
  // Linux: "Don't copy ptes where a page fault will fill them correctly. Fork becomes much lighter
  // when there are big shared or private readonly mappings."
  if ((src_vma.vm_flags & (VM_HUGETLB | VM_PFNMAP | VM_MIXEDMAP)) === 0 && src_vma.anon_vma === null) {
    if (k.trace.mm) k.trace.note("mm", `copy_page_range ${hex(src_vma.vm_start)}-${hex(src_vma.vm_end)}: skipped (no anon_vma: the child faults its pages in)`);
    return true;
  }
  const ram = k.machine.ram;
  const cow = is_cow_mapping(src_vma.vm_flags);
  let copied = 0;
  for (let va = src_vma.vm_start; va < src_vma.vm_end; va += 4096) {
    const src_ptep = pte_offset(ram, src, va);
    if (src_ptep < 0) {
      va = (Math.floor(va / 0x40_0000) + 1) * 0x40_0000 - 4096; // no PTE table here: next 4 MiB
      continue;
    }
    let pte = ram.read32(src_ptep);
    if (pte_none(pte)) continue;
    const dst_ptep = pte_alloc(dst, va);
    if (dst_ptep < 0) return false;
    if (!pte_present(pte)) {
      // Linux: copy_nonpresent_pte(): a swap entry; the child shares the slot.
      swap_duplicate(k, pte_to_swp_entry(pte));
      add_mm_counter(dst, MM_SWAPENTS, 1);
      ram.write32(dst_ptep, pte);
      copied++;
      continue;
    }
    const p = vm_normal_page(src, pte);
    if (p !== null) {
      get_page(p);
      page_add_rmap(p);
      add_mm_counter(dst, mm_counter(p), 1);
    }
    if (cow && pte_write(pte)) {
      pte = pte_wrprotect(pte);
      ram.write32(src_ptep, pte); // the parent loses write access too; flushed by the caller
    }
    if (src_vma.vm_flags & VM_SHARED) pte = pte_mkclean(pte);
    ram.write32(dst_ptep, pte_mkold(pte));
    copied++;
  }
  if (k.trace.mm && copied) k.trace.note("mm", `copy_page_range ${hex(src_vma.vm_start)}-${hex(src_vma.vm_end)}: ${copied} PTEs${cow ? " (copy-on-write)" : ""}`);
  return true;
}
