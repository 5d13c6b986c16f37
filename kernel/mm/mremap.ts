// Linux: mm/mremap.c (and copy_vma() from mm/mmap.c). mremap() resizes a mapping, and with
// MREMAP_MAYMOVE may move it:
//
//   shrink          unmap the tail                                   [addr, addr+old) -> [addr, addr+new)
//   grow in place   the space after it is free: extend the VMA      (vma_expandable)
//   move            copy the VMA to a new address (get_unmapped_area, or MREMAP_FIXED's) and move
//                   the PTEs there: the pages keep their frames, nothing is copied; then unmap the
//                   old range (MREMAP_DONTUNMAP keeps the old VMA, empty)
//
// A moved private anonymous mapping keeps its page offsets (vm_pgoff), which no longer match its
// address, so it will not merge with neighbours mmap places next to it, as in Linux.

import { hex } from "../trace.js";
import type { task_struct } from "../proc/task.js";
import { mm_populate } from "./gup.js";
import { MAP_FIXED, MAP_SHARED, MREMAP_DONTUNMAP, MREMAP_FIXED, MREMAP_MAYMOVE } from "./mman.js";
import { do_munmap, get_unmapped_area, PAGE_ALIGN, PAGE_MASK, may_expand_vm } from "./mmap.js";
import { TASK_SIZE, vm_stat_account, type mm_struct } from "./mm_types.js";
import { flush_tlb_range } from "./mprotect.js";
import { pte_alloc, pte_none, pte_offset } from "./pgtable.js";
import { vma_is_anonymous } from "./memory.js";
import {
  VM_DONTEXPAND, VM_LOCKED, VM_LOCKONFAULT, VM_MAYSHARE, VM_PFNMAP, VM_SHARED, type vm_area_struct,
} from "./vma.js";
import { sysctl_max_map_count, vm_area_dup, vma_merge } from "./vma_merge.js";
import { find_vma, find_vma_prev, vma_bounds_changed, vma_link } from "./vma_tree.js";

const PAGE_SIZE = 4096;
const ENOMEM = 12, EFAULT = 14, EINVAL = 22;

/**
 * Linux: move_page_tables() -> move_ptes(): move the PTEs of [old_addr, old_addr+len) to the same
 * offsets from new_addr (same frames, rights, A and D bits; a swap entry moves as it is, its slot and
 * counts unchanged) and flush the old range from the TLB.
 * Returns the bytes moved: less than len only if a page table for the new range could not be
 * allocated.
 */
function move_page_tables(mm: mm_struct, old_addr: number, new_addr: number, len: number): number {
  const ram = mm.kernel.machine.ram;
  let moved = len;
  for (let off = 0; off < len; off += PAGE_SIZE) {
    const old_ptep = pte_offset(ram, mm, old_addr + off);
    if (old_ptep < 0) {
      off = (Math.floor((old_addr + off) / 0x40_0000) + 1) * 0x40_0000 - old_addr - PAGE_SIZE; // next 4 MiB
      continue;
    }
    const pte = ram.read32(old_ptep);
    if (pte_none(pte)) continue;
    const new_ptep = pte_alloc(mm, new_addr + off);
    if (new_ptep < 0) {
      moved = off;
      break;
    }
    ram.write32(old_ptep, 0);
    ram.write32(new_ptep, pte);
  }
  flush_tlb_range(mm, old_addr, old_addr + len);
  flush_tlb_range(mm, new_addr, new_addr + len);
  if (mm.kernel.trace.mm) mm.kernel.trace.note("mm", `move_page_tables ${hex(old_addr)} -> ${hex(new_addr)}: ${moved} of ${len} bytes`);
  return moved;
}

/**
 * Linux: copy_vma(): a VMA for [addr, addr+len) like `vma` at page offset pgoff, merged with a
 * neighbour if possible. An anonymous VMA that never had a page starts over at pgoff = addr >> 12,
 * so it can merge at its new place; then it may even merge with itself, in which case `vma` is the
 * merged VMA afterwards. Returns both, or null if the new range is not free.
 */
function copy_vma(mm: mm_struct, vma: vm_area_struct, addr: number, len: number, pgoff: number): { vma: vm_area_struct; new_vma: vm_area_struct } | null {
  const vma_start = vma.vm_start;
  if (vma_is_anonymous(vma) && vma.anon_vma === null) pgoff = addr >>> 12;
  const { vma: above, prev } = find_vma_prev(mm, addr);
  if (above !== null && above.vm_start < addr + len) return null; // "should never get here"
  const merged = vma_merge(mm, prev, addr, addr + len, vma.vm_flags,
    { anon_vma: vma.anon_vma, file: vma.vm_file, private_data: vma.vm_private_data, pgoff });
  if (merged !== null) {
    if (vma_start >= merged.vm_start && vma_start < merged.vm_end) vma = merged; // the source merged into it
    return { vma, new_vma: merged };
  }
  const new_vma = vm_area_dup(vma);
  new_vma.vm_start = addr;
  new_vma.vm_end = addr + len;
  new_vma.vm_pgoff = pgoff;
  vma_link(mm, new_vma);
  return { vma, new_vma };
}

