// System calls that work on descriptors as such: dup, dup3, fcntl64 (fs/file.c, fs/fcntl.c), readv
// and writev (fs/read_write.c) and pipe2 (fs/pipe.c). The table of descriptors is kernel/fs/fdtable.ts;
// the pipe itself is kernel/fs/pipe.ts.

import type { Kernel } from "../kernel.js";
import {
  alloc_fd, do_dup2, fd_install, files_lookup_fd, get_close_on_exec, get_unused_fd_flags, put_unused_fd,
  set_close_on_exec,
} from "../fs/fdtable.js";
import { FMODE_READ, FMODE_WRITE, fput, get_file, type file } from "../fs/file.js";
import { iov_iter, type iovec } from "../fs/iov_iter.js";
import { create_pipe_files, F_GETPIPE_SZ, F_SETPIPE_SZ, get_pipe_info, O_DIRECT, pipe_fcntl, pipefifo_fops } from "../fs/pipe.js";
import {
  MAX_RW_COUNT, O_APPEND, O_CLOEXEC, O_CREAT, O_EXCL, O_NOCTTY, O_NONBLOCK, O_TRUNC, vfs_read, vfs_write,
} from "../fs/vfs.js";
import { F_ADD_SEALS, F_GET_SEALS, memfd_fcntl } from "../mm/memfd.js";
import { rlimit, RLIMIT_NOFILE } from "../proc/rlimit.js";
import type { task_struct } from "../proc/task.js";
import { EBADF, EFAULT, EINVAL } from "./errno.js";
import type { SyscallTable } from "./types.js";
import { access_ok, copy_from_user, copy_to_user } from "./uaccess.js";

// Linux: include/uapi/asm-generic/fcntl.h, the fcntl commands vmos implements.
const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030;
/** Linux: FD_CLOEXEC, the one descriptor flag (F_GETFD, F_SETFD). */
const FD_CLOEXEC = 1;
/** Linux: O_NOATIME: reads do not update the access time (the owner or root may set it; all are root). */
const O_NOATIME = 0o1000000;
/** Linux: O_NOTIFICATION_PIPE (= O_EXCL) for pipe2: a watch_queue pipe, which needs CONFIG_WATCH_QUEUE. */
const O_NOTIFICATION_PIPE = O_EXCL;
/** Linux: ENOPKG, pipe2's answer to O_NOTIFICATION_PIPE on a kernel without watch queues (riscv's defconfig). */
const ENOPKG = 65;
/** Linux: UIO_MAXIOV, the most iovecs one readv or writev takes. */
const UIO_MAXIOV = 1024;

/** Linux: fs/fcntl.c SETFL_MASK without FASYNC (vmos sends no SIGIO): the status flags F_SETFL changes. */
const SETFL_MASK = O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME;
/** Flags that only matter while opening; Linux drops them from f_flags (build_open_flags, do_dentry_open). */
const OPEN_ONLY_FLAGS = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC;

/** Linux fcntl commands vmos does not implement, named for the kernel's one-time note. */
const UNIMPLEMENTED_FCNTL: Readonly<Record<number, string>> = {
  5: "F_GETLK", 6: "F_SETLK", 7: "F_SETLKW", 8: "F_SETOWN", 9: "F_GETOWN", 10: "F_SETSIG", 11: "F_GETSIG",
  12: "F_GETLK64", 13: "F_SETLK64", 14: "F_SETLKW64", 15: "F_SETOWN_EX", 16: "F_GETOWN_EX", 36: "F_OFD_GETLK",
  37: "F_OFD_SETLK", 38: "F_OFD_SETLKW", 1024: "F_SETLEASE", 1025: "F_GETLEASE", 1026: "F_NOTIFY",
  1035: "F_GET_RW_HINT",
  1036: "F_SET_RW_HINT", 1037: "F_GET_FILE_RW_HINT", 1038: "F_SET_FILE_RW_HINT",
};

