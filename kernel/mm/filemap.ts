// Linux: mm/filemap.c (the page cache), mm/page-writeback.c (dirty pages and writeback) and
// mm/truncate.c. File data lives in page-cache pages: page.mapping = the file's address_space and
// page.index = the page offset in the file. read() and write() copy between these pages and the
// caller's buffer (one copy each way); a mapping of the file maps the very same frames (no copy).
//
//   read(fd)  ──filemap_read──────────> page cache page ──copy──> user buffer
//   write(fd) ──generic_perform_write─> user buffer ──copy──> page cache page, PG_dirty
//   load/store through mmap(MAP_SHARED) ── the PTE maps the page cache page itself
//   writeback (fsync, msync, sync, the flusher, memory pressure, shutdown) ── a_ops.writepage
//
// A cached page holds one reference for the page cache and one per PTE that maps it; the cache lets
// go of a page on truncation, when its inode is evicted, or when memory runs short (shrink_page_cache).

import { COST } from "../../src/hw/clock.js";
import type { Kernel } from "../kernel.js";
import { hex } from "../trace.js";
import { f_mapping, type file } from "../fs/file.js";
import { address_space, current_time, evict_hooks, type inode } from "../fs/inode.js";
import { copy_user_phys } from "../syscalls/uaccess.js";
import { zap_page_range } from "./memory.js";
import { flush_tlb_range } from "./mprotect.js";
import { update_hiwater_rss, type mm_struct } from "./mm_types.js";
import {
  ClearPageActive, ClearPageDirty, ClearPageReferenced, PageActive, PageDirty, PageReferenced, SetPageActive, SetPageReferenced,
  SetPageUptodate, TestSetPageDirty, type page,
} from "./page.js";
import { alloc_page, put_page } from "./page_alloc.js";
import { pte_dirty, pte_mkclean, pte_offset, pte_pfn, pte_present, pte_write, pte_wrprotect, set_pte_at } from "./pgtable.js";
import type { vm_area_struct } from "./vma.js";

export const EIO = 5, EFAULT = 14, EFBIG = 27, EINVAL = 22;
const PAGE_SIZE = 4096;

/** Linux: vm.dirty_writeback_centisecs and vm.dirty_expire_centisecs (their defaults). */
export interface WritebackTunables {
  dirty_writeback_centisecs: number;
  dirty_expire_centisecs: number;
}

/** The page cache of one kernel: every mapping with cached pages, and the flusher's state. */
class page_cache_state {
  /** Mappings that hold at least one page (for the invariant checker, reclaim and sync). */
  readonly mappings = new Set<address_space>();
  /** Linux: wb->b_dirty: mappings with dirty pages, oldest dirt first (insertion order). */
  readonly b_dirty = new Set<address_space>();
  readonly tunables: WritebackTunables = { dirty_writeback_centisecs: 500, dirty_expire_centisecs: 3000 };
  /**
   * Linux: wb->last_old_flush: the simulated cycle of the flusher's last periodic run. It runs again
   * dirty_writeback_centisecs later, read at every check, so a changed tunable takes effect at once
   * (as Linux's sysctl handler wakes the flusher); 0 centisecs turns periodic writeback off.
   */
  last_old_flush = 0;
  /** Pages written back so far (Linux: nr_written in /proc/vmstat). */
  nr_written = 0;
  /** Pages that became dirty (Linux: nr_dirtied). */
  nr_dirtied = 0;
  /** Linux: PGPGIN / PGPGOUT, in KiB: file data read from and written to the backing store. */
  pgpgin = 0;
  pgpgout = 0;
  /** Linux: PGACTIVATE, pages mark_page_accessed() moved to the active list. */
  pgactivate = 0;
}

const states = new WeakMap<Kernel, page_cache_state>();

/** The kernel's page-cache state, created (and registered with the invariant checker) on first use. */
export function page_cache(k: Kernel): page_cache_state {
  let s = states.get(k);
  if (s === undefined) {
    const state = new page_cache_state();
    states.set(k, (s = state));
    k.page_holders.push({
      name: "the page cache",
      *pages() {
        for (const m of state.mappings) yield* m.i_pages.values();
      },
    });
    state.last_old_flush = k.machine.clock.cycles;
  }
  return s;
}

