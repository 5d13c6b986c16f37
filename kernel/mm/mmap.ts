// Linux: mm/mmap.c. Creating, growing, splitting, merging and removing VMAs: brk, munmap, stack
// growth, and tearing down a whole address space at exit.

import { hex } from "../trace.js";
import { get_file, fput, type file } from "../fs/file.js";
import type { Kernel } from "../kernel.js";
import { asid_alloc, asid_free } from "./context.js";
import { zap_page_range } from "./memory.js";
import {
  mm_struct, RLIMIT_STACK_DEFAULT, TASK_SIZE, update_hiwater_vm, vm_stat_account,
} from "./mm_types.js";
import { flush_tlb_mm, free_pgd_range, pgd_alloc, pgd_free, vm_get_page_prot } from "./pgtable.js";
import {
  STACK_GUARD_GAP, vm_area_struct, VM_ACCOUNT, VM_DATA_DEFAULT_FLAGS, VM_EXEC, VM_GROWSDOWN, VM_READ, VM_WRITE,
  vma_pages, vm_start_gap,
} from "./vma.js";
import { find_vma, find_vma_prev, vma_bounds_changed, vma_link, vma_unlink } from "./vma_tree.js";

export const PAGE_SIZE = 4096;
export const PAGE_MASK = ~(PAGE_SIZE - 1);
/** Linux: PAGE_ALIGN(), on unsigned 32-bit values (wrapping to 0 at the top, as in C). */
export const PAGE_ALIGN = (addr: number): number => ((addr + PAGE_SIZE - 1) & PAGE_MASK) >>> 0;

export const ENOMEM = 12;
export const EINVAL = 22;

/** Linux: sysctl_max_map_count (DEFAULT_MAX_MAP_COUNT). */
export const MAX_MAP_COUNT = 65530;
/**
 * Linux: mmap_base() for rv32 without randomisation: STACK_TOP minus the stack limit and guard gap,
 * at least MIN_GAP (128 MiB): 0x97c00000.
 */
export const MMAP_BASE = TASK_SIZE - Math.max(128 << 20, RLIMIT_STACK_DEFAULT + STACK_GUARD_GAP);

/** Linux: mm_alloc() + mm_init(): an empty address space with its own page-table root and ASID. */
export function mm_alloc(k: Kernel, name: string): mm_struct | null {
  const mm = new mm_struct(k);
  if (pgd_alloc(mm) < 0) return null;
  asid_alloc(k, mm);
  mm.mmap_base = MMAP_BASE;
  mm.exe_name = name;
  return mm;
}

/**
 * Linux: insert_vm_struct() (anonymous VMAs get vm_pgoff = vm_start >> PAGE_SHIFT, which makes
 * neighbours mergeable) + vm_stat_account(). The range must be free.
 */
export function insert_vm_struct(mm: mm_struct, start: number, end: number, flags: number, f: file | null, pgoff: number): vm_area_struct {
  const vma = new vm_area_struct(mm, start, end, flags, f === null ? start >>> 12 : pgoff);
  vma.vm_page_prot = vm_get_page_prot(flags);
  vma.vm_file = f === null ? null : get_file(f);
  vma_link(mm, vma);
  vm_stat_account(mm, flags, vma_pages(vma));
  traceVma(mm, "vma_link", vma);
  return vma;
}

function traceVma(mm: mm_struct, what: string, vma: vm_area_struct): void {
  if (mm.kernel.trace.mm) mm.kernel.trace.note("mm", `${what} ${hex(vma.vm_start)}-${hex(vma.vm_end)} flags ${hex(vma.vm_flags)}`);
}

/**
 * Linux: can_vma_merge_after() as used by vma_merge() for new anonymous ranges: `prev` can simply grow
 * to cover [prev.vm_end, ...) with `flags` and `pgoff`.
 */
function can_vma_merge_after(prev: vm_area_struct, flags: number, pgoff: number): boolean {
  return prev.vm_flags === flags && prev.vm_file === null && prev.vm_pgoff + vma_pages(prev) === pgoff;
}

