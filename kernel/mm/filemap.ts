// Linux: mm/filemap.c, the page cache. File data lives in page-cache pages: page.mapping = the file's
// address_space and page.index = the page offset in the file. read() and write() copy between these
// pages and the caller's buffer (one copy each way); a mapping of the file maps the very same frames
// (no copy).
//
//   read(fd)  ──filemap_read──────────> page cache page ──copy──> user buffer
//   write(fd) ──generic_perform_write─> user buffer ──copy──> page cache page, PG_dirty
//   load/store through mmap(MAP_SHARED) ── the PTE maps the page cache page itself
//
// A cached page holds one reference for the page cache and one per PTE that maps it, and sits on the
// file LRU lists (swap.ts); the cache lets go of a page on truncation, when its inode is evicted, or
// when reclaim takes it (vmscan.ts, swap_out.ts).
// Dirty pages and their writeback (fsync, msync, sync, the flusher, shutdown) are page-writeback.ts;
// truncation and eviction are truncate.ts.

import type { Kernel } from "../kernel.js";
import { hex } from "../trace.js";
import { current_time, type address_space, type inode } from "../fs/inode.js";
import type { task_struct } from "../proc/task.js";
import { EFAULT, EFBIG, EIO, ENOMEM } from "../syscalls/errno.js";
import { charge_copy, copy_user_phys } from "../syscalls/uaccess.js";
import type { mm_struct } from "./mm_types.js";
import { ClearPageDirty, ClearPageReferenced, SetPageUptodate, get_page, type page } from "./page.js";
import { __alloc_pages, GFP_HIGHUSER_MOVABLE, put_page } from "./page_alloc.js";
import { clean_mapping_state, set_page_dirty, type WritebackTunables } from "./page-writeback.js";
import { lru_cache_add, mark_page_accessed } from "./swap.js";

const PAGE_SIZE = 4096;

/** The page cache of one kernel: every mapping with cached pages, and the flusher's state. */
class page_cache_state {
  /** Mappings that hold at least one page (for the invariant checker, reclaim and sync). */
  readonly mappings = new Set<address_space>();
  /** Linux: wb->b_dirty: mappings with dirty pages, oldest dirt first (insertion order). */
  readonly b_dirty = new Set<address_space>();
  /** The flusher's tunables (page-writeback.ts), at Linux's defaults. */
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

/**
 * The kernel's page-cache state if a file has been touched, else undefined. Unlike page_cache() it
 * creates nothing, so the flusher's per-tick check and shutdown stay cheap on a kernel without files.
 */
export function find_page_cache(k: Kernel): page_cache_state | undefined {
  return states.get(k);
}

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
  lru_cache_add(k, p);
}

/** Linux: __page_cache_alloc(): a frame for the page cache (reclaiming, if memory is short). */
function page_cache_alloc(k: Kernel): page | null {
  return __alloc_pages(k, GFP_HIGHUSER_MOVABLE, 0);
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
  if (p === null) return -ENOMEM;
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

/** How traces name a mapping. */
export function mapping_name(mapping: address_space): string {
  return `inode ${mapping.host.i_ino}`;
}

/**
 * Linux: file_update_time(): a write through write(), or the first store through a shared mapping
 * to a clean page (filemap_page_mkwrite()), changes the file's mtime and ctime.
 */
export function file_update_time(k: Kernel, node: inode): void {
  node.i_mtime = node.i_ctime = current_time(k);
}

/**
 * Linux: copy_page_to_iter() / copy_page_from_iter(): copy `n` bytes between page `p` at `offset` and
 * the user buffer at `va` (`to_user`: a read), holding the page while the copy faults (and maybe
 * reclaims), and charging the copy. A read, or a write that copied anything, marks the page
 * accessed; dirtying a written page is the caller's (the page cache's or shmem's way). Returns the
 * bytes NOT copied.
 */
export function copy_page_user(k: Kernel, mm: mm_struct, task: task_struct, p: page, offset: number, va: number, n: number,
  to_user: boolean): number {
  get_page(p);
  const left = copy_user_phys(mm, task, va, p.pfn * PAGE_SIZE + offset, n, to_user);
  charge_copy(mm, n - left);
  if (to_user || left < n) mark_page_accessed(k, p);
  put_page(k.zone, p);
  return left;
}

/**
 * Linux: filemap_read(): copy up to `count` bytes of the file from position `pos` into the user
 * buffer at `buf`, page by page through the page cache. Returns the bytes copied (0 at EOF), or
 * -EFAULT if nothing could be copied, -EIO, -ENOMEM.
 */
export function filemap_read(k: Kernel, mm: mm_struct, task: task_struct, mapping: address_space, pos: number, buf: number, count: number): number {
  const node = mapping.host;
  let done = 0;
  while (done < count && pos < node.i_size) {
    const index = Math.floor(pos / PAGE_SIZE);
    const offset = pos % PAGE_SIZE;
    const r = read_cache_page(k, mapping, index);
    if (typeof r === "number") return done > 0 ? done : r;
    const n = Math.min(PAGE_SIZE - offset, count - done, node.i_size - pos);
    const left = copy_page_user(k, mm, task, r.page, offset, buf + done, n, true);
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
export function generic_perform_write(k: Kernel, mm: mm_struct, task: task_struct, mapping: address_space, pos: number, buf: number, count: number): number {
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
    if (p === null) return done > 0 ? done : -ENOMEM;
    const left = copy_page_user(k, mm, task, p, offset, buf + done, n, false);
    if (n - left > 0) set_page_dirty(k, p);
    done += n - left;
    pos += n - left;
    if (pos > node.i_size) node.i_size = pos;
    if (left > 0) break;
  }
  if (done > 0) file_update_time(k, node);
  return done > 0 ? done : -EFAULT;
}

/** Linux: delete_from_page_cache(): the cache lets go of an unmapped page (its PTEs are gone already). */
export function delete_from_page_cache(k: Kernel, p: page): void {
  const mapping = p.mapping as address_space;
  mapping.i_pages.delete(p.index);
  mapping.dirty.delete(p);
  ClearPageDirty(p);
  ClearPageReferenced(p);
  p.mapping = null;
  if (mapping.i_pages.size === 0) page_cache(k).mappings.delete(mapping);
  clean_mapping_state(k, mapping);
  put_page(k.zone, p);
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
}

/** The page cache's event counters (all 0 before the first file is touched). */
export function page_cache_stats(k: Kernel): PageCacheStats {
  const s = states.get(k);
  return {
    nr_written: s?.nr_written ?? 0, nr_dirtied: s?.nr_dirtied ?? 0, pgpgin: s?.pgpgin ?? 0, pgpgout: s?.pgpgout ?? 0,
  };
}