const centisecs = (cs: number): number => cs * 10_000_000; // cycles at 1 GHz

/** Linux: find_get_page(): the cached page at `index`, or null. */
export function find_get_page(mapping: address_space, index: number): page | null {
  return mapping.i_pages.get(index) ?? null;
}

/** Pages of a file of `size` bytes (the first index a fault may not touch). */
export function size_pages(size: number): number {
  return Math.ceil(size / PAGE_SIZE);
}

/** Linux: add_to_page_cache_lru(): the allocation's reference becomes the page cache's. */
function add_to_page_cache(k: Kernel, p: page, mapping: address_space, index: number): void {
  p.mapping = mapping;
  p.index = index;
  SetPageUptodate(p);
  mapping.i_pages.set(index, p);
  page_cache(k).mappings.add(mapping);
}

/** A frame for the page cache; under memory pressure, clean cached pages are dropped first. */
function page_cache_alloc(k: Kernel): page | null {
  return alloc_page(k.zone) ?? (shrink_page_cache(k, 32) > 0 ? alloc_page(k.zone) : null);
}

/** What read_cache_page() found: the page and whether it had to be read from the backing store. */
export interface cached_page {
  page: page;
  /** The page was not cached and reading it was I/O (a major fault, in a fault). */
  major: boolean;
}

/**
 * Linux: read_cache_page() / filemap_fault()'s lookup: the page at `index`, read in through
 * a_ops.readpage if it is not cached. Returns -ENOMEM (no frame) or -EIO. No reference is taken for
 * the caller: whoever maps the page takes one.
 */
export function read_cache_page(k: Kernel, mapping: address_space, index: number): cached_page | number {
  const found = mapping.i_pages.get(index);
  if (found !== undefined) return { page: found, major: false };
  const p = page_cache_alloc(k);
  if (p === null) return -12;
  const err = mapping.a_ops.readpage(k, mapping, index, p.pfn);
  if (err < 0) {
    put_page(k.zone, p);
    return -EIO;
  }
  add_to_page_cache(k, p, mapping, index);
  if (err > 0) page_cache(k).pgpgin += PAGE_SIZE / 1024;
  if (k.trace.mm) k.trace.note("mm", `page cache: read ${mapping_name(mapping)} page ${index} into pfn ${hex(p.pfn)}`);
  return { page: p, major: err > 0 };
}

/**
 * Linux: filemap_map_pages()'s walk of the page cache: call `map` for each page of `mapping` cached at
 * an index in [start, end], in index order, up to the file's end (a page past EOF is never mapped).
 * Nothing is read in: fault-around maps only what is there (memory.ts do_fault_around installs the PTEs).
 */
export function filemap_map_pages(mapping: address_space, start: number, end: number, map: (p: page, index: number) => void): void {
  const max_idx = size_pages(mapping.host.i_size);
  for (let index = Math.max(start, 0); index <= end && index < max_idx; index++) {
    const p = mapping.i_pages.get(index);
    if (p !== undefined) map(p, index);
  }
}

/**
 * Linux: kernel_read_file(), for exec: the whole file's bytes. Pages already cached come from the
 * page cache; the rest is read straight from the backing store without filling the cache (vmos
 * parses the whole executable, symbol table included, where Linux reads only the headers; caching
 * all of it would make the page cache hold pages no process maps). Returns the bytes or -errno.
 */
export function kernel_read_file(k: Kernel, mapping: address_space): Uint8Array | number {
  const size = mapping.host.i_size;
  const out = new Uint8Array(size);
  const n = mapping.a_ops.direct_read(k, mapping, 0, out);
  if (n < 0) return n;
  page_cache(k).pgpgin += size_pages(n) * (PAGE_SIZE / 1024);
  for (const p of mapping.i_pages.values()) {
    const at = p.index * PAGE_SIZE;
    if (at >= size) continue;
    out.set(k.machine.ram.u8.subarray(p.pfn * PAGE_SIZE, p.pfn * PAGE_SIZE + Math.min(PAGE_SIZE, size - at)), at);
  }
  return out;
}

/** A new zeroed page at `index` (a write that covers the whole page, or lies past EOF, reads nothing). */
function grab_cache_page(k: Kernel, mapping: address_space, index: number): page | null {
  const found = mapping.i_pages.get(index);
  if (found !== undefined) return found;
  const p = page_cache_alloc(k);
  if (p === null) return null;
  k.machine.ram.zeroFrame(p.pfn);
  add_to_page_cache(k, p, mapping, index);
  return p;
}

