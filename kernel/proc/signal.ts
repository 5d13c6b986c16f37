// Linux: kernel/signal.c, the half that moves signals: sending (send_signal, force_sig_*), and
// delivering on the way back to user mode (do_signal -> get_signal -> handle_signal).
//
//   kill(), a fault, a child's exit                  the task, when it next returns to user mode
//   ─────────────────────────────────                ────────────────────────────────────────────
//   send_signal: discard if ignored, else queue  ->  do_signal: dequeue (fault signals first)
//     into task.sig.pending; wake the task if it       SIG_IGN / ignored by default: drop it
//     sleeps and does not block the signal             SIG_DFL: terminate (SIGSEGV...: "core")
//                                                      handler: setup_rt_frame, block sa_mask
//
// A fault signal is forced (force_sig_info_to_task): if the task blocks or ignores it, it is
// unblocked and reset to SIG_DFL, so a program cannot loop forever on a fault it never handles.

import { CYCLES_PER_SECOND } from "../../src/hw/clock.js";
import { hex } from "../trace.js";
import type { Kernel } from "../kernel.js";
import type { mm_struct } from "../mm/mm_types.js";
import { wake_up_process } from "../sched/core.js";
import { exec_hooks } from "./execve.js";
import { do_exit, notify_parent_hooks } from "./exit.js";
import { fork_hooks } from "./fork.js";
import { copy_signal_handlers, flush_signal_handlers, flush_sigqueue_sig, set_current_blocked, sig_handler_ignored } from "./sigaction.js";
import { type ksignal, setup_rt_frame } from "./signal_frame.js";
import {
  CLD_DUMPED, CLD_EXITED, CLD_KILLED, k_sigaction_copy, type kernel_siginfo, SA_NOCLDWAIT, SA_NODEFER, SA_RESETHAND,
  SA_RESTART, SI_KERNEL, SIG_DFL, SIGCHLD, SIG_IGN, SIGBUS, SIGCONT, SIGILL, sig_kernel_coredump, sig_kernel_ignore,
  sig_kernel_stop, signal_name, sigaddset, sigdelset, sigismember, sigset_copy, SIGRTMIN, SIGSEGV, SIGSTOP,
  SIGTRAP, SIGTSTP, SIGTTIN, SIGTTOU, SYNCHRONOUS, _NSIG,
} from "./signal_types.js";
import { task_alive, type task_struct } from "./task.js";

export { SIGBUS, SIGILL, SIGKILL, SIGSEGV, SIGTRAP } from "./signal_types.js";

const EINTR = 4;

const CODE_NAMES: Record<number, Record<number, string>> = {
  [SIGSEGV]: { 1: "SEGV_MAPERR", 2: "SEGV_ACCERR" },
  [SIGBUS]: { 1: "BUS_ADRALN", 2: "BUS_ADRERR" },
  [SIGILL]: { 1: "ILL_ILLOPC", 2: "ILL_ILLOPN" },
  [SIGTRAP]: { 1: "TRAP_BRKPT" },
};

/** Linux: struct kernel_siginfo for a fault: signal, si_code, si_addr, and (vmos) why it happened. */
export interface FaultSignal {
  signo: number;
  code: number;
  addr: number;
  why: string;
}

/** `<main+0x14>` for an address in the program, from its symbol table. */
export function symbolize(mm: mm_struct | null, addr: number): string {
  let best: { name: string; value: number } | undefined;
  for (const s of mm?.symbols ?? []) {
    if (s.value <= addr && (best === undefined || s.value > best.value)) best = s;
  }
  if (best === undefined) return "";
  const off = addr - best.value;
  return ` <${best.name}${off ? `+0x${off.toString(16)}` : ""}>`;
}

/** Linux: signal_pending(): a pending signal the task does not block. */
export function signal_pending(task: task_struct): boolean {
  const { signal } = task.sig.pending, blocked = task.sig.blocked;
  return ((signal.lo & ~blocked.lo) | (signal.hi & ~blocked.hi)) !== 0;
}

/**
 * Linux: prepare_signal() + sig_ignored(): may `sig` be queued for `t`? Not for a dead task, nor when
 * the task's handler would drop it anyway, unless the task blocks it (the handler may change before it
 * is unblocked). A stop signal cancels a pending SIGCONT and vice versa, as in Linux.
 */
function prepare_signal(sig: number, t: task_struct): boolean {
  if (!task_alive(t)) return false;
  const pending = t.sig.pending;
  if (sig_kernel_stop(sig)) flush_sigqueue_sig(pending, SIGCONT);
  else if (sig === SIGCONT) for (const s of [SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU]) flush_sigqueue_sig(pending, s);
  if (sigismember(t.sig.blocked, sig)) return true;
  return !sig_handler_ignored(t.sig.action[sig]!.handler, sig);
}

/**
 * Linux: send_signal() + complete_signal(): queue `info` for `t` unless it is discarded. A standard
 * signal (below SIGRTMIN) already pending is not queued twice; real-time signals queue every instance.
 * A sleeping task that does not block the signal is woken (Linux: signal_wake_up()).
 */
