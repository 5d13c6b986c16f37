// Linux: kernel/kthread.c. A kernel thread is a task with no user address space (mm == null) that
// runs a kernel function instead of user code: the scheduler loop (kernel/main.ts) gives it a turn
// like any task, and where it would run user instructions it calls run_kthread(), one step of the
// thread's loop. The step returns to the scheduler; a thread with nothing to do puts itself to sleep
// (TASK_INTERRUPTIBLE, off the run queue) and whoever has work for it wakes it (wake_up_process).
//
// Like Linux's, vmos's kernel threads have a pid and appear in /proc (status works; maps and smaps are
// empty, as for a task with no mm), ignore every signal (kill() succeeds and does nothing, as
// ignore_signals() makes it for a kthread), are never chosen by the OOM killer, and never keep a run
// alive: the run ends when init exits, and a machine where only kernel threads could run is idle.
// Their parent is nobody (Linux: kthreadd, pid 2); they stop when init exits (kthread_stop).

import type { Kernel } from "../kernel.js";
import { SIG_IGN, _NSIG } from "../proc/signal_types.js";
import { task_struct, type kthread_fn } from "../proc/task.js";
import { dequeue_task, wake_up_process_preempt } from "./core.js";

/**
 * Linux: kthread_create() + wake_up_process() = kthread_run(): a kernel thread named `name` (its
 * comm, e.g. "kswapd0") with the next pid, running `fn` one step per turn. It starts runnable.
 */
export function kthread_run(k: Kernel, name: string, fn: kthread_fn): task_struct {
  const t = new task_struct(k.next_pid++, name);
  t.kthread = fn;
  t.files = null; // Linux: a kthread has no open files
  // Linux: kthreadd's ignore_signals(): every handler SIG_IGN, so send_signal() discards them all.
  for (let sig = 1; sig <= _NSIG; sig++) t.sig.action[sig]!.handler = SIG_IGN;
  k.tasks.set(t.pid, t);
  t.state = "TASK_INTERRUPTIBLE";
  kthread_wake(k, t);
  return t;
}

/**
 * Wake a sleeping kernel thread that has work, to run next (Linux: a woken kthread preempts the
 * current task, whose slice may still be long); a thread already awake is left as it is.
 */
export function kthread_wake(k: Kernel, t: task_struct): void {
  wake_up_process_preempt(k, t);
}

/**
 * One step of a kernel thread, in place of a quantum of user code: its function runs to the end of
 * the step; the simulated time it takes (the work it charges) is the thread's system time.
 */
export function run_kthread(k: Kernel, t: task_struct): void {
  const clock = k.machine.clock;
  const start = clock.cycles;
  t.kthread!(k, t);
  t.stime_cycles += clock.cycles - start;
}

/** Linux: set_current_state(TASK_INTERRUPTIBLE) + schedule() for a kthread: sleep until woken. */
export function kthread_sleep(k: Kernel, t: task_struct): void {
  t.state = "TASK_INTERRUPTIBLE";
  dequeue_task(k, t);
}

/** Linux: kthread_stop(): the thread ends and is gone (no parent reaps it). */
export function kthread_stop(k: Kernel, t: task_struct): void {
  dequeue_task(k, t);
  t.state = "EXIT_DEAD";
  k.tasks.delete(t.pid);
}
