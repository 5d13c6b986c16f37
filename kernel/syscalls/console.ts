// read() and write() on file descriptors 0-2, which are the host's stdin, stdout and stderr (as
// under qemu-user). Files, pipes and the page cache arrive with the filesystem issue.

import type { Kernel } from "../kernel.js";
import type { task_struct } from "../proc/task.js";
import { EBADF, EFAULT } from "./errno.js";
import { copy_from_user, copy_to_user } from "./uaccess.js";

/** Linux: MAX_RW_COUNT, the most one read or write moves. */
const MAX_RW_COUNT = 0x7ffff000;
/** Bytes moved between guest and host per step, so a huge write never needs a huge buffer. */
const CHUNK = 64 << 10;

/** Linux: SYSCALL_DEFINE3(write). A fault part-way returns what was written before it. */
export function sys_write(k: Kernel, task: task_struct, fd: number, buf: number, count: number): number {
  if (fd !== 1 && fd !== 2 && fd !== 0) return -EBADF;
  count = Math.min(count >>> 0, MAX_RW_COUNT);
  let done = 0;
  while (done < count) {
    const n = Math.min(CHUNK, count - done);
    const data = copy_from_user(task.mm!, task, buf + done, n);
    if (data === null) return done > 0 ? done : -EFAULT;
    k.console.write(fd === 2 ? 2 : 1, data);
    done += n;
  }
  return done;
}

/** Linux: SYSCALL_DEFINE3(read): at most what the host has ready now (like a tty or pipe); 0 at EOF. */
export function sys_read(k: Kernel, task: task_struct, fd: number, buf: number, count: number): number {
  if (fd !== 0 && fd !== 1 && fd !== 2) return -EBADF;
  count = Math.min(count >>> 0, CHUNK);
  if (count === 0) return 0;
  const data = k.console.read(count);
  if (data.length === 0) return 0;
  return copy_to_user(task.mm!, task, buf, data) === 0 ? data.length : -EFAULT;
}