export function send_signal(k: Kernel, info: kernel_siginfo, t: task_struct): void {
  const sig = info.si_signo;
  const queued = prepare_signal(sig, t) && !(sig < SIGRTMIN && sigismember(t.sig.pending.signal, sig));
  if (k.trace.signal) k.trace.note("signal", `send_signal ${signal_name(sig)} to ${t.comm}[${t.pid}]${queued ? "" : " (discarded)"}`);
  if (!queued) return;
  t.sig.pending.list.push({ ...info });
  sigaddset(t.sig.pending.signal, sig);
  if (!sigismember(t.sig.blocked, sig)) wake_up_process(k, t);
}

/**
 * Linux: force_sig_info_to_task(): send a signal the task cannot block or ignore. If it blocks or
 * ignores it, or `handler` is "sig_dfl", the action becomes SIG_DFL and the signal is unblocked.
 */
export function force_sig_info_to_task(k: Kernel, info: kernel_siginfo, t: task_struct, handler: "current" | "sig_dfl"): void {
  const sig = info.si_signo;
  const action = t.sig.action[sig]!;
  const blocked = sigismember(t.sig.blocked, sig);
  if (blocked || action.handler === SIG_IGN || handler === "sig_dfl") {
    action.handler = SIG_DFL;
    if (blocked) sigdelset(t.sig.blocked, sig);
  }
  send_signal(k, info, t);
}

/** Linux: force_sig(): a signal from the kernel itself (si_code SI_KERNEL) to the task. */
export function force_sig(k: Kernel, sig: number, t: task_struct): void {
  force_sig_info_to_task(k, { si_signo: sig, si_errno: 0, si_code: SI_KERNEL, si_pid: 0, si_uid: 0 }, t, "current");
}

/**
 * Linux: force_sigsegv(): a handler's frame could not be written. For SIGSEGV itself the handler is
 * reset first (Linux: force_fatal_sig), so the task dies instead of failing forever.
 */
export function force_sigsegv(k: Kernel, sig: number, t: task_struct): void {
  const info: kernel_siginfo = { si_signo: SIGSEGV, si_errno: 0, si_code: SI_KERNEL, si_pid: 0, si_uid: 0 };
  force_sig_info_to_task(k, info, t, sig === SIGSEGV ? "sig_dfl" : "current");
}

/**
 * Linux: do_trap() + force_sig_fault(): a fault raises `info.signo` for the task that took it. A
 * handler that is installed and not blocked will run (delivered on the way back to user mode);
 * otherwise the task will die of it, and the kernel says why in one line on stderr (Linux's
 * "unhandled signal" report: address, pc with symbol, and vmos's reason).
 */
export function force_sig_fault(k: Kernel, task: task_struct, info: FaultSignal, pc: number): void {
  const action = task.sig.action[info.signo]!;
  const handled = action.handler !== SIG_DFL && action.handler !== SIG_IGN && !sigismember(task.sig.blocked, info.signo);
  if (k.trace.signal) k.trace.note("signal", `force_sig_fault ${signal_name(info.signo)} code ${info.code} addr ${hex(info.addr)}`);
  if (!handled) {
    const code = CODE_NAMES[info.signo]?.[info.code];
    k.console.log(
      `${task.comm}[${task.pid}]: unhandled signal ${info.signo} (${signal_name(info.signo)}) code 0x${info.code.toString(16)}` +
      `${code ? ` (${code})` : ""} at ${hex(info.addr)} pc ${hex(pc)}${symbolize(task.mm, pc)}: ${info.why}`,
    );
  }
  force_sig_info_to_task(k, { si_signo: info.signo, si_errno: 0, si_code: info.code, si_addr: info.addr }, task, "current");
}

/**
 * Linux: next_signal() + collect_signal(): take the first queued instance of the lowest-numbered
 * pending signal not in `blocked`, fault signals first (SYNCHRONOUS_MASK). Null if there is none.
 */
function dequeue_signal(task: task_struct): kernel_siginfo | null {
  const { pending, blocked } = task.sig;
  let sig = 0;
  for (const s of SYNCHRONOUS) if (sigismember(pending.signal, s) && !sigismember(blocked, s)) sig = sig === 0 ? s : Math.min(sig, s);
  for (let s = 1; sig === 0 && s <= _NSIG; s++) if (sigismember(pending.signal, s) && !sigismember(blocked, s)) sig = s;
  if (sig === 0) return null;
  const i = pending.list.findIndex((q) => q.si_signo === sig);
  const info = pending.list.splice(i, 1)[0]!;
  if (!pending.list.some((q) => q.si_signo === sig)) sigdelset(pending.signal, sig);
  return info;
}

/**
 * Linux: get_signal(): dequeue signals until one has a handler to run (returned), or none is left
 * (null). Ignored ones are dropped; a default action that kills does so here (do_exit with the
 * signal as the exit code: vmos writes no core, so never the 0x80 "core dumped" bit).
 * Stop signals are ignored: vmos has no job control (docs/signals.md).
 */
