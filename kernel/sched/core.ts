// Linux: kernel/sched/core.c, as a round-robin scheduler: each runnable task gets `quantum`
// instructions, then the next one runs. Deterministic: the order depends only on the order tasks
// became runnable.

import { makeSatp } from "../../src/hw/sv32.js";
import type { Kernel } from "../kernel.js";
import type { task_struct } from "../proc/task.js";

const runqueues = new WeakMap<Kernel, task_struct[]>();

function rq(k: Kernel): task_struct[] {
  let q = runqueues.get(k);
  if (q === undefined) runqueues.set(k, (q = []));
  return q;
}

/** Linux: enqueue_task() / wake_up_new_task(): the task joins the back of the run queue. */
export function enqueue_task(k: Kernel, task: task_struct): void {
  const q = rq(k);
  if (!q.includes(task)) q.push(task);
}

/** Linux: dequeue_task(): the task stops competing for the CPU (it sleeps or exits). */
export function dequeue_task(k: Kernel, task: task_struct): void {
  const q = rq(k);
  const i = q.indexOf(task);
  if (i >= 0) q.splice(i, 1);
}

/**
 * Linux: schedule(): choose the next task and switch to it. The current task keeps the CPU while it
 * is runnable and its time slice lasts; with `preempt` (its slice ran out: Linux's need_resched from
 * the timer tick) it goes to the back of the queue (round robin). Returns the task now current, or
 * null if nothing can run.
 */
export function schedule(k: Kernel, preempt = true): task_struct | null {
  const q = rq(k);
  const prev = k.current;
  if (q.length === 0) {
    if (prev !== null) save_regs(k, prev);
    k.current = null;
    return null;
  }
  let next = q[0]!;
  if (!preempt && prev !== null && prev.state === "TASK_RUNNING" && q.includes(prev)) return prev;
  if (prev !== null && q.length > 1 && q[0] === prev) {
    q.push(q.shift()!); // round robin: the current task goes to the back
    next = q[0]!;
  }
  if (next !== prev) context_switch(k, prev, next);
  return next;
}

function save_regs(k: Kernel, task: task_struct): void {
  const cpu = k.machine.cpu;
  task.regs.x.set(cpu.x);
  task.regs.pc = cpu.pc;
}

/**
 * Linux: context_switch() -> switch_mm() + __switch_to(): save the old registers, load the new ones,
 * point satp at the new page tables. ASIDs keep the TLB valid across the switch; an LR reservation
 * never survives one.
 */
export function context_switch(k: Kernel, prev: task_struct | null, next: task_struct): void {
  const cpu = k.machine.cpu;
  if (prev !== null && prev.state !== "EXIT_ZOMBIE") save_regs(k, prev);
  cpu.x.set(next.regs.x);
  cpu.pc = next.regs.pc;
  const mm = next.mm!;
  cpu.satp = makeSatp(mm.asid, mm.pgd);
  if (mm.asid === 0) cpu.sfenceVma(); // ASIDs ran out: this mm shares ASID 0 and must flush
  cpu.clearReservation();
  k.current = next;
  k.trace.pid = next.pid;
  if (k.trace.sched) k.trace.note("sched", `context_switch ${prev ? `${prev.comm}[${prev.pid}]` : "idle"} -> ${next.comm}[${next.pid}]`);
}

/** Linux: wake_up_process(): a sleeping task becomes runnable again (at the back of the queue). */
export function wake_up_process(k: Kernel, task: task_struct): void {
  if (task.state !== "TASK_INTERRUPTIBLE") return;
  task.state = "TASK_RUNNING";
  enqueue_task(k, task);
  if (k.trace.sched) k.trace.note("sched", `wake_up_process ${task.comm}[${task.pid}]`);
}

/**
 * Put the current task to sleep (Linux: set_current_state(TASK_INTERRUPTIBLE) + schedule()). The
 * caller's system call returns SYSCALL_RESTART, so the task retries when woken.
 */
export function sleep_current(k: Kernel, task: task_struct, why: string): void {
  task.state = "TASK_INTERRUPTIBLE";
  dequeue_task(k, task);
  if (k.trace.sched) k.trace.note("sched", `${task.comm}[${task.pid}] sleeps: ${why}`);
}
