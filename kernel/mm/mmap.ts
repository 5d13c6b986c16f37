// Linux: mm/mmap.c. Creating and removing VMAs: mmap (do_mmap -> get_unmapped_area, mmap_region),
// munmap, brk, stack growth, and tearing down a whole address space at exit. Gluing VMAs together
// and cutting them apart is in vma_merge.ts; faulting pages in ahead of time in gup.ts.
//
// Where mmap puts things (rv32, no randomisation), as Linux's top-down layout does:
//
//   0x9fc00000  TASK_SIZE = STACK_TOP    the stack grows down from here (8 MiB limit)
//               ... 128 MiB gap (stack limit + guard, at least MIN_GAP) ...
//   0x97c00000  mmap_base                the vDSO page; mmaps below it, each just under the last
//   0x35400000  TASK_UNMAPPED_BASE       bottom-up fallback when nothing fits below mmap_base
//               brk heap, bss, data, text (0x10000)

import { hex } from "../trace.js";
import { f_mapping, FMODE_READ, FMODE_WRITE, get_file, type file } from "../fs/file.js";
import { files_lookup_fd } from "../fs/fdtable.js";
import { S_ISREG } from "../fs/inode.js";
import type { Kernel } from "../kernel.js";
import type { task_struct } from "../proc/task.js";
import { asid_alloc, asid_free } from "./context.js";
import { mm_populate } from "./gup.js";
import { zap_page_range } from "./memory.js";
import {
  calc_vm_flag_bits, calc_vm_prot_bits, LEGACY_MAP_MASK, MAP_SHARED_VALIDATE, MAP_ANONYMOUS, MAP_DENYWRITE, MAP_EXECUTABLE, MAP_FIXED, MAP_FIXED_NOREPLACE,
  MAP_HUGETLB, MAP_NONBLOCK, MAP_NORESERVE, MAP_POPULATE, MAP_PRIVATE, MAP_SHARED, MAP_TYPE, PROT_EXEC, PROT_READ,
  PROT_WRITE,
} from "./mman.js";
import { mm_struct, RLIMIT_STACK_DEFAULT, TASK_SIZE, update_hiwater_vm, vm_stat_account } from "./mm_types.js";
import { RLIMIT_AS, RLIMIT_DATA, RLIMIT_STACK, rlimit } from "../proc/rlimit.js";
import { flush_tlb_mm, free_pgd_range, pgd_alloc, pgd_free, vm_get_page_prot } from "./pgtable.js";
import { anon_vma_prepare } from "./rmap.js";
import { shmem_zero_setup } from "./shmem.js";
import {
  STACK_GUARD_GAP, vm_area_struct, VM_ACCOUNT, VM_DATA_DEFAULT_FLAGS, VM_EXEC, VM_GROWSDOWN, VM_LOCKED, VM_MAYEXEC,
  VM_MAYREAD, VM_MAYSHARE, VM_MAYWRITE, VM_NORESERVE, VM_READ, VM_SHARED, VM_STACK, VM_WRITE, vm_end_gap, vma_pages,
  vm_start_gap,
} from "./vma.js";
import { __split_vma, sysctl_max_map_count, vma_merge, vma_put_refs } from "./vma_merge.js";
import { find_vma, find_vma_intersection, find_vma_prev, unmapped_area, unmapped_area_topdown, vma_bounds_changed, vma_link, vma_unlink } from "./vma_tree.js";

export { __split_vma } from "./vma_merge.js";

export const PAGE_SIZE = 4096;
export const PAGE_MASK = ~(PAGE_SIZE - 1);
/** Linux: PAGE_ALIGN(), on unsigned 32-bit values (wrapping to 0 at the top, as in C). */
export const PAGE_ALIGN = (addr: number): number => ((addr + PAGE_SIZE - 1) & PAGE_MASK) >>> 0;

export const ENOMEM = 12;
export const EINVAL = 22;
const EBADF = 9, EACCES = 13, EEXIST = 17, ENODEV = 19, EOVERFLOW = 75, EOPNOTSUPP = 95;

/**
 * Linux: mmap_base() for rv32 without randomisation: STACK_TOP minus the stack limit and guard gap,
 * at least MIN_GAP (128 MiB): 0x97c00000.
 */