function get_signal(k: Kernel, task: task_struct): ksignal | null {
  for (;;) {
    const info = dequeue_signal(task);
    if (info === null) return null;
    const sig = info.si_signo;
    const ka = task.sig.action[sig]!;
    if (ka.handler === SIG_IGN) continue;
    if (ka.handler !== SIG_DFL) {
      const ksig: ksignal = { sig, info, ka: k_sigaction_copy(ka) };
      if (ka.flags & SA_RESETHAND) ka.handler = SIG_DFL; // Linux: SA_ONESHOT
      return ksig;
    }
    if (sig_kernel_ignore(sig) || sig_kernel_stop(sig)) continue;
    if (k.trace.signal) k.trace.note("signal", `${task.comm}[${task.pid}] killed by ${signal_name(sig)}${sig_kernel_coredump(sig) ? " (core)" : ""}`);
    do_exit(k, task, sig);
    return null;
  }
}

/**
 * Linux: handle_signal() + signal_setup_done(): run the handler of `ksig`. A system call that slept
 * (pc is back on its ecall) is restarted after the handler only with SA_RESTART; otherwise it returns
 * -EINTR. If the frame cannot be written the task gets SIGSEGV; else the handler's sa_mask, and the
 * signal itself unless SA_NODEFER, are blocked while it runs.
 */
function handle_signal(k: Kernel, task: task_struct, ksig: ksignal): void {
  const cpu = k.machine.cpu;
  if (task.sig.restart_syscall) {
    task.sig.restart_syscall = false;
    if ((ksig.ka.flags & SA_RESTART) === 0) {
      cpu.x[10] = -EINTR;
      cpu.pc = (cpu.pc + 4) >>> 0;
    }
  }
  const oldset = sigset_copy(task.sig.blocked);
  if (setup_rt_frame(k, task, ksig, oldset) !== 0) {
    force_sigsegv(k, ksig.sig, task);
    return;
  }
  // Linux: signal_delivered().
  const blocked = sigset_copy(task.sig.blocked);
  blocked.lo = (blocked.lo | ksig.ka.mask.lo) >>> 0;
  blocked.hi = (blocked.hi | ksig.ka.mask.hi) >>> 0;
  if ((ksig.ka.flags & SA_NODEFER) === 0) sigaddset(blocked, ksig.sig);
  set_current_blocked(task, blocked);
}

/**
 * Linux: do_signal(), from do_notify_resume() on every return to user mode, looping as Linux's exit
 * path does while unblocked signals remain: each handler's frame goes on top of the previous one, so
 * the last signal's handler runs first. The task must be current (its registers are the CPU's).
 * On return the task is about to run user code, or is dead.
 */
export function do_signal(k: Kernel, task: task_struct): void {
  while (task_alive(task) && signal_pending(task)) {
    const ksig = get_signal(k, task);
    if (ksig === null) break;
    handle_signal(k, task, ksig);
  }
  // No handler ran: a system call that slept simply starts over (pc is already on its ecall).
  task.sig.restart_syscall = false;
}

/**
 * Linux: do_notify_parent(): tell the parent that `child` exited, with its exit_signal (SIGCHLD after
 * fork): si_code CLD_EXITED (si_status = exit status) or CLD_KILLED (si_status = the signal), si_pid,
 * and the child's CPU time in clock ticks. Returns true if the parent asked not to keep zombies
 * (SIGCHLD set to SIG_IGN, or SA_NOCLDWAIT): the child should then be reaped at once (autoreap).
 */
export function do_notify_parent(k: Kernel, child: task_struct, parent: task_struct): boolean {
  let sig = child.exit_signal;
  const code = child.exit_code;
  const ticks = (cycles: number): number => Math.floor((cycles * 100) / CYCLES_PER_SECOND);
  const killed = (code & 0x7f) !== 0;
  const info: kernel_siginfo = {
    si_signo: sig, si_errno: 0, si_code: killed ? (code & 0x80 ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED,
    si_pid: child.pid, si_uid: 0, si_status: killed ? code & 0x7f : (code >> 8) & 0xff,
    si_utime: ticks(child.utime_cycles), si_stime: ticks(child.stime_cycles),
  };
  let autoreap = false;
  const ka = parent.sig.action[SIGCHLD]!;
  if (sig === SIGCHLD && (ka.handler === SIG_IGN || ka.flags & SA_NOCLDWAIT)) {
    autoreap = true;
    if (ka.handler === SIG_IGN) sig = 0;
  }
  if (sig > 0 && sig <= _NSIG) send_signal(k, { ...info, si_signo: sig }, parent);
  return autoreap;
}

// The process code calls these through its hooks (Linux calls them directly from copy_process(),
// begin_new_exec() and exit_notify()).
fork_hooks.push(copy_signal_handlers);
exec_hooks.push((_k, task) => flush_signal_handlers(task));
notify_parent_hooks.push((k, child, parent) => do_notify_parent(k, child, parent));
