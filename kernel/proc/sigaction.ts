// Linux: kernel/signal.c, the half that changes a task's own signal state: its handlers
// (do_sigaction), its blocked mask (sigprocmask, set_current_blocked), its alternate signal stack
// (do_sigaltstack) and what fork and exec do to all of that. Sending and delivering is signal.ts.

import type { task_struct } from "./task.js";
import {
  k_sigaction, k_sigaction_copy, sig_kernel_ignore, sig_kernel_only, SIG_DFL, SIG_IGN, sigdel_unblockable,
  sigdelset, sigismember, sigpending, sigset_copy, sigset_t, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK,
  UAPI_SA_FLAGS, valid_signal, _NSIG, MINSIGSTKSZ, SA_ONSTACK,
} from "./signal_types.js";

const EINVAL = 22, EPERM = 1, ENOMEM = 12;

/** Linux: sig_handler_ignored(): this handler throws the signal away (SIG_IGN, or SIG_DFL of an ignored one). */
export function sig_handler_ignored(handler: number, sig: number): boolean {
  return handler === SIG_IGN || (handler === SIG_DFL && sig_kernel_ignore(sig));
}

/** Linux: flush_sigqueue_mask() for one signal: forget every pending instance of `sig`. */
export function flush_sigqueue_sig(pending: sigpending, sig: number): void {
  if (!sigismember(pending.signal, sig)) return;
  sigdelset(pending.signal, sig);
  for (let i = pending.list.length - 1; i >= 0; i--) if (pending.list[i]!.si_signo === sig) pending.list.splice(i, 1);
}

/**
 * Linux: do_sigaction(): report the old action of `sig` (a copy, flags limited to UAPI_SA_FLAGS) and,
 * if `act` is given, install it. SIGKILL and SIGSTOP keep SIG_DFL; their bits are removed from every
 * sa_mask. Setting an action that ignores the signal discards it if pending (POSIX 3.3.1.3).
 * Returns the old action, or -EINVAL.
 */
export function do_sigaction(task: task_struct, sig: number, act: k_sigaction | null): k_sigaction | number {
  if (!valid_signal(sig) || (act !== null && sig_kernel_only(sig))) return -EINVAL;
  const k = task.sig.action[sig]!;
  const old = k_sigaction_copy(k);
  old.flags = (old.flags & UAPI_SA_FLAGS) >>> 0;
  if (act !== null) {
    k.handler = act.handler >>> 0;
    k.flags = (act.flags & UAPI_SA_FLAGS) >>> 0;
    k.mask = sigset_copy(act.mask);
    sigdel_unblockable(k.mask);
    if (sig_handler_ignored(k.handler, sig)) flush_sigqueue_sig(task.sig.pending, sig);
  }
  return old;
}

/** Linux: set_current_blocked(): the new blocked mask, never including SIGKILL or SIGSTOP. */
export function set_current_blocked(task: task_struct, set: sigset_t): void {
  const blocked = sigset_copy(set);
  sigdel_unblockable(blocked);
  task.sig.blocked = blocked;
}

/** Linux: the `how` of sigprocmask(). */
export const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

/** Linux: sigprocmask(): add, remove or replace blocked signals. Returns 0, or -EINVAL for a bad `how`. */
export function sigprocmask(task: task_struct, how: number, set: sigset_t): number {
  const old = task.sig.blocked;
  let next: sigset_t;
  switch (how) {
    case SIG_BLOCK: next = new sigset_t(old.lo | set.lo, old.hi | set.hi); break;
    case SIG_UNBLOCK: next = new sigset_t(old.lo & ~set.lo, old.hi & ~set.hi); break;
    case SIG_SETMASK: next = sigset_copy(set); break;
    default: return -EINVAL;
  }
  next.lo >>>= 0;
  next.hi >>>= 0;
  set_current_blocked(task, next);
  return 0;
}

/**
 * Linux: on_sig_stack(): is `sp` on the task's alternate signal stack? (A stack grows down, so sp
 * just above the base is on it and sp == base is not.) Always false with SS_AUTODISARM.
 */
export function on_sig_stack(task: task_struct, sp: number): boolean {
  const s = task.sig;
  if (s.sas_ss_flags & SS_AUTODISARM) return false;
  return sp > s.sas_ss_sp && sp - s.sas_ss_sp <= s.sas_ss_size;
}

