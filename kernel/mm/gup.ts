// Linux: mm/gup.c, the part vmos needs: faulting pages in ahead of their first use ("populating"),
// for mmap(MAP_POPULATE), MAP_LOCKED, mlock(), mlockall() and madvise(MADV_POPULATE_READ/WRITE).
// Linux's get_user_pages() also hands back the pages, pinned; vmos has no caller for that yet.
//
// Populating is nothing but page faults taken by the kernel on the program's behalf, through the same
// handle_mm_fault() a load or store would reach, so each one counts in min_flt like a user fault.
// A page whose PTE already allows the access is left alone (follow_page_mask found it).

import type { task_struct } from "../proc/task.js";
import { FAULT_FLAG_WRITE, handle_mm_fault, VM_FAULT_ERROR, VM_FAULT_OOM } from "./memory.js";
import type { mm_struct } from "./mm_types.js";
import { pte_offset, pte_present, pte_write } from "./pgtable.js";
import {
  VM_IO, VM_LOCKONFAULT, VM_MAYREAD, VM_MAYWRITE, VM_PFNMAP, VM_READ, VM_SHARED, VM_WRITE, vma_is_accessible,
  type vm_area_struct,
} from "./vma.js";
import { find_vma } from "./vma_tree.js";

const PAGE_SIZE = 4096;
const ENOMEM = 12, EFAULT = 14, EINVAL = 22;

// Linux: include/linux/mm.h FOLL_* (the ones that change what happens here).
const FOLL_WRITE = 0x01; // fault in writable: break COW of private pages
const FOLL_FORCE = 0x10; // permissions need only the VM_MAY* bits (mlock of a read-only mapping)
const FOLL_POPULATE = 0x40; // fault in missing pages (without it, VM_LOCKONFAULT: present pages only)

/** Linux: is_cow_mapping(): private, and writable or could be made so. */
function is_cow_mapping(flags: number): boolean {
  return (flags & (VM_SHARED | VM_MAYWRITE)) === VM_MAYWRITE;
}

/** Linux: check_vma_flags(): may get_user_pages touch `vma` this way? 0 or -EFAULT. */
function check_vma_flags(vma: vm_area_struct, gup_flags: number): number {
  const vm_flags = vma.vm_flags;
  if (vm_flags & (VM_IO | VM_PFNMAP)) return -EFAULT;
  if (gup_flags & FOLL_WRITE) {
    if ((vm_flags & VM_WRITE) === 0 && ((gup_flags & FOLL_FORCE) === 0 || !is_cow_mapping(vm_flags))) return -EFAULT;
  } else if ((vm_flags & VM_READ) === 0) {
    if ((gup_flags & FOLL_FORCE) === 0 || (vm_flags & VM_MAYREAD) === 0) return -EFAULT;
  }
  return 0;
}

/**
 * Linux: __get_user_pages() without a page array, over [start, start + nr_pages pages) of one VMA:
 * for each page, follow_page_mask() (is the PTE there, and writable if FOLL_WRITE asks?) and
 * faultin_page() (handle_mm_fault) when not. Returns the number of pages done, or -errno when the
 * first one fails: -EFAULT for flags the VMA does not allow or a SIGBUS/SIGSEGV fault, -ENOMEM when
 * memory runs out.
 */
