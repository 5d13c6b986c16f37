// Linux: mm/madvise.c. madvise() tells the kernel how a range will be used. Most advice only sets
// VMA flags (splitting and merging VMAs like mprotect does); MADV_DONTNEED throws the pages away:
// private anonymous memory reads back as zeros afterwards (shared memory keeps its pages in the shmem
// object and maps them again on the next touch); MADV_POPULATE_* faults pages in.
//
// Advice this kernel knows, as a 5.15 kernel without KSM, transparent huge pages and memory-failure
// injection knows it (the others are -EINVAL there too):
//   NORMAL SEQUENTIAL RANDOM          VM_SEQ_READ / VM_RAND_READ (readahead hints)
//   DONTFORK DOFORK                   VM_DONTCOPY: fork leaves the range out of the child
//   WIPEONFORK KEEPONFORK             VM_WIPEONFORK: the child gets the range empty (private anon only)
//   DONTDUMP DODUMP                   VM_DONTDUMP (core dumps)
//   WILLNEED COLD PAGEOUT             hints for readahead and reclaim: nothing to do yet
//   DONTNEED FREE                     drop the pages now / when memory is short (not mlocked memory)
//   REMOVE                            punch a hole in shared memory: its pages are freed everywhere
//   POPULATE_READ POPULATE_WRITE      fault in, with the mapping's real permissions

import type { task_struct } from "../proc/task.js";
import { faultin_vma_page_range } from "./gup.js";
import { vma_is_anonymous, zap_page_range } from "./memory.js";
import {
  MADV_COLD, MADV_DODUMP, MADV_DOFORK, MADV_DONTDUMP, MADV_DONTFORK, MADV_DONTNEED, MADV_FREE, MADV_KEEPONFORK,
  MADV_NORMAL, MADV_PAGEOUT, MADV_POPULATE_READ, MADV_POPULATE_WRITE, MADV_RANDOM, MADV_REMOVE, MADV_SEQUENTIAL,
  MADV_WILLNEED, MADV_WIPEONFORK,
} from "./mman.js";
import { PAGE_ALIGN, PAGE_MASK } from "./mmap.js";
import { update_hiwater_rss, type mm_struct } from "./mm_types.js";
import { flush_tlb_range } from "./mprotect.js";
import { shmem_remove_page, vma_is_shmem, vma_shmem } from "./shmem.js";
import { linear_page_index } from "./rmap.js";
import {
  VM_DONTCOPY, VM_DONTDUMP, VM_HUGETLB, VM_IO, VM_LOCKED, VM_PFNMAP, VM_RAND_READ, VM_SEQ_READ, VM_SHARED, VM_SPECIAL,
  VM_WIPEONFORK, VM_WRITE, type vm_area_struct,
} from "./vma.js";
import { vma_modify_flags } from "./vma_merge.js";
import { find_vma, find_vma_prev } from "./vma_tree.js";

const PAGE_SIZE = 4096;
const EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EINVAL = 22;

/** Linux: madvise_behavior_valid() for CONFIG_KSM=n, CONFIG_TRANSPARENT_HUGEPAGE=n, CONFIG_MEMORY_FAILURE=n. */
function madvise_behavior_valid(behavior: number): boolean {
  switch (behavior) {
    case MADV_DOFORK: case MADV_DONTFORK: case MADV_NORMAL: case MADV_SEQUENTIAL: case MADV_RANDOM:
    case MADV_REMOVE: case MADV_WILLNEED: case MADV_DONTNEED: case MADV_FREE: case MADV_COLD: case MADV_PAGEOUT:
    case MADV_POPULATE_READ: case MADV_POPULATE_WRITE: case MADV_DONTDUMP: case MADV_DODUMP:
    case MADV_WIPEONFORK: case MADV_KEEPONFORK:
      return true;
    default:
      return false;
  }
}

