// Linux: kernel/exit.c waitid() (rv32 has no wait4): report a child's exit in a siginfo, reap it,
// or sleep until a child exits. Returns 0, not the pid: the pid is in si_pid.

import type { Kernel } from "../kernel.js";
import { sleep_current } from "../sched/core.js";
import { ECHILD, EFAULT, EINVAL } from "../syscalls/errno.js";
import { copy_to_user } from "../syscalls/uaccess.js";
import { SYSCALL_RESTART } from "../syscalls/types.js";
import { release_task } from "./exit.js";
import { fill_rusage } from "./rusage.js";
import type { task_struct } from "./task.js";

// Linux: include/uapi/linux/wait.h.
export const P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3;
export const WNOHANG = 1, WSTOPPED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x01000000;
const __WNOTHREAD = 0x20000000, __WALL = 0x40000000, __WCLONE = 0x80000000;
const SIGCHLD = 17, CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;

/** The children `which`/`upid` selects (vmos has no process groups: every process is in group 1). */
function selected(parent: task_struct, which: number, upid: number): task_struct[] {
  const all = [...parent.children];
  if (which === P_PID) return all.filter((c) => c.pid === upid);
  if (which === P_PGID) return upid === 0 || upid === 1 ? all : [];
  return all;
}

/**
 * Linux: the six siginfo fields waitid writes, and only those (32-bit layout: si_signo@0 si_errno@4
 * si_code@8 si_pid@12 si_uid@16 si_status@20); the rest of the caller's 128 bytes is left alone.
 */
function siginfo_of(child: task_struct | null): Uint8Array {
  const info = new Uint8Array(24);
  if (child === null) return info; // WNOHANG and nothing to report: all zero (si_signo 0)
  const v = new DataView(info.buffer);
  const code = child.exit_code;
  const killed = (code & 0x7f) !== 0;
  v.setInt32(0, SIGCHLD, true);
  v.setInt32(8, killed ? (code & 0x80 ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED, true);
  v.setInt32(12, child.pid, true);
  v.setInt32(16, 0, true);
  v.setInt32(20, killed ? code & 0x7f : (code >> 8) & 0xff, true);
  return info;
}

/** Linux: wait_task_zombie(): the parent takes the child's counters, and the child is gone. */
function reap(k: Kernel, parent: task_struct, child: task_struct): void {
  parent.cmin_flt += child.min_flt + child.cmin_flt;
  parent.cmaj_flt += child.maj_flt + child.cmaj_flt;
  parent.cmaxrss = Math.max(parent.cmaxrss, child.maxrss, child.cmaxrss);
  parent.cutime_cycles += child.utime_cycles + child.cutime_cycles;
  parent.cstime_cycles += child.stime_cycles + child.cstime_cycles;
  release_task(k, child);
}

/** Linux: SYSCALL_DEFINE5(waitid, which, upid, infop, options, ru). */
export function sys_waitid(k: Kernel, task: task_struct, which: number, upid: number, infop: number, options: number, ru: number): number {
  if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL)) return -EINVAL;
  if ((options & (WEXITED | WSTOPPED | WCONTINUED)) === 0) return -EINVAL;
  if (which === P_PID && upid <= 0) return -EINVAL;
  if (which !== P_ALL && which !== P_PID && which !== P_PGID) return -EINVAL; // P_PIDFD: no pidfds
  const candidates = selected(task, which, upid);
  if (candidates.length === 0) return -ECHILD;
  const zombie = options & WEXITED ? candidates.find((c) => c.state === "EXIT_ZOMBIE") : undefined;
  if (zombie === undefined && (options & WNOHANG) === 0) {
    sleep_current(k, task, "waitid for a child");
    return SYSCALL_RESTART;
  }
  const mm = task.mm!;
  if (zombie !== undefined && ru !== 0 && copy_to_user(mm, task, ru >>> 0, fill_rusage(zombie, false)) !== 0) return -EFAULT;
  if (infop !== 0 && copy_to_user(mm, task, infop >>> 0, siginfo_of(zombie ?? null)) !== 0) return -EFAULT;
  if (zombie !== undefined && (options & WNOWAIT) === 0) reap(k, task, zombie);
  return 0;
}
