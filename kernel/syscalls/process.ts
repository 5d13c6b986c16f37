// Process-level system calls: exit, identities.

import type { Kernel } from "../kernel.js";
import { do_exit } from "../proc/exit.js";
import type { task_struct } from "../proc/task.js";
import type { SyscallTable } from "./types.js";

/** Linux: SYSCALL_DEFINE1(exit) / exit_group: the status's low 8 bits go to the parent. */
export function sys_exit_group(k: Kernel, task: task_struct, status: number): number {
  do_exit(k, task, (status & 0xff) << 8);
  return 0;
}

/** Linux: getpid() returns the thread-group id; single-threaded processes: the pid. */
export function sys_getpid(_k: Kernel, task: task_struct): number {
  return task.pid;
}

/** Linux: getppid(): 0 for init, whose parent is outside the pid namespace. */
export function sys_getppid(_k: Kernel, task: task_struct): number {
  return task.parent?.pid ?? 0;
}

/** getuid/geteuid/getgid/getegid: everything runs as root, as under qemu-user started by root. */
export function sys_getuid(): number {
  return 0;
}

/** Process calls beyond exit and identities (issue 4: clone, waitid, execve, prlimit64...). */
export const PROCESS_SYSCALLS: SyscallTable = {};
