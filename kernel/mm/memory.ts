// Linux: mm/memory.c. The page-fault handlers below handle_mm_fault(), and unmapping.
//
//   handle_mm_fault -> __handle_mm_fault -> handle_pte_fault
//       PTE empty, anonymous VMA   -> do_anonymous_page   (read: the zero page; write: a new zeroed page)
//       PTE empty, file VMA        -> do_fault            (read: do_read_fault, which first maps the cached
//                                                          pages around the fault: do_fault_around;
//                                                          private write: do_cow_fault; shared: do_shared_fault)
//       PTE empty, shared memory   -> do_fault            (do_shmem_fault: the shmem object's page,
//                                                          read back from swap if it went there)
//       swap entry                 -> do_swap_page        (the swap cache's page, or a read from swap)
//       present, write, read-only  -> do_wp_page          (reuse if we are the only user, else wp_page_copy)
//
// A fault that has to wait for the disk (a swap-in) installs its PTE first and then waits: a user
// fault's task sleeps until the read completes (others run meanwhile) and runs the instruction again;
// a fault taken inside the kernel (copy_to_user, populate) idles the machine until then.

import { COST } from "../../src/hw/clock.js";
import { PTE_D } from "../../src/hw/sv32.js";
import { hex } from "../trace.js";
import { f_mapping, type file } from "../fs/file.js";
import { address_space } from "../fs/inode.js";
import { file_update_time, filemap_map_pages, read_cache_page, size_pages, type cached_page } from "./filemap.js";
import { set_page_dirty } from "./page-writeback.js";
import type { Kernel } from "../kernel.js";
import type { task_struct } from "../proc/task.js";
import { add_mm_counter, MM_ANONPAGES, MM_SHMEMPAGES, MM_SWAPENTS, update_hiwater_rss, type mm_struct } from "./mm_types.js";
import {
  get_page, page_count, page_mapcount, PageMlocked, PageSwapCache, PageWriteback, SetPageDirty, type page,
} from "./page.js";
import { __alloc_pages, GFP_HIGHUSER_MOVABLE, put_page } from "./page_alloc.js";
import { lru_cache_add_inactive_or_unevictable } from "./swap.js";
import { io_wait_now, sleep_until } from "../sched/core.js";
import { delete_from_swap_cache, free_swap_cache, read_swap_cache_async } from "./swap_state.js";
import { __swap_count, free_swap_and_cache, swap_areas, swap_free, try_to_free_swap, vm_swap_full } from "./swapfile.js";
import { pte_to_swp_entry, swp_offset, swp_type } from "./swapops.js";
import {
  maybe_mkwrite, pfn_pte, pte_alloc, pte_mkdirty, pte_mkwrite, pte_mkspecial, pte_mkyoung, pte_none, pte_offset,
  pte_perms, pte_pfn, pte_present, pte_special, pte_write, set_pte_at, flush_tlb_page,
} from "./pgtable.js";
import {
  linear_page_index, mm_counter, page_add_anon_rmap, page_add_new_anon_rmap, page_add_rmap, PageAnon, page_remove_rmap,
} from "./rmap.js";
import { shmem_getpage, shmem_inode_info, vma_is_shmem, vma_shmem, type shmem_fault_info } from "./shmem.js";
import { VM_LOCKED, VM_SHARED, VM_WRITE, vma_pages, type vm_area_struct } from "./vma.js";

const PAGE_SIZE = 4096;

// Linux: enum fault_flag (include/linux/mm.h).
export const FAULT_FLAG_WRITE = 0x01;
export const FAULT_FLAG_USER = 0x40;
export const FAULT_FLAG_INSTRUCTION = 0x100;

// Linux: vm_fault_t bits (include/linux/mm_types.h).
export const VM_FAULT_OOM = 0x1;
export const VM_FAULT_SIGBUS = 0x2;
export const VM_FAULT_MAJOR = 0x4;
export const VM_FAULT_WRITE = 0x8;
export const VM_FAULT_SIGSEGV = 0x40;
/** The handler installed the PTE itself (fault-around mapped the faulting page): nothing more to do. */
export const VM_FAULT_NOPAGE = 0x100;
export const VM_FAULT_ERROR = VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV;