/** Linux: can_madv_lru_vma(): advice about a VMA's pages means nothing for locked or special memory. */
function can_madv_lru_vma(vma: vm_area_struct): boolean {
  return (vma.vm_flags & (VM_LOCKED | VM_HUGETLB | VM_PFNMAP)) === 0;
}

/** What one step of the walk returns: the VMA to continue after (Linux: *prev), or -errno. */
type Step = vm_area_struct | null | number;

/**
 * Linux: madvise_behavior(): the advice that only changes vm_flags, on [start, end) inside vma:
 * merge or split, then set the flags. A split beyond max_map_count is -EAGAIN ("kernel resources
 * temporarily unavailable").
 */
function madvise_behavior(mm: mm_struct, vma: vm_area_struct, prev: vm_area_struct | null, start: number, end: number, behavior: number): Step {
  let new_flags = vma.vm_flags;
  switch (behavior) {
    case MADV_NORMAL: new_flags &= ~(VM_RAND_READ | VM_SEQ_READ); break;
    case MADV_SEQUENTIAL: new_flags = (new_flags & ~VM_RAND_READ) | VM_SEQ_READ; break;
    case MADV_RANDOM: new_flags = (new_flags & ~VM_SEQ_READ) | VM_RAND_READ; break;
    case MADV_DONTFORK: new_flags |= VM_DONTCOPY; break;
    case MADV_DOFORK:
      if (vma.vm_flags & VM_IO) return -EINVAL;
      new_flags &= ~VM_DONTCOPY;
      break;
    case MADV_WIPEONFORK:
      if (vma.vm_file !== null || (vma.vm_flags & VM_SHARED)) return -EINVAL; // anonymous private memory only
      new_flags |= VM_WIPEONFORK;
      break;
    case MADV_KEEPONFORK: new_flags &= ~VM_WIPEONFORK; break;
    case MADV_DONTDUMP: new_flags |= VM_DONTDUMP; break;
    case MADV_DODUMP:
      if (new_flags & VM_SPECIAL) return -EINVAL;
      new_flags &= ~VM_DONTDUMP;
      break;
  }
  if (new_flags === vma.vm_flags) return vma;
  const r = vma_modify_flags(mm, prev, vma, start, end, new_flags);
  return r === -ENOMEM ? -EAGAIN : r;
}

/**
 * Linux: madvise_dontneed_free(): MADV_DONTNEED zaps the range now (the next touch faults in a zero
 * page, or the shmem page again); MADV_FREE would let reclaim drop the pages instead of swapping
 * them, and without reclaim it changes nothing yet. Neither applies to locked memory (-EINVAL), and
 * MADV_FREE only to private anonymous memory.
 */
function madvise_dontneed_free(mm: mm_struct, vma: vm_area_struct, start: number, end: number, behavior: number): Step {
  if (!can_madv_lru_vma(vma)) return -EINVAL;
  if (behavior === MADV_FREE) return vma_is_anonymous(vma) ? vma : -EINVAL;
  update_hiwater_rss(mm);
  zap_page_range(mm, start, end);
  flush_tlb_range(mm, start, end);
  return vma;
}

/**
 * Linux: madvise_remove() -> vfs_fallocate(FALLOC_FL_PUNCH_HOLE) on the shmem file: the pages of the
 * range leave the shmem object, and every PTE of every process that maps them is zapped
 * (unmap_mapping_range), so all of them read zeros afterwards. Only a shared writable mapping with
 * something behind it qualifies: -EINVAL for private memory or a locked VMA, -EACCES if not writable.
 */