/**
 * Linux: do_brk_flags(): map [addr, addr+len) as anonymous heap memory, extending the previous VMA
 * when it is compatible (so bss and heap become one VMA). Returns 0 or -errno.
 */
export function do_brk_flags(mm: mm_struct, addr: number, len: number, flags: number): number {
  if ((flags & ~VM_EXEC) !== 0) return -EINVAL;
  flags |= VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT;
  if (len > TASK_SIZE || addr > TASK_SIZE - len) return -ENOMEM;
  if (len === 0) return 0;
  const overlap = find_vma(mm, addr);
  if (overlap !== null && overlap.vm_start < addr + len) {
    const err = do_munmap(mm, addr, len);
    if (err < 0) return -ENOMEM;
  }
  if (mm.map_count > MAX_MAP_COUNT) return -ENOMEM;
  const { prev } = find_vma_prev(mm, addr);
  const pgoff = addr >>> 12;
  if (prev !== null && prev.vm_end === addr && can_vma_merge_after(prev, flags, pgoff)) {
    prev.vm_end = addr + len;
    vma_bounds_changed(mm, prev);
    vm_stat_account(mm, flags, len >>> 12);
    traceVma(mm, "vma_merge (grow)", prev);
    return 0;
  }
  insert_vm_struct(mm, addr, addr + len, flags, null, 0);
  return 0;
}

/** Linux: SYSCALL_DEFINE1(brk): returns the new break, or the old one on any failure (never -errno). */
export function sys_brk(mm: mm_struct, brk: number): number {
  brk >>>= 0;
  const origbrk = mm.brk;
  if (brk < mm.start_brk) return origbrk;
  const newbrk = PAGE_ALIGN(brk);
  const oldbrk = PAGE_ALIGN(mm.brk);
  if (oldbrk === newbrk) {
    mm.brk = brk;
    return brk;
  }
  if (brk <= mm.brk) {
    // Shrinking: the released pages are unmapped, so touching them again faults (SIGSEGV).
    mm.brk = brk;
    if (do_munmap(mm, newbrk, oldbrk - newbrk) < 0) {
      mm.brk = origbrk;
      return origbrk;
    }
    return brk;
  }
  const next = find_vma(mm, oldbrk);
  // A page of room must stay free before the next mapping (the stack guard gap before the stack).
  if (newbrk === 0 || (next !== null && newbrk + PAGE_SIZE > vm_start_gap(next))) return origbrk;
  if (do_brk_flags(mm, oldbrk, (newbrk - oldbrk) >>> 0, 0) < 0) return origbrk;
  mm.brk = brk;
  return brk;
}

/**
 * Linux: __split_vma(): cut `vma` at `addr`. With `new_below` the new VMA is the lower part, else the
 * upper. Returns the new VMA.
 */
export function __split_vma(mm: mm_struct, vma: vm_area_struct, addr: number, new_below: boolean): vm_area_struct {
  const start = new_below ? vma.vm_start : addr;
  const end = new_below ? addr : vma.vm_end;
  const pgoff = vma.vm_pgoff + ((start - vma.vm_start) >>> 12);
  if (new_below) {
    vma.vm_pgoff += (addr - vma.vm_start) >>> 12;
    vma.vm_start = addr;
  } else {
    vma.vm_end = addr;
  }
  vma_bounds_changed(mm, vma);
  const fresh = new vm_area_struct(mm, start, end, vma.vm_flags, pgoff);
  fresh.vm_page_prot = vma.vm_page_prot;
  fresh.vm_file = vma.vm_file === null ? null : get_file(vma.vm_file as file);
  fresh.anon_vma = vma.anon_vma;
  vma_link(mm, fresh);
  traceVma(mm, "__split_vma", fresh);
  return fresh;
}

/**
 * Linux: __do_munmap(): unmap [start, start+len), splitting VMAs at the ends. Unmapping a hole is
 * not an error. Returns 0 or -errno.
 */