/** Linux: struct vm_fault: one fault being handled. */
interface vm_fault {
  vma: vm_area_struct;
  mm: mm_struct;
  /** Faulting address, page aligned. */
  address: number;
  flags: number;
  pgoff: number;
  /** Physical address of the PTE, and its value when the fault started. */
  ptep: number;
  orig_pte: number;
  /** The cycle at which a disk read the fault needs completes; 0 when it needs none (vmos). */
  io_done: number;
}

/** Linux: vma_is_anonymous() (!vma->vm_ops): private anonymous memory; no file, no shmem object. */
export function vma_is_anonymous(vma: vm_area_struct): boolean {
  return vma.vm_file === null && vma.vm_ops === null;
}

/**
 * Linux: handle_mm_fault(): resolve a fault at `address` in `vma` (the caller checked the access is
 * allowed). Counts pgfault for every call and min_flt/maj_flt for the ones that succeed, as 5.15 does.
 */
export function handle_mm_fault(vma: vm_area_struct, address: number, flags: number, task: task_struct | null): number {
  const mm = vma.vm_mm as mm_struct;
  const k = mm.kernel;
  k.vm_events.pgfault++;
  if (k.trace.fault) k.trace.enter("fault", "handle_mm_fault");
  const vmf = __handle_mm_fault(vma, address, flags);
  const ret = vmf === null ? VM_FAULT_OOM : handle_pte_fault(vmf);
  // Linux: mm_account_fault().
  if (task !== null && (ret & VM_FAULT_ERROR) === 0) {
    if (ret & VM_FAULT_MAJOR) task.maj_flt++;
    else task.min_flt++;
  }
  if (k.trace.fault) k.trace.exit("fault", "handle_mm_fault", ret ? `= ${faultName(ret)}` : "");
  if (vmf !== null && vmf.io_done !== 0 && (ret & VM_FAULT_ERROR) === 0) wait_for_fault_io(k, task, flags, vmf.io_done);
  return ret;
}

/**
 * Linux: the lock_page() a fault does on a page under read I/O. A user fault's task sleeps until
 * the read completes and then runs the faulting instruction again (its PTE is in place already);
 * a fault the kernel takes for itself cannot be suspended in vmos, so the machine waits.
 */
function wait_for_fault_io(k: Kernel, task: task_struct | null, flags: number, done: number): void {
  if ((flags & FAULT_FLAG_USER) !== 0 && task !== null && task === k.current) sleep_until(k, task, done, "swap-in");
  else io_wait_now(k, task, done);
}

function faultName(ret: number): string {
  const names: [number, string][] = [[VM_FAULT_OOM, "VM_FAULT_OOM"], [VM_FAULT_SIGBUS, "VM_FAULT_SIGBUS"],
    [VM_FAULT_MAJOR, "VM_FAULT_MAJOR"], [VM_FAULT_WRITE, "VM_FAULT_WRITE"], [VM_FAULT_SIGSEGV, "VM_FAULT_SIGSEGV"],
    [VM_FAULT_NOPAGE, "VM_FAULT_NOPAGE"]];
  return names.filter(([bit]) => ret & bit).map(([, n]) => n).join("|");
}

/** Linux: __handle_mm_fault(): the fault's vm_fault, with its PTE table allocated; null if out of memory. */
function __handle_mm_fault(vma: vm_area_struct, address: number, flags: number): vm_fault | null {
  const mm = vma.vm_mm as mm_struct;
  const page_address = (address & ~0xfff) >>> 0;
  const ptep = pte_alloc(mm, page_address);
  if (ptep < 0) return null;
  return {
    vma, mm, address: page_address, flags, pgoff: linear_page_index(vma, page_address),
    ptep, orig_pte: mm.kernel.machine.ram.read32(ptep), io_done: 0,
  };
}