function mapping_name(mapping: address_space): string {
  return `inode ${mapping.host.i_ino}`;
}

/**
 * Linux: set_page_dirty() -> __set_page_dirty_nobuffers(): the page differs from its file now; the
 * mapping goes on the flusher's list with the time of its first dirt.
 */
export function set_page_dirty(k: Kernel, p: page): void {
  if (TestSetPageDirty(p)) return;
  const mapping = p.mapping as address_space;
  mapping.dirty.add(p);
  const state = page_cache(k);
  state.nr_dirtied++;
  if (mapping.dirtied_when < 0) {
    mapping.dirtied_when = k.machine.clock.cycles;
    state.b_dirty.add(mapping);
  }
}

/**
 * Linux: file_update_time(): a write through write(), or the first store through a shared mapping
 * to a clean page (filemap_page_mkwrite()), changes the file's mtime and ctime.
 */
export function file_update_time(k: Kernel, node: inode): void {
  node.i_mtime = node.i_ctime = current_time(k);
}

/**
 * Linux: mark_page_accessed(), for page-cache pages read or written through read() and write():
 * inactive,unreferenced -> inactive,referenced -> active,unreferenced -> active,referenced. (Mapped
 * pages are referenced through their PTEs' A bits instead.) vmos has no LRU lists yet: PG_active
 * alone says which list the page would be on, and /proc/meminfo counts it there.
 */
function mark_page_accessed(k: Kernel, p: page): void {
  if (!PageActive(p) && PageReferenced(p)) {
    SetPageActive(p); // Linux: activate_page()
    ClearPageReferenced(p);
    page_cache(k).pgactivate++;
  } else if (!PageReferenced(p)) {
    SetPageReferenced(p);
  }
}

/** Copy cost of `n` bytes between a user buffer and a kernel page: copyPage per 4 KiB. */
function charge_copy(k: Kernel, n: number): void {
  k.machine.clock.advance(Math.ceil((COST.copyPage * n) / PAGE_SIZE));
}

/**
 * Linux: filemap_read(): copy up to `count` bytes of the file from position `pos` into the user
 * buffer at `buf`, page by page through the page cache. Returns the bytes copied (0 at EOF), or
 * -EFAULT if nothing could be copied, -EIO, -ENOMEM.
 */
export function filemap_read(k: Kernel, mm: mm_struct, task: import("../proc/task.js").task_struct, mapping: address_space, pos: number, buf: number, count: number): number {
  const node = mapping.host;
  let done = 0;
  while (done < count && pos < node.i_size) {
    const index = Math.floor(pos / PAGE_SIZE);
    const offset = pos % PAGE_SIZE;
    const r = read_cache_page(k, mapping, index);
    if (typeof r === "number") return done > 0 ? done : r;
    const n = Math.min(PAGE_SIZE - offset, count - done, node.i_size - pos);
    const left = copy_user_phys(mm, task, buf + done, r.page.pfn * PAGE_SIZE + offset, n, true);
    charge_copy(k, n - left);
    mark_page_accessed(k, r.page);
    done += n - left;
    pos += n - left;
    if (left > 0) return done > 0 ? done : -EFAULT;
  }
  return done;
}

/** Linux: MAX_LFS_FILESIZE for vmos: a file never grows past what a double holds exactly. */
const MAX_FILE_SIZE = 2 ** 52;

/**
 * Linux: generic_perform_write(): copy `count` bytes from the user buffer at `buf` into the file at
 * `pos`, page by page into the page cache, marking each page dirty; the file grows as needed.
 * Returns the bytes written, or -EFAULT (nothing copied), -EFBIG, -ENOMEM.
 */
