// Linux: mm/mlock.c. mlock() promises that a range stays in memory: its VMAs get VM_LOCKED (split
// and merged like mprotect's), mm->locked_vm counts their pages, and every page is faulted in now
// (__mm_populate): writable private pages with write faults, so each is the process's own and no
// later fault is needed. Each page is then mlocked (PG_mlocked) and moves to the unevictable LRU
// list (swap.ts), which reclaim never scans; a new anonymous page of a locked VMA goes there at its
// fault, and a page reclaim finds mapped by a locked VMA is moved there then ("culled").
//
// munlock() clears PG_mlocked and puts the pages back on the evictable lists. A page whose last
// locked mapping goes away another way (munmap, exit) keeps PG_mlocked until it is freed or until
// reclaim next runs and finds no locked VMA mapping it (vmscan.ts check_move_unevictable_pages);
// Linux clears it at once in page_remove_rmap().
//
// mlock2(MLOCK_ONFAULT) and mlockall(MCL_ONFAULT) add VM_LOCKONFAULT: lock pages as they are faulted
// in, without populating. mlockall(MCL_FUTURE) puts VM_LOCKED in mm->def_flags, so every later mmap
// and brk is locked too. Unlike mprotect, mlock rounds: the range is widened to whole pages.
// RLIMIT_MEMLOCK does not apply: vmos runs everything as root (CAP_IPC_LOCK).

import type { Kernel } from "../kernel.js";
import type { task_struct } from "../proc/task.js";
import { __mm_populate, mm_populate } from "./gup.js";
import { vm_normal_page } from "./memory.js";
import { ClearPageMlocked, TestClearPageMlocked, TestSetPageMlocked, type page } from "./page.js";
import { pte_offset, pte_present } from "./pgtable.js";
import { rmap_walk } from "./rmap.js";
import { isolate_lru_page, lru_pages, putback_lru_page, LRU_UNEVICTABLE } from "./swap.js";
import { MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT, MLOCK_ONFAULT } from "./mman.js";
import { PAGE_ALIGN, PAGE_MASK } from "./mmap.js";
import { TASK_SIZE, type mm_struct } from "./mm_types.js";
import { VM_HUGETLB, VM_LOCKED, VM_LOCKONFAULT, VM_SPECIAL, type vm_area_struct } from "./vma.js";
import { vma_modify_flags, vma_range_walk } from "./vma_merge.js";
import { find_vma } from "./vma_tree.js";

const EAGAIN = 11, ENOMEM = 12, EFAULT = 14, EINVAL = 22;
/** Linux: VM_LOCKED_CLEAR_MASK, inverted: the bits mlock sets and munlock clears. */
const VM_LOCKED_MASK = VM_LOCKED | VM_LOCKONFAULT;

/**
 * Linux: mlock_fixup(): give [start, end) (inside `vma`) the lock bits of newflags, splitting or
 * merging, and count the change in locked_vm. VM_SPECIAL and hugetlb VMAs are never locked (and not
 * counted). Returns the VMA now covering the range (Linux's *prev afterwards), or -ENOMEM.
 */
function mlock_fixup(mm: mm_struct, vma: vm_area_struct, prev: vm_area_struct | null, start: number, end: number,
  newflags: number): vm_area_struct | number {
  const old_flags = vma.vm_flags;
  if (newflags === old_flags || (old_flags & (VM_SPECIAL | VM_HUGETLB))) return vma; // don't set VM_LOCKED, don't count
  const r = vma_modify_flags(mm, prev, vma, start, end, newflags);
  if (typeof r === "number") return r;
  const lock = (newflags & VM_LOCKED) !== 0;
  let nr_pages = (end - start) >>> 12;
  if (!lock) nr_pages = -nr_pages;
  else if (old_flags & VM_LOCKED) nr_pages = 0; // only VM_LOCKONFAULT changed
  mm.locked_vm += nr_pages;
  return r;
}

/**
 * Linux: apply_vma_lock_flags(): set (flags = VM_LOCKED [| VM_LOCKONFAULT]) or clear (flags = 0) the
 * lock bits on every VMA of [start, start+len), which must be mapped without holes (-ENOMEM).
 */
