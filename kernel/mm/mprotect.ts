// Linux: mm/mprotect.c. mprotect() changes the rights of a range: the VMAs first (split at the ends
// of the range, merged with neighbours that now match), then every PTE already in the range
// (change_protection), then the TLB, which may still hold the old rights.
//
// The new PTE rights come from vm_get_page_prot(), as for a fault, so copy-on-write survives: a
// private writable mapping's PTEs are read-only (protection_map's __P011 is PAGE_COPY), and the first
// write after mprotect goes through do_wp_page(), which reuses a page only this process maps and
// copies a shared one or the zero page. Linux 5.15 does exactly this; it does not make exclusive pages
// writable here (6.x does, for pages it can prove exclusive). PROT_NONE keeps pages present but
// inaccessible: V=0 with _PAGE_PROT_NONE (R) set, frame, A and D kept.

import { hex } from "../trace.js";
import { PTE_G, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from "../../src/hw/sv32.js";
import type { task_struct } from "../proc/task.js";
import { populate_vma_page_range } from "./gup.js";
import { PAGE_ALIGN, PAGE_MASK } from "./mmap.js";
import { calc_vm_prot_bits, PROT_EXEC, PROT_GROWSDOWN, PROT_GROWSUP, PROT_READ, PROT_SEM, PROT_WRITE } from "./mman.js";
import { vm_stat_account, type mm_struct } from "./mm_types.js";
import { flush_tlb_mm, flush_tlb_page, pte_offset, pte_present } from "./pgtable.js";
import {
  VM_ACCESS_FLAGS, VM_ACCOUNT, VM_GROWSDOWN, VM_HUGETLB, VM_LOCKED, VM_NORESERVE, VM_SHARED, VM_WRITE,
  type vm_area_struct,
} from "./vma.js";
import { vma_modify_flags, vma_range_walk } from "./vma_merge.js";
import { find_vma } from "./vma_tree.js";

const PAGE_SIZE = 4096;
const ENOMEM = 12, EACCES = 13, EINVAL = 22;

/** PTE bits pte_modify() replaces; the rest (frame, A, D, software bits) it keeps (riscv _PAGE_CHG_MASK). */
const PTE_PROT_BITS = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_G;

/**
 * Linux: flush_tlb_range(), as riscv 5.15 does it (__sbi_tlb_flush_range): one page is flushed by
 * address, anything larger flushes the whole address space (by ASID).
 */
export function flush_tlb_range(mm: mm_struct, start: number, end: number): void {
  if (end - start <= PAGE_SIZE) flush_tlb_page(mm, start);
  else flush_tlb_mm(mm);
}

/**
 * Linux: change_protection() -> change_pte_range(): give every present PTE in [start, end) of `vma`
 * the rights `newprot` (pte_modify), keeping its frame, A, D and the special bit; empty and swap PTEs
 * stay as they are (a swapped page gets the VMA's rights when do_swap_page maps it again). Flushes the TLB for the range if anything changed. Returns the pages changed.
 */
export function change_protection(vma: vm_area_struct, start: number, end: number, newprot: number): number {
  const mm = vma.vm_mm as mm_struct;
  const ram = mm.kernel.machine.ram;
  let pages = 0;
  for (let va = start; va < end; va += PAGE_SIZE) {
    const ptep = pte_offset(ram, mm, va);
    if (ptep < 0) {
      va = (Math.floor(va / 0x40_0000) + 1) * 0x40_0000 - PAGE_SIZE; // no PTE table: next 4 MiB
      continue;
    }
    const pte = ram.read32(ptep);
    if (!pte_present(pte)) continue;
    const ptent = ((pte & ~PTE_PROT_BITS) | newprot) >>> 0;
    if (ptent === pte) continue;
    ram.write32(ptep, ptent);
    pages++;
  }
  if (pages > 0) flush_tlb_range(mm, start, end);
  if (mm.kernel.trace.mm && pages > 0) mm.kernel.trace.note("mm", `change_protection ${hex(start)}-${hex(end)}: ${pages} PTEs`);
  return pages;
}

/**
 * Linux: mprotect_fixup(): give [start, end) (inside `vma`) the flags `newflags`: merge or split the
 * VMA, rewrite its PTEs, account the change. `prev` as vma_modify_flags() takes it. Returns the VMA
 * now covering the range (the new *pprev), or -ENOMEM.
 */
export function mprotect_fixup(vma: vm_area_struct, prev: vm_area_struct | null, start: number, end: number, newflags: number,
  task: task_struct | null): vm_area_struct | number {
  const mm = vma.vm_mm as mm_struct;
  const oldflags = vma.vm_flags;
  const nrpages = (end - start) / PAGE_SIZE;
  if (newflags === oldflags) return vma;
  // Making private memory writable charges it against overcommit (VM_ACCOUNT), for good: writing
  // it read-only again does not give the charge back, so the flag stays (and decides merges).
  if ((newflags & VM_WRITE) && (oldflags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE)) === 0) {
    newflags |= VM_ACCOUNT;
  }
  const r = vma_modify_flags(mm, prev, vma, start, end, newflags);
  if (typeof r === "number") return r;
  change_protection(r, start, end, r.vm_page_prot);
  // A private locked mapping becoming writable: break COW now rather than at the first write.
  if ((oldflags & (VM_WRITE | VM_SHARED | VM_LOCKED)) === VM_LOCKED && (newflags & VM_WRITE)) {
    populate_vma_page_range(r, start, end, task);
  }
  vm_stat_account(mm, oldflags, -nrpages);
  vm_stat_account(mm, newflags, nrpages);
  return r;
}