/** Linux: handle_pte_fault(). */
function handle_pte_fault(vmf: vm_fault): number {
  const { orig_pte } = vmf;
  if (pte_none(orig_pte)) return vma_is_anonymous(vmf.vma) ? do_anonymous_page(vmf) : do_fault(vmf);
  if (!pte_present(orig_pte)) return do_swap_page(vmf);
  let entry = orig_pte;
  if (vmf.flags & FAULT_FLAG_WRITE) {
    if (!pte_write(entry)) return do_wp_page(vmf);
    entry = pte_mkdirty(entry);
  }
  // A spurious fault (the TLB still held the old PTE): refresh A/D and flush.
  entry = pte_mkyoung(entry);
  if (entry !== orig_pte) set_pte_at(vmf.mm, vmf.address, vmf.ptep, entry);
  else flush_tlb_page(vmf.mm, vmf.address);
  return 0;
}

/** A zeroed frame for user memory (Linux: alloc_zeroed_user_highpage_movable), or null. */
function alloc_zeroed_user_page(mm: mm_struct): page | null {
  const k = mm.kernel;
  const p = __alloc_pages(k, GFP_HIGHUSER_MOVABLE, 0);
  if (p === null) return null;
  k.machine.ram.zeroFrame(p.pfn);
  k.machine.clock.advance(COST.zeroPage);
  return p;
}

/** Install `entry` for a fault and say so in the trace (Linux: set_pte_at + update_mmu_cache). */
function install_pte(vmf: vm_fault, entry: number, why: string): void {
  const k = vmf.mm.kernel;
  if (k.trace.fault) k.trace.note("fault", `set_pte ${hex(vmf.address)} -> pfn ${hex(pte_pfn(entry))} ${pte_perms(entry)}${why}`);
  set_pte_at(vmf.mm, vmf.address, vmf.ptep, entry);
}

/** Linux: do_anonymous_page(). A read maps the shared zero page; a write gets a private zeroed page. */
function do_anonymous_page(vmf: vm_fault): number {
  const { vma, mm } = vmf;
  const k = mm.kernel;
  if (k.trace.fault) k.trace.enter("fault", "do_anonymous_page");
  let ret = 0;
  if (vma.vm_flags & VM_SHARED) {
    ret = VM_FAULT_SIGBUS; // Linux: "File mapping without ->vm_ops ?" (shared memory has shmem's)
  } else if ((vmf.flags & FAULT_FLAG_WRITE) === 0) {
    install_pte(vmf, pte_mkspecial(pfn_pte(k.zero_pfn, vma.vm_page_prot)), " (zero page)");
  } else {
    const p = alloc_zeroed_user_page(mm);
    if (p === null) ret = VM_FAULT_OOM;
    else {
      if (k.trace.fault) k.trace.note("fault", `alloc_page = pfn ${hex(p.pfn)}`);
      let entry = pfn_pte(p.pfn, vma.vm_page_prot);
      if (vma.vm_flags & VM_WRITE) entry = pte_mkwrite(pte_mkdirty(entry));
      add_mm_counter(mm, MM_ANONPAGES, 1);
      page_add_new_anon_rmap(p, vma, vmf.address);
      lru_cache_add_inactive_or_unevictable(k, p, vma);
      install_pte(vmf, entry, "");
    }
  }
  if (k.trace.fault) k.trace.exit("fault", "do_anonymous_page", ret ? `= ${faultName(ret)}` : "");
  return ret;
}

/**
 * Linux: do_read_fault()/do_shared_fault() on a shmem VMA -> shmem_fault() + finish_fault(): map the
 * page at vmf.pgoff of the VMA's shmem object (shmem.ts), the same frame for every PTE of every
 * process that maps that offset. A read fault allocates too: shmem has no zero-page trick.
 */
