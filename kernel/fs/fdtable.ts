// Linux: include/linux/fdtable.h struct files_struct and fs/file.c: a process's table of open files,
// indexed by file descriptor. A descriptor is an index; the table holds one reference on each file.
//
//   fd:   0        1        2        3         4 ...
//        console  console  console  /proc/... (free: the next open takes the lowest free fd)
//
// The table starts with room for NR_OPEN_DEFAULT (BITS_PER_LONG = 32) descriptors and grows like
// Linux's alloc_fdtable() (256, 512, 1024 on a 32-bit kernel), which is what /proc/PID/status FDSize
// shows. No descriptor reaches the process's RLIMIT_NOFILE (1024 unless prlimit64 changed it): that
// open fails with -EMFILE.
//
// dup, dup3 and fcntl(F_DUPFD) make a second descriptor name the same open file (syscalls/fd.ts):
// one more reference, a shared position and shared f_flags, but close-on-exec is the descriptor's own.
//
// fork copies the table (dup_fd: the same files, one more reference each) or, with CLONE_FILES,
// shares it (files.count++); exit drops it (exit_files); exec closes the O_CLOEXEC descriptors
// (do_close_on_exec).

import type { task_struct } from "../proc/task.js";
import { EBADF, EMFILE } from "../syscalls/errno.js";
import { file, fput, get_file, FMODE_READ, FMODE_WRITE } from "./file.js";
import { console_fops } from "./console.js";

/** Linux: NR_OPEN_DEFAULT = BITS_PER_LONG, the size of the table embedded in files_struct. */
export const NR_OPEN_DEFAULT = 32;
/** Linux: INR_OPEN_CUR, the default soft RLIMIT_NOFILE: descriptors are 0..1023. */
export const INR_OPEN_CUR = 1024;
/** Linux: sysctl_nr_open (NR_OPEN = 1024 * 1024): no table grows beyond it. */
const NR_OPEN = 1024 * 1024;

/** Linux: struct files_struct with its struct fdtable folded in. */
export class files_struct {
  /** Linux: count. Tasks sharing this table (clone with CLONE_FILES). */
  count = 1;
  /** Linux: fdt->fd[]: the open file of each descriptor, or null. Its length is max_fds. */
  fd: (file | null)[];
  /** Linux: fdt->close_on_exec, as a set of descriptors. */
  readonly close_on_exec = new Set<number>();
  /** Linux: next_fd, where the search for a free descriptor starts. */
  next_fd = 0;

  constructor(max_fds: number = NR_OPEN_DEFAULT) {
    this.fd = new Array<file | null>(max_fds).fill(null);
  }

  /** Linux: fdt->max_fds, the table's current size (FDSize in /proc/PID/status). */
  get max_fds(): number {
    return this.fd.length;
  }
}

/**
 * Linux: fs/file.c alloc_fdtable()'s sizing: room for descriptor `nr`, in multiples of one KiB of
 * pointers (256 on a 32-bit kernel), rounded up to a power of two, at most NR_OPEN.
 */
function fdtable_size(nr: number): number {
  const per_kb = 1024 / 4; // 1024 / sizeof(struct file *)
  let n = Math.floor(nr / per_kb) + 1;
  n = 2 ** Math.ceil(Math.log2(n)); // roundup_pow_of_two(nr + 1)
  return Math.min(n * per_kb, NR_OPEN);
}

/** Linux: expand_files(): make descriptor `nr` fit in the table. */
function expand_files(files: files_struct, nr: number): void {
  if (nr < files.max_fds) return;
  const size = fdtable_size(nr);
  while (files.fd.length < size) files.fd.push(null);
}

/**
 * Linux: fs/file.c alloc_fd(start, end, flags): reserve the lowest free descriptor that is >= `start`
 * and below `end` (the caller's RLIMIT_NOFILE), growing the table to hold it. Returns it, or -EMFILE
 * when there is none. A reserved descriptor stays null until fd_install(); what keeps the next call
 * from handing it out again is next_fd, which moves past it when the search started at or below
 * next_fd (always the case for get_unused_fd_flags: pipe2 reserves two descriptors that way).
 */
export function alloc_fd(files: files_struct, start: number, end: number, cloexec: boolean): number {
  let fd = Math.max(start, files.next_fd);
  while (fd < files.max_fds && files.fd[fd] !== null) fd++;
  if (fd >= Math.min(end, NR_OPEN)) return -EMFILE;
  expand_files(files, fd);
  if (start <= files.next_fd) files.next_fd = fd + 1;
  set_close_on_exec(files, fd, cloexec);
  return fd;
}

/**
 * Linux: fs/file.c __get_unused_fd_flags() -> alloc_fd(0, nofile, flags): reserve the lowest free
 * descriptor below `nofile` (the caller's RLIMIT_NOFILE). Returns it, or -EMFILE when all of
 * 0..nofile-1 are in use. The caller installs a file with fd_install(), or gives the descriptor back
 * with put_unused_fd().
 */
export function get_unused_fd_flags(files: files_struct, cloexec: boolean, nofile: number = INR_OPEN_CUR): number {
  return alloc_fd(files, 0, nofile, cloexec);
}

