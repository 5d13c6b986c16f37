// Linux: mm/swapfile.c, the end of a swap area's life: swapoff(2) -> try_to_unuse(). An area can only
// be switched off once nothing lives in it any more, so every page that is in it comes home first:
//
//   swapoff(si)
//     disable_swap_info        the area takes no new pages; SwapTotal and SwapFree lose its slots,
//                              so reclaim stops swapping anonymous memory (swapfile.ts)
//     try_to_unuse             until no slot is in use:
//       shmem_unuse              every shmem object's pages in the area back into the object (shmem.ts)
//       unuse_mm                 every process: each swap PTE of the area ->
//         unuse_pte_range          the page, from the swap cache or read into it (swapin), and
//         unuse_pte                the PTE maps it again, read-only and old, as a swap-in would
//       the swap cache           a page in memory that still keeps its slot lets go of it (try_to_free_swap)
//     free_swap_info           the area is gone: /proc/swaps no longer lists it
//
// A page that two processes share through one slot (a COW page swapped out after fork) comes back as
// one page: the first PTE reads it into the swap cache, where the second finds it, as do_swap_page
// would; it leaves the swap cache, dirty, when the last PTE is back. Pages in memory stay as they are.
//
// The pages need frames. The allocations may reclaim (file pages: new anonymous ones have nowhere to
// go now) but never call the OOM killer (__GFP_RETRY_MAYFAIL): when memory runs out, swapoff stops, the
// area goes back on with what is still in it (reinsert_swap_info) and the call returns -ENOMEM. What
// came back stays back; nothing is lost either way. Linux instead makes the swapoff task the OOM
// killer's first choice (set_current_oom_origin), which in practice kills it: docs/swap.md.

import type { Kernel } from "../kernel.js";
import type { task_struct } from "../proc/task.js";
import { io_wait_now } from "../sched/core.js";
import { ENOMEM } from "../syscalls/errno.js";
import { hex } from "../trace.js";
import { add_mm_counter, MM_ANONPAGES, MM_SWAPENTS, type mm_struct } from "./mm_types.js";
import { get_page, type page } from "./page.js";
import { __GFP_RETRY_MAYFAIL, GFP_HIGHUSER_MOVABLE, put_page } from "./page_alloc.js";
import { pfn_pte, pte_mkold, pte_offset, set_pte_at } from "./pgtable.js";
import { page_add_anon_rmap } from "./rmap.js";
import { shmem_unuse } from "./shmem.js";
import { lookup_swap_cache, read_swap_cache_async } from "./swap_state.js";
import {
  disable_swap_info, enable_swap_info, free_swap_info, swap_free, try_to_free_swap, type swap_info_struct,
} from "./swapfile.js";
import { is_swap_pte, pte_to_swp_entry, swp_entry, swp_type, type swp_entry_t } from "./swapops.js";
import type { vm_area_struct } from "./vma.js";

const PAGE_SIZE = 4096;
/** Bytes one PTE table maps (Sv32: 1024 PTEs of 4 KiB). */
const PTE_TABLE_SPAN = 0x40_0000;

/**
 * Linux: SYSCALL_DEFINE1(swapoff) once the area is found: switch `si` off, bring every page in it
 * back into memory (try_to_unuse, the machine waiting for the disk on behalf of `task`), and free it.
 * Returns 0, or -ENOMEM when memory ran out first: the area is on again, holding what did not come back.
 */
export function swapoff(k: Kernel, si: swap_info_struct, task: task_struct | null): number {
  if (k.trace.mm) k.trace.enter("mm", "swapoff", `${si.swap_file}: ${si.inuse_pages} pages to bring back`);
  disable_swap_info(k, si);
  const err = try_to_unuse(k, si, task);
  if (err !== 0) enable_swap_info(k, si); // Linux: reinsert_swap_info()
  else free_swap_info(k, si);
  if (k.trace.mm) k.trace.exit("mm", "swapoff", err === 0 ? "= 0" : `= ${err}, ${si.inuse_pages} pages still in ${si.swap_file}`);
  return err;
}

/**
 * Linux 5.15: try_to_unuse(): bring back every page that is in area `si` (shmem objects, swap PTEs
 * of every process, then the swap cache) until none of its slots is in use. A pass can leave some
 * behind: an allocation's reclaim (under a --policy: linux's scans no anonymous pages now) may unmap
 * again, into its slot, a page that is back in one PTE while another still names the slot. So it
 * goes round again while a pass frees slots (Linux: until a signal), and gives up with -ENOMEM after
 * a pass that freed none. Returns 0, or -ENOMEM.
 */