function apply_vma_lock_flags(mm: mm_struct, start: number, len: number, flags: number): number {
  const end = start + len;
  if (end > 0xffff_ffff) return -EINVAL;
  if (end === start) return 0;
  const vma = find_vma(mm, start);
  if (vma === null || vma.vm_start > start) return -ENOMEM;
  return vma_range_walk(vma, start, end, (v, prev, nstart, tmp) =>
    mlock_fixup(mm, v, prev, nstart, tmp, (v.vm_flags & ~VM_LOCKED_MASK) | flags));
}

/**
 * Linux: mlock_vma_page(): a page mapped by a VM_LOCKED VMA becomes mlocked (unevictable_pgs_mlocked)
 * and moves to the unevictable list, if it is on the LRU (isolated pages go there when put back).
 */
export function mlock_vma_page(k: Kernel, p: page): void {
  if (TestSetPageMlocked(p)) return;
  k.zone.lruvec.events.unevictable_pgs_mlocked++;
  if (isolate_lru_page(k, p)) putback_lru_page(k, p);
}

/** Linux: munlock_vma_page(): the page is evictable again (unevictable_pgs_munlocked). */
export function munlock_vma_page(k: Kernel, p: page): void {
  if (!TestClearPageMlocked(p)) return;
  k.zone.lruvec.events.unevictable_pgs_munlocked++;
  if (isolate_lru_page(k, p)) putback_lru_page(k, p);
}

/**
 * Linux: populate_vma_page_range()'s FOLL_MLOCK / munlock_vma_pages_range(): (un)lock every page
 * present in [start, end) of the VMAs there that are VM_LOCKED (lock) or were just unlocked.
 */
function mlock_pages_range(mm: mm_struct, start: number, end: number, lock: boolean): void {
  const k = mm.kernel;
  const ram = k.machine.ram;
  for (let vma = find_vma(mm, start); vma !== null && vma.vm_start < end; vma = vma.vm_next) {
    if (lock && (vma.vm_flags & VM_LOCKED) === 0) continue;
    for (let va = Math.max(start, vma.vm_start); va < Math.min(end, vma.vm_end); va += 4096) {
      const ptep = pte_offset(ram, mm, va);
      if (ptep < 0) {
        va = (Math.floor(va / 0x40_0000) + 1) * 0x40_0000 - 4096; // no PTE table: on to the next 4 MiB
        continue;
      }
      const pte = ram.read32(ptep);
      if (!pte_present(pte)) continue;
      const p = vm_normal_page(mm, pte);
      if (p === null) continue;
      if (lock) mlock_vma_page(k, p);
      else munlock_vma_page(k, p);
    }
  }
}

/** Linux: __mlock_posix_error_return(): POSIX wants ENOMEM for an unmapped page and EAGAIN for no memory. */
function __mlock_posix_error_return(retval: number): number {
  if (retval === -EFAULT) return -ENOMEM;
  if (retval === -ENOMEM) return -EAGAIN;
  return retval;
}

/**
 * Linux: do_mlock(): lock [start, start+len) rounded out to pages, then fault every page in. Returns
 * 0; -ENOMEM for a hole in the range, or when a page cannot be faulted in (PROT_NONE memory: Linux
 * 5.15 sets VM_LOCKED and then fails this way); -EAGAIN when memory runs out.
 */
export function do_mlock(mm: mm_struct, task: task_struct | null, start: number, len: number, flags: number): number {
  start >>>= 0;
  len = PAGE_ALIGN((len >>> 0) + (start & ~PAGE_MASK));
  start = (start & PAGE_MASK) >>> 0;
  const error = apply_vma_lock_flags(mm, start, len, flags);
  if (error) return error;
  const populated = __mm_populate(mm, task, start, len, false);
  mlock_pages_range(mm, start, start + len, true);
  return populated < 0 ? __mlock_posix_error_return(populated) : 0;
}

/** Linux: SYSCALL_DEFINE2(mlock). */
export function sys_mlock(mm: mm_struct, task: task_struct | null, start: number, len: number): number {
  return do_mlock(mm, task, start, len, VM_LOCKED);
}

