// Linux: mm/swapfile.c. Swap areas and their slots. An area is one swap device; each of its 4 KiB
// slots has a byte in swap_map saying who still needs what the slot holds:
//
//     swap_map[offset] = count | SWAP_HAS_CACHE
//       count            swap PTEs (one per process that has the page swapped out) and shmem
//                        objects that name the slot; 0x3e at most in the byte (SWAP_MAP_MAX), more
//                        marked COUNT_CONTINUED and kept aside (Linux: continuation pages)
//       SWAP_HAS_CACHE   the page is also in the swap cache (swap_state.ts), in memory
//
// A slot is free when its byte is 0. Slot 0 holds the area's header (mkswap's) and is never used,
// so no swap PTE is 0. The life of a slot (docs/swap.md):
//
//     get_swap_page        free -> HAS_CACHE              add_to_swap: the page enters the swap cache
//     swap_duplicate       count + 1                      try_to_unmap (per PTE), fork, shmem_writepage
//     swap_free            count - 1                      do_swap_page, zap (exit, munmap), shmem swap-in
//     put_swap_page        HAS_CACHE cleared              the page leaves the swap cache
//
// The kernel has one area at most (the machine's swap device), type 0, switched on at boot; the
// swapon(2) and swapoff(2) calls (kernel/syscalls/swap.ts) switch it on and off again. Switching it
// off brings every page home first: swapoff.ts.

import type { SwapDevice } from "../../src/hw/swapdev.js";
import { BUG, BUG_ON } from "../bug.js";
import type { Kernel } from "../kernel.js";
import { EBUSY } from "../syscalls/errno.js";
import { hex } from "../trace.js";
import { PageSwapCache, PageWriteback, SetPageDirty, get_page, page_mapped, type page } from "./page.js";
import { put_page } from "./page_alloc.js";
import { delete_from_swap_cache, lookup_swap_cache, swap_cache_init } from "./swap_state.js";
import { MAX_SWAPFILES_SHIFT, SWP_OFFSET_MAX, swp_entry, swp_offset, swp_type, type swp_entry_t } from "./swapops.js";

/** Linux: SWAP_HAS_CACHE: "Flag page is cached, in first swap_map". */
export const SWAP_HAS_CACHE = 0x40;
/** Linux: COUNT_CONTINUED: the count goes on beyond the byte. */
export const COUNT_CONTINUED = 0x80;
/** Linux: SWAP_MAP_MAX: the largest count the byte holds itself. */
export const SWAP_MAP_MAX = 0x3e;
/** Linux: SWAP_MAP_BAD: a slot never to be used (here: the header). */
export const SWAP_MAP_BAD = 0x3f;
/** Linux: MAX_SWAPFILES (without migration and device entries). */
export const MAX_SWAPFILES = 1 << MAX_SWAPFILES_SHIFT;

// Linux: enum swap_info_struct.flags.
export const SWP_USED = 1 << 0;
export const SWP_WRITEOK = 1 << 1;

/** Linux: struct swap_info_struct: one swap area. */
export class swap_info_struct {
  flags = SWP_USED;
  /** Linux: prio; the first area switched on without a priority gets -2 (--least_priority). */
  prio = -2;
  /** Linux: max: slots on the device, the header's included. */
  readonly max: number;
  /** Linux: pages: usable slots (max - 1: no bad blocks on a simulated disk). */
  readonly pages: number;
  /** Linux: inuse_pages: slots not free. */
  inuse_pages = 0;
  /** One byte per slot (see the top of this file). */
  readonly swap_map: Uint8Array;
  /** Linux: lowest_bit / highest_bit: every free slot lies between them. */
  lowest_bit: number;
  highest_bit: number;
  /** Linux: cluster_next: where the next allocation starts looking (allocation runs up the disk). */
  cluster_next: number;
  /** Counts beyond SWAP_MAP_MAX, by offset (Linux keeps them in continuation pages). */
  readonly continued = new Map<number, number>();

  constructor(
    /** Linux: type, "strange name for an index": the area's number in swap entries. */
    readonly type: number,
    readonly bdev: SwapDevice,
    /** What /proc/swaps shows: the device's name or the file's path. */
    readonly swap_file: string,
    readonly kind: "partition" | "file",
  ) {
    this.max = Math.min(bdev.slots, SWP_OFFSET_MAX + 1);
    this.pages = this.max - 1;
    this.swap_map = new Uint8Array(this.max);
    this.swap_map[0] = SWAP_MAP_BAD; // the header
    this.lowest_bit = 1;
    this.highest_bit = this.max - 1;
    this.cluster_next = 1;
  }
}

/** The machine's swap device and the name it goes by (Linux: its node in /dev, or the swap file's path). */
export interface swap_device {
  name: string;
  kind: "partition" | "file";
}

