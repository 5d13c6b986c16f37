// Linux: include/linux/fs.h struct file and struct file_operations. An open file: what it is (an
// inode, whose data lives in the page cache: a file on the host directory or an in-memory program;
// or bytes generated at open: a /proc file's text), where the next read starts (f_pos), how it was
// opened (f_mode, f_flags), and the operations that read, write, seek and release it. Mappings of the
// file (vma->vm_file) and the fd table (fdtable.ts) each hold a reference.

import type { Kernel } from "../kernel.js";
import type { vm_area_struct } from "../mm/vma.js";
import type { task_struct } from "../proc/task.js";
import { iput, type address_space, type inode } from "./inode.js";
import { EFAULT, EINVAL, ENXIO } from "../syscalls/errno.js";
import { copy_to_user } from "../syscalls/uaccess.js";

// Linux: include/linux/fs.h fmode_t bits, set at open from the access mode and the file's kind.
export const FMODE_READ = 0x1;
export const FMODE_WRITE = 0x2;
/** The file has a position that llseek may move (Linux clears it for ttys and pipes: -ESPIPE). */
export const FMODE_LSEEK = 0x4;

// Linux: include/uapi/linux/fs.h whence values of lseek/llseek.
export const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
export const SEEK_MAX = SEEK_HOLE;

/**
 * Linux: struct file_operations, the part vmos needs. A missing read or write means the call returns
 * -EINVAL (Linux's vfs_read without ->read); a missing llseek means the file cannot seek (-ESPIPE).
 * Results are byte counts, or -errno.
 */
export interface file_operations {
  /** Copy up to `count` bytes from the file at f_pos to user address `buf`, advancing f_pos. */
  read?(k: Kernel, task: task_struct, f: file, buf: number, count: number): number;
  /** Copy `count` bytes from user address `buf` into the file. */
  write?(k: Kernel, task: task_struct, f: file, buf: number, count: number): number;
  /**
   * Read or write at `pos` without moving f_pos (Linux: ->read_iter/->write_iter with kiocb.ki_pos),
   * for pread64 and pwrite64. Without them a regular file goes through the page cache.
   */
  read_at?(k: Kernel, task: task_struct, f: file, buf: number, count: number, pos: number): number;
  write_at?(k: Kernel, task: task_struct, f: file, buf: number, count: number, pos: number): number;
  /**
   * Linux: ->mmap: set up a new VMA (not yet linked) that maps this file; 0 or -errno. Without it
   * the VMA maps the file's page cache (generic_file_mmap).
   */
  mmap?(f: file, vma: vm_area_struct): number;
  /** Move f_pos; returns the new position, or a negative -errno (Linux: loff_t). */
  llseek?(f: file, offset: bigint, whence: number): bigint;
  /** The last reference is gone (Linux: ->release from __fput()). */
  release?(f: file): void;
}

/**
 * Linux: struct file. `data` stands for the inode's contents: the whole file, in memory. `path` is how
 * it was named at open (Linux keeps f_path). A new file has one reference, its opener's.
 */
export class file {
  /** Linux: f_count. The fd table, mappings (vma->vm_file) and the opener each hold one. */
  f_count = 1;
  /** Linux: f_pos, a 64-bit loff_t. Only llseek and read move it. */
  f_pos = 0n;
  /** Linux: f_flags, the open flags (O_RDONLY, O_CLOEXEC...) as openat received them. */
  f_flags = 0;
  /** For the file's owner (Linux: private_data): the console's host fd, for instance. */
  private_data: unknown = null;
  /**
   * Linux: f_inode: the file's inode (its data in the page cache), or null for a file whose bytes
   * are `data` (a /proc snapshot, the console). The file holds one reference on it.
   */
  f_inode: inode | null = null;
  /** The directory walk that reached this file, for the *at() calls' dirfd (Linux: f_path). */
  f_path: unknown = null;

  constructor(
    readonly path: string,
    readonly data: Uint8Array,
    readonly f_op: file_operations = generic_ro_fops,
    /** Linux: f_mode. */
    readonly f_mode: number = FMODE_READ | FMODE_LSEEK,
  ) {}
}

/** Linux: f_mapping: where the file's pages are cached, or null for a file without an inode. */
export function f_mapping(f: file): address_space | null {
  return f.f_inode === null ? null : f.f_inode.i_mapping;
}

/**
 * Linux: d_path(): the file's absolute name, from the name it was opened by ("." and ".." resolved;
 * the VFS gives absolute names, a program the kernel was handed as bytes keeps its command-line name).
 */