interface Remap {
  /** Set when the result is a VM_LOCKED mapping whose new part must be populated. */
  locked: boolean;
}

/**
 * Linux: move_vma(): move [old_addr, old_addr+old_len) of `vma` to a new VMA at new_addr of new_len
 * bytes, then unmap the old range (unless MREMAP_DONTUNMAP). Returns new_addr or -ENOMEM; after a
 * failure the pages are back where they were and the new range is unmapped.
 */
function move_vma(mm: mm_struct, vma: vm_area_struct, old_addr: number, old_len: number, new_len: number, new_addr: number,
  flags: number, st: Remap): number {
  // "We'd prefer to avoid failure later on in do_munmap: which may split one vma into three."
  if (mm.map_count >= sysctl_max_map_count(mm.kernel) - 3) return -ENOMEM;
  const vm_flags = vma.vm_flags;
  const new_pgoff = vma.vm_pgoff + ((old_addr - vma.vm_start) >>> 12);
  const copied = copy_vma(mm, vma, new_addr, new_len, new_pgoff);
  if (copied === null) return -ENOMEM;
  vma = copied.vma;
  const moved = move_page_tables(mm, old_addr, new_addr, old_len);
  let err = 0;
  if (moved < old_len) {
    // Move back what was moved (the old page tables still exist) and unmap the new area instead.
    move_page_tables(mm, new_addr, old_addr, moved);
    vma = copied.new_vma;
    old_len = new_len;
    old_addr = new_addr;
    err = -ENOMEM;
  }
  // (Linux hides VM_ACCOUNT from the unmap below so the memory charge moves with the mapping; vmos
  // keeps no charge.) total_vm goes up now and down in do_munmap: keep hiwater_vm as it was.
  const hiwater_vm = mm.hiwater_vm;
  vm_stat_account(mm, vma.vm_flags, new_len >>> 12);
  if (err === 0 && (flags & MREMAP_DONTUNMAP)) {
    vma.vm_flags &= ~(VM_LOCKED | VM_LOCKONFAULT); // "We always clear VM_LOCKED[ONFAULT] on the old vma"
    // Its pages went with the PTEs: the old VMA starts empty (Linux: unlink_anon_vmas).
    if (copied.new_vma !== vma && vma.vm_start === old_addr && vma.vm_end === old_addr + old_len) vma.anon_vma = null;
    return new_addr; // not unmapped, so locked_vm stays as it is
  }
  do_munmap(mm, old_addr, old_len); // old_len 0 (a shared mapping duplicated) is -EINVAL: nothing to undo
  if (vm_flags & VM_LOCKED) {
    mm.locked_vm += new_len >>> 12;
    st.locked = true;
  }
  mm.hiwater_vm = hiwater_vm;
  return err < 0 ? err : new_addr;
}

/**
 * Linux: vma_to_resize(): the VMA at addr, if [addr, addr+old_len) lies in one VMA that may become
 * new_len long. -EFAULT: no VMA there, the range crosses its end, or it may not grow
 * (VM_DONTEXPAND: the vDSO). -EINVAL: old_len 0 on a private mapping (nothing to duplicate), or a
 * page offset overflow.
 */
function vma_to_resize(mm: mm_struct, addr: number, old_len: number, new_len: number, flags: number): vm_area_struct | number {
  const vma = find_vma(mm, addr);
  if (vma === null || vma.vm_start > addr) return -EFAULT;
  if (old_len === 0 && (vma.vm_flags & (VM_SHARED | VM_MAYSHARE)) === 0) return -EINVAL;
  if ((flags & MREMAP_DONTUNMAP) && (vma.vm_flags & (VM_DONTEXPAND | VM_PFNMAP))) return -EINVAL;
  if (old_len > vma.vm_end - addr) return -EFAULT;
  if (new_len === old_len) return vma;
  const pgoff = vma.vm_pgoff + ((addr - vma.vm_start) >>> 12);
  if (pgoff + (new_len >>> 12) > 0xffff_ffff) return -EINVAL;
  if (vma.vm_flags & (VM_DONTEXPAND | VM_PFNMAP)) return -EFAULT;
  // Linux: vma_to_resize(): growing must fit RLIMIT_AS (RLIMIT_MEMLOCK does not bind root).
  if (new_len > old_len && !may_expand_vm(mm, vma.vm_flags, (new_len - old_len) / 4096)) return -ENOMEM;
  return vma;
}

/** Linux: vma_expandable(): can `vma` grow by delta bytes where it is? */
function vma_expandable(mm: mm_struct, vma: vm_area_struct, delta: number): boolean {
  const end = vma.vm_end + delta;
  if (end > 0xffff_ffff) return false;
  if (vma.vm_next !== null && vma.vm_next.vm_start < end) return false;
  return get_unmapped_area(mm, vma.vm_start, end - vma.vm_start, MAP_FIXED) >= 0;
}