export const MMAP_BASE = TASK_SIZE - Math.max(128 << 20, RLIMIT_STACK_DEFAULT + STACK_GUARD_GAP);

/**
 * Linux: may_expand_vm(): may the address space grow by `npages` pages of a mapping with `flags`?
 * RLIMIT_AS bounds all of it and RLIMIT_DATA the private writable part, for root too (Linux checks
 * no capability here). The limits are the calling task's (Linux's `current`).
 */
export function may_expand_vm(mm: mm_struct, flags: number, npages: number): boolean {
  const current = mm.kernel.current;
  if (mm.total_vm + npages > Math.floor(rlimit(current, RLIMIT_AS) / PAGE_SIZE)) return false;
  const data = (flags & (VM_WRITE | VM_SHARED | VM_STACK)) === VM_WRITE;
  if (data && mm.data_vm + npages > Math.floor(rlimit(current, RLIMIT_DATA) / PAGE_SIZE)) return false;
  return true;
}

/** Linux: count_vma_pages_range(): pages of [addr, end) already mapped (a MAP_FIXED replaces them). */
export function count_vma_pages_range(mm: mm_struct, addr: number, end: number): number {
  let n = 0;
  for (let v = find_vma(mm, addr); v !== null && v.vm_start < end; v = v.vm_next) {
    n += (Math.min(v.vm_end, end) - Math.max(v.vm_start, addr)) / PAGE_SIZE;
  }
  return n;
}
/** Linux: mmap_min_addr (CONFIG_DEFAULT_MMAP_MIN_ADDR = 4096): hints below it are raised to it. */
export const MMAP_MIN_ADDR = 4096;
/** Linux: TASK_UNMAPPED_BASE = PAGE_ALIGN(TASK_SIZE / 3), where the bottom-up fallback starts. */
export const TASK_UNMAPPED_BASE = PAGE_ALIGN(TASK_SIZE / 3);

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
 * neighbours mergeable) + vm_stat_account(). The range must be free. For exec and the vDSO.
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

/**
 * Linux: vma_wants_writenotify(): a shared writable mapping of a file must hear of the first write to
 * each page (to dirty it for writeback), so its PTEs start read-only.
 */
export function vma_wants_writenotify(vma: vm_area_struct): boolean {
  return (vma.vm_flags & (VM_SHARED | VM_WRITE)) === (VM_SHARED | VM_WRITE) && vma.vm_file !== null && f_mapping(vma.vm_file as file) !== null;
}

/** Linux: vma_set_page_prot(): the PTE protection for the VMA's flags, write-protected for writenotify. */
export function vma_set_page_prot(vma: vm_area_struct): void {
  vma.vm_page_prot = vm_get_page_prot(vma_wants_writenotify(vma) ? vma.vm_flags & ~VM_SHARED : vma.vm_flags);
}

function traceVma(mm: mm_struct, what: string, vma: vm_area_struct): void {
  if (mm.kernel.trace.mm) mm.kernel.trace.note("mm", `${what} ${hex(vma.vm_start)}-${hex(vma.vm_end)} flags ${hex(vma.vm_flags)}`);
}

// ---- Choosing an address ------------------------------------------------------------------------

/**
 * Linux: arch_get_unmapped_area_topdown() (generic, mm/mmap.c): MAP_FIXED takes addr as it is; a
 * hint is taken if [addr, addr+len) is free, guard gaps included; otherwise the highest free range
 * below mmap_base, and if there is none, the lowest above TASK_UNMAPPED_BASE. Returns the address or
 * -ENOMEM.
 */
