// Linux: include/linux/mm_types.h struct mm_struct, and the RSS counters of mm_types_task.h.
// One per address space: the VMA tree (what was promised), the page-table root (what was done), and
// the accounting that /proc and --stats report.

import type { Kernel } from "../kernel.js";
import type { vm_area_struct } from "./vma.js";
import type { rb_root, VmaOwner } from "./vma_tree.js";
import { VM_EXEC, VM_STACK, VM_SHARED, VM_WRITE } from "./vma.js";

// Linux: enum { MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES, NR_MM_COUNTERS }
export const MM_FILEPAGES = 0;
export const MM_ANONPAGES = 1;
export const MM_SWAPENTS = 2;
export const MM_SHMEMPAGES = 3;
export const NR_MM_COUNTERS = 4;

/** Linux: arch/riscv TASK_SIZE for rv32 (FIXADDR_START): user addresses are below it. */
export const TASK_SIZE = 0x9fc0_0000;
/** Linux: STACK_TOP = TASK_SIZE on riscv. */
export const STACK_TOP = TASK_SIZE;
/** Linux: the default RLIMIT_STACK (_STK_LIM), 8 MiB. */
export const RLIMIT_STACK_DEFAULT = 8 << 20;

export class mm_struct implements VmaOwner {
  // The VMAs: an rbtree (mm_rb) and the sorted list (mmap), kept together by vma_link/vma_unlink.
  mm_rb: rb_root = { rb_node: null };
  mmap: vm_area_struct | null = null;
  map_count = 0;
  highest_vm_end = 0;

  /** Linux: pgd. Here the frame number of the root page table (what satp points at). */
  pgd = 0;
  /** Address-space identifier written into satp, so a context switch needs no TLB flush. */
  asid = 0;
  /** Linux: mm->pgtables_bytes, for VmPTE and PageTables. */
  pgtables_bytes = 0;

  mmap_base = 0;
  task_size = TASK_SIZE;
  start_code = 0;
  end_code = 0;
  start_data = 0;
  end_data = 0;
  start_brk = 0;
  brk = 0;
  start_stack = 0;
  arg_start = 0;
  arg_end = 0;
  env_start = 0;
  env_end = 0;

  // Linux: page counts by kind of mapping, kept by vm_stat_account().
  total_vm = 0;
  locked_vm = 0;
  data_vm = 0;
  exec_vm = 0;
  stack_vm = 0;
  hiwater_rss = 0;
  hiwater_vm = 0;
  /**
   * Linux: def_flags: vm_flags every new mapping gets (VM_LOCKED, plus VM_LOCKONFAULT, after
   * mlockall(MCL_FUTURE)). A new mm starts with 0: fork and exec do not pass it on.
   */
  def_flags = 0;

  /** Linux: rss_stat.count[NR_MM_COUNTERS]. */
  readonly rss_stat = new Int32Array(NR_MM_COUNTERS);
  /** Linux: mm_users. */
  mm_users = 1;
  /** Program name for messages (Linux keeps it in task->comm and mm->exe_file). */
  exe_name = "";
  /** The executable's symbols, so kernel messages can say `pc <main+0x14>`. */
  symbols: { name: string; value: number; size: number }[] = [];

  constructor(readonly kernel: Kernel) {}
}

/** Linux: get_mm_counter(). */
export function get_mm_counter(mm: mm_struct, member: number): number {
  return mm.rss_stat[member]!;
}

/** Linux: add_mm_counter(); inc/dec are add with +1/-1. */
export function add_mm_counter(mm: mm_struct, member: number, value: number): void {
  mm.rss_stat[member]! += value;
}

/** Linux: get_mm_rss(): resident pages of every kind. */
export function get_mm_rss(mm: mm_struct): number {
  return mm.rss_stat[MM_FILEPAGES]! + mm.rss_stat[MM_ANONPAGES]! + mm.rss_stat[MM_SHMEMPAGES]!;
}

/** Linux: update_hiwater_rss(): called just before RSS goes down, so the peak is kept. */
export function update_hiwater_rss(mm: mm_struct): void {
  mm.hiwater_rss = Math.max(mm.hiwater_rss, get_mm_rss(mm));
}

/** Linux: update_hiwater_vm(). */
export function update_hiwater_vm(mm: mm_struct): void {
  mm.hiwater_vm = Math.max(mm.hiwater_vm, mm.total_vm);
}

/** Linux: mm/mmap.c vm_stat_account(): classify `npages` of a mapping with `flags` (negative to remove). */
export function vm_stat_account(mm: mm_struct, flags: number, npages: number): void {
  mm.total_vm += npages;
  if ((flags & (VM_EXEC | VM_WRITE | VM_STACK)) === VM_EXEC) mm.exec_vm += npages;
  else if ((flags & VM_STACK) === VM_STACK) mm.stack_vm += npages;
  else if ((flags & (VM_WRITE | VM_SHARED | VM_STACK)) === VM_WRITE) mm.data_vm += npages;
}
