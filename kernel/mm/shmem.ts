// Linux: mm/shmem.c, the one use vmos has for it so far: shared anonymous memory, what
// mmap(MAP_SHARED | MAP_ANONYMOUS) gives. Linux backs such a mapping with an unlinked file on its
// internal tmpfs ("/dev/zero (deleted)" in /proc/PID/maps), made by shmem_zero_setup(); the pages
// live in that file's page cache, indexed by page offset, so every PTE that maps offset i of the
// mapping -- in this process, in a forked child, after mremap moved it -- finds the same frame.
//
// vmos keeps the same structure without the file (tmpfs arrives with the filesystem):
//
//     vma.vm_ops          = shmem_vm_ops                (so vma_is_shmem(vma) is true)
//     vma.vm_private_data = shmem_inode_info            (what Linux reaches as vma->vm_file->f_mapping)
//         .pages: Map<pgoff, page>                      (Linux: mapping->i_pages)
//         .swapped: Map<pgoff, swp_entry_t>             (Linux: the swap entries in i_pages)
//         .i_mmap: the VMAs that map it                 (Linux: mapping->i_mmap, for rmap)
//         .vma_refs                                     (Linux: the file's f_count, one per VMA)
//     vma.vm_pgoff        = offset of vm_start in it    (0 at mmap; split/mremap keep it linear)
//
// A fault at address a of the VMA wants offset linear_page_index(vma, a). A page in the object has
// one reference for the object plus one per PTE: _refcount == _mapcount + 1 + 1. It is
// PageSwapBacked and not PageAnon, so mm_counter() counts it as MM_SHMEMPAGES, as Linux does. When the
// last VMA goes, the object drops its references and the pages are freed.
//
// Under memory pressure a shmem page goes to swap like an anonymous one, but its PTEs are simply
// cleared (as for a file page) and the object remembers where the page went (Linux: shmem_writepage
// stores the swap entry in i_pages in the page's place): `swapped` maps the offset to the swap entry,
// which holds one swap_map reference. The next shmem_getpage() of that offset reads it back and the
// slot is freed: a shmem page lives in the object or in swap, never in both for long. An object that
// sends a page to swap joins the kernel's shmem_swaplist, so that swapoff can find every such page
// (shmem_unuse).
//
// A System V segment (kernel/ipc/shm.ts) is a shmem object too, made by shmem_kernel_file_setup():
// the segment holds one reference of its own, so its pages outlive every VMA until IPC_RMID. Its
// VMAs have their own vm_ops ("shm"), whose ->shmem() leads to the object, so vma_is_shmem() is true
// for them and faults, mincore and madvise treat them as shared memory. (Linux's vma_is_shmem() is
// false for them, but shm_vm_ops forwards ->fault to shmem_fault, which is what vmos's means.)

import { COST } from "../../src/hw/clock.js";
import { BUG_ON } from "../bug.js";
import type { Kernel } from "../kernel.js";
import { io_wait_now } from "../sched/core.js";
import type { task_struct } from "../proc/task.js";
import { ENOMEM } from "../syscalls/errno.js";
import { hex } from "../trace.js";
import { SetPageDirty, SetPageSwapBacked, SetPageUptodate, type page } from "./page.js";
import { swap_writepage } from "./page_io.js";
import { __alloc_pages, __GFP_RETRY_MAYFAIL, GFP_HIGHUSER_MOVABLE, put_page } from "./page_alloc.js";
import { lru_cache_add } from "./swap.js";
import { add_to_swap_cache, delete_from_swap_cache, lookup_swap_cache, read_swap_cache_async } from "./swap_state.js";
import { free_swap_and_cache, get_swap_page, swap_duplicate, swap_free } from "./swapfile.js";
import { swp_type, type swp_entry_t } from "./swapops.js";
import { vma_pages, type vm_area_struct } from "./vma.js";

/**
 * Linux: struct vm_operations_struct, as far as vmos uses it: a name for /proc and traces, and the
 * open/close callbacks Linux runs when a VMA is copied (split, mremap, fork: vm_area_dup) and when
 * one goes away (remove_vma, or merged into a neighbour). A VMA with vm_ops is not anonymous in
 * Linux's sense (vma_is_anonymous() is !vma->vm_ops).
 */