/** Linux: put_unused_fd(): give back a descriptor get_unused_fd_flags() reserved but nothing was installed at. */
export function put_unused_fd(files: files_struct, fd: number): void {
  files.close_on_exec.delete(fd);
  if (fd < files.next_fd) files.next_fd = fd;
}

/** Linux: fd_install(): the table takes over the caller's reference on `f` at descriptor `fd`. */
export function fd_install(files: files_struct, fd: number, f: file): void {
  files.fd[fd] = f;
}

/** Linux: files_lookup_fd_raw(): the file open at `fd`, or null (no reference is taken). */
export function files_lookup_fd(files: files_struct, fd: number): file | null {
  return fd >= 0 && fd < files.max_fds ? files.fd[fd]! : null;
}

/** Linux: fs/file.c close_fd() -> filp_close(): free descriptor `fd` and drop its file. 0 or -EBADF. */
export function close_fd(files: files_struct, fd: number): number {
  const f = files_lookup_fd(files, fd);
  if (f === null) return -EBADF;
  files.fd[fd] = null;
  files.close_on_exec.delete(fd);
  if (fd < files.next_fd) files.next_fd = fd;
  fput(f);
  return 0;
}

/** Linux: fs/file.c get_close_on_exec(): is `fd` marked close-on-exec (FD_CLOEXEC)? */
export function get_close_on_exec(files: files_struct, fd: number): boolean {
  return files.close_on_exec.has(fd);
}

/** Linux: fs/file.c __set_close_on_exec() / __clear_close_on_exec(): mark or unmark `fd`. */
export function set_close_on_exec(files: files_struct, fd: number, cloexec: boolean): void {
  if (cloexec) files.close_on_exec.add(fd);
  else files.close_on_exec.delete(fd);
}

/**
 * Linux: fs/file.c do_dup2() (for dup3 and dup2): make descriptor `fd` name `f` (the table takes a
 * reference of its own), growing the table to hold it, with close-on-exec as `cloexec` says. A file
 * already open at `fd` is closed, but only after `f` is in place, so no other open can take `fd` in
 * between (Linux does it under files->file_lock; vmos's system calls never interleave). The caller
 * checked that `fd` is below its RLIMIT_NOFILE. Returns `fd`.
 */
export function do_dup2(files: files_struct, f: file, fd: number, cloexec: boolean): number {
  expand_files(files, fd);
  const tofree = files.fd[fd]!;
  files.fd[fd] = get_file(f);
  set_close_on_exec(files, fd, cloexec);
  if (tofree !== null) fput(tofree); // Linux: filp_close()
  return fd;
}

/**
 * Linux: fs/file.c dup_fd(): a copy of `oldf` for a child made by fork without CLONE_FILES. The
 * child's descriptors name the same open files (one more reference on each, so a file stays open
 * until both have closed it) and share their positions; close-on-exec marks are copied too.
 */
export function dup_fd(oldf: files_struct): files_struct {
  let open_files = oldf.max_fds;
  while (open_files > NR_OPEN_DEFAULT && oldf.fd[open_files - 1] === null) open_files--;
  const newf = new files_struct(open_files > NR_OPEN_DEFAULT ? fdtable_size(open_files - 1) : NR_OPEN_DEFAULT);
  oldf.fd.forEach((f, fd) => {
    if (f !== null) newf.fd[fd] = get_file(f);
  });
  for (const fd of oldf.close_on_exec) newf.close_on_exec.add(fd);
  return newf;
}

/** Linux: put_files_struct(): drop one user of the table; the last closes every file. */
export function put_files_struct(files: files_struct): void {
  if (--files.count > 0) return;
  files.fd.forEach((f, fd) => {
    if (f === null) return;
    files.fd[fd] = null;
    fput(f);
  });
  files.close_on_exec.clear();
}

/** Linux: kernel/exit.c exit_files(): the exiting task lets go of its table (do_exit calls it). */
export function exit_files(task: task_struct): void {
  const files = task.files;
  if (files === null) return;
  task.files = null;
  put_files_struct(files);
}

/** Linux: fs/file.c do_close_on_exec(): exec closes every descriptor opened with O_CLOEXEC. */
export function do_close_on_exec(files: files_struct): void {
  for (const fd of [...files.close_on_exec]) close_fd(files, fd);
}

/**
 * The first task's table: descriptors 0, 1 and 2 open on the console, as Linux's init gets them from
 * console_on_rootfs() (/dev/console opened once, then dup'ed twice). vmos keeps separate console
 * files per descriptor so that fd 2 writes to the host's stderr and fds 0 and 1 to its stdout (the
 * host-side split qemu-user gives); all three read the host's stdin.
 */
export function files_init_console(): files_struct {
  const files = new files_struct();
  for (const fd of [0, 1, 2]) {
    const f = new file("/dev/console", new Uint8Array(0), console_fops, FMODE_READ | FMODE_WRITE);
    f.private_data = fd === 2 ? 2 : 1;
    f.f_flags = 2; // O_RDWR
    fd_install(files, get_unused_fd_flags(files, false), f);
  }
  return files;
}
