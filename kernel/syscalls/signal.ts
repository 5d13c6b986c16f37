// System calls of the signal area (Linux: the SYSCALL_DEFINEs of kernel/signal.c and
// arch/riscv/kernel/signal.c): installing handlers, the blocked mask, the alternate stack, sending
// signals, and returning from a handler. The machinery is in kernel/proc/signal*.ts and sigaction.ts.
//
// User-visible layouts on rv32 (riscv has no sa_restorer):
//   struct sigaction { sa_handler @0; sa_flags @4; sigset_t sa_mask @8 (64 bits) }   16 bytes
//   stack_t          { ss_sp @0; int ss_flags @4; size_t ss_size @8 }                12 bytes

import type { Kernel } from "../kernel.js";
import { do_sigaction, do_sigaltstack, current_altstack, sigprocmask } from "../proc/sigaction.js";
import { force_sig, send_signal } from "../proc/signal.js";
import { restore_rt_sigframe } from "../proc/signal_frame.js";
import {
  k_sigaction, type kernel_siginfo, SI_TKILL, SI_USER, SIGSEGV, sigdel_unblockable, sigset_bytes, sigset_from,
  _NSIG,
} from "../proc/signal_types.js";
import type { task_struct } from "../proc/task.js";
import { EFAULT, EINVAL, ESRCH } from "./errno.js";
import type { SyscallTable } from "./types.js";
import { copy_from_user, copy_to_user } from "./uaccess.js";

/** Linux: sizeof(sigset_t): the only sigsetsize rt_sigaction and rt_sigprocmask accept. */
const SIGSET_SIZE = 8;

/**
 * Linux: SYSCALL_DEFINE4(rt_sigaction): read the new action (-EFAULT), then do_sigaction() swaps it in
 * and hands back the old one, which is written last: if that write faults, the new action is already
 * installed and the call still returns -EFAULT, as in Linux.
 */
export function sys_rt_sigaction(_k: Kernel, task: task_struct, sig: number, act: number, oact: number, sigsetsize: number): number {
  if (sigsetsize !== SIGSET_SIZE) return -EINVAL;
  let new_sa: k_sigaction | null = null;
  if (act !== 0) {
    const b = copy_from_user(task.mm!, task, act, 16);
    if (b === null) return -EFAULT;
    const v = new DataView(b.buffer);
    new_sa = new k_sigaction(v.getUint32(0, true), v.getUint32(4, true), sigset_from(b, 8));
  }
  const old = do_sigaction(task, sig, new_sa);
  if (typeof old === "number") return old;
  if (oact !== 0) {
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    v.setUint32(0, old.handler >>> 0, true);
    v.setUint32(4, old.flags >>> 0, true);
    b.set(sigset_bytes(old.mask), 8);
    if (copy_to_user(task.mm!, task, oact, b) !== 0) return -EFAULT;
  }
  return 0;
}

/**
 * Linux: SYSCALL_DEFINE4(rt_sigprocmask): how = SIG_BLOCK 0, SIG_UNBLOCK 1, SIG_SETMASK 2. The old
 * mask is taken first, so `set` and `oset` may be the same buffer. SIGKILL and SIGSTOP stay unblocked.
 */
export function sys_rt_sigprocmask(_k: Kernel, task: task_struct, how: number, set: number, oset: number, sigsetsize: number): number {
  if (sigsetsize !== SIGSET_SIZE) return -EINVAL;
  const old = task.sig.blocked;
  if (set !== 0) {
    const b = copy_from_user(task.mm!, task, set, SIGSET_SIZE);
    if (b === null) return -EFAULT;
    const next = sigset_from(b);
    sigdel_unblockable(next);
    const err = sigprocmask(task, how, next);
    if (err < 0) return err;
  }
  if (oset !== 0 && copy_to_user(task.mm!, task, oset, sigset_bytes(old)) !== 0) return -EFAULT;
  return 0;
}

/** Linux: SYSCALL_DEFINE2(rt_sigpending): the pending signals the task blocks (at most 8 bytes of them). */
export function sys_rt_sigpending(_k: Kernel, task: task_struct, uset: number, sigsetsize: number): number {
  if (sigsetsize >>> 0 > SIGSET_SIZE) return -EINVAL;
  const { pending, blocked } = task.sig;
  const set = sigset_bytes({ lo: (pending.signal.lo & blocked.lo) >>> 0, hi: (pending.signal.hi & blocked.hi) >>> 0 });
  return copy_to_user(task.mm!, task, uset, set.subarray(0, sigsetsize >>> 0)) === 0 ? 0 : -EFAULT;
}