/**
 * Linux: do_mprotect_pkey() (SYSCALL_DEFINE3(mprotect)): set the rights of [start, start+len) to
 * `prot`. start must be page aligned (-EINVAL); len 0 does nothing; a hole anywhere in the range is
 * -ENOMEM; a right the mapping may never have (its VM_MAY* bit is clear: PROT_WRITE on a shared
 * mapping of a file opened read-only, once vmos maps files) is -EACCES. VMAs before a failure keep
 * their new rights, as in Linux.
 */
export function do_mprotect_pkey(mm: mm_struct, task: task_struct | null, start: number, len: number, prot: number): number {
  start >>>= 0;
  len >>>= 0;
  const grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
  prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP);
  if (grows === (PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL; // can't be both
  if (start & ~PAGE_MASK) return -EINVAL;
  if (len === 0) return 0;
  len = PAGE_ALIGN(len);
  const end = (start + len) >>> 0;
  if (end <= start) return -ENOMEM;
  // Linux: arch_validate_prot() (generic): only these bits.
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM)) return -EINVAL;

  const vma = find_vma(mm, start);
  if (vma === null) return -ENOMEM;
  if (grows & PROT_GROWSDOWN) {
    if (vma.vm_start >= end) return -ENOMEM;
    start = vma.vm_start;
    if ((vma.vm_flags & VM_GROWSDOWN) === 0) return -EINVAL;
  } else {
    if (vma.vm_start > start) return -ENOMEM;
    if (grows & PROT_GROWSUP) return -EINVAL; // no VM_GROWSUP on riscv
  }
  return vma_range_walk(vma, start, end, (v, prev, nstart, tmp) => {
    // Each call passes all of r/w/x: what is not asked for is taken away.
    const newflags = calc_vm_prot_bits(prot) | (v.vm_flags & ~VM_ACCESS_FLAGS);
    // "newflags >> 4 shift VM_MAY% in place of VM_%"
    if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS) return -EACCES;
    return mprotect_fixup(v, prev, nstart, tmp, newflags, task);
  });
}

/** Linux: SYSCALL_DEFINE3(mprotect). */
export function sys_mprotect(mm: mm_struct, task: task_struct | null, start: number, len: number, prot: number): number {
  return do_mprotect_pkey(mm, task, start, len, prot);
}