function __get_user_pages(mm: mm_struct, task: task_struct | null, vma: vm_area_struct, start: number, nr_pages: number, gup_flags: number): number {
  const err = check_vma_flags(vma, gup_flags);
  if (err < 0) return err;
  const ram = mm.kernel.machine.ram;
  const write = (gup_flags & FOLL_WRITE) !== 0;
  for (let i = 0; i < nr_pages; i++) {
    const addr = start + i * PAGE_SIZE;
    const ptep = pte_offset(ram, mm, addr);
    const pte = ptep < 0 ? 0 : ram.read32(ptep);
    // follow_page_pte(): a present PTE serves a read (the zero page too) and, if writable, a write.
    // (PROT_NONE PTEs exist only in PROT_NONE VMAs, which check_vma_flags() refused.)
    if (pte_present(pte) && (!write || pte_write(pte))) continue;
    // faultin_page(): "mlock all present pages, but do not fault in new pages" (VM_LOCKONFAULT).
    if ((gup_flags & FOLL_POPULATE) === 0) continue;
    const ret = handle_mm_fault(vma, addr, write ? FAULT_FLAG_WRITE : 0, task);
    if (ret & VM_FAULT_ERROR) {
      const e = ret & VM_FAULT_OOM ? -ENOMEM : -EFAULT; // Linux: vm_fault_to_errno()
      return i > 0 ? i : e;
    }
  }
  return nr_pages;
}

/**
 * Linux: populate_vma_page_range(): fault in [start, end) of `vma` (page aligned, inside it) the way
 * mlock and MAP_POPULATE want: writable private mappings with write faults, so each page is the
 * process's own now and not later; shared ones with read faults (no reason to dirty them); any
 * mapping but PROT_NONE even without the access right (FOLL_FORCE). Returns pages done or -errno.
 */
export function populate_vma_page_range(vma: vm_area_struct, start: number, end: number, task: task_struct | null): number {
  let gup_flags = FOLL_POPULATE;
  if (vma.vm_flags & VM_LOCKONFAULT) gup_flags &= ~FOLL_POPULATE;
  if ((vma.vm_flags & (VM_WRITE | VM_SHARED)) === VM_WRITE) gup_flags |= FOLL_WRITE;
  if (vma_is_accessible(vma)) gup_flags |= FOLL_FORCE;
  return __get_user_pages(vma.vm_mm as mm_struct, task, vma, start, (end - start) / PAGE_SIZE, gup_flags);
}

/**
 * Linux: faultin_vma_page_range() for MADV_POPULATE_READ/WRITE: like populate_vma_page_range() but
 * with the VMA's real permissions (no FOLL_FORCE): a mismatch is -EINVAL. Returns pages done or -errno.
 */
export function faultin_vma_page_range(vma: vm_area_struct, start: number, end: number, write: boolean, task: task_struct | null): number {
  const gup_flags = FOLL_POPULATE | (write ? FOLL_WRITE : 0);
  if (check_vma_flags(vma, gup_flags) < 0) return -EINVAL;
  return __get_user_pages(vma.vm_mm as mm_struct, task, vma, start, (end - start) / PAGE_SIZE, gup_flags);
}

/**
 * Linux: __mm_populate(): populate every VMA overlapping [start, start + len). With
 * `ignore_errors` (MAP_POPULATE, mlockall) a VMA that fails is skipped; without (mlock) the first
 * error is returned. Returns 0 or -errno.
 */
export function __mm_populate(mm: mm_struct, task: task_struct | null, start: number, len: number, ignore_errors: boolean): number {
  const end = start + len;
  let vma: vm_area_struct | null = null;
  let ret = 0;
  for (let nstart = start, nend = start; nstart < end; nstart = nend) {
    if (vma === null) vma = find_vma(mm, nstart);
    else if (nstart >= vma.vm_end) vma = vma.vm_next;
    if (vma === null || vma.vm_start >= end) break;
    nend = Math.min(end, vma.vm_end);
    if (vma.vm_flags & (VM_IO | VM_PFNMAP)) continue;
    if (nstart < vma.vm_start) nstart = vma.vm_start;
    ret = populate_vma_page_range(vma, nstart, nend, task);
    if (ret < 0) {
      if (ignore_errors) {
        ret = 0;
        continue; // at the next VMA
      }
      break;
    }
    nend = nstart + ret * PAGE_SIZE;
    ret = 0;
  }
  return ret;
}

/** Linux: mm_populate(): __mm_populate() ignoring errors (the mapping exists; faults will retry). */
export function mm_populate(mm: mm_struct, task: task_struct | null, start: number, len: number): void {
  __mm_populate(mm, task, start, len, true);
}
