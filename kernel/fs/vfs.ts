// The virtual file system layer: opening a name (Linux: fs/namei.c path_openat, fs/open.c), and the
// generic read/write/llseek entry points every file goes through (fs/read_write.c vfs_read,
// vfs_write, vfs_llseek), whatever its file_operations are.
//
// The name space (namei.ts): `/` is the board's host directory (hostfs) with procfs over /proc, or an
// empty directory when the machine has none. Regular files read and write through the page cache
// (kernel/mm/filemap.ts).

import type { Kernel } from "../kernel.js";
import { filemap_read, generic_perform_write } from "../mm/filemap.js";
import { truncate_pagecache } from "../mm/truncate.js";
import type { task_struct } from "../proc/task.js";
import {
  EACCES, EBADF, EEXIST, EFAULT, EINVAL, EISDIR, ELOOP, ENOENT, ENOTDIR, ENXIO, EPERM, ESPIPE,
} from "../syscalls/errno.js";
import { access_ok } from "../syscalls/uaccess.js";
import {
  file, FMODE_LSEEK, FMODE_READ, FMODE_WRITE, generic_file_llseek_size, MAX_LFS_FILESIZE, type file_operations,
} from "./file.js";
import { current_time, ihold, S_IFREG, S_ISDIR, S_ISLNK, S_ISREG, type inode } from "./inode.js";
import { path_parent, path_walk, type path, type proc_dentry } from "./namei.js";

export { NAME_MAX, PATH_MAX } from "./namei.js";

// Linux: include/uapi/asm-generic/fcntl.h (octal), the open flags vmos looks at.
export const O_ACCMODE = 0o3;
export const O_RDONLY = 0o0;
export const O_WRONLY = 0o1;
export const O_RDWR = 0o2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;
export const O_CLOEXEC = 0o2000000;
/** Linux: AT_FDCWD, "the current working directory" as a dirfd. */
export const AT_FDCWD = -100;
/** Linux: MAX_RW_COUNT, the most one read or write moves (INT_MAX rounded down to a page). */
export const MAX_RW_COUNT = 0x7fff_f000;

/** What procfs's lookups return (kept under its old name for procfs). */
export type dentry = proc_dentry;

/** Linux: f_op of a directory: reading one is -EISDIR (getdents64 is the way to list it). */
export const dir_fops: file_operations = {
  read: () => -EISDIR,
  llseek: (f, offset, whence) => generic_file_llseek_size(f, offset, whence, MAX_LFS_FILESIZE, 0n),
};

/** Linux: generic_file_read_iter() -> filemap_read() at f_pos. */
function generic_file_read(k: Kernel, task: task_struct, f: file, buf: number, count: number): number {
  const node = f.f_inode!;
  const n = filemap_read(k, task.mm!, task, node.i_mapping, Number(f.f_pos), buf, count);
  if (n > 0) f.f_pos += BigInt(n);
  return n;
}

/** Linux: generic_file_write_iter(): at EOF for O_APPEND, else at f_pos; the position moves past it. */
function generic_file_write(k: Kernel, task: task_struct, f: file, buf: number, count: number): number {
  const node = f.f_inode!;
  const pos = f.f_flags & O_APPEND ? node.i_size : Number(f.f_pos);
  if (count === 0) return 0;
  const n = generic_perform_write(k, task.mm!, task, node.i_mapping, pos, buf, count);
  if (n > 0) f.f_pos = BigInt(pos + n);
  return n;
}

/** Linux: generic_file_llseek() with the inode's size for SEEK_END, SEEK_DATA and SEEK_HOLE. */
function generic_file_llseek(f: file, offset: bigint, whence: number): bigint {
  return generic_file_llseek_size(f, offset, whence, MAX_LFS_FILESIZE, BigInt(f.f_inode!.i_size));
}

/** Linux: a regular file's f_op (ext4_file_operations and friends, reduced): all through the page cache. */
export const generic_file_fops: file_operations = {
  read: generic_file_read,
  write: generic_file_write,
  llseek: generic_file_llseek,
};