/** The open file at `fd` in the task's table, or null (Linux: fdget()). */
function fdget(task: task_struct, fd: number): file | null {
  return task.files === null ? null : files_lookup_fd(task.files, fd);
}

/** Linux: fs/file.c ksys_dup(): the lowest free descriptor now names the file at `fildes` too. */
export function sys_dup(_k: Kernel, task: task_struct, fildes: number): number {
  const f = fdget(task, fildes);
  if (f === null) return -EBADF;
  const fd = get_unused_fd_flags(task.files!, false, rlimit(task, RLIMIT_NOFILE));
  if (fd < 0) return fd;
  fd_install(task.files!, fd, get_file(f));
  return fd;
}

/**
 * Linux: fs/file.c ksys_dup3(): `newfd` names the file at `oldfd`, closing what `newfd` had open (in
 * one step: no other open can take it in between). Both are unsigned ints. -EINVAL for flags other
 * than O_CLOEXEC or oldfd == newfd (dup2 allows that, dup3 does not); -EBADF for a newfd at or above
 * RLIMIT_NOFILE or an oldfd that is not open, in that order. Returns newfd.
 */
export function sys_dup3(_k: Kernel, task: task_struct, oldfd: number, newfd: number, flags: number): number {
  if (flags & ~O_CLOEXEC) return -EINVAL;
  if (oldfd >>> 0 === newfd >>> 0) return -EINVAL;
  if (newfd >>> 0 >= rlimit(task, RLIMIT_NOFILE)) return -EBADF;
  const f = fdget(task, oldfd);
  if (f === null) return -EBADF;
  return do_dup2(task.files!, f, newfd, (flags & O_CLOEXEC) !== 0);
}

/** Linux: fs/fcntl.c f_dupfd(): the lowest free descriptor >= `from` names `f` too; -EINVAL if `from` >= RLIMIT_NOFILE. */
function f_dupfd(task: task_struct, from: number, f: file, cloexec: boolean): number {
  const nofile = rlimit(task, RLIMIT_NOFILE);
  if (from >= nofile) return -EINVAL;
  const fd = alloc_fd(task.files!, from, nofile, cloexec);
  if (fd < 0) return fd;
  fd_install(task.files!, fd, get_file(f));
  return fd;
}

/**
 * Linux: fs/fcntl.c setfl(): change the file's status flags that may change after open: O_APPEND,
 * O_NONBLOCK, O_NOATIME, and O_DIRECT, which only a pipe accepts (it switches packet mode; Linux
 * also allows it on files that can do direct I/O, and vmos has none). The access mode and the rest
 * stay. The flags belong to the open file, so every descriptor naming it sees the change.
 */
function setfl(f: file, arg: number): number {
  if (arg & O_DIRECT && get_pipe_info(f) === null) return -EINVAL;
  f.f_flags = (arg & SETFL_MASK) | (f.f_flags & ~SETFL_MASK);
  return 0;
}

/**
 * Linux: fs/fcntl.c SYSCALL_DEFINE3(fcntl64) -> do_fcntl(), the commands vmos has: F_DUPFD and
 * F_DUPFD_CLOEXEC (lowest free descriptor >= arg), F_GETFD/F_SETFD (FD_CLOEXEC, the descriptor's),
 * F_GETFL (access mode and status flags, the open file's), F_SETFL (see setfl), F_GETPIPE_SZ and
 * F_SETPIPE_SZ (a pipe's capacity: pipe_fcntl), F_ADD_SEALS and F_GET_SEALS (a memfd's seals:
 * memfd_fcntl). -EBADF for a
 * descriptor that is not open, then -EINVAL for any other command (with a note, once, for a Linux
 * command vmos lacks, such as the locks).
 */
