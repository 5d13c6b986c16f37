// System calls of the fs area: openat, close, read, write, llseek (Linux: fs/open.c, fs/read_write.c),
// through the calling task's descriptor table (kernel/fs/fdtable.ts) to each file's operations. Also
// getrusage (kernel/sys.c), and the fs area's part in fork, exit and exec: the child gets a copy of
// the table, exit closes it, exec closes O_CLOEXEC descriptors.

import type { Kernel } from "../kernel.js";
import {
  close_fd, do_close_on_exec, dup_fd, exit_files, fd_install, files_lookup_fd, get_unused_fd_flags, put_files_struct,
  put_unused_fd,
} from "../fs/fdtable.js";
import { SEEK_MAX, type file } from "../fs/file.js";
import { AT_FDCWD, do_filp_open, O_CLOEXEC, PATH_MAX, vfs_llseek, vfs_read, vfs_write } from "../fs/vfs.js";
import { current_umask, fs_struct, task_pwd, type path } from "../fs/namei.js";
import { exec_hooks } from "../proc/execve.js";
import { exit_hooks } from "../proc/exit.js";
import { fork_hooks } from "../proc/fork.js";
import { rlimit, RLIMIT_NOFILE } from "../proc/rlimit.js";
import { fill_rusage, RUSAGE_CHILDREN, RUSAGE_SELF, RUSAGE_THREAD } from "../proc/rusage.js";
import type { task_struct } from "../proc/task.js";
import { EBADF, EFAULT, EINVAL, ENAMETOOLONG, ENOENT, ENOTDIR } from "./errno.js";
import type { SyscallTable } from "./types.js";
import { copy_to_user, strncpy_from_user } from "./uaccess.js";

// The descriptor table follows the task through fork, exec and exit.
fork_hooks.push((parent, child) => {
  if (child.files !== null) put_files_struct(child.files); // the console table every new task starts with
  child.files = parent.files === null ? null : dup_fd(parent.files);
});
exec_hooks.push((_k, task) => {
  if (task.files !== null) do_close_on_exec(task.files);
});
exit_hooks.push((_k, task) => exit_files(task));

const decoder = new TextDecoder();

/**
 * Linux: path_init()'s choice of where a relative name starts: the cwd for AT_FDCWD, else the
 * directory open at `dirfd` (-EBADF if none is open there, -ENOTDIR if it is not a directory).
 * An absolute name ignores dirfd entirely, as Linux does.
 */
export function dirfd_path(k: Kernel, task: task_struct, dirfd: number, name: string): path | number {
  if (name.startsWith("/") || dirfd === AT_FDCWD) return task_pwd(k, task);
  const f = task.files === null ? null : files_lookup_fd(task.files, dirfd);
  if (f === null) return -EBADF;
  const p = f.f_path as path | null;
  if (p === null || !p.is_dir) return -ENOTDIR;
  return p;
}

/** A path name argument: the string, or -EFAULT / -ENAMETOOLONG (PATH_MAX bytes or more) / -ENOENT (""). */
export function getname(task: task_struct, filename: number): string | number {
  const name = strncpy_from_user(task.mm!, task, filename >>> 0, PATH_MAX);
  if (typeof name === "number") return name;
  if (name === null) return -ENAMETOOLONG;
  const path = decoder.decode(name);
  return path === "" ? -ENOENT : path; // Linux: getname() refuses an empty name
}

/**
 * Linux: SYSCALL_DEFINE4(openat) -> do_sys_openat2(): look the name up, open it, and install it at
 * the lowest free descriptor. A relative name starts at dirfd (dirfd_path). -EFAULT for a bad name
 * pointer, -ENAMETOOLONG for a name of PATH_MAX bytes or more, -EMFILE when every descriptor below
 * RLIMIT_NOFILE is in use; the rest comes from do_filp_open().
 */