export function generic_perform_write(k: Kernel, mm: mm_struct, task: import("../proc/task.js").task_struct, mapping: address_space, pos: number, buf: number, count: number): number {
  const node = mapping.host;
  if (pos + count > MAX_FILE_SIZE) return -EFBIG;
  let done = 0;
  while (done < count) {
    const index = Math.floor(pos / PAGE_SIZE);
    const offset = pos % PAGE_SIZE;
    const n = Math.min(PAGE_SIZE - offset, count - done);
    // A page the write covers whole, or one wholly past EOF, need not be read first.
    const whole = (offset === 0 && n === PAGE_SIZE) || index * PAGE_SIZE >= node.i_size;
    let p: page | null;
    if (whole) p = grab_cache_page(k, mapping, index);
    else {
      const r = read_cache_page(k, mapping, index);
      p = typeof r === "number" ? null : r.page;
    }
    if (p === null) return done > 0 ? done : -12;
    const left = copy_user_phys(mm, task, buf + done, p.pfn * PAGE_SIZE + offset, n, false);
    charge_copy(k, n - left);
    if (n - left > 0) {
      set_page_dirty(k, p);
      mark_page_accessed(k, p);
    }
    done += n - left;
    pos += n - left;
    if (pos > node.i_size) node.i_size = pos;
    if (left > 0) break;
  }
  if (done > 0) file_update_time(k, node);
  return done > 0 ? done : -EFAULT;
}

/** The user addresses at which `vma` maps page `index` of its file, or -1. */
function vma_address(vma: vm_area_struct, index: number): number {
  const va = vma.vm_start + (index - vma.vm_pgoff) * PAGE_SIZE;
  return va >= vma.vm_start && va < vma.vm_end ? va : -1;
}

/**
 * Linux: page_mkclean() (rmap_walk_file over i_mmap): write-protect and clean every PTE that maps
 * `p`, so the next write through a mapping faults and dirties the page again. Returns whether some
 * PTE was dirty (the page was written through a mapping since the last writeback).
 */
export function page_mkclean(k: Kernel, p: page): boolean {
  const mapping = p.mapping as address_space;
  const ram = k.machine.ram;
  let dirty = false;
  for (const vma of mapping.i_mmap) {
    const va = vma_address(vma, p.index);
    if (va < 0) continue;
    const mm = vma.vm_mm as mm_struct;
    const ptep = pte_offset(ram, mm, va);
    if (ptep < 0) continue;
    const pte = ram.read32(ptep);
    if (!pte_present(pte) || pte_pfn(pte) !== p.pfn) continue; // not mapped here, or a private copy
    if (pte_dirty(pte)) dirty = true;
    if (pte_dirty(pte) || pte_write(pte)) set_pte_at(mm, va, ptep, pte_wrprotect(pte_mkclean(pte)));
  }
  return dirty;
}

/**
 * Linux: clear_page_dirty_for_io() + ->writepage(): write one page to its file if it is dirty (in
 * its flags or in a PTE). The last page of a file writes only the bytes before EOF.
 */
export function write_one_page(k: Kernel, p: page): number {
  const mapping = p.mapping as address_space;
  if (page_mkclean(k, p)) set_page_dirty(k, p);
  if (!PageDirty(p)) return 0;
  ClearPageDirty(p);
  mapping.dirty.delete(p);
  const len = Math.min(PAGE_SIZE, mapping.host.i_size - p.index * PAGE_SIZE);
  if (len <= 0) return 0; // past EOF (a truncation raced with the dirt): nothing to write
  const err = mapping.a_ops.writepage(k, mapping, p.index, p.pfn, len);
  const state = page_cache(k);
  state.nr_written++;
  state.pgpgout += PAGE_SIZE / 1024; // a block device writes the whole page, the tail past EOF too
  if (k.trace.mm) k.trace.note("mm", `writeback ${mapping_name(mapping)} page ${p.index} (${len} bytes)${err < 0 ? ` = ${err}` : ""}`);
  if (err < 0) mapping.wb_err = -EIO;
  return err < 0 ? -EIO : 0;
}

/** Dirty pages are only in `mapping.dirty` (flags); PTE-dirty pages of shared mappings are too. */
function clean_mapping_state(k: Kernel, mapping: address_space): void {
  if (mapping.dirty.size > 0) return;
  mapping.dirtied_when = -1;
  page_cache(k).b_dirty.delete(mapping);
}

/**
 * Linux: filemap_fdatawrite_range() over page indexes [first, last]: write every dirty page in the
 * range, in file order (writeback is synchronous in vmos, so this also waits). A failure is recorded
 * in mapping.wb_err for the next fsync or msync to report (Linux: mapping_set_error).
 */
