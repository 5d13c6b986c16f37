// System calls on a file's bytes as a whole, by position or by size: positional I/O (pread64,
// pwrite64), sizes (truncate64, ftruncate64) and durability (fsync, fdatasync, sync). Linux:
// fs/read_write.c, fs/open.c, fs/sync.c. read, write and lseek are fs.ts; readv and writev fd.ts.
//
// On riscv32 a 64-bit argument (a length, a position) takes two registers, low word first, with no
// padding to an even register: ftruncate64(fd, lo, hi), pread64(fd, buf, count, lo, hi).

import type { Kernel } from "../kernel.js";
import { files_lookup_fd } from "../fs/fdtable.js";
import { FMODE_LSEEK, FMODE_READ, FMODE_WRITE, MAX_LFS_FILESIZE, type file } from "../fs/file.js";
import { S_ISREG } from "../fs/inode.js";
import { path_walk, task_pwd } from "../fs/namei.js";
import { do_truncate, vfs_pread, vfs_pwrite, vfs_read } from "../fs/vfs.js";
import { filemap_write_and_wait_range, ksys_sync } from "../mm/page-writeback.js";
import type { task_struct } from "../proc/task.js";
import { EBADF, EFBIG, EINVAL, EISDIR, ESPIPE } from "./errno.js";
import { getname } from "./fs.js";
import type { SyscallTable } from "./types.js";

/** A 64-bit argument from its two registers (low, high), signed as loff_t. */
const loff = (lo: number, hi: number): bigint => BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));

/** Linux: include/linux/file.h fdget(): the file open at `fd`, or null. */
export const fdget = (task: task_struct, fd: number): file | null => (task.files === null ? null : files_lookup_fd(task.files, fd));

/** Linux: inode_newsize_ok(): a size the filesystem can hold. */
const size_ok = (length: bigint): boolean => length <= MAX_LFS_FILESIZE;

/**
 * Linux: do_sys_truncate() -> vfs_truncate(): the file `pathname` (links followed) becomes `length`
 * bytes. -EINVAL for a negative length or a non-regular file, -EISDIR for a directory, -EFBIG past
 * MAX_LFS_FILESIZE. A /proc file accepts and ignores it, as procfs's setattr does for root.
 */
export function sys_truncate64(k: Kernel, task: task_struct, pathname: number, length: bigint): number {
  if (length < 0n) return -EINVAL;
  const name = getname(task, pathname);
  if (typeof name === "number") return name;
  const p = path_walk(k, task, task_pwd(k, task), name, { follow: true });
  if (typeof p === "number") return p;
  if (p.is_dir) return -EISDIR;
  if (p.proc !== null) return 0;
  if (!S_ISREG(p.inode!.i_mode)) return -EINVAL;
  if (!size_ok(length)) return -EFBIG;
  return do_truncate(k, p.inode!, Number(length));
}

/**
 * Linux: do_sys_ftruncate(): the file open at `fd` becomes `length` bytes. -EINVAL for a negative
 * length, and for a file that is not regular or not open for writing (O_RDONLY: -EINVAL, not EBADF);
 * -EBADF; -EFBIG.
 */
export function sys_ftruncate64(k: Kernel, task: task_struct, fd: number, length: bigint): number {
  if (length < 0n) return -EINVAL;
  const f = fdget(task, fd);
  if (f === null) return -EBADF;
  const node = f.f_inode;
  if (node === null || !S_ISREG(node.i_mode) || !(f.f_mode & FMODE_WRITE)) return -EINVAL;
  if (!size_ok(length)) return -EFBIG;
  return do_truncate(k, node, Number(length));
}

/**
 * Linux: do_fsync() -> vfs_fsync() -> ->fsync = file_write_and_wait_range() + the filesystem's
 * flush: the file's dirty pages go to the host, then the host file to its disk. fdatasync is the
 * same (vmos writes no metadata of its own). -EBADF; -EINVAL for files that cannot be synced (the
 * console, pipes, /proc: their file_operations have no ->fsync); -EIO once after a failed writeback.
 */
export function do_fsync(k: Kernel, task: task_struct, fd: number): number {
  const f = fdget(task, fd);
  if (f === null) return -EBADF;
  const node = f.f_inode;
  if (node === null || node.i_op.fsync === undefined) return -EINVAL;
  const err = filemap_write_and_wait_range(k, node.i_mapping);
  const flushed = node.i_op.fsync(k, node);
  return err < 0 ? err : flushed;
}

/**
 * Linux: ksys_pread64() / ksys_pwrite64(): read or write at `pos` without moving the file's position.
 * -EINVAL for a negative position (before the descriptor is looked at), -EBADF, -ESPIPE for the
 * console and pipes; the rest as read/write. A /proc file reads its snapshot at `pos` (seq_read
 * allows pread).
 */
function sys_pread64(k: Kernel, task: task_struct, fd: number, buf: number, count: number, pos: bigint): number {
  if (pos < 0n) return -EINVAL;
  const f = fdget(task, fd);
  if (f === null) return -EBADF;
  if (!(f.f_mode & FMODE_LSEEK)) return -ESPIPE;
  if (f.f_inode !== null || !(f.f_mode & FMODE_READ)) return vfs_pread(k, task, f, buf, count, Number(pos));
  const saved = f.f_pos;
  f.f_pos = pos;
  const n = vfs_read(k, task, f, buf, count);
  f.f_pos = saved;
  return n;
}

function sys_pwrite64(k: Kernel, task: task_struct, fd: number, buf: number, count: number, pos: bigint): number {
  if (pos < 0n) return -EINVAL;
  const f = fdget(task, fd);
  if (f === null) return -EBADF;
  if (!(f.f_mode & FMODE_LSEEK)) return -ESPIPE;
  return vfs_pwrite(k, task, f, buf, count, Number(pos));
}

export const RW_SYSCALLS: SyscallTable = {
  45: (k, t, a) => sys_truncate64(k, t, a[0]!, loff(a[1]!, a[2]!)),
  46: (k, t, a) => sys_ftruncate64(k, t, a[0]!, loff(a[1]!, a[2]!)),
  67: (k, t, a) => sys_pread64(k, t, a[0]!, a[1]! >>> 0, a[2]! >>> 0, loff(a[3]!, a[4]!)),
  68: (k, t, a) => sys_pwrite64(k, t, a[0]!, a[1]! >>> 0, a[2]! >>> 0, loff(a[3]!, a[4]!)),
  81: (k) => (ksys_sync(k), 0),
  82: (k, t, a) => do_fsync(k, t, a[0]!),
  83: (k, t, a) => do_fsync(k, t, a[0]!), // fdatasync
};
