// Linux: mm/page-writeback.c (dirty pages and their writeback), with fs/sync.c's vfs_fsync_range and
// ksys_sync and fs/fs-writeback.c's flusher. A page-cache page (filemap.ts) becomes dirty through
// write() or a store through a shared mapping (set_page_dirty), and its mapping goes on the flusher's
// list; writeback copies it to the backing store through a_ops.writepage, first write-protecting every
// PTE that maps it (page_mkclean, rmap.ts) so that the next store dirties it again.
//
//   fsync, fdatasync, msync(MS_SYNC) ── filemap_write_and_wait_range (one file, a range of pages)
//   sync, shutdown                   ── ksys_sync (every file)
//   the flusher (scheduler tick)     ── wb_workfn, for mappings dirty longer than dirty_expire_centisecs
//   memory pressure                  ── reclaim (vmscan.ts) -> pageout_one (swap_out.ts) -> write_one_page

import type { Kernel } from "../kernel.js";
import { f_mapping, type file } from "../fs/file.js";
import type { address_space } from "../fs/inode.js";
import { EINVAL, EIO } from "../syscalls/errno.js";
import { find_page_cache, mapping_name, page_cache } from "./filemap.js";
import { ClearPageDirty, PageDirty, TestSetPageDirty, type page } from "./page.js";
import { page_mkclean } from "./rmap.js";

const PAGE_SIZE = 4096;

/** Linux: vm.dirty_writeback_centisecs and vm.dirty_expire_centisecs (defaults 500 and 3000, as Linux's). */
export interface WritebackTunables {
  dirty_writeback_centisecs: number;
  dirty_expire_centisecs: number;
}

const centisecs = (cs: number): number => cs * 10_000_000; // cycles at 1 GHz

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

/**
 * A mapping with no dirty page left leaves the flusher's list. Dirty pages are only in `mapping.dirty`
 * (flags); PTE-dirty pages of shared mappings are too.
 */
export function clean_mapping_state(k: Kernel, mapping: address_space): void {
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
  const s = find_page_cache(k);
  if (s === undefined || s.b_dirty.size === 0) return false;
  const interval = s.tunables.dirty_writeback_centisecs;
  return interval > 0 && k.machine.clock.cycles >= s.last_old_flush + centisecs(interval);
}

/** Linux: ksys_sync(): write back every dirty page of every file. */
export function ksys_sync(k: Kernel): void {
  const s = find_page_cache(k);
  if (s === undefined) return;
  for (const mapping of [...s.b_dirty]) {
    filemap_fdatawrite_range(k, mapping);
    mapping.host.i_op.fsync?.(k, mapping.host);
  }
}

/** The writeback tunables of this kernel (vm.dirty_*_centisecs), to change before or during a run. */
export function writeback_tunables(k: Kernel): WritebackTunables {
  return page_cache(k).tunables;
}