function arch_get_unmapped_area_topdown(mm: mm_struct, addr: number, len: number, flags: number): number {
  const mmap_end = TASK_SIZE; // Linux: arch_get_mmap_end()
  if (len > mmap_end - MMAP_MIN_ADDR) return -ENOMEM;
  if (flags & MAP_FIXED) return addr;
  if (addr !== 0) {
    addr = PAGE_ALIGN(addr);
    const { vma, prev } = find_vma_prev(mm, addr);
    if (mmap_end - len >= addr && addr >= MMAP_MIN_ADDR && (vma === null || addr + len <= vm_start_gap(vma)) &&
        (prev === null || addr >= vm_end_gap(prev))) {
      return addr;
    }
  }
  const found = unmapped_area_topdown(mm, { length: len, low_limit: Math.max(PAGE_SIZE, MMAP_MIN_ADDR), high_limit: mm.mmap_base });
  if (found >= 0) return found;
  // "A failed mmap() very likely causes application failure, so fall back to the bottom-up function."
  return unmapped_area(mm, { length: len, low_limit: TASK_UNMAPPED_BASE, high_limit: mmap_end });
}

/**
 * Linux: get_unmapped_area(): where a mapping of `len` bytes (page aligned) may go, given the hint
 * or MAP_FIXED address `addr`. Shared anonymous memory uses shmem_get_unmapped_area(), which on rv32
 * (no transparent huge pages) is the same search. Returns the address, or -ENOMEM (no room, or
 * beyond TASK_SIZE), or -EINVAL (a MAP_FIXED address not page aligned).
 */
export function get_unmapped_area(mm: mm_struct, addr: number, len: number, flags: number): number {
  if (len > TASK_SIZE) return -ENOMEM;
  addr = arch_get_unmapped_area_topdown(mm, addr, len, flags);
  if (addr < 0) return addr;
  if (addr > TASK_SIZE - len) return -ENOMEM;
  if (addr & ~PAGE_MASK) return -EINVAL;
  return addr;
}

// ---- mmap ---------------------------------------------------------------------------------------

/**
 * Linux: mmap_region(): map [addr, addr+len) with vm_flags, replacing whatever was there (MAP_FIXED):
 * extend a neighbour if vma_merge() can, else link a new VMA (shmem-backed when shared). Accounts
 * total_vm and friends and locked_vm. Returns addr or -ENOMEM.
 */
function mmap_region(mm: mm_struct, f: file | null, addr: number, len: number, vm_flags: number, pgoff: number): number {
  // Checked before anything is unmapped, so a refused MAP_FIXED leaves the old mapping in place.
  if (!may_expand_vm(mm, vm_flags, len / PAGE_SIZE - count_vma_pages_range(mm, addr, addr + len))) return -ENOMEM;
  // Linux: munmap_vma_range(): clear old maps.
  if (find_vma_intersection(mm, addr, addr + len) !== null && do_munmap(mm, addr, len) < 0) return -ENOMEM;
  // Linux: accountable_mapping(): private writable memory is charged against overcommit (VM_ACCOUNT);
  // vmos does not refuse anything for it, but keeps the flag, which decides merges as in Linux.
  if ((vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) === VM_WRITE) vm_flags |= VM_ACCOUNT;
  const { prev } = find_vma_prev(mm, addr);
  let vma: vm_area_struct | null = null;
  if (f !== null || (vm_flags & VM_SHARED) === 0) {
    // Shared anonymous memory gets its own shmem object, so only private memory and file mappings
    // (same file, continuing page offsets) can extend a neighbour.
    vma = vma_merge(mm, prev, addr, addr + len, vm_flags, { anon_vma: null, file: f, private_data: null, pgoff });
  }
  if (vma === null) {
    vma = new vm_area_struct(mm, addr, addr + len, vm_flags, pgoff);
    if (f !== null && f.f_op.mmap !== undefined) {
      const err = f.f_op.mmap(f, vma); // Linux: call_mmap() (a memfd: shmem_mmap)
      if (err < 0) return err;
    } else if (f !== null) vma.vm_file = get_file(f); // Linux: call_mmap() -> generic_file_mmap()
    else if (vm_flags & VM_SHARED) shmem_zero_setup(vma); // Linux: else vma_set_anonymous()
    vma_set_page_prot(vma);
    vma_link(mm, vma);
    traceVma(mm, "mmap_region: vma_link", vma);
  }
  vm_stat_account(mm, vm_flags, len >>> 12);
  if (vm_flags & VM_LOCKED) mm.locked_vm += len >>> 12;
  return addr;
}

