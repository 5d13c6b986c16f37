// Linux: include/linux/mm_types.h struct vm_area_struct, include/linux/mm.h vm_flags and the
// per-VMA helpers (vm_start_gap, vm_end_gap, vma_pages), and from mm/mmap.c the free gap below a VMA
// that the VMA tree keeps per subtree (vma_compute_gap, vma_gap_callbacks).
//
// A VMA is a promise: the addresses [vm_start, vm_end) of one mm may be touched with the rights in
// vm_flags, and a fault there will be served (from anonymous memory or from vm_file at vm_pgoff).
// Page tables record what has actually been done. The VMAs of an mm never overlap; they are kept
// twice, in address order: the list mm->mmap (vm_next/vm_prev) and the rbtree mm->mm_rb, whose
// links are embedded here as in Linux (see vma_tree.ts).

import { RB_BLACK, type rb_augment_callbacks } from "./rbtree.js";
import type { VmaOwner } from "./vma_tree.js";

// Linux: include/linux/mm.h 268-313 (v5.15), the vm_flags bits.
export const VM_NONE = 0x0000_0000;
export const VM_READ = 0x0000_0001;
export const VM_WRITE = 0x0000_0002;
export const VM_EXEC = 0x0000_0004;
export const VM_SHARED = 0x0000_0008;
// The VM_MAY* bits say what mprotect() may later turn on.
export const VM_MAYREAD = 0x0000_0010;
export const VM_MAYWRITE = 0x0000_0020;
export const VM_MAYEXEC = 0x0000_0040;
export const VM_MAYSHARE = 0x0000_0080;
export const VM_GROWSDOWN = 0x0000_0100;
export const VM_UFFD_MISSING = 0x0000_0200;
export const VM_PFNMAP = 0x0000_0400;
export const VM_UFFD_WP = 0x0000_1000;
export const VM_LOCKED = 0x0000_2000;
export const VM_IO = 0x0000_4000;
export const VM_SEQ_READ = 0x0000_8000;
export const VM_RAND_READ = 0x0001_0000;
export const VM_DONTCOPY = 0x0002_0000;
export const VM_DONTEXPAND = 0x0004_0000;
export const VM_LOCKONFAULT = 0x0008_0000;
export const VM_ACCOUNT = 0x0010_0000;
export const VM_NORESERVE = 0x0020_0000;
export const VM_HUGETLB = 0x0040_0000;
export const VM_SYNC = 0x0080_0000;
export const VM_ARCH_1 = 0x0100_0000;
export const VM_WIPEONFORK = 0x0200_0000;
export const VM_DONTDUMP = 0x0400_0000;
/** 0x0800_0000 only with CONFIG_MEM_SOFT_DIRTY, which riscv does not have in 5.15: there it is 0. */
export const VM_SOFTDIRTY = 0;
export const VM_MIXEDMAP = 0x1000_0000;
export const VM_HUGEPAGE = 0x2000_0000;
export const VM_NOHUGEPAGE = 0x4000_0000;
/** The top bit: flags beyond 2^31 stay positive only if combined with `>>> 0`. */
export const VM_MERGEABLE = 0x8000_0000;

// Composites (include/linux/mm.h, arch/riscv/include/asm/page.h).
/** riscv has no upward-growing stack (no CONFIG_STACK_GROWSUP), so VM_GROWSUP is VM_NONE. */
export const VM_GROWSUP = VM_NONE;
export const VM_STACK = VM_GROWSDOWN;
/** exec sets these on the new stack until setup_arg_pages() has moved it (fs/exec.c). */
export const VM_STACK_INCOMPLETE_SETUP = VM_RAND_READ | VM_SEQ_READ;
/** riscv: VM_DATA_DEFAULT_FLAGS = VM_DATA_FLAGS_NON_EXEC, so brk and the stack are rw-, not rwx. */
export const VM_DATA_FLAGS_NON_EXEC = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
export const VM_DATA_DEFAULT_FLAGS = VM_DATA_FLAGS_NON_EXEC;
export const VM_STACK_DEFAULT_FLAGS = VM_DATA_DEFAULT_FLAGS;
export const VM_STACK_FLAGS = VM_STACK | VM_STACK_DEFAULT_FLAGS | VM_ACCOUNT;
export const VM_ACCESS_FLAGS = VM_READ | VM_WRITE | VM_EXEC;
/** Never merged, never mlocked. */
export const VM_SPECIAL = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP;

const PAGE_SHIFT = 12; // Linux: PAGE_SHIFT, 4 KiB pages (Sv32)

/**
 * Linux: mm/mmap.c stack_guard_gap = 256UL << PAGE_SHIFT (1 MiB): the free space kept below a
 * VM_GROWSDOWN VMA, so a stack cannot grow into the mapping beneath it unnoticed.
 */
export const STACK_GUARD_GAP = 256 << PAGE_SHIFT;

/**
 * Linux: struct vm_area_struct. Addresses are unsigned 32-bit values held in numbers (vm_end at
 * most 2^32). The list and tree fields belong to vma_tree.ts: only vma_link() and vma_unlink()
 * change them. Whoever moves vm_start or vm_end of a linked VMA calls vma_bounds_changed() next.
 */
