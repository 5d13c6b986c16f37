// Linux: mm/msync.c. msync() asks that what was stored through a shared file mapping reach the file.
// In Linux 5.15 only MS_SYNC does anything: for each shared file VMA in the range it writes the dirty
// page-cache pages of the file range that VMA covers and waits (vfs_fsync_range). MS_ASYNC is a no-op
// beyond its argument checks (dirty pages reach the file through the flusher anyway), MS_INVALIDATE
// only refuses mlocked memory (the page cache is coherent with every mapping already). Anonymous
// memory, private mappings and shared memory have no file to write to.
//
//   msync(addr, len, MS_SYNC)
//     for each VMA in [addr, addr+len):   a hole -> remember -ENOMEM, go on
//       VM_SHARED with a file           -> vfs_fsync_range(file, its bytes of the range)
//                                            -> filemap_write_and_wait_range (page_mkclean, writepage)

import type { file } from "../fs/file.js";
import { vfs_fsync_range } from "./page-writeback.js";
import { MS_ASYNC, MS_INVALIDATE, MS_SYNC } from "./mman.js";
import { PAGE_MASK } from "./mmap.js";
import type { mm_struct } from "./mm_types.js";
import { VM_LOCKED, VM_SHARED } from "./vma.js";
import { find_vma } from "./vma_tree.js";

const ENOMEM = 12, EBUSY = 16, EINVAL = 22;
const PAGE_SHIFT = 12;

/**
 * Linux: SYSCALL_DEFINE3(msync)(start, len, flags). -EINVAL: unknown flags, start not page aligned,
 * or MS_ASYNC with MS_SYNC. len 0 is 0. Unmapped parts of the range are skipped but make the result
 * -ENOMEM (at once for plain MS_ASYNC, which has nothing else to do); the mapped parts are still
 * synced. MS_INVALIDATE on mlocked memory is -EBUSY. A failed writeback is -EIO, returned at once.
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
    // Here vma.vm_start <= start < vma.vm_end.
    if ((flags & MS_INVALIDATE) && (vma.vm_flags & VM_LOCKED)) return -EBUSY;
    const f = vma.vm_file as file | null;
    // The file's bytes [fstart, fend] behind [start, min(end, vm_end)).
    const fstart = start - vma.vm_start + vma.vm_pgoff * 2 ** PAGE_SHIFT;
    const fend = fstart + (Math.min(end, vma.vm_end) - start) - 1;
    start = vma.vm_end;
    if ((flags & MS_SYNC) && f !== null && (vma.vm_flags & VM_SHARED)) {
      const error = vfs_fsync_range(mm.kernel, f, fstart, fend);
      if (error < 0) return error;
      if (start >= end) return unmapped_error;
      vma = find_vma(mm, start); // Linux dropped mmap_lock for the I/O: look again
    } else {
      if (start >= end) return unmapped_error;
      vma = vma.vm_next;
    }
  }
}