function do_shmem_fault(vmf: vm_fault): number {
  const { vma, mm } = vmf;
  const fault: shmem_fault_info = { major: false, done: 0 };
  const p = shmem_getpage(mm.kernel, vma_shmem(vma), vmf.pgoff, fault);
  if (p === "sigbus") return VM_FAULT_SIGBUS;
  if (p === "oom") return VM_FAULT_OOM;
  vmf.io_done = fault.done;
  if (fault.major) mm.kernel.vm_events.pgmajfault++; // Linux: shmem_swapin_page() counts a fault's read
  get_page(p);
  page_add_rmap(p);
  add_mm_counter(mm, MM_SHMEMPAGES, 1);
  let entry = pfn_pte(p.pfn, vma.vm_page_prot);
  if (vmf.flags & FAULT_FLAG_WRITE) entry = maybe_mkwrite(pte_mkdirty(entry), vma.vm_flags);
  install_pte(vmf, entry, ` (shmem page ${vmf.pgoff}${fault.major ? ", from swap" : ""})`);
  return fault.major ? VM_FAULT_MAJOR : 0;
}

/** Linux: do_fault(): a page of a file-backed VMA (the program's ELF image) or of shared memory. */
function do_fault(vmf: vm_fault): number {
  const k = vmf.mm.kernel;
  const write = (vmf.flags & FAULT_FLAG_WRITE) !== 0;
  const name = !write ? "do_read_fault" : vmf.vma.vm_flags & VM_SHARED ? "do_shared_fault" : "do_cow_fault";
  if (k.trace.fault) k.trace.enter("fault", name, `pgoff ${vmf.pgoff}`);
  let ret: number;
  // Linux: vm_ops->fault = shmem_fault; a write to a private mapping of a memfd copies its page.
  if (vma_is_shmem(vmf.vma) && (!write || vmf.vma.vm_flags & VM_SHARED)) ret = do_shmem_fault(vmf);
  else if (!write) ret = do_read_fault(vmf);
  else if (vmf.vma.vm_flags & VM_SHARED) ret = do_shared_fault(vmf);
  else ret = do_cow_fault(vmf);
  if (k.trace.fault) k.trace.exit("fault", name, ret ? `= ${faultName(ret)}` : "");
  return ret;
}

/**
 * Linux: __do_fault() -> filemap_fault(): the page-cache page behind the fault, read from the file if
 * it is not cached (a major fault: pgmajfault, and the I/O's simulated time). Past the end of the
 * file is SIGBUS, as Linux's "if (index >= max_idx) return VM_FAULT_SIGBUS".
 */
function __do_fault(vmf: vm_fault): cached_page | number {
  const k = vmf.mm.kernel;
  if (vma_is_shmem(vmf.vma)) { // a private mapping of a memfd (memfd.ts): Linux's shmem_fault
    const fault: shmem_fault_info = { major: false, done: 0 };
    const p = shmem_getpage(k, vma_shmem(vmf.vma), vmf.pgoff, fault);
    if (p === "sigbus") return VM_FAULT_SIGBUS;
    if (p === "oom") return VM_FAULT_OOM;
    vmf.io_done = fault.done; // a page read back from swap: the task waits for it, as in do_shmem_fault
    if (fault.major) k.vm_events.pgmajfault++;
    return { page: p, major: fault.major };
  }
  const mapping = f_mapping(vmf.vma.vm_file as file)!;
  if (vmf.pgoff >= size_pages(mapping.host.i_size)) return VM_FAULT_SIGBUS;
  const r = read_cache_page(k, mapping, vmf.pgoff);
  if (typeof r === "number") return r === -12 ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
  if (r.major) k.vm_events.pgmajfault++;
  return r;
}

/** Map a page-cache page at the fault (Linux: finish_fault -> do_set_pte -> page_add_file_rmap). */
function map_file_page(vmf: vm_fault, p: page, entry: number, why: string): void {
  get_page(p);
  page_add_rmap(p);
  add_mm_counter(vmf.mm, mm_counter(p), 1);
  install_pte(vmf, entry, why);
}