/**
 * Linux: do_mmap() (anonymous memory, or the open file `f`), then mm_populate() when MAP_POPULATE
 * or VM_LOCKED ask for it, as vm_mmap_pgoff() does after dropping mmap_lock. The argument checks
 * come in Linux's order, so a call with several faults gets Linux's errno. `task` is charged with
 * the populate faults (null: nobody). Returns the address or -errno.
 */
export function do_mmap(mm: mm_struct, task: task_struct | null, addr: number, len: number, prot: number, flags: number, pgoff: number,
  f: file | null = null): number {
  addr >>>= 0;
  len >>>= 0;
  if (len === 0) return -EINVAL;
  if (flags & MAP_FIXED_NOREPLACE) flags |= MAP_FIXED; // Linux: force arch-specific MAP_FIXED handling
  if ((flags & MAP_FIXED) === 0) addr = round_hint_to_min(addr);
  len = PAGE_ALIGN(len);
  if (len === 0) return -ENOMEM;
  if (pgoff + len / PAGE_SIZE > 0xffff_ffff) return -EOVERFLOW; // pgoff + pages wraps an unsigned long
  if (mm.map_count > sysctl_max_map_count(mm.kernel)) return -ENOMEM;
  addr = get_unmapped_area(mm, addr, len, flags);
  if (addr < 0) return addr;
  if ((flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, addr, addr + len) !== null) return -EEXIST;
  let vm_flags = calc_vm_prot_bits(prot) | calc_vm_flag_bits(flags) | mm.def_flags | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
  // (MAP_LOCKED needs CAP_IPC_LOCK or RLIMIT_MEMLOCK room: vmos runs as root.)
  if (f !== null) {
    // Linux: do_mmap()'s file branch, its checks in Linux's order.
    const type = flags & MAP_TYPE;
    if (type !== MAP_SHARED && type !== MAP_SHARED_VALIDATE && type !== MAP_PRIVATE) return -EINVAL;
    if (type !== MAP_PRIVATE) {
      if (type === MAP_SHARED) flags &= LEGACY_MAP_MASK;
      else if (flags & ~LEGACY_MAP_MASK) return -EOPNOTSUPP;
      if ((prot & PROT_WRITE) && !(f.f_mode & FMODE_WRITE)) return -EACCES;
      vm_flags |= VM_SHARED | VM_MAYSHARE;
      // A file open read-only can never be written through this mapping: shared in name only.
      if (!(f.f_mode & FMODE_WRITE)) vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
    }
    if (!(f.f_mode & FMODE_READ)) return -EACCES;
    // Only regular files have ->mmap (procfs text, the console, pipes, directories: -ENODEV).
    if (f_mapping(f) === null || !S_ISREG(f.f_inode!.i_mode)) return -ENODEV;
    if (vm_flags & VM_GROWSDOWN) return -EINVAL;
  } else {
    switch (flags & MAP_TYPE) {
      case MAP_SHARED:
        if (vm_flags & VM_GROWSDOWN) return -EINVAL;
        pgoff = 0; // the shmem object's offset 0
        vm_flags |= VM_SHARED | VM_MAYSHARE;
        break;
      case MAP_PRIVATE:
        pgoff = addr >>> 12; // "Set pgoff according to addr for anon_vma": neighbours merge
        break;
      default:
        return -EINVAL;
    }
  }
  if (flags & MAP_NORESERVE) vm_flags |= VM_NORESERVE; // overcommit is not OVERCOMMIT_NEVER
  const ret = mmap_region(mm, f, addr, len, vm_flags, pgoff);
  if (ret >= 0 && ((vm_flags & VM_LOCKED) || (flags & (MAP_POPULATE | MAP_NONBLOCK)) === MAP_POPULATE)) {
    mm_populate(mm, task, ret, len);
  }
  return ret;
}

/** Linux: round_hint_to_min(): a non-zero hint below mmap_min_addr becomes mmap_min_addr. */
function round_hint_to_min(hint: number): number {
  hint = (hint & PAGE_MASK) >>> 0;
  return hint !== 0 && hint < MMAP_MIN_ADDR ? PAGE_ALIGN(MMAP_MIN_ADDR) : hint;
}