/**
 * The swap areas of one kernel, and the global counts (Linux: swap_info[], nr_swap_pages,
 * total_swap_pages, least_priority), and the device swapon(2) may switch on.
 */
interface swap_globals {
  swap_info: swap_info_struct[];
  nr_swap_pages: number;
  total_swap_pages: number;
  /** Linux: least_priority: the last priority given to an area switched on without one. */
  least_priority: number;
  device: swap_device | null;
}

const globals = new WeakMap<Kernel, swap_globals>();

function swap_globals_of(k: Kernel): swap_globals {
  let g = globals.get(k);
  if (g === undefined) {
    g = { swap_info: [], nr_swap_pages: 0, total_swap_pages: 0, least_priority: -1, device: null };
    globals.set(k, g);
  }
  return g;
}

// Linux: include/linux/swap.h, swapon(2)'s flags: a priority (PREFER | prio), and the discard
// policy, which a disk without discard ignores.
export const SWAP_FLAG_PREFER = 0x8000, SWAP_FLAG_PRIO_MASK = 0x7fff;
export const SWAP_FLAG_DISCARD = 0x1_0000, SWAP_FLAG_DISCARD_ONCE = 0x2_0000, SWAP_FLAG_DISCARD_PAGES = 0x4_0000;
export const SWAP_FLAGS_VALID =
  SWAP_FLAG_PRIO_MASK | SWAP_FLAG_PREFER | SWAP_FLAG_DISCARD | SWAP_FLAG_DISCARD_ONCE | SWAP_FLAG_DISCARD_PAGES;

/**
 * The boot scripts' `swapon -a`: the machine's swap device, named `name` (what /proc/swaps shows),
 * becomes the device swapon(2) knows and is switched on as area 0. Does nothing if the machine has
 * no swap device.
 */
export function swapon(k: Kernel, name: string, kind: "partition" | "file"): void {
  if (k.machine.swap === null) return;
  swap_globals_of(k).device = { name, kind };
  do_swapon(k, 0);
}

/** The machine's swap device swapon(2) and swapoff(2) accept, or null when it has none. */
export function swap_device_of(k: Kernel): swap_device | null {
  return globals.get(k)?.device ?? null;
}

/**
 * Linux: the heart of SYSCALL_DEFINE2(swapon) once the device is open: claim it (-EBUSY if an area
 * already uses it), give it a priority (`swap_flags`' SWAP_FLAG_PREFER | prio, or the next below the
 * others: -2 for the first), a fresh swap_map, and switch it on (enable_swap_info). The discard
 * flags are accepted and do nothing, as on a disk without discard. Returns 0 or -EBUSY.
 */
export function do_swapon(k: Kernel, swap_flags: number): number {
  const g = swap_globals_of(k);
  const dev = g.device;
  if (dev === null) BUG("do_swapon: the machine has no swap device");
  if (g.swap_info.length > 0) return -EBUSY; // Linux: claim_swapfile(): blkdev_get_by_dev(FMODE_EXCL) fails
  const si = new swap_info_struct(0, k.machine.swap!, dev.name, dev.kind);
  si.prio = swap_flags & SWAP_FLAG_PREFER ? swap_flags & SWAP_FLAG_PRIO_MASK : --g.least_priority;
  g.swap_info.push(si);
  enable_swap_info(k, si);
  swap_cache_init(k);
  // Linux's pr_info "Adding %uk swap on %s.  Priority:%d ...": a trace note here, not a console line.
  if (k.trace.mm) k.trace.note("mm", `Adding ${si.pages * 4}k swap on ${dev.name}.  Priority:${si.prio} extents:1 across:${si.pages * 4}k`);
  return 0;
}

/** Linux: _enable_swap_info() (and reinsert_swap_info()): the area takes pages; its slots count in the totals. */
export function enable_swap_info(k: Kernel, si: swap_info_struct): void {
  const g = swap_globals_of(k);
  si.flags |= SWP_WRITEOK;
  g.nr_swap_pages += si.pages;
  g.total_swap_pages += si.pages;
}

/**
 * Linux: the start of SYSCALL_DEFINE1(swapoff), before try_to_unuse: the area takes no new pages
 * (get_swap_page passes it over) and its slots leave the totals, so SwapTotal and SwapFree drop and
 * reclaim stops sending anonymous pages out. nr_swap_pages goes below zero by the slots in use, and
 * comes back to zero as try_to_unuse frees them.
 */
export function disable_swap_info(k: Kernel, si: swap_info_struct): void {
  const g = swap_globals_of(k);
  si.flags &= ~SWP_WRITEOK;
  g.nr_swap_pages -= si.pages;
  g.total_swap_pages -= si.pages;
}

/**
 * Linux: the end of a successful swapoff: the area, empty now, is gone (p->flags = 0, its swap_map
 * freed), and an area switched on without a priority gives its place back (least_priority++).
 */