export function d_path(f: file): string {
  const names: string[] = [];
  for (const name of f.path.split("/")) {
    if (name === "" || name === ".") continue;
    if (name === "..") names.pop();
    else names.push(name);
  }
  return `/${names.join("/")}`;
}

/** Linux: MKDEV(254, 0), "fe:00": vmos's executables live on one disk, as on a virtio "vda" (major 254). */
export const ROOT_DEV_MAJOR = 0xfe, ROOT_DEV_MINOR = 0x00;

/** Linux: the MAJOR:MINOR of the file's filesystem (s_dev), as /proc/PID/maps shows it. */
export function file_dev(f: file): [number, number] {
  if (f.f_inode !== null && f.f_inode.i_sb.s_type !== "ramfs") return [f.f_inode.i_sb.dev_major, f.f_inode.i_sb.dev_minor];
  return [ROOT_DEV_MAJOR, ROOT_DEV_MINOR];
}

/**
 * Linux: file_inode(f)->i_ino: the host's inode number for a file on the host directory. An
 * in-memory program gets a stable six-digit number derived from its name (FNV-1a), so
 * /proc/PID/maps lines look and align like Linux's and stay the same from run to run.
 */
export function file_ino(f: file): number {
  if (f.f_inode !== null && f.f_inode.i_sb.s_type !== "ramfs") return f.f_inode.i_ino;
  let h = 0x811c9dc5;
  for (const c of d_path(f)) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return 100_000 + (h % 900_000);
}

/** Linux: get_file(): one more reference. */
export function get_file(f: file): file {
  f.f_count++;
  return f;
}

/** Linux: fput() -> __fput(): drop a reference; the last one releases the file and its inode. */
export function fput(f: file): void {
  if (--f.f_count > 0) return;
  f.f_op.release?.(f);
  if (f.f_inode !== null) {
    const node = f.f_inode;
    f.f_inode = null;
    iput(node);
  }
}

/** Linux: MAX_LFS_FILESIZE on 32-bit: ULONG_MAX << PAGE_SHIFT, the largest position a file can have. */
export const MAX_LFS_FILESIZE = 0xffff_ffffn << 12n;

/** Linux: fs/read_write.c vfs_setpos(): a position must be in [0, maxsize]. */
export function vfs_setpos(f: file, offset: bigint, maxsize: bigint): bigint {
  if (offset < 0n || offset > maxsize) return BigInt(-EINVAL);
  f.f_pos = offset;
  return offset;
}

/**
 * Linux: fs/read_write.c generic_file_llseek_size() for a file of `eof` bytes: SEEK_SET, SEEK_CUR and
 * SEEK_END move f_pos; SEEK_DATA finds data at the offset (the whole file is data), SEEK_HOLE the
 * implicit hole at EOF; both give -ENXIO at or past EOF.
 */
export function generic_file_llseek_size(f: file, offset: bigint, whence: number, maxsize: bigint, eof: bigint): bigint {
  switch (whence) {
    case SEEK_END:
      offset += eof;
      break;
    case SEEK_CUR:
      if (offset === 0n) return f.f_pos;
      offset += f.f_pos;
      break;
    case SEEK_DATA:
      if (offset < 0n || offset >= eof) return BigInt(-ENXIO);
      break;
    case SEEK_HOLE:
      if (offset < 0n || offset >= eof) return BigInt(-ENXIO);
      offset = eof;
      break;
  }
  return vfs_setpos(f, offset, maxsize);
}

/** Linux: fs/libfs.c simple_read_from_buffer(): `count` bytes of `data` at f_pos to user memory. */
export function simple_read_from_buffer(_k: Kernel, task: task_struct, f: file, buf: number, count: number): number {
  const size = BigInt(f.data.length);
  if (f.f_pos >= size || count === 0) return 0;
  const pos = Number(f.f_pos);
  const n = Math.min(count, f.data.length - pos);
  const notCopied = copy_to_user(task.mm!, task, buf, f.data.subarray(pos, pos + n));
  if (notCopied === n) return -EFAULT;
  f.f_pos += BigInt(n - notCopied);
  return n - notCopied;
}

/** Linux: fs/read_write.c generic_ro_fops: a read-only regular file (an executable). */
export const generic_ro_fops: file_operations = {
  read: simple_read_from_buffer,
  llseek: (f, offset, whence) => generic_file_llseek_size(f, offset, whence, MAX_LFS_FILESIZE, BigInt(f.data.length)),
};