/** Positional reads and writes (pread64/pwrite64) use the same paths without moving f_pos. */
export function vfs_pread(k: Kernel, task: task_struct, f: file, buf: number, count: number, pos: number): number {
  if (!(f.f_mode & FMODE_READ)) return -EBADF;
  if (!(f.f_mode & FMODE_LSEEK)) return -ESPIPE;
  if (pos < 0) return -EINVAL;
  const node = f.f_inode;
  if (node !== null && S_ISDIR(node.i_mode)) return -EISDIR;
  if (node === null || !S_ISREG(node.i_mode)) return -EINVAL;
  if (!access_ok(buf, count)) return -EFAULT;
  if (f.f_op.read_at !== undefined) return f.f_op.read_at(k, task, f, buf, Math.min(count, MAX_RW_COUNT), pos);
  return filemap_read(k, task.mm!, task, node.i_mapping, pos, buf, Math.min(count, MAX_RW_COUNT));
}

/** pwrite64: at `pos` even with O_APPEND? Linux appends anyway (a documented bug it keeps); vmos too. */
export function vfs_pwrite(k: Kernel, task: task_struct, f: file, buf: number, count: number, pos: number): number {
  if (!(f.f_mode & FMODE_WRITE)) return -EBADF;
  if (!(f.f_mode & FMODE_LSEEK)) return -ESPIPE;
  if (pos < 0) return -EINVAL;
  if (f.f_inode === null || !S_ISREG(f.f_inode.i_mode)) return -EINVAL;
  if (!access_ok(buf, count)) return -EFAULT;
  if (count === 0) return 0;
  const at = f.f_flags & O_APPEND ? f.f_inode.i_size : pos;
  if (f.f_op.write_at !== undefined) return f.f_op.write_at(k, task, f, buf, Math.min(count, MAX_RW_COUNT), at);
  return generic_perform_write(k, task.mm!, task, f.f_inode.i_mapping, at, buf, Math.min(count, MAX_RW_COUNT));
}

/**
 * Linux: do_truncate() -> notify_change(ATTR_SIZE) -> truncate_setsize(): the file's size becomes
 * `size`: the backing store first, then the page cache (pages past the end leave every mapping).
 */
export function do_truncate(k: Kernel, node: inode, size: number): number {
  if (S_ISDIR(node.i_mode)) return -EISDIR;
  if (!S_ISREG(node.i_mode)) return -EINVAL;
  const setsize = node.i_op.setsize;
  if (setsize === undefined) return -EPERM;
  const err = setsize(k, node, size);
  if (err < 0) return err;
  const old = node.i_size;
  node.i_size = size;
  if (size < old) truncate_pagecache(k, node, size);
  node.i_mtime = node.i_ctime = current_time(k);
  return 0;
}

/** An open file on an inode (Linux: do_dentry_open()): the file holds a reference on the inode. */
export function open_inode(k: Kernel, p: path, node: inode, flags: number): file {
  const acc = flags & O_ACCMODE;
  const mode = (acc === O_RDONLY || acc === O_RDWR ? FMODE_READ : 0) | (acc === O_WRONLY || acc === O_RDWR ? FMODE_WRITE : 0) | FMODE_LSEEK;
  const f = new file(p.name, new Uint8Array(0), S_ISDIR(node.i_mode) ? dir_fops : generic_file_fops, mode);
  f.f_inode = ihold(node);
  f.f_path = p;
  f.f_flags = flags;
  return f;
}

/**
 * Linux: do_filp_open() -> path_openat() (open_last_lookups + do_open + may_open): open `name`,
 * relative to `start`, with openat's `flags` and `mode`. Returns the new file (one reference) or
 * -errno with Linux's choice for each mistake:
 *  - a missing name: -ENOENT, or with O_CREAT a new regular file (-EEXIST with O_EXCL if it exists);
 *  - O_DIRECTORY on a non-directory: -ENOTDIR; a directory opened for writing or created: -EISDIR;
 *  - O_NOFOLLOW on a symbolic link: -ELOOP; O_CREAT|O_EXCL never follows the last link;
 *  - /proc files open read-only (-EACCES otherwise: their mode is 0444).
 */
