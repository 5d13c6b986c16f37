// Linux: include/uapi/asm-generic/signal.h, include/linux/signal.h, include/linux/signal_types.h and
// the signal fields of task_struct: the numbers, the 64-bit signal sets, a handler (k_sigaction), a
// queued signal's siginfo, and the per-task signal state, gathered in one object (task.sig).
//
// Linux splits that state three ways: sighand_struct (the handlers, shared by threads), signal_struct
// (shared pending signals) and task_struct (blocked, pending, sas_ss_*). vmos has one thread per
// process, so one object holds it all.

// Linux: include/uapi/asm-generic/signal.h (riscv uses the generic numbers).
export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7;
export const SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13;
export const SIGALRM = 14, SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19;
export const SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25;
export const SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29, SIGPWR = 30, SIGSYS = 31;
/** Real-time signals: SIGRTMIN..SIGRTMAX queue every instance; 1..31 keep at most one pending. */
export const SIGRTMIN = 32;
/** Linux: _NSIG, the highest signal number. */
export const _NSIG = 64;

/** Handler values (Linux: SIG_DFL, SIG_IGN); anything else is the handler's address. */
export const SIG_DFL = 0, SIG_IGN = 1;

// Linux: sa_flags (asm-generic/signal-defs.h). riscv has no SA_RESTORER: the trampoline is the vDSO's.
export const SA_NOCLDSTOP = 0x1, SA_NOCLDWAIT = 0x2, SA_SIGINFO = 0x4, SA_EXPOSE_TAGBITS = 0x800;
export const SA_ONSTACK = 0x0800_0000, SA_RESTART = 0x1000_0000, SA_NODEFER = 0x4000_0000;
export const SA_RESETHAND = 0x8000_0000;
/** Linux: UAPI_SA_FLAGS: the bits rt_sigaction keeps; others are cleared so programs can probe them. */
export const UAPI_SA_FLAGS = (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER |
  SA_RESETHAND | SA_EXPOSE_TAGBITS) >>> 0;

// Linux: si_code values (include/uapi/asm-generic/siginfo.h).
export const SI_USER = 0, SI_KERNEL = 0x80, SI_TKILL = -6;
export const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;

// Linux: sigaltstack flags and sizes (asm-generic).
export const SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 0x8000_0000;
export const MINSIGSTKSZ = 2048;

/** Linux: sigset_t on rv32: 64 bits as two 32-bit words; bit (sig - 1) stands for signal sig. */
export class sigset_t {
  constructor(public lo = 0, public hi = 0) {}
}

/** Linux: valid_signal() for a signal a handler or mask may name: 1..64. */
export function valid_signal(sig: number): boolean {
  return Number.isInteger(sig) && sig >= 1 && sig <= _NSIG;
}

export function sigismember(set: sigset_t, sig: number): boolean {
  const bit = (sig - 1) & 31;
  return (((sig <= 32 ? set.lo : set.hi) >>> bit) & 1) === 1;
}

export function sigaddset(set: sigset_t, sig: number): void {
  const bit = 1 << ((sig - 1) & 31);
  if (sig <= 32) set.lo = (set.lo | bit) >>> 0;
  else set.hi = (set.hi | bit) >>> 0;
}

export function sigdelset(set: sigset_t, sig: number): void {
  const bit = 1 << ((sig - 1) & 31);
  if (sig <= 32) set.lo = (set.lo & ~bit) >>> 0;
  else set.hi = (set.hi & ~bit) >>> 0;
}

export function sigset_copy(set: sigset_t): sigset_t {
  return new sigset_t(set.lo, set.hi);
}

/** The signals that can never be blocked, ignored or caught (Linux: sigmask(SIGKILL) | sigmask(SIGSTOP)). */
export function sigdel_unblockable(set: sigset_t): void {
  sigdelset(set, SIGKILL);
  sigdelset(set, SIGSTOP);
}

/** A sigset_t as the 8 little-endian bytes user memory holds. */
export function sigset_bytes(set: sigset_t): Uint8Array {
  const out = new Uint8Array(8);
  const v = new DataView(out.buffer);
  v.setUint32(0, set.lo, true);
  v.setUint32(4, set.hi, true);
  return out;
}

export function sigset_from(bytes: Uint8Array, offset = 0): sigset_t {
  const v = new DataView(bytes.buffer, bytes.byteOffset + offset, 8);
  return new sigset_t(v.getUint32(0, true), v.getUint32(4, true));
}

