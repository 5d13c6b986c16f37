// The one entry from the hardware (Linux: arch/riscv/kernel/entry.S + traps.c; xv6: usertrap()):
// the CPU stopped on a trap; decide what it means for the current task. And the way back: before a
// task runs user code again, exit_to_user_mode() delivers the signals it has pending.

import { Cause } from "../src/hw/trap.js";
import { hex } from "./trace.js";
import { BUG_ON } from "./bug.js";
import type { Kernel } from "./kernel.js";
import { check_kernel } from "./mm/check.js";
import { do_page_fault } from "./mm/fault.js";
import { pagefault_out_of_memory } from "./mm/oom_kill.js";
import { do_signal, force_sig_fault, signal_pending, SIGBUS, SIGILL, SIGSEGV, SIGTRAP } from "./proc/signal.js";
import type { task_struct } from "./proc/task.js";
import { wake_up_process } from "./sched/core.js";
import { do_syscall } from "./syscalls/table.js";
import { SYSCALL_RESTART } from "./syscalls/types.js";

const ILL_ILLOPC = 1, TRAP_BRKPT = 1, BUS_ADRALN = 1, SEGV_ACCERR = 2;
const __NR_rt_sigreturn = 139;

/** Handle the trap the CPU just took while running `task`. */
export function handle_trap(k: Kernel, task: task_struct): void {
  const cpu = k.machine.cpu;
  const cause = cpu.trapCause;
  const pc = cpu.pc >>> 0;
  const tval = cpu.trapTval >>> 0;
  switch (cause) {
    case Cause.EcallFromU: {
      cpu.pc = (pc + 4) >>> 0; // Linux: sepc += 4 before the call, so the call may change it
      const nr = cpu.x[17]!;
      const ret = do_syscall(k, task, nr);
      // rt_sigreturn's result is the interrupted a0, which may be any value, SYSCALL_RESTART's too
      // (Linux: it sets regs->cause = -1 so the exit path does no restart processing).
      if (ret === SYSCALL_RESTART && nr !== __NR_rt_sigreturn) {
        cpu.pc = pc; // it slept: execute the ecall again when it runs next
        task.sig.restart_syscall = true;
        // Linux: __schedule() does not put a task to sleep with a signal pending (signal_pending_state).
        if (task.state === "TASK_INTERRUPTIBLE" && signal_pending(task)) wake_up_process(k, task);
      } else if (task.state === "TASK_RUNNING") cpu.x[10] = ret;
      break;
    }
    case Cause.InstructionPageFault:
    case Cause.LoadPageFault:
    case Cause.StorePageFault: {
      const r = do_page_fault(task.mm!, task, cause, tval, true);
      if (!r.ok && r.oom) pagefault_out_of_memory(k, task);
      else if (!r.ok) force_sig_fault(k, task, r, pc);
      break;
    }
    case Cause.IllegalInstruction:
      force_sig_fault(k, task, { signo: SIGILL, code: ILL_ILLOPC, addr: pc, why: `illegal instruction ${hex(tval)}` }, pc);
      break;
    case Cause.Breakpoint:
      force_sig_fault(k, task, { signo: SIGTRAP, code: TRAP_BRKPT, addr: pc, why: "ebreak" }, pc);
      break;
    case Cause.InstructionMisaligned:
    case Cause.LoadMisaligned:
    case Cause.StoreMisaligned:
      force_sig_fault(k, task, { signo: SIGBUS, code: BUS_ADRALN, addr: tval, why: "misaligned address" }, pc);
      break;
    default:
      force_sig_fault(k, task, { signo: SIGSEGV, code: SEGV_ACCERR, addr: tval, why: `access fault (cause ${cause})` }, pc);
  }
  if (k.options.check) check_kernel(k);
}

/**
 * A task woken from a system call that slept, with a signal pending: Linux's sleeping call looks at
 * its condition once more before it notices the signal (do_wait() reaps the child that woke it;
 * pipe_read() takes the data that arrived), so the call completes and the handler runs after it.
 * vmos's sleeping calls return SYSCALL_RESTART and are run again here, before exit_to_user_mode();
 * only if the call would sleep again does the signal interrupt it (-EINTR, or a restart with
 * SA_RESTART).
 */
export function retry_interrupted_syscall(k: Kernel, task: task_struct): void {
  if (!task.sig.restart_syscall || !signal_pending(task)) return;
  BUG_ON(k.current !== task, "retry_interrupted_syscall: the task is not current");
  const cpu = k.machine.cpu;
  const pc = cpu.pc >>> 0;
  cpu.pc = (pc + 4) >>> 0;
  const ret = do_syscall(k, task, cpu.x[17]!);
  if (ret === SYSCALL_RESTART) {
    cpu.pc = pc; // still waiting: the signal decides (handle_signal)
    if (task.state === "TASK_INTERRUPTIBLE") wake_up_process(k, task);
  } else {
    task.sig.restart_syscall = false;
    if (task.state === "TASK_RUNNING") cpu.x[10] = ret;
  }
  if (k.options.check) check_kernel(k);
}

/**
 * Linux: exit_to_user_mode() -> do_notify_resume() -> do_signal(): the last step before `task`, which
 * must be current, runs user code again, whether it trapped, its quantum ended, or it slept. Pending
 * signals it does not block are delivered here: a handler's frame is set up, or the task dies.
 */
export function exit_to_user_mode(k: Kernel, task: task_struct): void {
  if (!signal_pending(task)) {
    task.sig.restart_syscall = false;
    return;
  }
  BUG_ON(k.current !== task, "exit_to_user_mode: the task is not current (its registers are not the CPU's)");
  do_signal(k, task);
  if (k.options.check) check_kernel(k);
}