/**
 * Linux: ksys_mmap_pgoff(): mmap with the offset in pages. Without MAP_ANONYMOUS the fd names a
 * file (-EBADF if none is open there). MAP_HUGETLB is -EINVAL (rv32 has no hugetlbfs).
 * MAP_EXECUTABLE and MAP_DENYWRITE are ignored, as in Linux.
 */
export function ksys_mmap_pgoff(mm: mm_struct, task: task_struct | null, addr: number, len: number, prot: number, flags: number,
  fd: number, pgoff: number): number {
  let f: file | null = null;
  if ((flags & MAP_ANONYMOUS) === 0) {
    f = task?.files === null || task === null ? null : files_lookup_fd(task.files, fd);
    if (f === null) return -EBADF;
  } else if (flags & MAP_HUGETLB) return -EINVAL; // Linux: hstate_sizelog() is NULL without CONFIG_HUGETLB_PAGE
  flags &= ~(MAP_EXECUTABLE | MAP_DENYWRITE);
  return do_mmap(mm, task, addr, len, prot, flags, pgoff >>> 0, f);
}

/**
 * Linux: arch/riscv/kernel/sys_riscv.c SYSCALL_DEFINE6(mmap2): the 6th argument is the offset in
 * 4096-byte units. riscv (5.15) refuses write+execute without read.
 */
export function sys_mmap2(mm: mm_struct, task: task_struct | null, addr: number, len: number, prot: number, flags: number,
  fd: number, pgoff: number): number {
  if ((prot & PROT_WRITE) && (prot & PROT_EXEC) && (prot & PROT_READ) === 0) return -EINVAL;
  return ksys_mmap_pgoff(mm, task, addr, len, prot, flags, fd, pgoff);
}

// ---- brk ----------------------------------------------------------------------------------------

/**
 * Linux: do_brk_flags(): map [addr, addr+len) as anonymous heap memory, extending the previous VMA
 * when vma_merge() can (so bss and heap become one VMA). Returns 0 or -errno.
 */
export function do_brk_flags(mm: mm_struct, addr: number, len: number, flags: number): number {
  if ((flags & ~VM_EXEC) !== 0) return -EINVAL;
  flags |= VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT | mm.def_flags;
  if (len === 0) return 0;
  const mapped = get_unmapped_area(mm, addr, len, MAP_FIXED);
  if (mapped < 0) return mapped;
  if (find_vma_intersection(mm, addr, addr + len) !== null && do_munmap(mm, addr, len) < 0) return -ENOMEM;
  if (!may_expand_vm(mm, flags, len / PAGE_SIZE)) return -ENOMEM;
  if (mm.map_count > sysctl_max_map_count(mm.kernel)) return -ENOMEM;
  const { prev } = find_vma_prev(mm, addr);
  const merged = vma_merge(mm, prev, addr, addr + len, flags, { anon_vma: null, file: null, private_data: null, pgoff: addr >>> 12 });
  if (merged === null) insert_vm_struct(mm, addr, addr + len, flags, null, 0);
  else vm_stat_account(mm, flags, len >>> 12);
  if (flags & VM_LOCKED) mm.locked_vm += len >>> 12;
  return 0;
}

/**
 * Linux: SYSCALL_DEFINE1(brk): returns the new break, or the old one on any failure (never -errno).
 * After mlockall(MCL_FUTURE) the new heap pages are faulted in at once (counted for `task`).
 */
export function sys_brk(mm: mm_struct, brk: number, task: task_struct | null = null): number {
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
  if (mm.def_flags & VM_LOCKED) mm_populate(mm, task, oldbrk, newbrk - oldbrk);
  return brk;
}

// ---- munmap -------------------------------------------------------------------------------------

/**
 * Linux: __do_munmap(): unmap [start, start+len), splitting VMAs at the ends: zap the PTEs, free the
 * page tables nothing needs any more, flush the TLB, undo the accounting (mlock's too). Unmapping a
 * hole is not an error. Returns 0, -EINVAL (start not page aligned, range beyond TASK_SIZE, len 0)
 * or -ENOMEM (a split would pass max_map_count).
 */
