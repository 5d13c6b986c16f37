// Linux: arch/riscv/kernel/signal.c: the frame a handler runs on, and rt_sigreturn, which undoes it.
//
// To run a handler the kernel saves the interrupted user state in a struct rt_sigframe on the user
// stack (16-byte aligned), then points the registers at the handler:
//
//   frame + 0    struct siginfo info          128 bytes        <- a1 (siginfo_t *)
//   frame + 128  struct ucontext uc                            <- a2 (ucontext_t *)
//                  +0   uc_flags (0)      +4 uc_link (NULL)
//                  +8   uc_stack {ss_sp, ss_flags, ss_size}    the alternate stack at delivery
//                  +20  uc_sigmask (8 bytes)                   the mask to restore on return
//                  +28  __unused[120]
//                  +160 uc_mcontext = struct sigcontext (16-byte aligned):
//                         sc_regs: pc, ra, sp, gp, tp, t0 ... t6    32 words: x1..x31 with pc in x0's place
//                         sc_fpregs (528 bytes)                      vmos has no FPU: written as zeros
//   frame + 944  (end)                                                sp = frame, pc = handler, a0 = sig
//
// and ra = the vDSO's __vdso_rt_sigreturn (`li a7, 139; ecall`, vdso.ts), so the handler's `ret`
// makes the rt_sigreturn call, which finds the frame at sp and restores everything from it.

import { hex } from "../trace.js";
import type { Kernel } from "../kernel.js";
import { access_ok, copy_from_user, copy_to_user } from "../syscalls/uaccess.js";
import { current_altstack, do_sigaltstack, on_sig_stack, sas_ss_reset, set_current_blocked, sigsp } from "./sigaction.js";
import { type k_sigaction, type kernel_siginfo, SIGCHLD, sigset_bytes, sigset_from, type sigset_t, SS_AUTODISARM } from "./signal_types.js";
import type { task_struct } from "./task.js";
import { VDSO_RT_SIGRETURN } from "./vdso.js";

/** sizeof(struct siginfo): 128 bytes on every Linux architecture. */
const SIGINFO_SIZE = 128;
/** Offsets inside struct rt_sigframe (rv32), as drawn above. */
const UC_OFFSET = SIGINFO_SIZE;
const UC_STACK = UC_OFFSET + 8;
const UC_SIGMASK = UC_OFFSET + 20;
const UC_MCONTEXT = UC_OFFSET + 160;
/** sizeof(struct rt_sigframe) on rv32: 128 + 816. */
export const RT_SIGFRAME_SIZE = 944;

/** A signal about to be delivered to a handler (Linux: struct ksignal). */
export interface ksignal {
  sig: number;
  info: kernel_siginfo;
  /** A copy of the action as it was when the signal was dequeued. */
  ka: k_sigaction;
}

/**
 * Linux: copy_siginfo_to_user()'s layout on rv32: si_signo@0 si_errno@4 si_code@8, then the union at
 * 12: si_addr (faults), or si_pid@12 si_uid@16 (kill), plus si_status@20 si_utime@24 si_stime@28
 * (SIGCHLD). The rest of the 128 bytes is zero.
 */
export function siginfo_bytes(info: kernel_siginfo): Uint8Array {
  const out = new Uint8Array(SIGINFO_SIZE);
  const v = new DataView(out.buffer);
  v.setInt32(0, info.si_signo, true);
  v.setInt32(4, info.si_errno, true);
  v.setInt32(8, info.si_code, true);
  if (info.si_addr !== undefined) v.setUint32(12, info.si_addr >>> 0, true);
  else {
    v.setInt32(12, info.si_pid ?? 0, true);
    v.setUint32(16, info.si_uid ?? 0, true);
    if (info.si_signo === SIGCHLD) {
      v.setInt32(20, info.si_status ?? 0, true);
      v.setInt32(24, info.si_utime ?? 0, true);
      v.setInt32(28, info.si_stime ?? 0, true);
    }
  }
  return out;
}

/**
 * Linux: get_sigframe(): below the interrupted sp, or at the top of the alternate stack for an
 * SA_ONSTACK handler, 16-byte aligned. A frame that would overflow the alternate stack the task is
 * already on gets an address that can never be written (-1), so the task dies of SIGSEGV.
 */
function get_sigframe(task: task_struct, ka: k_sigaction, sp: number): number {
  if (on_sig_stack(task, sp) && !on_sig_stack(task, sp - RT_SIGFRAME_SIZE)) return 0xffff_ffff;
  return ((sigsp(task, sp, ka) - RT_SIGFRAME_SIZE) & ~0xf) >>> 0;
}

/**
 * Linux: setup_rt_frame(): write the frame for `ksig` on the current task's user stack, saving its
 * registers (the CPU's, since it is current) and `oldset`, then set the registers to enter the
 * handler. Returns 0, or -EFAULT if the frame cannot be written (the caller then forces SIGSEGV).
 */