export function free_swap_info(k: Kernel, si: swap_info_struct): void {
  const g = swap_globals_of(k);
  BUG_ON(si.inuse_pages !== 0 || (si.flags & SWP_WRITEOK) !== 0, "free_swap_info: the area is still on or still holds pages");
  g.swap_info.splice(g.swap_info.indexOf(si), 1);
  si.flags = 0;
  if (si.prio < 0) g.least_priority++;
}

/** The swap areas switched on (for /proc/swaps and the invariant checker). */
export function swap_areas(k: Kernel): readonly swap_info_struct[] {
  return globals.get(k)?.swap_info ?? [];
}

/** Linux: get_nr_swap_pages(): free swap slots, all areas. */
export function nr_swap_pages(k: Kernel): number {
  return globals.get(k)?.nr_swap_pages ?? 0;
}

/** Linux: total_swap_pages: usable swap slots, all areas. */
export function total_swap_pages(k: Kernel): number {
  return globals.get(k)?.total_swap_pages ?? 0;
}

/** Linux: vm_swap_full(): more than half of swap is in use, so swap-in should give slots back. */
export function vm_swap_full(k: Kernel): boolean {
  return nr_swap_pages(k) * 2 < total_swap_pages(k);
}

/**
 * Linux: _swap_info_get() / swp_swap_info(): the area of a valid entry. An entry of no area, or
 * pointing past its area or at the header, is a kernel bug.
 */
export function swap_info_get(k: Kernel, entry: swp_entry_t): swap_info_struct {
  const si = globals.get(k)?.swap_info[swp_type(entry)];
  const offset = swp_offset(entry);
  if (si === undefined || offset === 0 || offset >= si.max) BUG(`swap entry ${hex(entry)}: no such slot (Bad swap file entry)`);
  return si;
}

/** The full reference count of a slot: the byte's count plus its continuation. */
function slot_count(si: swap_info_struct, offset: number): number {
  const byte = si.swap_map[offset]!;
  const count = byte & ~(SWAP_HAS_CACHE | COUNT_CONTINUED);
  return byte & COUNT_CONTINUED ? count + si.continued.get(offset)! : count;
}

/** Store a slot's count, keeping its SWAP_HAS_CACHE bit (Linux: the count-continuation dance). */
function set_slot_count(si: swap_info_struct, offset: number, count: number): void {
  const cache = si.swap_map[offset]! & SWAP_HAS_CACHE;
  if (count <= SWAP_MAP_MAX) {
    si.swap_map[offset] = cache | count;
    si.continued.delete(offset);
  } else {
    si.swap_map[offset] = cache | COUNT_CONTINUED | SWAP_MAP_MAX;
    si.continued.set(offset, count - SWAP_MAP_MAX);
  }
}

/** Linux: swap_range_alloc(): a free slot is taken. */
function swap_range_alloc(k: Kernel, si: swap_info_struct, offset: number): void {
  if (offset === si.lowest_bit) si.lowest_bit++;
  if (offset === si.highest_bit) si.highest_bit--;
  si.inuse_pages++;
  if (si.inuse_pages === si.pages) {
    si.lowest_bit = si.max;
    si.highest_bit = 0;
  }
  swap_globals_of(k).nr_swap_pages--;
}

/** Linux: swap_range_free(): a slot's last user is gone. */
function swap_range_free(k: Kernel, si: swap_info_struct, offset: number): void {
  if (offset < si.lowest_bit) si.lowest_bit = offset;
  if (offset > si.highest_bit) si.highest_bit = offset;
  si.inuse_pages--;
  swap_globals_of(k).nr_swap_pages++;
}

/**
 * Linux: get_swap_page() -> scan_swap_map_slots(): a free slot, now marked SWAP_HAS_CACHE (the
 * caller puts a page in the swap cache for it). Slots are handed out going up the disk from where
 * the last one was found, so pages written together lie together. Returns the entry, or 0 when swap
 * is full or off.
 */
export function get_swap_page(k: Kernel): swp_entry_t {
  for (const si of swap_areas(k)) {
    if ((si.flags & SWP_WRITEOK) === 0 || si.inuse_pages === si.pages) continue;
    let offset = Math.max(si.cluster_next, si.lowest_bit);
    if (offset > si.highest_bit) offset = si.lowest_bit;
    const start = offset;
    while (si.swap_map[offset] !== 0) {
      offset = offset >= si.highest_bit ? si.lowest_bit : offset + 1;
      if (offset === start) BUG("get_swap_page: swap_map has no free slot but inuse_pages says it has");
    }
    si.swap_map[offset] = SWAP_HAS_CACHE;
    swap_range_alloc(k, si, offset);
    si.cluster_next = offset + 1;
    return swp_entry(si.type, offset);
  }
  return 0;
}