/** Linux: fault_around_bytes (debugfs; rounddown_pow_of_two(65536)): a read fault maps up to 16 pages. */
export const FAULT_AROUND_BYTES = 65536;
/** Linux: PTRS_PER_PTE on Sv32: one page table maps 1024 pages (4 MiB). */
const PTRS_PER_PTE = 1024;

/**
 * Linux: do_fault_around() -> filemap_map_pages(): before reading the faulting page, map every page
 * around it that the page cache already holds (no I/O), each as a read fault would (minor, counted in
 * RSS and the page's mapcount). The window is FAULT_AROUND_BYTES aligned, cut to the VMA, one page
 * table and the file's end. Returns VM_FAULT_NOPAGE if the faulting page was one of them, else 0.
 */
function do_fault_around(vmf: vm_fault): number {
  const { vma, mm } = vmf;
  const k = mm.kernel;
  const ram = k.machine.ram;
  const nr_pages = FAULT_AROUND_BYTES / PAGE_SIZE;
  const mask = ~(nr_pages * PAGE_SIZE - 1);
  const address = Math.max((vmf.address & mask) >>> 0, vma.vm_start);
  const off = ((vmf.address - address) / PAGE_SIZE) & (PTRS_PER_PTE - 1);
  const start_pgoff = vmf.pgoff - off;
  // "end_pgoff is either the end of the page table, the end of the vma or nr_pages from start_pgoff,
  // depending what is nearest."
  const end_pgoff = Math.min(start_pgoff - ((address / PAGE_SIZE) & (PTRS_PER_PTE - 1)) + PTRS_PER_PTE - 1,
    vma_pages(vma) + vma.vm_pgoff - 1, start_pgoff + nr_pages - 1);
  let ret = 0, mapped = 0;
  filemap_map_pages(f_mapping(vma.vm_file as file)!, start_pgoff, end_pgoff, (p, pgoff) => {
    const addr = vma.vm_start + (pgoff - vma.vm_pgoff) * PAGE_SIZE;
    const ptep = addr === vmf.address ? vmf.ptep : pte_offset(ram, mm, addr);
    if (ptep < 0 || !pte_none(ram.read32(ptep))) return;
    if (addr === vmf.address) ret = VM_FAULT_NOPAGE; // "We're about to handle the fault"
    get_page(p);
    page_add_rmap(p);
    add_mm_counter(mm, mm_counter(p), 1);
    set_pte_at(mm, addr, ptep, pfn_pte(p.pfn, vma.vm_page_prot)); // Linux: do_set_pte() + update_mmu_cache()
    mapped++;
  });
  if (k.trace.fault && mapped > 0) {
    k.trace.note("fault", `do_fault_around: mapped ${mapped} cached page${mapped === 1 ? "" : "s"} of pgoff ${start_pgoff}-${end_pgoff}`);
  }
  return ret;
}

/**
 * Linux: do_read_fault(): map the cached pages around the fault (do_fault_around), then, unless that
 * mapped the faulting page too, read it (__do_fault) and map it with the VMA's protection (read-only
 * for a shared writable mapping, so the first write faults and dirties the page: writenotify).
 */
function do_read_fault(vmf: vm_fault): number {
  if (FAULT_AROUND_BYTES / PAGE_SIZE > 1) {
    const around = do_fault_around(vmf);
    if (around !== 0) return around;
  }
  const r = __do_fault(vmf);
  if (typeof r === "number") return r;
  map_file_page(vmf, r.page, pfn_pte(r.page.pfn, vmf.vma.vm_page_prot), ` (file page ${vmf.pgoff})`);
  return r.major ? VM_FAULT_MAJOR : 0;
}