/** Linux: sas_ss_flags(): SS_DISABLE (none set up), SS_ONSTACK (running on it) or 0. */
export function sas_ss_flags(task: task_struct, sp: number): number {
  if (task.sig.sas_ss_size === 0) return SS_DISABLE;
  return on_sig_stack(task, sp) ? SS_ONSTACK : 0;
}

/** Linux: sigsp(): where a handler's frame goes: the top of the alternate stack for SA_ONSTACK handlers. */
export function sigsp(task: task_struct, sp: number, ka: k_sigaction): number {
  if (ka.flags & SA_ONSTACK && sas_ss_flags(task, sp) === 0) return (task.sig.sas_ss_sp + task.sig.sas_ss_size) >>> 0;
  return sp;
}

/** Linux: stack_t: the user's view of an alternate stack (rv32: ss_sp@0, ss_flags@4, ss_size@8). */
export interface stack_t {
  ss_sp: number;
  ss_flags: number;
  ss_size: number;
}

/** Linux: the old stack as sigaltstack() and a signal frame's uc_stack report it, for a task at `sp`. */
export function current_altstack(task: task_struct, sp: number): stack_t {
  const s = task.sig;
  return { ss_sp: s.sas_ss_sp, ss_size: s.sas_ss_size, ss_flags: (sas_ss_flags(task, sp) | (s.sas_ss_flags & SS_AUTODISARM)) >>> 0 };
}

/** Linux: sas_ss_reset(): no alternate stack. */
export function sas_ss_reset(task: task_struct): void {
  task.sig.sas_ss_sp = 0;
  task.sig.sas_ss_size = 0;
  task.sig.sas_ss_flags = SS_DISABLE;
}

/**
 * Linux: do_sigaltstack() with a new stack `ss` for a task at `sp`. Refused with -EPERM while running
 * on the current alternate stack, -EINVAL for a bad mode, -ENOMEM if smaller than MINSIGSTKSZ.
 */
export function do_sigaltstack(task: task_struct, ss: stack_t, sp: number): number {
  if (on_sig_stack(task, sp)) return -EPERM;
  const mode = (ss.ss_flags & ~SS_AUTODISARM) >>> 0;
  if (mode !== SS_DISABLE && mode !== SS_ONSTACK && mode !== 0) return -EINVAL;
  const s = task.sig;
  if (s.sas_ss_sp === ss.ss_sp && s.sas_ss_size === ss.ss_size && s.sas_ss_flags === ss.ss_flags >>> 0) return 0;
  if (mode === SS_DISABLE) {
    s.sas_ss_sp = 0;
    s.sas_ss_size = 0;
  } else {
    if (ss.ss_size < MINSIGSTKSZ) return -ENOMEM;
    s.sas_ss_sp = ss.ss_sp >>> 0;
    s.sas_ss_size = ss.ss_size >>> 0;
  }
  s.sas_ss_flags = ss.ss_flags >>> 0;
  return 0;
}

/**
 * For fork (Linux: copy_sighand() + dup_task_struct() + init_sigpending() in copy_process()): the
 * child gets copies of the parent's handlers, blocked mask and alternate stack; nothing is pending.
 */
export function copy_signal_handlers(parent: task_struct, child: task_struct): void {
  const from = parent.sig, to = child.sig;
  for (let sig = 1; sig <= _NSIG; sig++) to.action[sig] = k_sigaction_copy(from.action[sig]!);
  to.blocked = sigset_copy(from.blocked);
  to.pending = new sigpending();
  to.sas_ss_sp = from.sas_ss_sp;
  to.sas_ss_size = from.sas_ss_size;
  to.sas_ss_flags = from.sas_ss_flags;
  to.restart_syscall = false;
}

/**
 * For exec (Linux: flush_signal_handlers(t, 0) and `me->sas_ss_sp = me->sas_ss_size = 0` in
 * begin_new_exec()): caught signals go back to SIG_DFL, ignored ones stay ignored, every sa_flags and
 * sa_mask is cleared, and the alternate stack is forgotten (its memory is gone). The blocked mask and
 * pending signals survive exec.
 */
export function flush_signal_handlers(task: task_struct): void {
  for (let sig = 1; sig <= _NSIG; sig++) {
    const ka = task.sig.action[sig]!;
    task.sig.action[sig] = new k_sigaction(ka.handler === SIG_IGN ? SIG_IGN : SIG_DFL);
  }
  sas_ss_reset(task);
  task.sig.restart_syscall = false;
}