export interface vm_operations_struct {
  readonly name: string;
  /**
   * The shmem object behind a VMA of these ops, for ops other than shmem_vm_ops whose VMAs are
   * backed by one (Linux: the shmem file under vma->vm_file, e.g. shm_file_data's ->file).
   */
  shmem?(vma: vm_area_struct): shmem_inode_info;
  /** A new copy of a VMA now holds what the VMA held (Linux: ->open, e.g. shm_open bumps shm_nattch). */
  open?(vma: vm_area_struct): void;
  /** A VMA is going away (Linux: ->close, e.g. shm_close). */
  close?(k: Kernel, vma: vm_area_struct): void;
}

/** Linux: shmem_vm_ops (mm/shmem.c). Has no ->close, so split halves may merge again, as in Linux. */
export const shmem_vm_ops: vm_operations_struct = { name: "shmem" };

/** Linux: struct shmem_inode_info + its address_space: the memory behind a shared anonymous mapping. */
export class shmem_inode_info {
  /** Linux: mapping->i_pages. Each page here holds one reference owned by the object. */
  readonly pages = new Map<number, page>();
  /**
   * Pages that are in swap, by offset: Linux keeps their swap entries in i_pages (xa_mk_value) and
   * counts them in info->swapped. Each entry holds one swap_map reference. Never an offset of `pages`.
   */
  readonly swapped = new Map<number, swp_entry_t>();
  /** Linux: mapping->i_mmap: the VMAs that map this object (rmap.ts keeps it; reclaim walks it). */
  readonly i_mmap = new Set<vm_area_struct>();
  /**
   * VMAs that hold this object (Linux: f_count of the shmem file, one per vma->vm_file), plus one
   * for the kernel object that holds it, if any (shmem_kernel_file_setup).
   */
  vma_refs = 1;
  /** Linux: the file's name, shown as "/NAME (deleted)" in /proc/PID/maps. */
  name = "dev/zero";
  /** Linux: i_ino. null until /proc numbers it (get_next_ino); a SysV segment's is its shmid. */
  i_ino: number | null = null;
  /** Linux: info->seals (memfd.ts): F_SEAL_* bits; F_SEAL_SEAL alone means no seal may be added. */
  seals = 1;

  /** `size_pages`: Linux's i_size in pages; offsets at or beyond it fault with SIGBUS (a memfd's changes). */
  constructor(public size_pages: number) {}
}

/** Linux: vma_is_shmem(), widened to every VMA backed by a shmem object (see the top of this file). */
export function vma_is_shmem(vma: vm_area_struct): boolean {
  const ops = vma.vm_ops as vm_operations_struct | null;
  return ops === shmem_vm_ops || ops?.shmem !== undefined;
}

/** The shmem object behind a shmem VMA. */
export function vma_shmem(vma: vm_area_struct): shmem_inode_info {
  const ops = vma.vm_ops as vm_operations_struct;
  return ops === shmem_vm_ops ? vma.vm_private_data as shmem_inode_info : ops.shmem!(vma);
}

/**
 * The shmem objects a kernel object holds besides their VMAs, per kernel, with the holder's name
 * (Linux: shmid_kernel->shm_file). The invariant checker finds their pages and that reference here.
 */
const kernel_files = new WeakMap<Kernel, Map<shmem_inode_info, string>>();

/**
 * Linux: shmem_kernel_file_setup(name, size, flags): a new shmem object of `size_pages` pages named
 * `name`, with its one reference held by the caller, `holder` (a name for the invariant checker),
 * until shmem_kernel_file_put().
 */
export function shmem_kernel_file_setup(k: Kernel, name: string, size_pages: number, holder: string): shmem_inode_info {
  const info = new shmem_inode_info(size_pages);
  info.name = name;
  let files = kernel_files.get(k);
  if (files === undefined) kernel_files.set(k, (files = new Map()));
  files.set(info, holder);
  return info;
}

/** Linux: fput() of a kernel-held shmem file: drop the holder's reference (the last one frees the pages). */
export function shmem_kernel_file_put(k: Kernel, info: shmem_inode_info): void {
  kernel_files.get(k)?.delete(info);
  shmem_put(k, info);
}

/** The shmem objects kernel objects hold, and who holds each (for the invariant checker). */
export function shmem_kernel_files(k: Kernel): ReadonlyMap<shmem_inode_info, string> {
  return kernel_files.get(k) ?? new Map();
}