/** Linux: do_shared_fault(): a write to a shared file mapping: map the cached page writable, dirty it. */
function do_shared_fault(vmf: vm_fault): number {
  const r = __do_fault(vmf);
  if (typeof r === "number") return r;
  const k = vmf.mm.kernel;
  file_update_time(k, (r.page.mapping as address_space).host); // Linux: do_page_mkwrite() -> filemap_page_mkwrite()
  set_page_dirty(k, r.page); // Linux: fault_dirty_shared_page()
  const entry = maybe_mkwrite(pte_mkdirty(pfn_pte(r.page.pfn, vmf.vma.vm_page_prot)), vmf.vma.vm_flags);
  map_file_page(vmf, r.page, entry, ` (shared file page ${vmf.pgoff}, dirty)`);
  return r.major ? VM_FAULT_MAJOR : 0;
}

/** Linux: do_cow_fault(): first touch of a private file page is a write: copy it into an anonymous page. */
function do_cow_fault(vmf: vm_fault): number {
  const { vma, mm } = vmf;
  const k = mm.kernel;
  const r = __do_fault(vmf);
  if (typeof r === "number") return r;
  get_page(r.page); // Linux: __do_fault() returns the page held: reclaim must not take it while we copy
  const p = __alloc_pages(k, GFP_HIGHUSER_MOVABLE, 0);
  if (p !== null) {
    k.machine.ram.copyFrame(p.pfn, r.page.pfn);
    k.machine.clock.advance(COST.copyPage);
  }
  put_page(k.zone, r.page);
  if (p === null) return VM_FAULT_OOM;
  add_mm_counter(mm, MM_ANONPAGES, 1);
  page_add_new_anon_rmap(p, vma, vmf.address);
  lru_cache_add_inactive_or_unevictable(k, p, vma);
  install_pte(vmf, maybe_mkwrite(pte_mkdirty(pfn_pte(p.pfn, vma.vm_page_prot)), vma.vm_flags), ` (private copy of file page ${vmf.pgoff})`);
  return r.major ? VM_FAULT_MAJOR : 0;
}

/**
 * Linux 5.15: reuse_swap_page(): may a write fault make this swap-cache page ours? Only if nothing
 * else maps it and no other PTE or shmem object refers to its slot (mapcount + swap count <= 1).
 * Then it also leaves the swap cache (its slot is freed once our PTE's reference goes) and is dirty:
 * memory has the only up-to-date copy.
 */
function reuse_swap_page(k: Kernel, p: page): boolean {
  const count = page_mapcount(p) + (PageSwapCache(p) ? __swap_count(k, p.private) : 0);
  if (count === 1 && PageSwapCache(p) && !PageWriteback(p)) {
    delete_from_swap_cache(k, p);
    SetPageDirty(p);
  }
  return count <= 1;
}

/**
 * Linux 5.15: do_swap_page(): the PTE holds a swap entry. The swap cache may still have the page
 * (a minor fault); if not, it is read from its slot into a new page that enters the swap cache (a
 * major fault: pgmajfault, and the task sleeps for the read). Either way the PTE maps the page now,
 * MM_SWAPENTS becomes MM_ANONPAGES again and the PTE's slot reference is dropped; the page keeps its
 * slot in the swap cache (so it can be dropped again without a write) unless a write fault may reuse
 * it, swap is more than half full, or the VMA is locked. A write that may not reuse it copies it.
 */
