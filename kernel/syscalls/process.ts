// Process-level system calls: exit, identities.

import type { Kernel } from "../kernel.js";
import { do_exit } from "../proc/exit.js";
import type { task_struct } from "../proc/task.js";
import type { SyscallTable } from "./types.js";
import { sys_execve } from "../proc/execve.js";
import { sys_clone } from "../proc/fork.js";
import { RLIM_INFINITY, RLIM_NLIMITS, RLIMIT_NOFILE } from "../proc/rlimit.js";
import { sys_waitid } from "../proc/wait.js";
import { EFAULT, EINVAL, EPERM, ESRCH } from "./errno.js";
import { copy_from_user, copy_to_user } from "./uaccess.js";

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

/** Linux: NR_OPEN (fs/file.c sysctl_nr_open): RLIMIT_NOFILE cannot go above it. */
const NR_OPEN = 1024 * 1024;

function read_rlimit64(task: task_struct, ptr: number): [number, number] | null {
  const b = copy_from_user(task.mm!, task, ptr, 16);
  if (b === null) return null;
  const v = new DataView(b.buffer);
  const toNumber = (x: bigint): number => (x >= BigInt(RLIM_INFINITY) ? RLIM_INFINITY : Number(x));
  return [toNumber(v.getBigUint64(0, true)), toNumber(v.getBigUint64(8, true))];
}

function rlimit64_bytes([soft, hard]: [number, number]): Uint8Array {
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  const toBig = (x: number): bigint => (x >= RLIM_INFINITY ? 0xffffffffffffffffn : BigInt(x));
  v.setBigUint64(0, toBig(soft), true);
  v.setBigUint64(8, toBig(hard), true);
  return out;
}

/**
 * Linux: SYSCALL_DEFINE4(prlimit64, pid, resource, new_rlim, old_rlim): struct rlimit64 {u64 cur;
 * u64 max;}. Everyone runs as root, so raising a hard limit is allowed (CAP_SYS_RESOURCE).
 */
export function sys_prlimit64(k: Kernel, task: task_struct, pid: number, resource: number, new_ptr: number, old_ptr: number): number {
  const target = pid === 0 ? task : k.tasks.get(pid);
  if (target === undefined || target.state === "EXIT_ZOMBIE" || target.state === "EXIT_DEAD") return -ESRCH;
  if (resource < 0 || resource >= RLIM_NLIMITS) return -EINVAL;
  let next: [number, number] | null = null;
  if (new_ptr !== 0) {
    next = read_rlimit64(task, new_ptr >>> 0);
    if (next === null) return -EFAULT;
    if (next[0] > next[1]) return -EINVAL;
    if (resource === RLIMIT_NOFILE && next[1] > NR_OPEN) return -EPERM;
  }
  if (old_ptr !== 0 && copy_to_user(task.mm!, task, old_ptr >>> 0, rlimit64_bytes(target.rlim[resource]!)) !== 0) return -EFAULT;
  if (next !== null) target.rlim[resource] = next;
  return 0;
}

/** Process calls: clone, execve, waitid, prlimit64. */
export const PROCESS_SYSCALLS: SyscallTable = {
  95: (k, t, a) => sys_waitid(k, t, a[0]!, a[1]!, a[2]! >>> 0, a[3]!, a[4]! >>> 0),
  220: (k, t, a) => sys_clone(k, t, a[0]!, a[1]! >>> 0, a[2]! >>> 0, a[3]!, a[4]! >>> 0),
  221: (k, t, a) => sys_execve(k, t, a[0]! >>> 0, a[1]! >>> 0, a[2]! >>> 0),
  261: (k, t, a) => sys_prlimit64(k, t, a[0]!, a[1]!, a[2]! >>> 0, a[3]! >>> 0),
};