export function do_filp_open(k: Kernel, task: task_struct, start: path, name: string, flags: number, mode: number, links = { n: 0 }): file | number {
  const acc = flags & O_ACCMODE;
  const wants_write = acc !== O_RDONLY || (flags & O_TRUNC) !== 0;
  let p: path | number;
  if (flags & O_CREAT) {
    const parent = path_parent(k, task, start, name);
    if (typeof parent === "number") return parent;
    if (name.endsWith("/")) return -EISDIR; // Linux: O_CREAT of "dir/" is -EISDIR
    if (parent.last === "." || parent.last === "..") {
      p = path_walk(k, task, start, name, { follow: true });
    } else {
      // Linux: open_last_lookups(): look the last name up without following, then decide.
      p = path_walk(k, task, parent.dir, parent.last, { follow: false });
      const node = typeof p === "number" ? null : p.inode;
      if (node !== null && S_ISLNK(node.i_mode)) {
        if (flags & O_EXCL) return -EEXIST; // O_CREAT|O_EXCL never follows the last link
        if (flags & O_NOFOLLOW) return -ELOOP;
        // Follow it, a dangling one too: open or create its target (trailing links count).
        if (++links.n > 40) return -ELOOP;
        const target = node.i_op.readlink?.(k, node) ?? -ENOENT;
        if (typeof target === "number") return target;
        return do_filp_open(k, task, parent.dir, target, flags, mode, links);
      }
    }
    if (p === -ENOENT && parent.last !== "." && parent.last !== "..") {
      if (parent.dir.proc !== null) return -EACCES; // procfs has no ->create
      const dir = parent.dir.inode!;
      const create = dir.i_op.create;
      if (create === undefined) return -EACCES;
      const made = create(k, dir, parent.last, S_IFREG | (mode & 0o7777));
      if (typeof made === "number") return made;
      const f = open_inode(k, parent.dir.child(parent.last, made, null), made, flags & ~O_TRUNC);
      made.i_count--; // the file holds its own reference now
      return f;
    }
    if (typeof p === "number") return p;
    if (flags & O_EXCL) return -EEXIST;
    if (p.is_dir) return -EISDIR;
  } else {
    p = path_walk(k, task, start, name, { follow: (flags & O_NOFOLLOW) === 0, directory: (flags & O_DIRECTORY) !== 0 });
    if (typeof p === "number") return p;
  }
  if (p.proc !== null) {
    if (p.proc.kind === "dir") {
      if (wants_write) return -EISDIR;
      const f = new file(p.proc.path, new Uint8Array(0), dir_fops, FMODE_READ | FMODE_LSEEK);
      f.f_path = p;
      f.f_flags = flags;
      return f;
    }
    if (flags & O_DIRECTORY) return -ENOTDIR;
    if (wants_write) return -EACCES;
    const f = p.proc.open(k);
    f.f_path = p;
    f.f_flags = flags;
    return f;
  }
  const node = p.inode!;
  if (S_ISLNK(node.i_mode)) return -ELOOP; // O_NOFOLLOW met a link
  if (flags & O_DIRECTORY && !S_ISDIR(node.i_mode)) return -ENOTDIR;
  if (S_ISDIR(node.i_mode) && wants_write) return -EISDIR;
  if (!S_ISDIR(node.i_mode) && !S_ISREG(node.i_mode)) return -ENXIO; // no devices or FIFOs on hostfs
  if ((flags & O_TRUNC) && acc !== O_RDONLY && S_ISREG(node.i_mode) && node.i_size > 0) {
    const err = do_truncate(k, node, 0);
    if (err < 0) return err;
  }
  return open_inode(k, p, node, flags);
}

/** Linux: fs/read_write.c vfs_read(): check the file was opened for reading, then f_op->read. */
export function vfs_read(k: Kernel, task: task_struct, f: file, buf: number, count: number): number {
  if (!(f.f_mode & FMODE_READ)) return -EBADF;
  if (f.f_op.read === undefined) return -EINVAL;
  if (!access_ok(buf, count)) return -EFAULT;
  return f.f_op.read(k, task, f, buf, Math.min(count, MAX_RW_COUNT));
}

/** Linux: fs/read_write.c vfs_write(): check the file was opened for writing, then f_op->write. */
export function vfs_write(k: Kernel, task: task_struct, f: file, buf: number, count: number): number {
  if (!(f.f_mode & FMODE_WRITE)) return -EBADF;
  if (f.f_op.write === undefined) return -EINVAL;
  if (!access_ok(buf, count)) return -EFAULT;
  return f.f_op.write(k, task, f, buf, Math.min(count, MAX_RW_COUNT));
}

/** Linux: fs/read_write.c vfs_llseek(): files without a position (the console) give -ESPIPE. */
export function vfs_llseek(f: file, offset: bigint, whence: number): bigint {
  if (!(f.f_mode & FMODE_LSEEK) || f.f_op.llseek === undefined) return BigInt(-ESPIPE);
  return f.f_op.llseek(f, offset, whence);
}