function do_swap_page(vmf: vm_fault): number {
  const { vma, mm } = vmf;
  const k = mm.kernel;
  const entry = pte_to_swp_entry(vmf.orig_pte);
  const si = swap_areas(k)[swp_type(entry)];
  if (si === undefined || swp_offset(entry) === 0 || swp_offset(entry) >= si.max) {
    // Linux: print_bad_pte() + VM_FAULT_SIGBUS: a corrupt PTE kills the process, not the kernel.
    k.report_once(`bad swap pte ${vmf.orig_pte}`, () => `swap_info_get: Bad swap file entry ${hex(entry)}`);
    return VM_FAULT_SIGBUS;
  }
  if (k.trace.fault) k.trace.enter("fault", "do_swap_page", `entry ${hex(entry)}`);
  let ret = 0;
  const r = read_swap_cache_async(k, entry);
  if (r === null) ret = VM_FAULT_OOM;
  else {
    const p = r.page; // with a reference for us, which becomes the PTE's
    if (r.major) {
      ret = VM_FAULT_MAJOR;
      k.vm_events.pgmajfault++;
    }
    vmf.io_done = r.done; // our read, or another fault's still in flight
    add_mm_counter(mm, MM_ANONPAGES, 1);
    add_mm_counter(mm, MM_SWAPENTS, -1);
    let pte = pfn_pte(p.pfn, vma.vm_page_prot);
    if ((vmf.flags & FAULT_FLAG_WRITE) && reuse_swap_page(k, p)) {
      pte = maybe_mkwrite(pte_mkdirty(pte), vma.vm_flags);
      vmf.flags &= ~FAULT_FLAG_WRITE;
      ret |= VM_FAULT_WRITE;
    }
    install_pte(vmf, pte, r.major ? " (read from swap)" : " (from the swap cache)");
    vmf.orig_pte = pte;
    page_add_anon_rmap(p, vma, vmf.address);
    swap_free(k, entry);
    if (vm_swap_full(k) || (vma.vm_flags & VM_LOCKED) || PageMlocked(p)) try_to_free_swap(k, p);
    if (vmf.flags & FAULT_FLAG_WRITE) {
      ret |= do_wp_page(vmf);
      if (ret & VM_FAULT_ERROR) ret &= VM_FAULT_ERROR;
    }
  }
  if (k.trace.fault) k.trace.exit("fault", "do_swap_page", ret ? `= ${faultName(ret)}` : "");
  return ret;
}

/** Linux: vm_normal_page(): the struct page behind a PTE, or null for special PTEs (the zero page). */
export function vm_normal_page(mm: mm_struct, pte: number): page | null {
  return pte_special(pte) ? null : mm.kernel.mem_map[pte_pfn(pte)]!;
}

/**
 * Linux 5.15: do_wp_page(): a write to a present, write-protected PTE in a writable VMA. An anonymous
 * page that only we use (page_count == 1 && page_mapcount == 1) is reused; anything else is copied.
 */
function do_wp_page(vmf: vm_fault): number {
  const { mm } = vmf;
  const k = mm.kernel;
  if (k.trace.fault) k.trace.enter("fault", "do_wp_page");
  const old = vm_normal_page(mm, vmf.orig_pte);
  let ret: number;
  if (old !== null && PageAnon(old) && page_count(old) === 1 && page_mapcount(old) === 1) {
    wp_page_reuse(vmf);
    ret = 0;
  } else if (old !== null && !PageAnon(old) && (vmf.vma.vm_flags & (VM_WRITE | VM_SHARED)) === (VM_WRITE | VM_SHARED)) {
    // Linux: wp_page_shared(): a shared mapping writes its page in place, never a copy; a file page
    // becomes dirty (the PTE was read-only so that this write would be noticed).
    if (old.mapping instanceof address_space) {
      file_update_time(k, old.mapping.host); // Linux: do_page_mkwrite() -> filemap_page_mkwrite()
      set_page_dirty(k, old);
    }
    wp_page_reuse(vmf);
    ret = 0;
  } else {
    if (old !== null) get_page(old); // Linux: held across wp_page_copy(), whose allocation may reclaim
    ret = wp_page_copy(vmf, old);
  }
  if (k.trace.fault) k.trace.exit("fault", "do_wp_page", ret ? `= ${faultName(ret)}` : "");
  return ret;
}

/** Linux: wp_page_reuse(): make the PTE writable (and dirty, young) in place. */
function wp_page_reuse(vmf: vm_fault): void {
  const k = vmf.mm.kernel;
  k.vm_events.pgreuse++;
  const entry = maybe_mkwrite(pte_mkdirty(pte_mkyoung(vmf.orig_pte)), vmf.vma.vm_flags);
  if (k.trace.fault) k.trace.note("fault", `wp_page_reuse pfn ${hex(pte_pfn(entry))}`);
  set_pte_at(vmf.mm, vmf.address, vmf.ptep, entry);
}