export function filemap_fdatawrite_range(k: Kernel, mapping: address_space, first = 0, last = Number.MAX_SAFE_INTEGER): void {
  const pages = [...mapping.i_pages.values()].filter((p) => p.index >= first && p.index <= last);
  pages.sort((a, b) => a.index - b.index);
  for (const p of pages) write_one_page(k, p);
  clean_mapping_state(k, mapping);
}

/**
 * Linux: filemap_write_and_wait_range() over page indexes [first, last]: write every dirty page in
 * the range, then report a writeback failure, this one or an earlier one (the flusher's), once:
 * Returns 0 or -EIO (Linux: filemap_check_errors).
 */
export function filemap_write_and_wait_range(k: Kernel, mapping: address_space, first = 0, last = Number.MAX_SAFE_INTEGER): number {
  filemap_fdatawrite_range(k, mapping, first, last);
  const err = mapping.wb_err;
  mapping.wb_err = 0;
  return err;
}

/**
 * Linux: fs/sync.c vfs_fsync_range() -> ->fsync (file_write_and_wait_range, then the filesystem's own
 * flush): the dirty pages behind bytes [start, end] of the file reach its backing store, which is then
 * made durable. Returns 0, -EIO if a writeback failed (once, as Linux's errseq reports it), or
 * -EINVAL for a file with no page cache (no ->fsync).
 */
export function vfs_fsync_range(k: Kernel, f: file, start: number, end: number): number {
  const mapping = f_mapping(f);
  if (mapping === null) return -EINVAL;
  const err = filemap_write_and_wait_range(k, mapping, Math.floor(start / PAGE_SIZE), Math.floor(end / PAGE_SIZE));
  const synced = mapping.host.i_op.fsync?.(k, mapping.host) ?? 0;
  return err < 0 ? err : synced < 0 ? -EIO : 0;
}

/**
 * Linux: wb_workfn() -> wb_writeback() for old dirty data: every mapping whose first dirt is older
 * than dirty_expire_centisecs is written back. Called from the scheduler loop when the flusher is
 * due (every dirty_writeback_centisecs of simulated time).
 */
export function wb_workfn(k: Kernel): void {
  const state = page_cache(k);
  const now = k.machine.clock.cycles;
  state.last_old_flush = now;
  const expired = now - centisecs(state.tunables.dirty_expire_centisecs);
  for (const mapping of [...state.b_dirty]) {
    if (mapping.dirtied_when > expired) continue;
    if (k.trace.mm) k.trace.note("mm", `flusher: writing back ${mapping_name(mapping)}`);
    filemap_fdatawrite_range(k, mapping);
  }
}

/** Whether the flusher is due (cheap: a few compares per scheduler tick). */
export function writeback_due(k: Kernel): boolean {
  const s = states.get(k);
  if (s === undefined || s.b_dirty.size === 0) return false;
  const interval = s.tunables.dirty_writeback_centisecs;
  return interval > 0 && k.machine.clock.cycles >= s.last_old_flush + centisecs(interval);
}

/** Linux: ksys_sync(): write back every dirty page of every file. */
export function ksys_sync(k: Kernel): void {
  const s = states.get(k);
  if (s === undefined) return;
  for (const mapping of [...s.b_dirty]) {
    filemap_fdatawrite_range(k, mapping);
    mapping.host.i_op.fsync?.(k, mapping.host);
  }
}

/**
 * Linux: unmap_mapping_range(..., even_cows = 1) for pages at or after `first`: zap every PTE, in
 * every VMA that maps the file, for those pages, private copies included (as truncation does).
 */
function unmap_mapping_range(mapping: address_space, first: number): void {
  for (const vma of mapping.i_mmap) {
    const mm = vma.vm_mm as mm_struct;
    const start = Math.max(vma.vm_start, vma.vm_start + (first - vma.vm_pgoff) * PAGE_SIZE);
    if (start >= vma.vm_end) continue;
    update_hiwater_rss(mm);
    zap_page_range(mm, start, vma.vm_end);
    flush_tlb_range(mm, start, vma.vm_end);
  }
}