export class vm_area_struct {
  // Every field is set here, in one order, so all VMAs share one hidden class and find_vma()'s
  // property loads stay monomorphic.
  /** First address inside the VMA (page aligned). */
  vm_start: number;
  /** First address after the VMA (page aligned). */
  vm_end: number;
  /** Linux: the sorted list mm->mmap. */
  vm_next: vm_area_struct | null = null;
  vm_prev: vm_area_struct | null = null;
  // Linux: struct rb_node vm_rb, embedded. vmos adds the tree's keys, vm_start and vm_end in pages,
  // set by vma_link() and vma_bounds_changed(). They are always small integers (V8 Smis), whereas
  // addresses from 2^31 up (mmap area, stack) are heap numbers: comparing those at every node made
  // find_vma() 1.5 times slower.
  rb_vpn_start = 0;
  rb_vpn_end = 0;
  rb_left: vm_area_struct | null = null;
  rb_right: vm_area_struct | null = null;
  rb_parent: vm_area_struct | null = null;
  rb_color: number = RB_BLACK;
  /** Largest free gap (vma_compute_gap) of any VMA in this node's subtree, in bytes. */
  rb_subtree_gap = 0;
  /** The address space this VMA belongs to. */
  vm_mm: VmaOwner;
  /** Linux: pgprot_t, the PTE bits (vm_get_page_prot(vm_flags)) used when a fault maps a page. */
  vm_page_prot = 0;
  vm_flags: number;
  /** Offset in vm_file in pages; for anonymous private VMAs, vm_start >> PAGE_SHIFT. */
  vm_pgoff: number;
  vm_file: unknown | null = null;
  /** Linux: vm_ops (special mappings); null for ordinary anonymous and file VMAs. */
  vm_ops: unknown | null = null;
  /** Linux: vm_private_data, owned by whoever set vm_ops. */
  vm_private_data: unknown | null = null;
  /** Linux: anon_vma, the reverse-map root of this VMA's anonymous pages (rmap.ts). */
  anon_vma: unknown | null = null;

  constructor(mm: VmaOwner, start: number, end: number, flags: number, pgoff: number) {
    this.vm_start = start;
    this.vm_end = end;
    this.vm_mm = mm;
    this.vm_flags = flags;
    this.vm_pgoff = pgoff;
  }
}

/**
 * Linux: include/linux/mm.h vm_start_gap(): where the free space below `vma` must end. For a
 * VM_GROWSDOWN VMA that is STACK_GUARD_GAP below vm_start (clamped at 0), so no new mapping is
 * placed in the stack's guard gap.
 */
export function vm_start_gap(vma: vm_area_struct): number {
  const start = vma.vm_start;
  if (vma.vm_flags & VM_GROWSDOWN) return start > STACK_GUARD_GAP ? start - STACK_GUARD_GAP : 0;
  return start;
}

/**
 * Linux: include/linux/mm.h vm_end_gap(): where the free space above `vma` may begin. Only an
 * upward-growing stack (VM_GROWSUP) would reserve a gap above itself; riscv has none.
 */
export function vm_end_gap(vma: vm_area_struct): number {
  return vma.vm_end;
}

/** Linux: vma_compute_gap(): the free bytes between the previous VMA (or 0) and `vma`. */
export function vma_compute_gap(vma: vm_area_struct): number {
  // With a VM_GROWSDOWN VMA close above another, the guard gap may reach below prev's end: no gap.
  const gap_end = vm_start_gap(vma);
  const gap_start = vma.vm_prev !== null ? vm_end_gap(vma.vm_prev) : 0;
  return gap_end > gap_start ? gap_end - gap_start : 0;
}

/** Linux: vma_compute_subtree_gap(): the largest vma_compute_gap() below vma, from its children's values. */
export function vma_compute_subtree_gap(vma: vm_area_struct): number {
  let max = vma_compute_gap(vma);
  if (vma.rb_left !== null && vma.rb_left.rb_subtree_gap > max) max = vma.rb_left.rb_subtree_gap;
  if (vma.rb_right !== null && vma.rb_right.rb_subtree_gap > max) max = vma.rb_right.rb_subtree_gap;
  return max;
}

/**
 * Linux: vma_gap_callbacks, what RB_DECLARE_CALLBACKS_MAX(..., rb_subtree_gap, vma_compute_gap)
 * generates: keeps rb_subtree_gap right while the tree changes shape. For vma_tree.ts.
 */
export const vma_gap_callbacks: rb_augment_callbacks<vm_area_struct> = {
  propagate(vma, stop) {
    while (vma !== stop && vma !== null) {
      const gap = vma_compute_subtree_gap(vma);
      if (vma.rb_subtree_gap === gap) break; // unchanged here, so unchanged above
      vma.rb_subtree_gap = gap;
      vma = vma.rb_parent;
    }
  },
  copy(old, new_) {
    new_.rb_subtree_gap = old.rb_subtree_gap;
  },
  rotate(old, new_) {
    new_.rb_subtree_gap = old.rb_subtree_gap;
    old.rb_subtree_gap = vma_compute_subtree_gap(old);
  },
};

/**
 * Linux: vma_gap_update(): vma's own gap (its vm_start or its prev's vm_end) changed, its place in
 * the tree did not; refresh rb_subtree_gap from vma up to the root. For vma_tree.ts.
 */
export function vma_gap_update(vma: vm_area_struct): void {
  vma_gap_callbacks.propagate(vma, null);
}

/** Linux: vma_pages(): the size of `vma` in pages. */
export function vma_pages(vma: vm_area_struct): number {
  return (vma.vm_end - vma.vm_start) / (1 << PAGE_SHIFT);
}

/** Linux: vma_is_accessible(): any of read, write or execute allowed (expand_downwards uses it). */
export function vma_is_accessible(vma: vm_area_struct): boolean {
  return (vma.vm_flags & VM_ACCESS_FLAGS) !== 0;
}
