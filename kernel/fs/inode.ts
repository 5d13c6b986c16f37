// Linux: include/linux/fs.h struct inode, struct address_space, struct super_block: a file as the
// kernel knows it, independent of any name or open file. Every open file (struct file), every
// mapping of it (vma->vm_file) and every page of its data in the page cache lead here:
//
//   file ──f_inode──> inode ──i_mapping──> address_space ──i_pages──> page (index 0, 1, 2 ...)
//                       │                       └──i_mmap──> the VMAs that map the file (rmap)
//                       └──i_sb──> super_block (hostfs on the board's host directory, or ramfs)
//
// An inode lives while something holds it (i_count: open files, the cwd, the inode cache of its
// filesystem while it has a name) and its pages are freed when it goes (evict_inode).

import type { Kernel } from "../kernel.js";
import type { page } from "../mm/page.js";
import type { vm_area_struct } from "../mm/vma.js";

// Linux: include/uapi/linux/stat.h, the file type bits of i_mode.
export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000, S_IFLNK = 0o120000, S_IFREG = 0o100000, S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000, S_IFCHR = 0o020000, S_IFIFO = 0o010000;
export const S_ISREG = (m: number): boolean => (m & S_IFMT) === S_IFREG;
export const S_ISDIR = (m: number): boolean => (m & S_IFMT) === S_IFDIR;
export const S_ISLNK = (m: number): boolean => (m & S_IFMT) === S_IFLNK;

/**
 * Linux: struct address_space_operations: how a filesystem moves one page of a file between its
 * backing store and a frame, charging the I/O's simulated time. readpage returns 1 when it did I/O
 * (a fault that needed it is major), 0 when the data was in memory already, or -errno.
 */
export interface address_space_operations {
  /** Fill frame `pfn` with page `index` of the file; bytes past EOF read as zero. */
  readpage(k: Kernel, mapping: address_space, index: number, pfn: number): number;
  /** Write the first `len` bytes of frame `pfn` to page `index` of the file (len < 4096 at EOF). */
  writepage(k: Kernel, mapping: address_space, index: number, pfn: number, len: number): number;
  /**
   * Read `dst.length` bytes at `pos` straight from the backing store, bypassing the page cache (as
   * O_DIRECT does); returns the bytes read or -errno. Exec parses executables this way.
   */
  direct_read(k: Kernel, mapping: address_space, pos: number, dst: Uint8Array): number;
}

/** Linux: struct address_space: a file's pages in the page cache, and who maps them. */
export class address_space {
  /** Linux: i_pages (an XArray): the cached page at each page offset. Each holds one reference. */
  readonly i_pages = new Map<number, page>();
  /** Linux: i_mmap (an interval tree): every VMA mapping this file, for rmap walks. */
  readonly i_mmap = new Set<vm_area_struct>();
  /** Linux: mapping_tagged(PAGECACHE_TAG_DIRTY): pages waiting for writeback. */
  readonly dirty = new Set<page>();
  /**
   * Linux: inode->dirtied_when: the simulated cycle at which the file's oldest dirty page was
   * dirtied; the flusher writes files whose dirt is older than dirty_expire. -1 when clean.
   */
  dirtied_when = -1;
  /** Linux: AS_EIO: a writeback failed; the next fsync reports -EIO once. */
  wb_err = 0;

  constructor(readonly host: inode, readonly a_ops: address_space_operations) {}
}

/** Linux: struct super_block, reduced to a filesystem's identity and its inode cache. */
export class super_block {
  /** Linux: s_dev's MAJOR:MINOR, shown in /proc/PID/maps and statx. */
  constructor(readonly s_kernel: Kernel, readonly s_type: string, readonly dev_major: number, readonly dev_minor: number) {}
  /** Linux: the inode hash (icache): inodes of this filesystem by inode number, while they have a name. */
  readonly s_inodes = new Map<number, inode>();
}

/**
 * Linux: struct inode_operations + the directory side of file_operations, what the VFS asks a
 * filesystem to do by name. A missing operation means the filesystem cannot (-EPERM or -EROFS).
 * Results: an inode (with one reference for the caller), 0, or -errno.
 */