/** Linux: delete_from_page_cache(): the cache lets go of an unmapped page. */
function delete_from_page_cache(k: Kernel, p: page): void {
  const mapping = p.mapping as address_space;
  mapping.i_pages.delete(p.index);
  mapping.dirty.delete(p);
  ClearPageDirty(p);
  ClearPageActive(p); // Linux: off the LRU before the last put
  ClearPageReferenced(p);
  p.mapping = null;
  if (mapping.i_pages.size === 0) page_cache(k).mappings.delete(mapping);
  clean_mapping_state(k, mapping);
  put_page(k.zone, p);
}

/**
 * Linux: truncate_pagecache(inode, newsize): the file now ends at `newsize`. Mappings lose every
 * page past the new end (a later access there is SIGBUS), those pages leave the page cache, and the
 * tail of the new last page is zeroed so a mapping reads zeros past EOF.
 */
export function truncate_pagecache(k: Kernel, node: inode, newsize: number): void {
  const mapping = node.i_mapping;
  const first = size_pages(newsize);
  unmap_mapping_range(mapping, first);
  for (const p of [...mapping.i_pages.values()]) if (p.index >= first) delete_from_page_cache(k, p);
  const tail = newsize % PAGE_SIZE;
  const last = tail === 0 ? undefined : mapping.i_pages.get(first - 1);
  if (last !== undefined) {
    const ram = k.machine.ram;
    ram.writeBytes(last.pfn * PAGE_SIZE + tail, new Uint8Array(PAGE_SIZE - tail));
  }
}

/**
 * Drop up to `nr` cached pages that no PTE maps, writing dirty ones back first: the page cache's
 * answer to memory pressure until reclaim proper (LRU lists, kswapd) exists. Returns pages freed.
 */
export function shrink_page_cache(k: Kernel, nr: number): number {
  const s = states.get(k);
  if (s === undefined) return 0;
  let freed = 0;
  for (const mapping of [...s.mappings]) {
    for (const p of [...mapping.i_pages.values()]) {
      if (freed >= nr) return freed;
      if (p._mapcount >= 0 || p._refcount !== 1) continue; // mapped or in use by someone
      if (PageDirty(p) && write_one_page(k, p) < 0) continue;
      delete_from_page_cache(k, p);
      freed++;
    }
    clean_mapping_state(k, mapping);
  }
  return freed;
}

/**
 * At shutdown: every cached page that no process maps leaves the cache, and every inode that has
 * no pages and no holder is evicted (hostfs then lets go of its device handles). Dirty pages must
 * have been written back (ksys_sync) first.
 */
export function drop_page_cache(k: Kernel): void {
  const s = states.get(k);
  if (s === undefined) return;
  for (const mapping of [...s.mappings]) {
    for (const p of [...mapping.i_pages.values()]) if (p._mapcount < 0 && p._refcount === 1) delete_from_page_cache(k, p);
  }
}

/**
 * The page cache's event counters, for /proc/vmstat. (Its page counts, for /proc/meminfo, come from
 * recounting mem_map: procfs/page_state.ts.)
 */
export interface PageCacheStats {
  nr_written: number;
  nr_dirtied: number;
  /** KiB read from and written to backing stores. */
  pgpgin: number;
  pgpgout: number;
  pgactivate: number;
}

/** The page cache's event counters (all 0 before the first file is touched). */
export function page_cache_stats(k: Kernel): PageCacheStats {
  const s = states.get(k);
  return {
    nr_written: s?.nr_written ?? 0, nr_dirtied: s?.nr_dirtied ?? 0, pgpgin: s?.pgpgin ?? 0, pgpgout: s?.pgpgout ?? 0,
    pgactivate: s?.pgactivate ?? 0,
  };
}

/** The writeback tunables of this kernel (vm.dirty_*_centisecs), to change before or during a run. */
export function writeback_tunables(k: Kernel): WritebackTunables {
  return page_cache(k).tunables;
}

// An inode that goes away takes its pages with it (Linux: evict() -> truncate_inode_pages_final).
evict_hooks.push((k, node) => {
  const mapping = node.i_mapping;
  if (mapping.i_pages.size === 0) return;
  if (node.i_nlink > 0) filemap_fdatawrite_range(k, mapping); // still named: keep its data
  for (const p of [...mapping.i_pages.values()]) {
    if (p._mapcount >= 0) continue; // BUG territory: an evicted inode has no mappings
    delete_from_page_cache(k, p);
  }
});

