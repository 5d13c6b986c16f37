// Linux: fs/stat.c: what statx(2) tells about a file, and include/uapi/linux/stat.h's struct statx,
// the only stat call rv32 has (no fstat/newfstatat: 64-bit times and sizes from the start).
//
//   statx(dirfd, name, flags, mask, buf)
//     name ──user_path_at()──> a path (hostfs inode, or a procfs entry), or with AT_EMPTY_PATH and ""
//                              the file open at dirfd (which may have no name: the console, a pipe)
//          ──vfs_getattr()───> struct kstat ──cp_statx()──> 256 bytes for the user
//
// Where vmos has no inode to ask, it answers as Linux's own pseudo filesystems do: /proc entries are
// 0444 files and 0555 directories of size 0 with 1 KiB blocks, /proc/self is a link, the console is
// /dev/console (character device 5:1), a pipe is a FIFO on pipefs.

import type { Kernel } from "../kernel.js";
import type { task_struct } from "../proc/task.js";
import { EBADF, EFAULT, EINVAL, ENAMETOOLONG, ENOENT } from "../syscalls/errno.js";
import { dirfd_path } from "../syscalls/fs.js";
import { copy_to_user, strncpy_from_user } from "../syscalls/uaccess.js";
import { files_lookup_fd } from "./fdtable.js";
import type { file } from "./file.js";
import { AT_FDCWD } from "./vfs.js";
import { S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFREG, S_ISDIR, S_ISREG, type inode } from "./inode.js";
import { path_parent, path_walk, PATH_MAX, task_pwd, type path } from "./namei.js";
import { get_pipe_info } from "./pipe.js";
import { console_fops } from "./console.js";

// Linux: include/uapi/linux/fcntl.h, the *at() flags.
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_EACCESS = 0x200;
export const AT_REMOVEDIR = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400;
export const AT_NO_AUTOMOUNT = 0x800;
export const AT_EMPTY_PATH = 0x1000;
export const AT_STATX_SYNC_TYPE = 0x6000;

// Linux: include/uapi/linux/stat.h, struct statx's mask and attribute bits.
export const STATX_BASIC_STATS = 0x7ff;
export const STATX_MNT_ID = 0x1000;
const STATX__RESERVED = 0x8000_0000;
const STATX_ATTR_AUTOMOUNT = 0x1000, STATX_ATTR_MOUNT_ROOT = 0x2000, STATX_ATTR_DAX = 0x20_0000;

/** procfs's device (an anonymous 0:N, as Linux gives every pseudo filesystem) and its block size. */
const PROC_DEV: [number, number] = [0, 0x15];
const PROC_BLKSIZE = 1024;
/** Linux: PROC_ROOT_INO. */
const PROC_ROOT_INO = 1;
/** Mount ids (Linux: mnt_id, counted from boot): the root filesystem first, then /proc. */
const ROOT_MNT_ID = 1, PROC_MNT_ID = 2;

/** Linux: struct kstat, what a filesystem reports (times in nanoseconds since 1970). */
export interface kstat {
  mode: number;
  ino: number;
  nlink: number;
  size: number;
  blocks: number;
  blksize: number;
  atime: bigint;
  mtime: bigint;
  ctime: bigint;
  rdev: [number, number];
  dev: [number, number];
  attributes: number;
  mnt_id: number;
}

/**
 * What a name resolved to: a path (`self_link` when it is /proc/self itself, not followed), or an
 * open file without a name (AT_EMPTY_PATH on the console or a pipe: `p` is null).
 */
export interface lookup_target {
  p: path | null;
  f: file | null;
  self_link: boolean;
  /** The name was "" (AT_EMPTY_PATH). */
  empty: boolean;
}

/**
 * An inode number for a procfs entry, the same every run: the root is PROC_ROOT_INO, the rest are
 * numbers in Linux's proc_alloc_inum() range (0xF0000000 up) from a hash of the canonical name.
 */
export function proc_ino(name: string): number {
  if (name === "/proc") return PROC_ROOT_INO;
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return 0xf000_0000 + (h & 0x0fff_ffff);
}