function madvise_remove(mm: mm_struct, vma: vm_area_struct, start: number, end: number): Step {
  if (vma.vm_flags & VM_LOCKED) return -EINVAL;
  if (!vma_is_shmem(vma)) return -EINVAL; // no file behind it
  if ((vma.vm_flags & (VM_SHARED | VM_WRITE)) !== (VM_SHARED | VM_WRITE)) return -EACCES;
  const k = mm.kernel;
  const info = vma_shmem(vma);
  const first = linear_page_index(vma, start);
  const last = linear_page_index(vma, end);
  const mms = new Set<mm_struct>();
  for (const t of k.tasks.values()) if (t.mm !== null) mms.add(t.mm);
  for (const other of mms) {
    for (let v = other.mmap; v !== null; v = v.vm_next) {
      if (v.vm_private_data !== info) continue;
      // The part of v whose page offsets fall in [first, last).
      const lo = Math.max(v.vm_start, v.vm_start + (first - v.vm_pgoff) * PAGE_SIZE);
      const hi = Math.min(v.vm_end, v.vm_start + (last - v.vm_pgoff) * PAGE_SIZE);
      if (lo >= hi) continue;
      update_hiwater_rss(other);
      zap_page_range(other, lo, hi);
      flush_tlb_range(other, lo, hi);
    }
  }
  for (let index = first; index < last; index++) shmem_remove_page(k, info, index);
  return vma;
}

/** Linux: madvise_vma(): one piece [start, end) of one VMA. */
function madvise_vma(mm: mm_struct, task: task_struct | null, vma: vm_area_struct, prev: vm_area_struct | null, start: number,
  end: number, behavior: number): Step {
  switch (behavior) {
    case MADV_REMOVE:
      return madvise_remove(mm, vma, start, end);
    case MADV_WILLNEED:
      return vma; // readahead of swapped or file pages: nothing to read ahead yet
    case MADV_COLD:
    case MADV_PAGEOUT:
      return can_madv_lru_vma(vma) ? vma : -EINVAL; // hints for reclaim, which vmos does not have yet
    case MADV_FREE:
    case MADV_DONTNEED:
      return madvise_dontneed_free(mm, vma, start, end, behavior);
    case MADV_POPULATE_READ:
    case MADV_POPULATE_WRITE: {
      const pages = faultin_vma_page_range(vma, start, end, behavior === MADV_POPULATE_WRITE, task);
      if (pages >= 0) return vma;
      return pages === -EINVAL ? -EINVAL : pages === -ENOMEM ? -ENOMEM : -EFAULT;
    }
    default:
      return madvise_behavior(mm, vma, prev, start, end, behavior);
  }
}

/**
 * Linux: do_madvise() (SYSCALL_DEFINE3(madvise)): apply `behavior` to [start, start+len_in).
 * -EINVAL: unknown advice, start not page aligned, a length that wraps; len 0 is 0. Unmapped parts of
 * the range are skipped, and the call then returns -ENOMEM after advising the rest. An error on one
 * VMA stops the walk and is returned.
 */
export function do_madvise(mm: mm_struct, task: task_struct | null, start: number, len_in: number, behavior: number): number {
  start >>>= 0;
  len_in >>>= 0;
  if (!madvise_behavior_valid(behavior)) return -EINVAL;
  if (start & ~PAGE_MASK) return -EINVAL;
  const len = PAGE_ALIGN(len_in);
  if (len_in !== 0 && len === 0) return -EINVAL; // len rounded up from a small negative to zero
  const end = start + len;
  if (end > 0xffff_ffff) return -EINVAL;
  if (end === start) return 0;

  let unmapped_error = 0;
  let { vma, prev } = find_vma_prev(mm, start);
  if (vma !== null && start > vma.vm_start) prev = vma;
  for (;;) {
    if (vma === null) return -ENOMEM; // still start < end
    if (start < vma.vm_start) {
      unmapped_error = -ENOMEM;
      start = vma.vm_start;
      if (start >= end) return -ENOMEM;
    }
    const tmp = Math.min(vma.vm_end, end);
    const r = madvise_vma(mm, task, vma, prev, start, tmp, behavior);
    if (typeof r === "number") return r;
    prev = r;
    start = tmp;
    if (prev !== null && start < prev.vm_end) start = prev.vm_end;
    if (start >= end) return unmapped_error;
    vma = prev !== null ? prev.vm_next : find_vma(mm, start);
  }
}