/**
 * Linux: swap_duplicate() -> __swap_duplicate(entry, 1): one more PTE or shmem object refers to
 * the slot (try_to_unmap, fork, shmem_writepage). The slot must be in use.
 */
export function swap_duplicate(k: Kernel, entry: swp_entry_t): void {
  const si = swap_info_get(k, entry);
  const offset = swp_offset(entry);
  if (si.swap_map[offset] === 0) BUG(`swap_duplicate: slot ${offset} is free (entry ${hex(entry)})`);
  set_slot_count(si, offset, slot_count(si, offset) + 1);
}

/**
 * Linux: swapcache_prepare() -> __swap_duplicate(entry, SWAP_HAS_CACHE): claim the slot's swap-cache
 * place before reading it in. Returns 0, -EEXIST if a page is already cached for it, -ENOENT if the
 * slot is free (its last user is gone: nothing to read).
 */
export function swapcache_prepare(k: Kernel, entry: swp_entry_t): number {
  const si = swap_info_get(k, entry);
  const offset = swp_offset(entry);
  const byte = si.swap_map[offset]!;
  if (byte & SWAP_HAS_CACHE) return -17;
  if (slot_count(si, offset) === 0) return -2;
  si.swap_map[offset] = byte | SWAP_HAS_CACHE;
  return 0;
}

/** Linux: __swap_entry_free(): the slot's byte after one reference (or the cache flag) is dropped. */
function swap_entry_free_locked(k: Kernel, si: swap_info_struct, offset: number, cache: boolean): void {
  const byte = si.swap_map[offset]!;
  if (cache) {
    if ((byte & SWAP_HAS_CACHE) === 0) BUG(`put_swap_page: slot ${offset} has no swap-cache page`);
    si.swap_map[offset] = byte & ~SWAP_HAS_CACHE;
  } else {
    const count = slot_count(si, offset);
    if (count === 0) BUG(`swap_free: slot ${offset} has no reference left to drop`);
    set_slot_count(si, offset, count - 1);
  }
  if (si.swap_map[offset] === 0) swap_range_free(k, si, offset);
}

/** Linux: swap_free(): a PTE or shmem object no longer refers to the slot; the last user frees it. */
export function swap_free(k: Kernel, entry: swp_entry_t): void {
  swap_entry_free_locked(k, swap_info_get(k, entry), swp_offset(entry), false);
}

/** Linux: put_swap_page(page, entry): the slot's page left the swap cache (SWAP_HAS_CACHE cleared). */
export function put_swap_page(k: Kernel, entry: swp_entry_t): void {
  swap_entry_free_locked(k, swap_info_get(k, entry), swp_offset(entry), true);
}

/** Linux: __swap_count() / swp_swapcount(): PTEs and shmem objects referring to the slot (the cache not counted). */
export function __swap_count(k: Kernel, entry: swp_entry_t): number {
  return slot_count(swap_info_get(k, entry), swp_offset(entry));
}

/** Linux: page_swapped() for a swap-cache page: does any PTE or shmem object still refer to its slot? */
export function page_swapped(k: Kernel, p: page): boolean {
  return PageSwapCache(p) && __swap_count(k, p.private) > 0;
}

/**
 * Linux: try_to_free_swap(): if no PTE and no shmem object needs the swap copy of this swap-cache
 * page any more, take it out of the swap cache (freeing the slot) and mark it dirty: memory now has
 * the only copy. The caller holds a reference of its own (the swap cache's goes). Returns whether it did.
 */
export function try_to_free_swap(k: Kernel, p: page): boolean {
  if (!PageSwapCache(p) || PageWriteback(p) || page_swapped(k, p)) return false;
  SetPageDirty(p);
  delete_from_swap_cache(k, p);
  return true;
}

/**
 * Linux: free_swap_and_cache(): a swap PTE is gone (zap: exit, munmap, MADV_DONTNEED) or a shmem
 * object dropped its slot: drop its reference, and if only the swap cache still holds the slot and no
 * one maps the cached page, free that page too (Linux: __try_to_reclaim_swap(TTRS_UNMAPPED)), so no
 * memory outlives its last user.
 */
export function free_swap_and_cache(k: Kernel, entry: swp_entry_t): void {
  const si = swap_info_get(k, entry);
  const offset = swp_offset(entry);
  swap_entry_free_locked(k, si, offset, false);
  if (si.swap_map[offset] !== SWAP_HAS_CACHE) return;
  const p = lookup_swap_cache(k, entry);
  if (p === null || (page_mapped(p) && !vm_swap_full(k))) return; // Linux: TTRS_UNMAPPED | TTRS_FULL
  get_page(p); // Linux: __try_to_reclaim_swap()'s lookup reference
  try_to_free_swap(k, p);
  put_page(k.zone, p); // the last one if only the swap cache held the page: it is free now
}
