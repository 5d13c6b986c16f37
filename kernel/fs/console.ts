// The console: file descriptors 0-2 of the first process, connected to the host's stdin, stdout and
// stderr (as under qemu-user). Linux: drivers/tty/tty_io.c tty_fops, reduced to read and write; like
// a tty it has no file position, so llseek fails with -ESPIPE.

import type { Kernel } from "../kernel.js";
import type { task_struct } from "../proc/task.js";
import { EFAULT } from "../syscalls/errno.js";
import { charge_copy, copy_from_user, copy_to_user } from "../syscalls/uaccess.js";
import type { file, file_operations } from "./file.js";

/** Bytes moved between guest and host per step, so a huge write never needs a huge buffer. */
const CHUNK = 64 << 10;

/** Linux: tty_write(). A fault part-way returns what was written before it. */
function console_write(k: Kernel, task: task_struct, f: file, buf: number, count: number): number {
  const host = f.private_data === 2 ? 2 : 1;
  let done = 0;
  while (done < count) {
    const n = Math.min(CHUNK, count - done);
    const data = copy_from_user(task.mm!, task, buf + done, n);
    if (data === null) return done > 0 ? done : -EFAULT;
    charge_copy(task.mm!, n);
    k.console.write(host, data);
    done += n;
  }
  return done;
}

/** Linux: tty_read(): at most what the host has ready now (like a tty or pipe); 0 at end of file. */
function console_read(k: Kernel, task: task_struct, _f: file, buf: number, count: number): number {
  count = Math.min(count, CHUNK);
  if (count === 0) return 0;
  const data = k.console.read(count);
  if (data.length === 0) return 0;
  charge_copy(task.mm!, data.length);
  return copy_to_user(task.mm!, task, buf, data) === 0 ? data.length : -EFAULT;
}

/** Linux: tty_fops (no llseek: the console has no position). */
export const console_fops: file_operations = { read: console_read, write: console_write };