// Default actions (Linux: include/linux/signal.h SIG_KERNEL_*_MASK). Real-time signals belong to
// none of these sets: their default action is to terminate.
const KERNEL_ONLY = [SIGKILL, SIGSTOP];
const KERNEL_STOP = [SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU];
const KERNEL_COREDUMP = [SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGSEGV, SIGBUS, SIGSYS, SIGXCPU, SIGXFSZ];
const KERNEL_IGNORE = [SIGCONT, SIGCHLD, SIGWINCH, SIGURG];
/** Linux: SYNCHRONOUS_MASK: signals a fault raises; dequeued before any other pending signal. */
export const SYNCHRONOUS = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS];

/** Linux: sig_kernel_only(): SIGKILL and SIGSTOP, whose action cannot be changed. */
export const sig_kernel_only = (sig: number): boolean => KERNEL_ONLY.includes(sig);
/** Linux: sig_kernel_stop(): the default action stops the process (vmos: ignored, see docs/signals.md). */
export const sig_kernel_stop = (sig: number): boolean => KERNEL_STOP.includes(sig);
/** Linux: sig_kernel_coredump(): the default action terminates with a core dump. */
export const sig_kernel_coredump = (sig: number): boolean => KERNEL_COREDUMP.includes(sig);
/** Linux: sig_kernel_ignore(): the default action is to ignore the signal. */
export const sig_kernel_ignore = (sig: number): boolean => KERNEL_IGNORE.includes(sig);

const NAMES = [
  "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
  "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP",
  "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
  "SIGIO", "SIGPWR", "SIGSYS",
];

/** `SIGSEGV`, `SIGRTMIN+3`: a signal's name for messages and traces. */
export function signal_name(sig: number): string {
  if (sig >= 1 && sig < SIGRTMIN) return NAMES[sig]!;
  if (sig >= SIGRTMIN && sig <= _NSIG) return sig === SIGRTMIN ? "SIGRTMIN" : `SIGRTMIN+${sig - SIGRTMIN}`;
  return `signal ${sig}`;
}

/** Linux: struct k_sigaction / struct sigaction: the handler, its flags, and what it blocks while it runs. */
export class k_sigaction {
  constructor(public handler = SIG_DFL, public flags = 0, public mask = new sigset_t()) {}
}

export function k_sigaction_copy(ka: k_sigaction): k_sigaction {
  return new k_sigaction(ka.handler, ka.flags, sigset_copy(ka.mask));
}

/**
 * Linux: struct kernel_siginfo: what a handler learns about a signal. Which union member is valid
 * follows from the sender (Linux: siginfo_layout()): si_addr for faults, si_pid/si_uid for kill,
 * and the _sigchld fields for SIGCHLD.
 */
export interface kernel_siginfo {
  si_signo: number;
  si_errno: number;
  si_code: number;
  si_addr?: number;
  si_pid?: number;
  si_uid?: number;
  si_status?: number;
  /** Clock ticks (USER_HZ 100) of user and system time, for SIGCHLD. */
  si_utime?: number;
  si_stime?: number;
}

/** Linux: struct sigpending: the set of pending signals, and one queue entry per pending instance. */
export class sigpending {
  readonly signal = new sigset_t();
  readonly list: kernel_siginfo[] = [];
}

/** The signal state of one task (Linux: sighand->action, blocked, pending, sas_ss_*). */
export class TaskSignals {
  /** Linux: sighand->action[sig - 1]; here indexed by the signal number itself (0 unused). */
  readonly action: k_sigaction[] = Array.from({ length: _NSIG + 1 }, () => new k_sigaction());
  /** Linux: task->blocked. */
  blocked = new sigset_t();
  /** Linux: task->pending (vmos has no threads, so no shared_pending). */
  pending = new sigpending();
  /** Linux: the alternate signal stack (sigaltstack): base, size, flags. */
  sas_ss_sp = 0;
  sas_ss_size = 0;
  sas_ss_flags = SS_DISABLE;
  /**
   * The last system call slept and returned SYSCALL_RESTART (Linux: -ERESTARTSYS in a0 with
   * regs->cause == EXC_SYSCALL): pc is back on the ecall. A handler without SA_RESTART turns that
   * into -EINTR (see handle_signal).
   */
  restart_syscall = false;
}