/**
 * Linux: shmem_zero_setup(): turn a new VMA (not yet linked) into shared anonymous memory of its
 * own size, with one reference held by the VMA.
 */
export function shmem_zero_setup(vma: vm_area_struct): void {
  vma.vm_ops = shmem_vm_ops;
  vma.vm_private_data = new shmem_inode_info(vma_pages(vma));
}

/** One more VMA holds `info` (Linux: get_file() on the shmem file, when a VMA is copied). */
export function shmem_get(info: shmem_inode_info): void {
  info.vma_refs++;
}

/**
 * A VMA no longer holds `info` (Linux: fput() -> shmem_evict_inode -> shmem_truncate_range). The
 * last one frees every page: by then no PTE maps any of them.
 */
export function shmem_put(k: Kernel, info: shmem_inode_info): void {
  if (--info.vma_refs > 0) return;
  for (const p of info.pages.values()) put_page(k.zone, p);
  info.pages.clear();
  for (const entry of info.swapped.values()) free_swap_and_cache(k, entry);
  info.swapped.clear();
  shmem_swaplist.get(k)?.delete(info); // Linux: shmem_evict_inode()
}

/**
 * Linux: shmem_swaplist: per kernel, the shmem objects that have sent a page to swap (an object
 * stays until it is freed or shmem_unuse finds it has none left there).
 */
const shmem_swaplist = new WeakMap<Kernel, Set<shmem_inode_info>>();

/** What a fault learns from shmem_getpage() besides the page: whether it was read from swap, and when. */
export interface shmem_fault_info {
  /** The page came from swap: a major fault (Linux: VM_FAULT_MAJOR, counted in pgmajfault). */
  major: boolean;
  /** The cycle at which its read completes (0: no I/O). */
  done: number;
}

/**
 * Linux: shmem_fault() -> shmem_getpage_gfp(SGP_CACHE): the page at offset `index`, allocated
 * zeroed on first use and kept in the object, or read back from swap (shmem_swapin_page; `fault`
 * says so, and when the read completes: the caller waits for it, and a fault counts it in
 * pgmajfault). Returns the page (no reference taken for the caller: the one who maps it takes one),
 * or VM_FAULT_SIGBUS past the object's size, or VM_FAULT_OOM.
 */
export function shmem_getpage(k: Kernel, info: shmem_inode_info, index: number, fault?: shmem_fault_info): page | "sigbus" | "oom" {
  const found = info.pages.get(index);
  if (found !== undefined) return found;
  if (info.swapped.has(index)) {
    return shmem_swapin_page(k, info, index, GFP_HIGHUSER_MOVABLE, fault ?? { major: false, done: 0 });
  }
  // Linux: "if (sgp <= SGP_CACHE && index << PAGE_SHIFT >= i_size) return -EINVAL" -> SIGBUS: a
  // shared anonymous mapping that mremap grew has nothing behind its new pages.
  if (index >= info.size_pages) return "sigbus";
  const p = __alloc_pages(k, GFP_HIGHUSER_MOVABLE, 0);
  if (p === null) return "oom";
  k.machine.ram.zeroFrame(p.pfn);
  k.machine.clock.advance(COST.zeroPage);
  SetPageSwapBacked(p);
  SetPageUptodate(p);
  p.mapping = info;
  p.index = index;
  info.pages.set(index, p);
  lru_cache_add(k, p);
  return p;
}

/**
 * Linux: shmem_swapin_page(): bring the page at `index` back from swap: through the swap cache
 * (a read into a new page allocated with `gfp`, unless the page is still cached there: `io` says
 * which, and when the read completes), then into the object, out of the swap cache, dirty (its swap
 * copy is about to go), and the slot's reference dropped.
 */
function shmem_swapin_page(k: Kernel, info: shmem_inode_info, index: number, gfp: number, io: shmem_fault_info): page | "oom" {
  const entry = info.swapped.get(index)!;
  const r = read_swap_cache_async(k, entry, gfp);
  if (r === null) return "oom";
  io.major = r.major;
  io.done = r.done;
  const p = r.page;
  p.mapping = info; // Linux: shmem_add_to_page_cache(); the caller's reference becomes the object's
  p.index = index;
  info.pages.set(index, p);
  info.swapped.delete(index);
  delete_from_swap_cache(k, p);
  SetPageDirty(p);
  swap_free(k, entry);
  return p;
}