/**
 * Linux: user_path_at_empty(): resolve the name at user address `filename` from `dfd`, following a
 * last symbolic link if `follow`. With `empty` (AT_EMPTY_PATH), "" names the file open at `dfd`
 * itself (the cwd for AT_FDCWD). Returns -EFAULT, -ENAMETOOLONG, -ENOENT (""), -EBADF, or the walk's
 * error.
 */
export function user_path_at(k: Kernel, task: task_struct, dfd: number, filename: number, follow: boolean, empty: boolean): lookup_target | number {
  const raw = strncpy_from_user(task.mm!, task, filename >>> 0, PATH_MAX);
  if (typeof raw === "number") return raw;
  if (raw === null) return -ENAMETOOLONG;
  const name = new TextDecoder().decode(raw);
  if (name === "") {
    if (!empty) return -ENOENT;
    if (dfd === AT_FDCWD) return { p: task_pwd(k, task), f: null, self_link: false, empty: true };
    const f = task.files === null ? null : files_lookup_fd(task.files, dfd);
    if (f === null) return -EBADF;
    return { p: f.f_path as path | null, f, self_link: false, empty: true };
  }
  const start = dirfd_path(k, task, dfd, name);
  if (typeof start === "number") return start;
  const p = path_walk(k, task, start, name, { follow });
  if (typeof p === "number") return p;
  return { p, f: null, self_link: !follow && is_proc_self(k, task, start, name), empty: false };
}

/** Whether `name`, walked from `start`, ends at /proc's "self" link itself (not followed). */
export function is_proc_self(k: Kernel, task: task_struct, start: path, name: string): boolean {
  if (!/(^|\/)self$/.test(name)) return false;
  const parent = path_parent(k, task, start, name);
  return typeof parent !== "number" && parent.dir.proc?.path === "/proc" && parent.last === "self";
}

/** Linux: generic_fillattr(): what an inode says of itself. */
function generic_fillattr(node: inode): kstat {
  const sized = S_ISREG(node.i_mode) || S_ISDIR(node.i_mode);
  return {
    mode: node.i_mode, ino: node.i_ino, nlink: node.i_nlink, size: node.i_size,
    // 512-byte units of 4 KiB blocks, as a filesystem with 4 KiB blocks and no holes would allocate.
    blocks: sized ? 8 * Math.ceil(node.i_size / 4096) : 0, blksize: 4096,
    atime: node.i_atime, mtime: node.i_mtime, ctime: node.i_ctime,
    rdev: [0, 0], dev: [node.i_sb.dev_major, node.i_sb.dev_minor], attributes: 0, mnt_id: ROOT_MNT_ID,
  };
}

/** A pseudo file with no inode behind it. */
function pseudo(mode: number, ino: number, dev: [number, number], nlink = 1): kstat {
  return {
    mode, ino, nlink, size: 0, blocks: 0, blksize: PROC_BLKSIZE, atime: 0n, mtime: 0n, ctime: 0n,
    rdev: [0, 0], dev, attributes: 0, mnt_id: PROC_MNT_ID,
  };
}

/**
 * Linux: proc_getattr() / proc_root_getattr() / pid_getattr(): /proc's directories are 0555 with
 * nlink 2 (the root: 2 + one per process), its files 0444, /proc/self a 0777 link.
 */
function proc_getattr(k: Kernel, p: path, self_link: boolean): kstat {
  const d = p.proc!;
  if (self_link) return pseudo(S_IFLNK | 0o777, proc_ino("/proc/self"), PROC_DEV);
  if (d.kind === "file") return pseudo(S_IFREG | 0o444, proc_ino(d.path), PROC_DEV);
  const nlink = d.path === "/proc" ? 2 + k.tasks.size : 2;
  return pseudo(S_IFDIR | 0o555, proc_ino(d.path), PROC_DEV, nlink);
}

