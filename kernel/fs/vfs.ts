// The virtual file system layer: from a path to an open file (Linux: fs/namei.c path_openat, reduced
// to a walk over names), and the generic read/write/llseek entry points every file goes through
// (fs/read_write.c vfs_read, vfs_write, vfs_llseek), whatever its file_operations are.
//
// vmos has no disk filesystem yet. The name space is:
//   /            the root directory (every process's cwd)
//   /proc/...    procfs (procfs/root.ts): generated text, read-only
// and nothing else: any other name is -ENOENT.

import type { Kernel } from "../kernel.js";
import type { task_struct } from "../proc/task.js";
import {
  EACCES, EBADF, EEXIST, EFAULT, EINVAL, EISDIR, ENAMETOOLONG, ENOENT, ENOTDIR, ESPIPE,
} from "../syscalls/errno.js";
import { access_ok } from "../syscalls/uaccess.js";
import { file, FMODE_LSEEK, FMODE_READ, FMODE_WRITE, generic_file_llseek_size, MAX_LFS_FILESIZE, type file_operations } from "./file.js";
import { proc_lookup } from "./procfs/root.js";

// Linux: include/uapi/asm-generic/fcntl.h (octal), the open flags vmos looks at.
export const O_ACCMODE = 0o3;
export const O_RDONLY = 0o0;
export const O_WRONLY = 0o1;
export const O_RDWR = 0o2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_TRUNC = 0o1000;
export const O_DIRECTORY = 0o200000;
export const O_CLOEXEC = 0o2000000;
/** Linux: AT_FDCWD, "the current working directory" as a dirfd. */
export const AT_FDCWD = -100;

/** Linux: include/uapi/linux/limits.h PATH_MAX (with the NUL) and NAME_MAX (one component). */
export const PATH_MAX = 4096;
export const NAME_MAX = 255;
/** Linux: MAX_RW_COUNT, the most one read or write moves (INT_MAX rounded down to a page). */
export const MAX_RW_COUNT = 0x7fff_f000;

/**
 * A name looked up in the tree (Linux: a dentry and its inode, reduced to what open needs): a
 * directory, or a file whose content `open` produces (procfs generates its text at open).
 */
export type dentry =
  | { kind: "dir"; path: string }
  | { kind: "file"; path: string; open: (k: Kernel) => file };

/** The dentry at `names` from the root (Linux: one lookup_slow() per component, here all at once). */
function lookup(k: Kernel, task: task_struct, names: string[]): dentry | number {
  if (names.length === 0) return { kind: "dir", path: "/" };
  if (names[0] === "proc") return proc_lookup(k, task, names.slice(1));
  return -ENOENT;
}

/**
 * Linux: fs/namei.c link_path_walk() + walk_component(): resolve `path` one component at a time from
 * the root (an absolute path, or a relative one from the cwd, which is "/" for every process). Every
 * component but the last must be an existing directory, "." and ".." included ("/.." is "/").
 * Returns the dentry or -ENOENT, -ENOTDIR (a file used as a directory, or a trailing "/" after a
 * file), -ENAMETOOLONG (a component longer than NAME_MAX).
 */
export function path_lookup(k: Kernel, task: task_struct, path: string): dentry | number {
  if (path === "") return -ENOENT;
  const components = path.split("/").filter((name) => name !== "");
  if (path.endsWith("/")) components.push("."); // "name/" must be a directory, as "name/." would
  const names: string[] = [];
  let d: dentry | number = lookup(k, task, names);
  for (const name of components) {
    if (name.length > NAME_MAX) return -ENAMETOOLONG;
    if (typeof d === "number") return d;
    if (d.kind !== "dir") return -ENOTDIR;
    if (name === ".") continue;
    if (name === "..") names.pop();
    else names.push(name);
    d = lookup(k, task, names);
  }
  return d;
}

/** Linux: f_op of a directory: reading one is -EISDIR (getdents64 is the way to list it). */
const dir_fops: file_operations = {
  read: () => -EISDIR,
  llseek: (f, offset, whence) => generic_file_llseek_size(f, offset, whence, MAX_LFS_FILESIZE, 0n),
};

/**
 * Linux: fs/namei.c do_filp_open() -> path_openat() + do_open() + may_open(): open `path` with
 * openat's `flags`. /proc files open read-only (-EACCES for O_WRONLY, O_RDWR or O_TRUNC: vmos models
 * their mode 0444, without root's CAP_DAC_OVERRIDE); directories open read-only (-EISDIR otherwise);
 * O_DIRECTORY on a file is -ENOTDIR; O_CREAT of a missing name in an existing directory is -EACCES
 * (neither / nor /proc can hold new files), of an existing one with O_EXCL -EEXIST. Returns the new
 * file (one reference) or -errno.
 */
export function do_filp_open(k: Kernel, task: task_struct, path: string, flags: number): file | number {
  const d = path_lookup(k, task, path);
  if (typeof d === "number") {
    // Linux: lookup_open() finds the name missing in a directory that has no ->create.
    if (d === -ENOENT && (flags & O_CREAT) && typeof path_lookup(k, task, dirname(path)) !== "number") return -EACCES;
    return d;
  }
  if ((flags & (O_CREAT | O_EXCL)) === (O_CREAT | O_EXCL)) return -EEXIST;
  const acc = flags & O_ACCMODE;
  const wants_write = acc !== O_RDONLY || (flags & O_TRUNC) !== 0;
  let f: file;
  if (d.kind === "dir") {
    if (wants_write || (flags & O_CREAT)) return -EISDIR;
    f = new file(d.path, new Uint8Array(0), dir_fops, FMODE_READ | FMODE_LSEEK);
  } else {
    if (flags & O_DIRECTORY) return -ENOTDIR;
    if (wants_write) return -EACCES;
    f = d.open(k);
  }
  f.f_flags = flags;
  return f;
}

/** The directory part of a path: "/proc/x" -> "/proc", "x" -> ".", "/x" -> "/". */
function dirname(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  if (slash < 0) return ".";
  return slash === 0 ? "/" : trimmed.slice(0, slash);
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