export function sys_openat(k: Kernel, task: task_struct, dirfd: number, filename: number, flags: number, mode: number): number {
  const files = task.files;
  if (files === null) return -EBADF;
  const path = getname(task, filename);
  if (typeof path === "number") return path;
  const fd = get_unused_fd_flags(files, (flags & O_CLOEXEC) !== 0, rlimit(task, RLIMIT_NOFILE));
  if (fd < 0) return fd;
  const start = dirfd_path(k, task, dirfd, path);
  const f: file | number = typeof start === "number" ? start : do_filp_open(k, task, start, path, flags, mode & ~current_umask(task));
  if (typeof f === "number") {
    put_unused_fd(files, fd);
    return f;
  }
  fd_install(files, fd, f);
  return fd;
}

/** Linux: SYSCALL_DEFINE1(close). */
export function sys_close(_k: Kernel, task: task_struct, fd: number): number {
  if (task.files === null) return -EBADF;
  return close_fd(task.files, fd);
}

/** Linux: ksys_read(): the file at `fd`, read at its position. */
export function sys_read(k: Kernel, task: task_struct, fd: number, buf: number, count: number): number {
  const f = task.files === null ? null : files_lookup_fd(task.files, fd);
  if (f === null) return -EBADF;
  return vfs_read(k, task, f, buf, count);
}

/** Linux: ksys_write(). */
export function sys_write(k: Kernel, task: task_struct, fd: number, buf: number, count: number): number {
  const f = task.files === null ? null : files_lookup_fd(task.files, fd);
  if (f === null) return -EBADF;
  return vfs_write(k, task, f, buf, count);
}

/**
 * Linux: SYSCALL_DEFINE5(llseek, fd, offset_high, offset_low, loff_t *result, whence), the rv32 form
 * of lseek: the 64-bit offset comes in two halves and the new position goes to *result (8 bytes).
 * Returns 0, or -EBADF, -EINVAL (whence > SEEK_HOLE, or a position the file refuses), -ESPIPE (the
 * console), -EFAULT (result not writable; the position has moved already, as in Linux).
 */
export function sys_llseek(_k: Kernel, task: task_struct, fd: number, offset_high: number, offset_low: number, result: number, whence: number): number {
  const f = task.files === null ? null : files_lookup_fd(task.files, fd);
  if (f === null) return -EBADF;
  if (whence >>> 0 > SEEK_MAX) return -EINVAL;
  const offset = BigInt.asIntN(64, (BigInt(offset_high >>> 0) << 32n) | BigInt(offset_low >>> 0));
  const pos = vfs_llseek(f, offset, whence);
  if (pos < 0n) return Number(pos);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, pos, true);
  return copy_to_user(task.mm!, task, result >>> 0, out) === 0 ? 0 : -EFAULT;
}

/**
 * Linux: SYSCALL_DEFINE2(getrusage): the caller's (RUSAGE_SELF, and RUSAGE_THREAD, the same with one
 * thread) or its reaped children's (RUSAGE_CHILDREN) usage as a 72-byte struct rusage; -EINVAL for
 * any other `who`, -EFAULT for a bad pointer.
 */
export function sys_getrusage(_k: Kernel, task: task_struct, who: number, ru: number): number {
  if (who !== RUSAGE_SELF && who !== RUSAGE_CHILDREN && who !== RUSAGE_THREAD) return -EINVAL;
  return copy_to_user(task.mm!, task, ru >>> 0, fill_rusage(task, who === RUSAGE_CHILDREN)) === 0 ? 0 : -EFAULT;
}

/** Linux: SYSCALL_DEFINE1(umask): set the file-creation mask (its low 9 bits), return the old one. */
export function sys_umask(k: Kernel, task: task_struct, mask: number): number {
  const old = current_umask(task);
  if (task.fs === null) task.fs = new fs_struct(task_pwd(k, task));
  task.fs.umask = mask & 0o777;
  return old;
}

export const FS_SYSCALLS: SyscallTable = {
  166: (k, t, a) => sys_umask(k, t, a[0]!),
  56: (k, t, a) => sys_openat(k, t, a[0]!, a[1]!, a[2]!, a[3]!),
  57: (k, t, a) => sys_close(k, t, a[0]!),
  62: (k, t, a) => sys_llseek(k, t, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!),
  165: (k, t, a) => sys_getrusage(k, t, a[0]!, a[1]!),
};