/** Linux: wp_page_copy(): copy the page (or take a zeroed one for the zero page) and map the copy. */
function wp_page_copy(vmf: vm_fault, old: page | null): number {
  const { vma, mm } = vmf;
  const k = mm.kernel;
  let fresh: page | null;
  if (old === null) {
    fresh = alloc_zeroed_user_page(mm);
  } else {
    fresh = __alloc_pages(k, GFP_HIGHUSER_MOVABLE, 0);
    if (fresh !== null) {
      k.machine.ram.copyFrame(fresh.pfn, old.pfn);
      k.machine.clock.advance(COST.copyPage);
    }
  }
  if (fresh === null) {
    if (old !== null) put_page(k.zone, old); // do_wp_page's hold
    return VM_FAULT_OOM;
  }
  if (k.trace.fault) k.trace.note("fault", `wp_page_copy ${old ? `pfn ${hex(old.pfn)}` : "zero page"} -> pfn ${hex(fresh.pfn)}`);
  if (old !== null && !PageAnon(old)) add_mm_counter(mm, mm_counter(old), -1);
  if (old === null || !PageAnon(old)) add_mm_counter(mm, MM_ANONPAGES, 1);
  page_add_new_anon_rmap(fresh, vma, vmf.address);
  lru_cache_add_inactive_or_unevictable(k, fresh, vma);
  install_pte(vmf, maybe_mkwrite(pte_mkdirty(pfn_pte(fresh.pfn, vma.vm_page_prot)), vma.vm_flags), "");
  if (old !== null) {
    page_remove_rmap(old);
    free_swap_cache(k, old); // a swapped-in page nobody else needs leaves the swap cache with its slot
    put_page(k.zone, old);
    put_page(k.zone, old); // do_wp_page's hold
  }
  return VM_FAULT_WRITE;
}

/**
 * Linux: zap_pte_range() over [start, end): clear every PTE, drop the pages' mappings and references,
 * and fix the RSS counters. A swap entry drops its slot reference (free_swap_and_cache); a page
 * that leaves its last mapping leaves the swap cache too if no one needs its slot (Linux:
 * free_pages_and_swap_cache). The caller flushes the TLB and frees page tables.
 */
export function zap_page_range(mm: mm_struct, start: number, end: number): void {
  const k = mm.kernel;
  const ram = k.machine.ram;
  let counted = false;
  for (let va = start; va < end; va += 4096) {
    const ptep = pte_offset(ram, mm, va);
    if (ptep < 0) {
      va = (Math.floor(va / 0x40_0000) + 1) * 0x40_0000 - 4096; // no PTE table: skip to the next 4 MiB
      continue;
    }
    const pte = ram.read32(ptep);
    if (pte_none(pte)) continue;
    ram.write32(ptep, 0);
    if (!pte_present(pte)) {
      add_mm_counter(mm, MM_SWAPENTS, -1); // a swap entry
      free_swap_and_cache(k, pte_to_swp_entry(pte));
      continue;
    }
    const p = vm_normal_page(mm, pte);
    if (p === null) continue;
    if (!counted) {
      update_hiwater_rss(mm);
      counted = true;
    }
    // Linux: zap_pte_range(): a file or shmem page written through this PTE keeps its dirt (for
    // writeback, or so that reclaim swaps it rather than dropping it).
    if ((pte & PTE_D) !== 0 && p.mapping instanceof address_space) set_page_dirty(k, p);
    else if ((pte & PTE_D) !== 0 && p.mapping instanceof shmem_inode_info) SetPageDirty(p);
    add_mm_counter(mm, mm_counter(p), -1);
    page_remove_rmap(p);
    free_swap_cache(k, p);
    put_page(k.zone, p);
  }
}