/** Linux: SYSCALL_DEFINE3(mlock2): flags may only be MLOCK_ONFAULT (-EINVAL otherwise). */
export function sys_mlock2(mm: mm_struct, task: task_struct | null, start: number, len: number, flags: number): number {
  if (flags & ~MLOCK_ONFAULT) return -EINVAL;
  return do_mlock(mm, task, start, len, VM_LOCKED | (flags & MLOCK_ONFAULT ? VM_LOCKONFAULT : 0));
}

/** Linux: SYSCALL_DEFINE2(munlock): clear the lock bits, with mlock's rounding. Pages stay where they are. */
export function sys_munlock(mm: mm_struct, start: number, len: number): number {
  start >>>= 0;
  len = PAGE_ALIGN((len >>> 0) + (start & ~PAGE_MASK));
  start = (start & PAGE_MASK) >>> 0;
  const error = apply_vma_lock_flags(mm, start, len, 0);
  if (error === 0) mlock_pages_range(mm, start, start + len, false);
  return error;
}

/**
 * Linux: apply_mlockall_flags(): MCL_FUTURE sets def_flags for new mappings; MCL_CURRENT locks every
 * VMA now (errors such as a split past max_map_count are ignored). 0 (munlockall) clears both.
 */
function apply_mlockall_flags(mm: mm_struct, flags: number): void {
  mm.def_flags &= ~VM_LOCKED_MASK;
  if (flags & MCL_FUTURE) {
    mm.def_flags |= VM_LOCKED;
    if (flags & MCL_ONFAULT) mm.def_flags |= VM_LOCKONFAULT;
    if ((flags & MCL_CURRENT) === 0) return;
  }
  let to_add = 0;
  if (flags & MCL_CURRENT) to_add = VM_LOCKED | (flags & MCL_ONFAULT ? VM_LOCKONFAULT : 0);
  let prev: vm_area_struct | null = null;
  for (let vma = mm.mmap; vma !== null; vma = prev.vm_next) {
    const newflags = (vma.vm_flags & ~VM_LOCKED_MASK) | to_add;
    const r = mlock_fixup(mm, vma, prev, vma.vm_start, vma.vm_end, newflags);
    prev = typeof r === "number" ? vma : r; // "Ignore errors"
  }
}

/**
 * Linux: SYSCALL_DEFINE1(mlockall): flags are MCL_CURRENT and/or MCL_FUTURE, optionally with
 * MCL_ONFAULT (-EINVAL for 0, unknown bits, or MCL_ONFAULT alone). MCL_CURRENT faults everything in.
 */
export function sys_mlockall(mm: mm_struct, task: task_struct | null, flags: number): number {
  if (flags === 0 || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags === MCL_ONFAULT) return -EINVAL;
  apply_mlockall_flags(mm, flags);
  if (flags & MCL_CURRENT) {
    mm_populate(mm, task, 0, TASK_SIZE);
    mlock_pages_range(mm, 0, TASK_SIZE, true);
  }
  return 0;
}

/** Linux: SYSCALL_DEFINE0(munlockall). */
export function sys_munlockall(mm: mm_struct): number {
  apply_mlockall_flags(mm, 0);
  mlock_pages_range(mm, 0, TASK_SIZE, false);
  return 0;
}

/**
 * Linux: check_move_unevictable_pages(), run before each reclaim: an mlocked page that no locked VMA
 * maps any more (its locked mapping was unmapped, or its process exited, while something else still
 * holds the page) is munlocked and goes back to the evictable lists (unevictable_pgs_rescued). Linux
 * does this at once in page_remove_rmap(); vmos catches up here.
 */
export function check_move_unevictable_pages(k: Kernel): void {
  const lv = k.zone.lruvec;
  if (lv.nr[LRU_UNEVICTABLE] === 0) return;
  for (const p of [...lru_pages(lv, LRU_UNEVICTABLE)]) {
    lv.events.unevictable_pgs_scanned++;
    let locked = false;
    rmap_walk(k, p, (vma) => !(locked = (vma.vm_flags & VM_LOCKED) !== 0));
    if (locked) continue;
    isolate_lru_page(k, p);
    ClearPageMlocked(p);
    lv.events.unevictable_pgs_rescued++;
    putback_lru_page(k, p);
  }
}