export interface inode_operations {
  lookup?(k: Kernel, dir: inode, name: string): inode | number;
  create?(k: Kernel, dir: inode, name: string, mode: number): inode | number;
  mkdir?(k: Kernel, dir: inode, name: string, mode: number): number;
  unlink?(k: Kernel, dir: inode, name: string): number;
  rmdir?(k: Kernel, dir: inode, name: string): number;
  rename?(k: Kernel, old_dir: inode, old_name: string, new_dir: inode, new_name: string): number;
  readlink?(k: Kernel, node: inode): string | number;
  /** Make the symbolic link `name` in `dir` holding `target` (not resolved: any string). */
  symlink?(k: Kernel, dir: inode, name: string, target: string): number;
  /** Give `old` (a non-directory) the further name `name` in `dir`; its i_nlink goes up by one. */
  link?(k: Kernel, old: inode, dir: inode, name: string): number;
  /** Directory entries: name, inode number, file type (S_IF* >> 12, Linux's DT_*). */
  readdir?(k: Kernel, dir: inode): { name: string; ino: number; type: number }[] | number;
  /** Set the size on the backing store (truncate). */
  setsize?(k: Kernel, node: inode, size: number): number;
  /** Linux: ->fsync's part below the page cache: make the backing store durable. */
  fsync?(k: Kernel, node: inode): number;
  /** Linux: ->evict_inode: the last reference is gone; let go of the backing object. */
  evict?(k: Kernel, node: inode): void;
}

/** Linux: struct inode. */
export class inode {
  /** Linux: i_count. */
  i_count = 1;
  /** Linux: i_size in bytes (a loff_t; vmos files stay below 2^53). */
  i_size = 0;
  /** Linux: i_nlink. 0 once the last name is gone; the inode then lives only while held. */
  i_nlink = 1;
  /** Nanoseconds since 1970: from the backing store, then simulated time for guest changes. */
  i_atime = 0n;
  i_mtime = 0n;
  i_ctime = 0n;
  readonly i_mapping: address_space;
  /** The filesystem's own data (hostfs: the device handle; ramfs: the bytes). */
  i_private: unknown = null;

  constructor(
    readonly i_sb: super_block,
    /** Linux: i_ino. */
    readonly i_ino: number,
    /** Linux: i_mode: type and permission bits. */
    public i_mode: number,
    readonly i_op: inode_operations,
    a_ops: address_space_operations,
  ) {
    this.i_mapping = new address_space(this, a_ops);
  }
}

/** Linux: ihold(): one more reference on an inode someone holds. */
export function ihold(node: inode): inode {
  node.i_count++;
  return node;
}

/** What eviction must also do: the page cache drops the inode's pages (registered by kernel/mm/truncate.ts). */
export const evict_hooks: ((k: Kernel, node: inode) => void)[] = [];

/**
 * Linux: iput(): drop a reference; the last one evicts the inode if it has no name left (an
 * unlinked file nobody holds): its pages leave the page cache and the filesystem lets go of it.
 * Inodes that still have a name stay in their filesystem's cache with their pages (the page cache
 * keeps a file's data after close, as Linux's does), until memory pressure or shutdown.
 */
export function iput(node: inode): void {
  if (--node.i_count > 0) return;
  if (node.i_nlink > 0 && node.i_sb.s_inodes.get(node.i_ino) === node) return;
  evict(node.i_sb.s_kernel, node);
}

/** Linux: evict(): free everything the inode holds. */
export function evict(k: Kernel, node: inode): void {
  for (const hook of evict_hooks) hook(k, node);
  if (node.i_sb.s_inodes.get(node.i_ino) === node) node.i_sb.s_inodes.delete(node.i_ino);
  node.i_op.evict?.(k, node);
}

/** Simulated time now, in nanoseconds since 1970 (the machine boots at the epoch), for timestamps. */
export function current_time(k: Kernel): bigint {
  return BigInt(k.machine.clock.cycles); // 1 GHz: one cycle is one nanosecond
}
