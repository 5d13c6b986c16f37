// Linux: mm/msync.c. msync() writes a shared file mapping's dirty pages back to the file. Anonymous
// memory, shared or private, has no file to write to (shmem's fsync does nothing), so for everything
// vmos can map today msync only checks its arguments and the range, exactly as Linux does.

import { MS_ASYNC, MS_INVALIDATE, MS_SYNC } from "./mman.js";
import { PAGE_MASK } from "./mmap.js";
import type { mm_struct } from "./mm_types.js";
import { VM_LOCKED } from "./vma.js";
import { find_vma } from "./vma_tree.js";

const ENOMEM = 12, EBUSY = 16, EINVAL = 22;

/**
 * Linux: SYSCALL_DEFINE3(msync)(start, len, flags). -EINVAL: unknown flags, start not page aligned,
 * or MS_ASYNC with MS_SYNC. len 0 is 0. Unmapped parts of the range are skipped but make the result
 * -ENOMEM (at once for plain MS_ASYNC, which has nothing else to do). MS_INVALIDATE on mlocked
 * memory is -EBUSY.
 */
export function sys_msync(mm: mm_struct, start: number, len: number, flags: number): number {
  start >>>= 0;
  len >>>= 0;
  if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) return -EINVAL;
  if (start & ~PAGE_MASK) return -EINVAL;
  if ((flags & MS_ASYNC) && (flags & MS_SYNC)) return -EINVAL;
  len = ((len + ~PAGE_MASK) & PAGE_MASK) >>> 0; // wraps to 0 for a huge len, as in C
  const end = start + len;
  if (end > 0xffff_ffff) return -ENOMEM;
  if (end === start) return 0;
  let unmapped_error = 0;
  let vma = find_vma(mm, start);
  for (;;) {
    if (vma === null) return -ENOMEM; // still start < end
    if (start < vma.vm_start) {
      if (flags === MS_ASYNC) return -ENOMEM;
      start = vma.vm_start;
      if (start >= end) return -ENOMEM;
      unmapped_error = -ENOMEM;
    }
    if ((flags & MS_INVALIDATE) && (vma.vm_flags & VM_LOCKED)) return -EBUSY;
    // Linux: with MS_SYNC on a VM_SHARED file mapping, vfs_fsync_range() here. Nothing to write yet.
    start = vma.vm_end;
    if (start >= end) return unmapped_error;
    vma = vma.vm_next;
  }
}