function try_to_unuse(k: Kernel, si: swap_info_struct, task: task_struct | null): number {
  for (let pass = 1; si.inuse_pages > 0; pass++) {
    const before = si.inuse_pages;
    let err = shmem_unuse(k, si.type, task);
    for (const mm of live_mms(k)) if (err === 0) err = unuse_mm(k, mm, si.type, task);
    if (err === 0) unuse_swap_cache(k, si);
    if (k.trace.mm) k.trace.note("mm", `try_to_unuse pass ${pass}: ${before - si.inuse_pages} slots freed, ${si.inuse_pages} in use`);
    if (err !== 0) return err;
    if (si.inuse_pages === before) return -ENOMEM;
  }
  return 0;
}

/** The mms of the live processes, each once, in pid order (Linux: the mmlist of mms that have swapped). */
function live_mms(k: Kernel): mm_struct[] {
  const mms = new Set<mm_struct>();
  for (const t of k.tasks.values()) if (t.mm !== null) mms.add(t.mm);
  return [...mms];
}

/** Linux: unuse_mm() -> unuse_vma() for every VMA that may hold swap entries (it has an anon_vma). */
function unuse_mm(k: Kernel, mm: mm_struct, type: number, task: task_struct | null): number {
  for (let vma = mm.mmap; vma !== null; vma = vma.vm_next) {
    if (vma.anon_vma === null) continue;
    const err = unuse_pte_range(k, vma, type, task);
    if (err !== 0) return err;
  }
  return 0;
}

/**
 * Linux: unuse_pte_range() over the whole VMA: for each swap PTE of area `type`, get its page (the
 * swap cache's, or read from the slot into a new one: pswpin counts it, and the machine waits for the
 * disk as lock_page would), map it (unuse_pte), and let the slot go if no one else refers to it
 * (try_to_free_swap). Returns 0, or -ENOMEM when no frame could be had.
 */
function unuse_pte_range(k: Kernel, vma: vm_area_struct, type: number, task: task_struct | null): number {
  const mm = vma.vm_mm as mm_struct;
  const ram = k.machine.ram;
  for (let addr = vma.vm_start; addr < vma.vm_end; addr += PAGE_SIZE) {
    const ptep = pte_offset(ram, mm, addr);
    if (ptep < 0) {
      addr = (Math.floor(addr / PTE_TABLE_SPAN) + 1) * PTE_TABLE_SPAN - PAGE_SIZE; // no PTE table: the next 4 MiB
      continue;
    }
    const pte = ram.read32(ptep);
    if (!is_swap_pte(pte) || swp_type(pte_to_swp_entry(pte)) !== type) continue;
    const entry = pte_to_swp_entry(pte);
    const r = read_swap_cache_async(k, entry, GFP_HIGHUSER_MOVABLE | __GFP_RETRY_MAYFAIL);
    if (r === null) return -ENOMEM;
    io_wait_now(k, task, r.done);
    // Linux: pte_same_as_swp(): the allocation's reclaim may not change a swap PTE, but check as Linux does.
    if (ram.read32(ptep) === pte) unuse_pte(k, vma, addr, ptep, entry, r.page);
    try_to_free_swap(k, r.page);
    put_page(k.zone, r.page); // read_swap_cache_async's reference
  }
  return 0;
}

/**
 * Linux: unuse_pte(): the PTE at `ptep` (address `addr` of `vma`), which holds `entry`, maps `p`
 * again: read-only and old, as vm_page_prot has it (a write will fault and reuse or copy it as after a
 * swap-in), MM_SWAPENTS - 1, MM_ANONPAGES + 1, a mapping in the page's reverse map, and the PTE's
 * slot reference dropped.
 */
function unuse_pte(k: Kernel, vma: vm_area_struct, addr: number, ptep: number, entry: swp_entry_t, p: page): void {
  const mm = vma.vm_mm as mm_struct;
  add_mm_counter(mm, MM_SWAPENTS, -1);
  add_mm_counter(mm, MM_ANONPAGES, 1);
  get_page(p);
  set_pte_at(mm, addr, ptep, pte_mkold(pfn_pte(p.pfn, vma.vm_page_prot)));
  page_add_anon_rmap(p, vma, addr);
  swap_free(k, entry);
  if (k.trace.mm) k.trace.note("mm", `unuse_pte entry ${hex(entry)} -> pfn ${hex(p.pfn)} in ${mm.exe_name} at ${hex(addr)}`);
}

/**
 * Linux: try_to_unuse()'s last loop (find_next_to_unuse): a page still in the swap cache for a slot
 * of the area -- one mapped since its swap-in, which kept its slot -- leaves the swap cache, dirty, and
 * the slot is freed, if nothing refers to the slot any more.
 */
function unuse_swap_cache(k: Kernel, si: swap_info_struct): void {
  for (let offset = 1; offset < si.max && si.inuse_pages > 0; offset++) {
    if (si.swap_map[offset] === 0) continue;
    const p = lookup_swap_cache(k, swp_entry(si.type, offset));
    if (p === null) continue;
    get_page(p);
    try_to_free_swap(k, p);
    put_page(k.zone, p);
  }
}