/**
 * Linux: shmem_writepage(): send a dirty, unmapped page of the object to swap: it takes a slot
 * (false when swap is full or off: it stays), enters the swap cache, leaves the object, whose offset
 * now names the slot, and is written. Reclaim (swap_out.ts) frees it when the write is out.
 * Returns whether it went.
 */
export function shmem_writepage(k: Kernel, p: page): boolean {
  const info = p.mapping as shmem_inode_info;
  BUG_ON(info.pages.get(p.index) !== p || p._mapcount >= 0, "shmem_writepage: the page is not an unmapped page of its object");
  const entry = get_swap_page(k);
  if (entry === 0) return false;
  add_to_swap_cache(k, p, entry);
  swap_duplicate(k, entry); // the object's reference (Linux: swap_shmem_alloc)
  info.pages.delete(p.index);
  info.swapped.set(p.index, entry);
  let swaplist = shmem_swaplist.get(k);
  if (swaplist === undefined) shmem_swaplist.set(k, (swaplist = new Set()));
  swaplist.add(info);
  p.mapping = null; // Linux: shmem_delete_from_page_cache()
  put_page(k.zone, p); // the object's reference; the swap cache holds the page now
  swap_writepage(k, p);
  return true;
}

/**
 * Linux: shmem_truncate_range() for one page: drop the object's page at `index`, if any. Every PTE
 * mapping it must be gone already (the caller zapped them), so this frees it.
 */
export function shmem_remove_page(k: Kernel, info: shmem_inode_info, index: number): void {
  const entry = info.swapped.get(index);
  if (entry !== undefined) {
    info.swapped.delete(index);
    free_swap_and_cache(k, entry); // Linux: shmem_free_swap()
  }
  const p = info.pages.get(index);
  if (p === undefined) return;
  info.pages.delete(index);
  put_page(k.zone, p);
}

/**
 * Linux: find_get_incore_page() on the object, for mincore(): the page at `index` if it is in
 * memory, in the object or, swapped out, still in the swap cache.
 */
export function shmem_find_page(k: Kernel, info: shmem_inode_info, index: number): page | null {
  const p = info.pages.get(index);
  if (p !== undefined) return p;
  const entry = info.swapped.get(index);
  return entry === undefined ? null : lookup_swap_cache(k, entry);
}

/** Linux: shmem_partial_swap_usage(): pages of offsets [first, end) that are in swap. */
export function shmem_swap_usage(info: shmem_inode_info, first: number, end: number): number {
  if (first === 0 && end >= info.size_pages) return info.swapped.size; // Linux: info->swapped
  let n = 0;
  for (const index of info.swapped.keys()) if (index >= first && index < end) n++;
  return n;
}

/**
 * Linux: shmem_unuse() -> shmem_unuse_inode(), for swapoff: bring back into its object every shmem
 * page that is in swap area `type`, each read through the swap cache (the machine waits for the
 * disk, accounted to `task`) with reclaim allowed but not the OOM killer. Returns 0, or -ENOMEM when
 * a page could not be allocated: the pages not yet back stay in swap, the ones back stay back.
 */
export function shmem_unuse(k: Kernel, type: number, task: task_struct | null): number {
  const swaplist = shmem_swaplist.get(k);
  if (swaplist === undefined) return 0;
  for (const info of [...swaplist]) {
    for (const [index, entry] of [...info.swapped]) {
      if (swp_type(entry) !== type) continue;
      const io: shmem_fault_info = { major: false, done: 0 }; // no fault: pgmajfault does not count it
      const p = shmem_swapin_page(k, info, index, GFP_HIGHUSER_MOVABLE | __GFP_RETRY_MAYFAIL, io);
      if (p === "oom") return -ENOMEM;
      io_wait_now(k, task, io.done); // Linux: lock_page() until the read completes
      if (k.trace.mm) k.trace.note("mm", `shmem_unuse entry ${hex(entry)} -> pfn ${hex(p.pfn)} (page ${index} of ${info.name})`);
    }
    if (info.swapped.size === 0) swaplist.delete(info);
  }
  return 0;
}