export function setup_rt_frame(k: Kernel, task: task_struct, ksig: ksignal, oldset: sigset_t): number {
  const cpu = k.machine.cpu;
  const sp = cpu.x[2]! >>> 0;
  const frame = get_sigframe(task, ksig.ka, sp);
  if (!access_ok(frame, RT_SIGFRAME_SIZE)) return bad_frame(k, task, "setup_rt_frame", frame);
  const bytes = new Uint8Array(RT_SIGFRAME_SIZE);
  const v = new DataView(bytes.buffer);
  bytes.set(siginfo_bytes(ksig.info), 0);
  // uc_flags and uc_link stay 0. Linux: __save_altstack(), which also disarms an SS_AUTODISARM stack.
  const ss = current_altstack(task, sp);
  v.setUint32(UC_STACK, ss.ss_sp, true);
  v.setInt32(UC_STACK + 4, ss.ss_flags, true);
  v.setUint32(UC_STACK + 8, ss.ss_size, true);
  if (task.sig.sas_ss_flags & SS_AUTODISARM) sas_ss_reset(task);
  bytes.set(sigset_bytes(oldset), UC_SIGMASK);
  // Linux: setup_sigcontext(): sc_regs is laid out like the start of pt_regs, pc first.
  v.setUint32(UC_MCONTEXT, cpu.pc >>> 0, true);
  for (let i = 1; i < 32; i++) v.setInt32(UC_MCONTEXT + 4 * i, cpu.x[i]!, true);
  if (copy_to_user(task.mm!, task, frame, bytes) !== 0) return bad_frame(k, task, "setup_rt_frame", frame);
  if (k.trace.signal) k.trace.note("signal", `setup_rt_frame sig ${ksig.sig} frame ${hex(frame)} handler ${hex(ksig.ka.handler)}`);
  // Linux: the registers a handler starts with; the others keep their interrupted values.
  cpu.x[1] = VDSO_RT_SIGRETURN; // ra: the handler's `ret` goes to the trampoline
  cpu.pc = ksig.ka.handler >>> 0;
  cpu.x[2] = frame;
  cpu.x[10] = ksig.sig;
  cpu.x[11] = frame; // &frame->info
  cpu.x[12] = frame + UC_OFFSET; // &frame->uc
  return 0;
}

/**
 * Linux: the body of SYSCALL_DEFINE0(rt_sigreturn): the handler returned through the trampoline, with
 * sp where setup_rt_frame left it. Restore the blocked mask, x1..x31 and pc, and the alternate stack
 * from the frame. Returns false, after saying so, if the frame cannot be read (the stack was smashed):
 * the caller then forces SIGSEGV as Linux does.
 */
export function restore_rt_sigframe(k: Kernel, task: task_struct): boolean {
  const cpu = k.machine.cpu;
  const frame = cpu.x[2]! >>> 0;
  const bytes = access_ok(frame, RT_SIGFRAME_SIZE) ? copy_from_user(task.mm!, task, frame, RT_SIGFRAME_SIZE) : null;
  if (bytes === null) {
    bad_frame(k, task, "sys_rt_sigreturn", frame);
    return false;
  }
  const v = new DataView(bytes.buffer);
  set_current_blocked(task, sigset_from(bytes, UC_SIGMASK));
  // Linux: restore_sigcontext().
  cpu.pc = v.getUint32(UC_MCONTEXT, true);
  for (let i = 1; i < 32; i++) cpu.x[i] = v.getInt32(UC_MCONTEXT + 4 * i, true);
  // Linux: restore_altstack(): errors other than -EFAULT are ignored; judged at the restored sp.
  const ss = { ss_sp: v.getUint32(UC_STACK, true), ss_flags: v.getInt32(UC_STACK + 4, true), ss_size: v.getUint32(UC_STACK + 8, true) };
  do_sigaltstack(task, ss, cpu.x[2]! >>> 0);
  if (k.trace.signal) k.trace.note("signal", `rt_sigreturn frame ${hex(frame)} -> pc ${hex(cpu.pc)}`);
  return true;
}

/**
 * Linux (riscv sys_rt_sigreturn): "%s[%d]: bad frame in %s: frame=%p pc=%p sp=%p". Linux prints it only
 * for rt_sigreturn; vmos also says it when a frame cannot be written, which Linux does silently.
 */
function bad_frame(k: Kernel, task: task_struct, where: string, frame: number): number {
  const cpu = k.machine.cpu;
  k.console.log(`${task.comm}[${task.pid}]: bad frame in ${where}: frame=${hex(frame)} pc=${hex(cpu.pc)} sp=${hex(cpu.x[2]!)}`);
  return -14; // -EFAULT
}