/** Linux: vfs_getattr() + vfs_statx()'s mount bits, for what user_path_at() found. */
export function vfs_getattr(k: Kernel, t: lookup_target): kstat {
  let st: kstat;
  if (t.f !== null && t.f.f_inode !== null) st = generic_fillattr(t.f.f_inode);
  else if (t.p !== null && t.p.proc !== null) st = proc_getattr(k, t.p, t.self_link);
  else if (t.p !== null) st = generic_fillattr(t.p.inode!);
  else st = nameless_getattr(t.f!);
  const root = t.p !== null && !t.self_link && (t.p.names.length === 0 || (t.p.names.length === 1 && t.p.proc !== null));
  if (root) st.attributes |= STATX_ATTR_MOUNT_ROOT;
  return st;
}

/** An open file that no name reaches: a pipe (a FIFO on pipefs), or the console (/dev/console). */
function nameless_getattr(f: file): kstat {
  const pipe = get_pipe_info(f);
  if (pipe !== null) return { ...pseudo(S_IFIFO | 0o600, pipe.ino, [0, 0xc]), blksize: 4096, mnt_id: 0 };
  if (f.f_op === console_fops) return { ...pseudo(S_IFCHR | 0o600, 5, [0, 5]), rdev: [5, 1], blksize: 4096, mnt_id: 0 };
  return { ...pseudo(S_IFREG | 0o400, 0, [0, 0]), size: f.data.length, mnt_id: 0 };
}

/** Linux: cp_statx(): struct statx, 256 bytes, little-endian. */
export function cp_statx(st: kstat): Uint8Array {
  const out = new Uint8Array(256);
  const v = new DataView(out.buffer);
  v.setUint32(0, STATX_BASIC_STATS | STATX_MNT_ID, true); // stx_mask
  v.setUint32(4, st.blksize, true);
  v.setBigUint64(8, BigInt(st.attributes), true);
  v.setUint32(16, st.nlink, true);
  // stx_uid, stx_gid (20, 24): everyone is root.
  v.setUint16(28, st.mode, true);
  v.setBigUint64(32, BigInt(st.ino), true);
  v.setBigUint64(40, BigInt(st.size), true);
  v.setBigUint64(48, BigInt(st.blocks), true);
  v.setBigUint64(56, BigInt(STATX_ATTR_AUTOMOUNT | STATX_ATTR_MOUNT_ROOT | STATX_ATTR_DAX), true);
  const times: [number, bigint][] = [[64, st.atime], [96, st.ctime], [112, st.mtime]]; // btime (80) unknown
  for (const [at, ns] of times) {
    v.setBigInt64(at, ns / 1_000_000_000n, true);
    v.setUint32(at + 8, Number(ns % 1_000_000_000n), true);
  }
  v.setUint32(128, st.rdev[0], true);
  v.setUint32(132, st.rdev[1], true);
  v.setUint32(136, st.dev[0], true);
  v.setUint32(140, st.dev[1], true);
  v.setBigUint64(144, BigInt(st.mnt_id), true);
  return out;
}

/**
 * Linux: SYSCALL_DEFINE5(statx) -> do_statx() -> vfs_statx(): the file at `filename` (from `dfd`;
 * AT_SYMLINK_NOFOLLOW to describe a link itself; AT_EMPTY_PATH with "" for the file open at `dfd`)
 * into `buffer`. Every mask gets the basic stats and the mount id (STATX_BASIC_STATS |
 * STATX_MNT_ID), as Linux 5.15 on a filesystem without birth times. -EINVAL for unknown flags, both
 * sync types at once or a reserved mask bit; -EFAULT; the lookup's errors.
 */
export function sys_statx(k: Kernel, task: task_struct, dfd: number, filename: number, flags: number, mask: number, buffer: number): number {
  if (mask & STATX__RESERVED) return -EINVAL;
  if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE) return -EINVAL;
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) return -EINVAL;
  const t = user_path_at(k, task, dfd, filename, (flags & AT_SYMLINK_NOFOLLOW) === 0, (flags & AT_EMPTY_PATH) !== 0);
  if (typeof t === "number") return t;
  return copy_to_user(task.mm!, task, buffer >>> 0, cp_statx(vfs_getattr(k, t))) === 0 ? 0 : -EFAULT;
}