export function do_munmap(mm: mm_struct, start: number, len: number): number {
  start >>>= 0;
  len >>>= 0;
  if ((start & ~PAGE_MASK) !== 0 || start > TASK_SIZE || len > TASK_SIZE - start) return -EINVAL;
  len = PAGE_ALIGN(len);
  if (len === 0) return -EINVAL;
  const end = start + len;
  const vma = find_vma_intersection(mm, start, end);
  if (vma === null) return 0;
  if (start > vma.vm_start) {
    // Leave map_count within its limit afterwards; going over it for a moment is fine.
    if (end < vma.vm_end && mm.map_count >= sysctl_max_map_count(mm.kernel)) return -ENOMEM;
    __split_vma(mm, vma, start, false);
  }
  const last = find_vma(mm, end);
  if (last !== null && end > last.vm_start) __split_vma(mm, last, end, true);
  update_hiwater_vm(mm);
  const doomed: vm_area_struct[] = [];
  // From the first VMA at or after start again: splitting `last` may have put a new VMA below vma.
  for (let v = find_vma(mm, start); v !== null && v.vm_start < end; v = v.vm_next) doomed.push(v);
  for (const v of doomed) {
    if (v.vm_flags & VM_LOCKED) mm.locked_vm -= vma_pages(v); // Linux: unlock_range()
    vma_unlink(mm, v);
    zap_page_range(mm, v.vm_start, v.vm_end);
    remove_vma(mm, v);
  }
  unmap_region_tables(mm, start, end);
  flush_tlb_mm(mm);
  return 0;
}

/** Linux: SYSCALL_DEFINE2(munmap) -> __vm_munmap(). */
export function sys_munmap(mm: mm_struct, addr: number, len: number): number {
  return do_munmap(mm, addr, len);
}

/** Linux: remove_vma() + remove_vma_list()'s accounting: a VMA that is gone. */
function remove_vma(mm: mm_struct, vma: vm_area_struct): void {
  vm_stat_account(mm, vma.vm_flags, -vma_pages(vma));
  vma_put_refs(mm.kernel, vma);
  traceVma(mm, "remove_vma", vma);
}

/** Linux: free_pgtables() for an unmapped range: PTE tables no VMA needs any more. */
function unmap_region_tables(mm: mm_struct, start: number, end: number): void {
  free_pgd_range(mm, start, end, (lo, hi) => {
    const v = find_vma(mm, lo);
    return v !== null && v.vm_start < hi;
  });
}

// ---- The stack and the end ----------------------------------------------------------------------

/**
 * Linux: expand_stack() -> expand_downwards(): grow a VM_GROWSDOWN VMA down to `address`, keeping the
 * guard gap to the mapping below and the stack under RLIMIT_STACK. Returns 0 or -ENOMEM.
 */
export function expand_stack(vma: vm_area_struct, address: number): number {
  const mm = vma.vm_mm as mm_struct;
  address = (address & PAGE_MASK) >>> 0;
  if (address < MMAP_MIN_ADDR) return -ENOMEM;
  const prev = vma.vm_prev;
  if (prev !== null && (prev.vm_flags & VM_GROWSDOWN) === 0 && (prev.vm_flags & (VM_READ | VM_WRITE | VM_EXEC)) !== 0) {
    if (address - prev.vm_end < STACK_GUARD_GAP) return -ENOMEM;
  }
  anon_vma_prepare(vma); // Linux: "We must make sure the anon_vma is allocated" (fork copies the stack)
  if (address >= vma.vm_start) return 0;
  const size = vma.vm_end - address;
  const grow = (vma.vm_start - address) >>> 12;
  // Linux: acct_stack_growth(): the address-space limit, then the stack limit of `current`.
  if (grow > vma.vm_pgoff || !may_expand_vm(mm, vma.vm_flags, grow)) return -ENOMEM;
  if (size > rlimit(mm.kernel.current, RLIMIT_STACK)) return -ENOMEM;
  if (vma.vm_flags & VM_LOCKED) mm.locked_vm += grow;
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
  mm.locked_vm = 0;
  free_pgd_range(mm, 0, TASK_SIZE, () => false);
  flush_tlb_mm(mm);
  pgd_free(mm);
  asid_free(k, mm);
}