/** Linux: mremap_to(): MREMAP_FIXED or MREMAP_DONTUNMAP: move to new_addr (a hint for DONTUNMAP alone). */
function mremap_to(mm: mm_struct, addr: number, old_len: number, new_addr: number, new_len: number, flags: number, st: Remap): number {
  if (new_addr & ~PAGE_MASK) return -EINVAL;
  if (new_len > TASK_SIZE || new_addr > TASK_SIZE - new_len) return -EINVAL;
  if (addr + old_len > new_addr && new_addr + new_len > addr) return -EINVAL; // old and new overlap
  // Both VMAs may be split in three before the move: refuse now rather than half way.
  if (mm.map_count + 2 >= sysctl_max_map_count(mm.kernel) - 3) return -ENOMEM;
  let ret: number;
  if (flags & MREMAP_FIXED) {
    ret = do_munmap(mm, new_addr, new_len);
    if (ret !== 0) return ret;
  }
  if (old_len >= new_len) {
    ret = do_munmap(mm, (addr + new_len) >>> 0, old_len - new_len);
    if (ret !== 0 && old_len !== new_len) return ret;
    old_len = new_len;
  }
  const vma = vma_to_resize(mm, addr, old_len, new_len, flags);
  if (typeof vma === "number") return vma;
  const map_flags = (flags & MREMAP_FIXED ? MAP_FIXED : 0) | (vma.vm_flags & VM_MAYSHARE ? MAP_SHARED : 0);
  ret = get_unmapped_area(mm, new_addr, new_len, map_flags);
  if (ret < 0) return ret;
  if ((flags & MREMAP_FIXED) === 0) new_addr = ret;
  return move_vma(mm, vma, addr, old_len, new_len, new_addr, flags, st);
}

/**
 * Linux: SYSCALL_DEFINE5(mremap)(addr, old_len, new_len, flags, new_addr): the mapping's new address,
 * or -errno: -EINVAL for unknown flags, MREMAP_FIXED without MREMAP_MAYMOVE, MREMAP_DONTUNMAP that
 * is not a same-size move, addr not page aligned, new_len 0; -EFAULT when [addr, addr+old_len) is not
 * inside one VMA; -ENOMEM when it cannot grow in place and may not (or cannot) move. A VM_LOCKED
 * mapping's new pages are faulted in.
 */
export function sys_mremap(mm: mm_struct, task: task_struct | null, addr: number, old_len: number, new_len: number, flags: number,
  new_addr: number): number {
  addr >>>= 0;
  old_len >>>= 0;
  new_len >>>= 0;
  new_addr >>>= 0;
  if (flags & ~(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP)) return -EINVAL;
  if ((flags & MREMAP_FIXED) && (flags & MREMAP_MAYMOVE) === 0) return -EINVAL;
  // MREMAP_DONTUNMAP is always a move and never resizes.
  if ((flags & MREMAP_DONTUNMAP) && ((flags & MREMAP_MAYMOVE) === 0 || old_len !== new_len)) return -EINVAL;
  if (addr & ~PAGE_MASK) return -EINVAL;
  old_len = PAGE_ALIGN(old_len);
  new_len = PAGE_ALIGN(new_len);
  // A zero old_len duplicates a shared mapping (a DOS-emu trick); a zero new_len is nonsense.
  if (new_len === 0) return -EINVAL;

  const st: Remap = { locked: false };
  let ret = mremap(mm, addr, old_len, new_len, flags, new_addr, st);
  if (ret >= 0 && st.locked && new_len > old_len) mm_populate(mm, task, (ret + old_len) >>> 0, new_len - old_len);
  if (mm.kernel.trace.mm) mm.kernel.trace.note("mm", `mremap ${hex(addr)} ${old_len} -> ${new_len} = ${ret < 0 ? ret : hex(ret)}`);
  return ret;
}

function mremap(mm: mm_struct, addr: number, old_len: number, new_len: number, flags: number, new_addr: number, st: Remap): number {
  if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) return mremap_to(mm, addr, old_len, new_addr, new_len, flags, st);
  // Always allow a shrinking remap: that just unmaps the unnecessary pages. (5.15 does not even look
  // for a VMA at addr first.)
  if (old_len >= new_len) {
    const retval = do_munmap(mm, (addr + new_len) >>> 0, old_len - new_len);
    if (retval < 0 && old_len !== new_len) return retval;
    return addr;
  }
  const vma = vma_to_resize(mm, addr, old_len, new_len, flags);
  if (typeof vma === "number") return vma;
  // old_len reaches exactly to the end of the VMA: can it just grow?
  if (old_len === vma.vm_end - addr && vma_expandable(mm, vma, new_len - old_len)) {
    const pages = (new_len - old_len) >>> 12;
    vma.vm_end = addr + new_len;
    vma_bounds_changed(mm, vma);
    vm_stat_account(mm, vma.vm_flags, pages);
    if (vma.vm_flags & VM_LOCKED) {
      mm.locked_vm += pages;
      st.locked = true;
    }
    return addr;
  }
  if ((flags & MREMAP_MAYMOVE) === 0) return -ENOMEM;
  const map_flags = vma.vm_flags & VM_MAYSHARE ? MAP_SHARED : 0;
  const to = get_unmapped_area(mm, 0, new_len, map_flags);
  if (to < 0) return to;
  return move_vma(mm, vma, addr, old_len, new_len, to, flags, st);
}