export function sys_fcntl64(k: Kernel, task: task_struct, fd: number, cmd: number, arg: number): number {
  const f = fdget(task, fd);
  if (f === null) return -EBADF;
  const files = task.files!;
  switch (cmd) {
    case F_DUPFD:
      return f_dupfd(task, arg >>> 0, f, false);
    case F_DUPFD_CLOEXEC:
      return f_dupfd(task, arg >>> 0, f, true);
    case F_GETFD:
      return get_close_on_exec(files, fd) ? FD_CLOEXEC : 0;
    case F_SETFD:
      set_close_on_exec(files, fd, (arg & FD_CLOEXEC) !== 0);
      return 0;
    case F_GETFL:
      return f.f_flags & ~OPEN_ONLY_FLAGS;
    case F_SETFL:
      return setfl(f, arg);
    case F_SETPIPE_SZ:
    case F_GETPIPE_SZ:
      return pipe_fcntl(k, f, cmd, arg);
    case F_ADD_SEALS:
    case F_GET_SEALS:
      return memfd_fcntl(f, cmd, arg);
  }
  const name = UNIMPLEMENTED_FCNTL[cmd];
  if (name !== undefined) {
    k.report_once(`fcntl64 ${cmd}`, () => `${task.comm}[${task.pid}]: fcntl64 command ${cmd} (${name}) is not implemented: returning -EINVAL`);
  }
  return -EINVAL;
}

/**
 * Linux: lib/iov_iter.c import_iovec() (iovec_from_user + __import_iovec): read `nr_segs` struct
 * iovec {u32 iov_base; u32 iov_len} from user memory. -EINVAL for more than UIO_MAXIOV (a negative
 * count is a huge unsigned one) or a length that is negative as an ssize_t; -EFAULT for an unreadable
 * array or a buffer outside user space. A total beyond MAX_RW_COUNT is not an error: like Linux,
 * the segments are cut so that the call moves at most MAX_RW_COUNT bytes. No segments: 0 bytes.
 */
function import_iovec(task: task_struct, uvec: number, nr_segs: number): iov_iter | number {
  nr_segs >>>= 0;
  if (nr_segs === 0) return new iov_iter([], 0);
  if (nr_segs > UIO_MAXIOV) return -EINVAL;
  const raw = copy_from_user(task.mm!, task, uvec >>> 0, nr_segs * 8);
  if (raw === null) return -EFAULT;
  const view = new DataView(raw.buffer);
  const iov: iovec[] = [];
  for (let i = 0; i < nr_segs; i++) {
    const iov_len = view.getInt32(i * 8 + 4, true);
    if (iov_len < 0) return -EINVAL;
    iov.push({ iov_base: view.getUint32(i * 8, true), iov_len });
  }
  let total = 0;
  for (const seg of iov) {
    if (!access_ok(seg.iov_base, seg.iov_len)) return -EFAULT;
    seg.iov_len = Math.min(seg.iov_len, MAX_RW_COUNT - total);
    total += seg.iov_len;
  }
  return new iov_iter(iov, total);
}

/**
 * Linux: fs/read_write.c do_loop_readv_writev(), for files without ->read_iter/->write_iter: one
 * read or write per buffer, stopping at the first error (returned if nothing moved yet) or the
 * first short transfer. Empty buffers are skipped.
 */
function do_loop_readv_writev(iter: iov_iter, rw: (buf: number, len: number) => number): number {
  let ret = 0;
  for (const seg of iter.iov) {
    if (seg.iov_len === 0) continue;
    const nr = rw(seg.iov_base, seg.iov_len);
    if (nr < 0) return ret === 0 ? nr : ret;
    ret += nr;
    if (nr !== seg.iov_len) break;
  }
  return ret;
}

type iter_fops = Partial<typeof pipefifo_fops>;

/**
 * Linux: fs/read_write.c do_readv() -> vfs_readv() -> do_iter_read(): read into `vlen` buffers in
 * turn. Errors in Linux's order: -EBADF (not open), the iovec's errors (import_iovec), -EBADF (not
 * open for reading), -EINVAL (the file cannot be read). 0 for no buffers or all empty. A file with
 * ->read_iter (a pipe) gets the whole vector in one call; others one read per buffer.
 */