/** Linux: SYSCALL_DEFINE2(sigaltstack): read the new stack_t, change the stack, then report the old one. */
export function sys_sigaltstack(k: Kernel, task: task_struct, uss: number, uoss: number): number {
  const sp = k.machine.cpu.x[2]! >>> 0;
  const old = current_altstack(task, sp);
  if (uss !== 0) {
    const b = copy_from_user(task.mm!, task, uss, 12);
    if (b === null) return -EFAULT;
    const v = new DataView(b.buffer);
    const err = do_sigaltstack(task, { ss_sp: v.getUint32(0, true), ss_flags: v.getInt32(4, true), ss_size: v.getUint32(8, true) }, sp);
    if (err < 0) return err;
  }
  if (uoss !== 0) {
    const b = new Uint8Array(12);
    const v = new DataView(b.buffer);
    v.setUint32(0, old.ss_sp, true);
    v.setInt32(4, old.ss_flags, true);
    v.setUint32(8, old.ss_size, true);
    if (copy_to_user(task.mm!, task, uoss, b) !== 0) return -EFAULT;
  }
  return 0;
}

/**
 * Linux: group_send_sig_info() after check_kill_permission(): -EINVAL for a bad signal, 0 otherwise
 * (everyone is root, so every task may signal every other). Signal 0 only checks.
 */
function group_send_sig_info(k: Kernel, sig: number, info: kernel_siginfo, p: task_struct): number {
  if (!Number.isInteger(sig) || sig < 0 || sig > _NSIG) return -EINVAL;
  if (sig !== 0) send_signal(k, { ...info, si_signo: sig }, p);
  return 0;
}

/**
 * Linux: kill_something_info(). pid > 0: that process. pid -1: every process but init and the caller
 * (-ESRCH if there is none). pid 0: the caller's process group. vmos has no setpgid, so every process
 * is in group 1 (init's) and pid 0 means every process, the caller included; pid < -1 names group
 * -pid, which does not exist (-ESRCH). Zombies count as existing: the signal is simply dropped.
 */
export function kill_something_info(k: Kernel, sender: task_struct, sig: number, pid: number): number {
  const info: kernel_siginfo = { si_signo: sig, si_errno: 0, si_code: SI_USER, si_pid: sender.pid, si_uid: 0 };
  if (pid > 0) {
    const p = k.tasks.get(pid);
    return p === undefined ? -ESRCH : group_send_sig_info(k, sig, info, p);
  }
  if (pid < -1) return -ESRCH;
  let count = 0, ret = 0;
  for (const p of [...k.tasks.values()]) {
    if (pid === -1 && (p.pid <= 1 || p === sender)) continue;
    count++;
    ret = group_send_sig_info(k, sig, info, p);
  }
  return count > 0 ? ret : -ESRCH;
}

/**
 * Linux: do_tkill(): signal one thread, `pid`, which must belong to thread group `tgid` if tgid > 0.
 * In vmos a thread is a process, so its tgid is its pid.
 */
function do_tkill(k: Kernel, sender: task_struct, tgid: number, pid: number, sig: number): number {
  const p = k.tasks.get(pid);
  if (p === undefined || (tgid > 0 && p.pid !== tgid)) return -ESRCH;
  const info: kernel_siginfo = { si_signo: sig, si_errno: 0, si_code: SI_TKILL, si_pid: sender.pid, si_uid: 0 };
  return group_send_sig_info(k, sig, info, p);
}

/**
 * Linux: SYSCALL_DEFINE0(rt_sigreturn): back from a handler; restore what setup_rt_frame saved. The
 * value returned is the interrupted a0, restored. A frame that cannot be read kills with SIGSEGV
 * (Linux: force_sig(SIGSEGV), which a SIGSEGV handler may still catch).
 */
export function sys_rt_sigreturn(k: Kernel, task: task_struct): number {
  if (restore_rt_sigframe(k, task)) return k.machine.cpu.x[10]!;
  force_sig(k, SIGSEGV, task);
  return 0;
}

export const SIGNAL_SYSCALLS: SyscallTable = {
  129: (k, t, a) => kill_something_info(k, t, a[1]!, a[0]!),
  130: (k, t, a) => (a[0]! <= 0 ? -EINVAL : do_tkill(k, t, 0, a[0]!, a[1]!)), // tkill(tid, sig)
  131: (k, t, a) => (a[0]! <= 0 || a[1]! <= 0 ? -EINVAL : do_tkill(k, t, a[0]!, a[1]!, a[2]!)), // tgkill(tgid, tid, sig)
  132: (k, t, a) => sys_sigaltstack(k, t, a[0]! >>> 0, a[1]! >>> 0),
  134: (k, t, a) => sys_rt_sigaction(k, t, a[0]!, a[1]! >>> 0, a[2]! >>> 0, a[3]! >>> 0),
  135: (k, t, a) => sys_rt_sigprocmask(k, t, a[0]!, a[1]! >>> 0, a[2]! >>> 0, a[3]! >>> 0),
  136: (k, t, a) => sys_rt_sigpending(k, t, a[0]! >>> 0, a[1]!),
  139: (k, t) => sys_rt_sigreturn(k, t),
};