export function do_munmap(mm: mm_struct, start: number, len: number): number {
  start >>>= 0;
  if ((start & ~PAGE_MASK) !== 0 || start > TASK_SIZE || len > TASK_SIZE - start) return -EINVAL;
  len = PAGE_ALIGN(len);
  if (len === 0) return -EINVAL;
  const end = start + len;
  let vma = find_vma(mm, start);
  if (vma === null || vma.vm_start >= end) return 0;
  if (start > vma.vm_start) {
    if (end < vma.vm_end && mm.map_count >= MAX_MAP_COUNT) return -ENOMEM;
    vma = __split_vma(mm, vma, start, false);
  }
  const last = find_vma(mm, end);
  if (last !== null && end > last.vm_start) __split_vma(mm, last, end, true);
  update_hiwater_vm(mm);
  const doomed: vm_area_struct[] = [];
  for (let v: vm_area_struct | null = vma; v !== null && v.vm_start < end; v = v.vm_next) doomed.push(v);
  for (const v of doomed) {
    vma_unlink(mm, v);
    zap_page_range(mm, v.vm_start, v.vm_end);
    remove_vma(mm, v);
  }
  unmap_region_tables(mm, start, end);
  flush_tlb_mm(mm);
  return 0;
}

/** Linux: remove_vma(): the accounting and file reference of a VMA that is gone. */
function remove_vma(mm: mm_struct, vma: vm_area_struct): void {
  vm_stat_account(mm, vma.vm_flags, -vma_pages(vma));
  if (vma.vm_file !== null) fput(vma.vm_file as file);
  traceVma(mm, "remove_vma", vma);
}

/** Linux: free_pgtables() for an unmapped range: PTE tables no VMA needs any more. */
function unmap_region_tables(mm: mm_struct, start: number, end: number): void {
  free_pgd_range(mm, start, end, (lo, hi) => {
    const v = find_vma(mm, lo);
    return v !== null && v.vm_start < hi;
  });
}

/**
 * Linux: expand_stack() -> expand_downwards(): grow a VM_GROWSDOWN VMA down to `address`, keeping the
 * guard gap to the mapping below and the stack under RLIMIT_STACK. Returns 0 or -ENOMEM.
 */
export function expand_stack(vma: vm_area_struct, address: number): number {
  const mm = vma.vm_mm as mm_struct;
  address = (address & PAGE_MASK) >>> 0;
  if (address < PAGE_SIZE) return -ENOMEM; // mmap_min_addr
  const prev = vma.vm_prev;
  if (prev !== null && (prev.vm_flags & VM_GROWSDOWN) === 0 && (prev.vm_flags & (VM_READ | VM_WRITE | VM_EXEC)) !== 0) {
    if (address - prev.vm_end < STACK_GUARD_GAP) return -ENOMEM;
  }
  if (address >= vma.vm_start) return 0;
  const size = vma.vm_end - address;
  const grow = (vma.vm_start - address) >>> 12;
  if (grow > vma.vm_pgoff || size > RLIMIT_STACK_DEFAULT) return -ENOMEM;
  vm_stat_account(mm, vma.vm_flags, grow);
  vma.vm_start = address;
  vma.vm_pgoff -= grow;
  vma_bounds_changed(mm, vma);
  if (mm.kernel.trace.fault) mm.kernel.trace.note("fault", `expand_stack to ${hex(address)} (+${grow} pages)`);
  return 0;
}

/** Linux: exit_mmap(): unmap everything, free every page table and the root, release the ASID. */
export function exit_mmap(mm: mm_struct): void {
  const k = mm.kernel;
  update_hiwater_vm(mm);
  while (mm.mmap !== null) {
    const v = mm.mmap;
    vma_unlink(mm, v);
    zap_page_range(mm, v.vm_start, v.vm_end);
    remove_vma(mm, v);
  }
  free_pgd_range(mm, 0, TASK_SIZE, () => false);
  flush_tlb_mm(mm);
  pgd_free(mm);
  asid_free(k, mm);
}