export function sys_readv(k: Kernel, task: task_struct, fd: number, vec: number, vlen: number): number {
  const f = fdget(task, fd);
  if (f === null) return -EBADF;
  const iter = import_iovec(task, vec, vlen);
  if (typeof iter === "number") return iter;
  if (!(f.f_mode & FMODE_READ)) return -EBADF;
  const read_iter = (f.f_op as iter_fops).read_iter;
  if (f.f_op.read === undefined && read_iter === undefined) return -EINVAL;
  if (iter.count === 0) return 0;
  if (read_iter !== undefined) return read_iter(k, task, f, iter);
  return do_loop_readv_writev(iter, (buf, len) => vfs_read(k, task, f, buf, len));
}

/** Linux: fs/read_write.c do_writev() -> vfs_writev() -> do_iter_write(): sys_readv's twin for writing. */
export function sys_writev(k: Kernel, task: task_struct, fd: number, vec: number, vlen: number): number {
  const f = fdget(task, fd);
  if (f === null) return -EBADF;
  const iter = import_iovec(task, vec, vlen);
  if (typeof iter === "number") return iter;
  if (!(f.f_mode & FMODE_WRITE)) return -EBADF;
  const write_iter = (f.f_op as iter_fops).write_iter;
  if (f.f_op.write === undefined && write_iter === undefined) return -EINVAL;
  if (iter.count === 0) return 0;
  if (write_iter !== undefined) return write_iter(k, task, f, iter);
  return do_loop_readv_writev(iter, (buf, len) => vfs_write(k, task, f, buf, len));
}

/**
 * Linux: fs/pipe.c SYSCALL_DEFINE2(pipe2) -> do_pipe2(): a new pipe; its read end's descriptor goes
 * to fildes[0] and its write end's to fildes[1] (two ints). `flags`: O_CLOEXEC (both descriptors),
 * O_NONBLOCK (both files), O_DIRECT (packet mode); anything else is -EINVAL, and
 * O_NOTIFICATION_PIPE -ENOPKG. -EMFILE when two descriptors are not free below RLIMIT_NOFILE.
 * -EFAULT when fildes cannot be written: then no descriptor stays open and the pipe is freed.
 */
export function sys_pipe2(k: Kernel, task: task_struct, fildes: number, flags: number): number {
  const files = task.files;
  if (files === null) return -EBADF;
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT | O_NOTIFICATION_PIPE)) return -EINVAL;
  if (flags & O_NOTIFICATION_PIPE) return -ENOPKG;
  const [rf, wf] = create_pipe_files(k, flags);
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const nofile = rlimit(task, RLIMIT_NOFILE);
  const fdr = get_unused_fd_flags(files, cloexec, nofile);
  const fdw = fdr < 0 ? fdr : get_unused_fd_flags(files, cloexec, nofile);
  const fd = new Uint8Array(8);
  new DataView(fd.buffer).setInt32(0, fdr, true);
  new DataView(fd.buffer).setInt32(4, fdw, true);
  const err = fdw < 0 ? fdw : copy_to_user(task.mm!, task, fildes, fd) !== 0 ? -EFAULT : 0;
  if (err < 0) {
    if (fdr >= 0) put_unused_fd(files, fdr);
    if (fdw >= 0) put_unused_fd(files, fdw);
    fput(rf);
    fput(wf);
    return err;
  }
  fd_install(files, fdr, rf);
  fd_install(files, fdw, wf);
  return 0;
}

export const FD_SYSCALLS: SyscallTable = {
  23: (k, t, a) => sys_dup(k, t, a[0]!),
  24: (k, t, a) => sys_dup3(k, t, a[0]!, a[1]!, a[2]!),
  25: (k, t, a) => sys_fcntl64(k, t, a[0]!, a[1]!, a[2]!),
  59: (k, t, a) => sys_pipe2(k, t, a[0]! >>> 0, a[1]!),
  65: (k, t, a) => sys_readv(k, t, a[0]!, a[1]!, a[2]!),
  66: (k, t, a) => sys_writev(k, t, a[0]!, a[1]!, a[2]!),
};
