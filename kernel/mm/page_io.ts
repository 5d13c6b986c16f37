// Linux: mm/page_io.c: moving one page between a frame and its swap slot. The swap device
// (src/hw/swapdev.ts) does the transfer and says when it completes in simulated time; these return
// that cycle, and waiting for it is the caller's business:
//
//   swap_readpage    a fault needs the page: the task sleeps until the read completes
//                    (sleep_until, sched/core.ts), and others run meanwhile
//   swap_writepage   reclaim sends a page out: nobody waits; the disk stays busy, so a read
//                    queued behind the write waits for it (a swap storm makes faults slow)
//
// pswpin / pswpout in /proc/vmstat count the pages moved, as Linux counts them here.

import { BUG_ON } from "../bug.js";
import type { Kernel } from "../kernel.js";
import { hex } from "../trace.js";
import { ClearPageDirty, PageSwapCache, SetPageUptodate, type page } from "./page.js";
import { swap_info_get, try_to_free_swap } from "./swapfile.js";
import { swp_offset, type swp_entry_t } from "./swapops.js";

const PAGE_SIZE = 4096;

/**
 * Linux: swap_readpage(): fill frame `p` from the slot of `entry` (synchronously, as far as the
 * bytes go). Returns the cycle at which the read completes.
 */
export function swap_readpage(k: Kernel, p: page, entry: swp_entry_t): number {
  const si = swap_info_get(k, entry);
  const ram = k.machine.ram;
  const pa = p.pfn * PAGE_SIZE;
  const done = si.bdev.read(swp_offset(entry), ram.u8.subarray(pa, pa + PAGE_SIZE));
  ram.forget(pa, PAGE_SIZE); // the frame's old contents may have been code the CPU decoded
  SetPageUptodate(p);
  k.vm_events.pswpin++;
  if (k.trace.mm) k.trace.note("mm", `swap_readpage entry ${hex(entry)} -> pfn ${hex(p.pfn)}, done at cycle ${done}`);
  return done;
}

/**
 * Linux: swap_writepage(): write the swap-cache page `p` to its slot and mark it clean (its slot
 * now has what it has). If no PTE or shmem object refers to the slot any more, the write is pointless:
 * the page leaves the swap cache instead (try_to_free_swap) and 0 is returned. Otherwise returns
 * the cycle at which the write completes.
 */
export function swap_writepage(k: Kernel, p: page): number {
  BUG_ON(!PageSwapCache(p), "swap_writepage: the page is not in the swap cache");
  if (try_to_free_swap(k, p)) return 0;
  const entry: swp_entry_t = p.private;
  const si = swap_info_get(k, entry);
  const pa = p.pfn * PAGE_SIZE;
  ClearPageDirty(p);
  const done = si.bdev.write(swp_offset(entry), k.machine.ram.u8.subarray(pa, pa + PAGE_SIZE));
  k.vm_events.pswpout++;
  if (k.trace.mm) k.trace.note("mm", `swap_writepage pfn ${hex(p.pfn)} -> entry ${hex(entry)}, done at cycle ${done}`);
  return done;
}
