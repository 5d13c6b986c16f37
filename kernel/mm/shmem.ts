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
//         .vma_refs                                     (Linux: the file's f_count, one per VMA)
//     vma.vm_pgoff        = offset of vm_start in it    (0 at mmap; split/mremap keep it linear)
//
// A fault at address a of the VMA wants offset linear_page_index(vma, a). A page in the object has
// one reference for the object plus one per PTE: _refcount == _mapcount + 1 + 1. It is
// PageSwapBacked and not PageAnon, so mm_counter() counts it as MM_SHMEMPAGES, as Linux does. When the
// last VMA goes, the object drops its references and the pages are freed.
//
// A System V segment (kernel/ipc/shm.ts) is a shmem object too, made by shmem_kernel_file_setup():
// the segment holds one reference of its own, so its pages outlive every VMA until IPC_RMID. Its
// VMAs have their own vm_ops ("shm"), whose ->shmem() leads to the object, so vma_is_shmem() is true
// for them and faults, mincore and madvise treat them as shared memory. (Linux's vma_is_shmem() is
// false for them, but shm_vm_ops forwards ->fault to shmem_fault, which is what vmos's means.)

import { COST } from "../../src/hw/clock.js";
import type { Kernel } from "../kernel.js";
import { SetPageSwapBacked, SetPageUptodate, type page } from "./page.js";
import { alloc_page, put_page } from "./page_alloc.js";
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
   * VMAs that hold this object (Linux: f_count of the shmem file, one per vma->vm_file), plus one
   * for the kernel object that holds it, if any (shmem_kernel_file_setup).
   */
  vma_refs = 1;
  /** Linux: the file's name, shown as "/NAME (deleted)" in /proc/PID/maps. */
  name = "dev/zero";
  /** Linux: i_ino. null until /proc numbers it (get_next_ino); a SysV segment's is its shmid. */
  i_ino: number | null = null;

  /** `size_pages`: Linux's i_size in pages; offsets at or beyond it fault with SIGBUS. */
  constructor(readonly size_pages: number) {}
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
}

/**
 * Linux: shmem_fault() -> shmem_getpage_gfp(SGP_CACHE): the page at offset `index`, allocated
 * zeroed on first use and kept in the object. Returns the page (no reference taken for the caller:
 * the one who maps it takes one), or VM_FAULT_SIGBUS past the object's size, or VM_FAULT_OOM.
 */
export function shmem_getpage(k: Kernel, info: shmem_inode_info, index: number): page | "sigbus" | "oom" {
  const found = info.pages.get(index);
  if (found !== undefined) return found;
  // Linux: "if (sgp <= SGP_CACHE && index << PAGE_SHIFT >= i_size) return -EINVAL" -> SIGBUS: a
  // shared anonymous mapping that mremap grew has nothing behind its new pages.
  if (index >= info.size_pages) return "sigbus";
  const p = alloc_page(k.zone);
  if (p === null) return "oom";
  k.machine.ram.zeroFrame(p.pfn);
  k.machine.clock.advance(COST.zeroPage);
  SetPageSwapBacked(p);
  SetPageUptodate(p);
  p.mapping = info;
  p.index = index;
  info.pages.set(index, p);
  return p;
}

/**
 * Linux: shmem_truncate_range() for one page: drop the object's page at `index`, if any. Every PTE
 * mapping it must be gone already (the caller zapped them), so this frees it.
 */
export function shmem_remove_page(k: Kernel, info: shmem_inode_info, index: number): void {
  const p = info.pages.get(index);
  if (p === undefined) return;
  info.pages.delete(index);
  put_page(k.zone, p);
}

/** Linux: find_get_page() on the object, for mincore(): the page at `index` if it exists. */
export function shmem_find_page(info: shmem_inode_info, index: number): page | null {
  return info.pages.get(index) ?? null;
}
