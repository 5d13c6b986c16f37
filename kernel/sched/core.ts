// Linux: kernel/sched/core.c, as a round-robin scheduler: each runnable task gets `quantum`
// instructions, then the next one runs. Deterministic: the order depends only on the order tasks
// became runnable.
//
// Two ways to sleep. sleep_current(): TASK_INTERRUPTIBLE until someone calls wake_up_process (a
// pipe, a child's exit, a signal). sleep_until(): uninterruptible (Linux: TASK_UNINTERRUPTIBLE, "D"
// in ps) until a moment of simulated time, when a disk request the task waits for completes; the
// scheduler loop (kernel/main.ts) wakes it then (wake_up_io_sleepers), and when nothing else can
// run it moves the clock straight to the earliest completion, counting the gap as iowait
// (idle_until_io_completes). A task waiting for I/O stays "TASK_RUNNING" in task.state, but off the
// run queue: signals wait until it wakes, as they do for Linux's D state.

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
  const resched = need_resched.delete(k); // a woken kernel thread asked to run now
  if (!preempt && !resched && prev !== null && prev.state === "TASK_RUNNING" && q.includes(prev)) return prev;
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
  const mm = next.mm;
  if (mm !== null) { // Linux: a kernel thread (mm null) borrows the last mm (active_mm): nothing to load
    cpu.x.set(next.regs.x);
    cpu.pc = next.regs.pc;
    cpu.satp = makeSatp(mm.asid, mm.pgd);
    if (mm.asid === 0) cpu.sfenceVma(); // ASIDs ran out: this mm shares ASID 0 and must flush
    cpu.clearReservation();
  }
  k.current = next;
  k.trace.pid = next.pid;
  if (k.trace.sched) k.trace.note("sched", `context_switch ${prev ? `${prev.comm}[${prev.pid}]` : "idle"} -> ${next.comm}[${next.pid}]`);
}

/** Linux: TIF_NEED_RESCHED: the current task gives up the CPU at its next return to the scheduler. */
const need_resched = new WeakSet<Kernel>();

/**
 * Linux: wake_up_process() + check_preempt_curr() -> resched_curr(), for a task woken to do work the
 * current one is waiting on (kswapd, woken by an allocation): it goes right after the current task in
 * the run queue, and the current task is preempted when its trap returns, not when its slice ends.
 */
export function wake_up_process_preempt(k: Kernel, task: task_struct): void {
  if (task.state !== "TASK_INTERRUPTIBLE") return;
  wake_up_process(k, task);
  const q = rq(k);
  q.splice(q.indexOf(task), 1);
  q.splice(q[0] === k.current ? 1 : 0, 0, task);
  need_resched.add(k);
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

// ---- Waiting for I/O ----------------------------------------------------------------------------

/** One task waiting for a disk request: from `since` until the cycle `until`. */
interface io_sleeper {
  task: task_struct;
  until: number;
  since: number;
  why: string;
}

/** Tasks waiting for I/O, per kernel, in the order they went to sleep. */
const io_sleepers = new WeakMap<Kernel, io_sleeper[]>();
/** Tasks waiting for I/O now (for /proc's "D" state), and each task's total I/O wait in cycles. */
const in_iowait = new WeakSet<task_struct>();
const iowait_totals = new WeakMap<task_struct, number>();

function sleepers(k: Kernel): io_sleeper[] {
  let list = io_sleepers.get(k);
  if (list === undefined) io_sleepers.set(k, (list = []));
  return list;
}

function account_iowait(task: task_struct, cycles: number): void {
  iowait_totals.set(task, (iowait_totals.get(task) ?? 0) + cycles);
}

/**
 * Linux: io_schedule() in TASK_UNINTERRUPTIBLE until the disk request the task waits for is done:
 * `task` (current, running) leaves the run queue until simulated cycle `cycles`; other tasks run
 * meanwhile. It returns to user mode where it was: a faulting instruction runs again (its PTE is
 * in place by then). `why` is for traces. A time already past does nothing.
 */
export function sleep_until(k: Kernel, task: task_struct, cycles: number, why: string): void {
  const now = k.machine.clock.cycles;
  if (cycles <= now) return;
  dequeue_task(k, task);
  sleepers(k).push({ task, until: cycles, since: now, why });
  in_iowait.add(task);
  if (k.trace.sched) k.trace.note("sched", `${task.comm}[${task.pid}] sleeps in D state until cycle ${cycles}: ${why}`);
}

/**
 * Wait for a disk request in the middle of kernel work that cannot be suspended (a fault taken by
 * copy_to_user or populate: vmos has no kernel stacks to park a system call on): the whole machine
 * idles until `cycles`, counted as iowait for the kernel and for `task` (if any).
 */
export function io_wait_now(k: Kernel, task: task_struct | null, cycles: number): void {
  const clock = k.machine.clock;
  const wait = cycles - clock.cycles;
  if (wait <= 0) return;
  clock.advance(wait);
  k.iowait_cycles += wait;
  if (task !== null) account_iowait(task, wait);
  if (k.trace.sched) k.trace.note("sched", `idle ${wait} cycles waiting for I/O inside the kernel`);
}

/** Wake every task whose I/O has completed by now (Linux: the completion interrupt's wake_up). */
export function wake_up_io_sleepers(k: Kernel): void {
  const list = io_sleepers.get(k);
  if (list === undefined || list.length === 0) return;
  const now = k.machine.clock.cycles;
  for (let i = 0; i < list.length;) {
    const s = list[i]!;
    if (s.until > now && s.task.state === "TASK_RUNNING") {
      i++;
      continue;
    }
    list.splice(i, 1);
    in_iowait.delete(s.task);
    if (s.task.state !== "TASK_RUNNING") continue; // it died meanwhile (killed by the OOM killer)
    account_iowait(s.task, now - s.since);
    enqueue_task(k, s.task);
    if (k.trace.sched) k.trace.note("sched", `wake_up ${s.task.comm}[${s.task.pid}]: ${s.why} done`);
  }
}

/**
 * Nothing is runnable: if some task waits for I/O, move the clock to the earliest completion (the
 * CPU idles in iowait meanwhile: Kernel.iowait_cycles) and wake who is done. Returns false when no
 * task waits for I/O, so nothing will ever wake by itself.
 */
export function idle_until_io_completes(k: Kernel): boolean {
  let next = Infinity;
  for (const s of io_sleepers.get(k) ?? []) if (s.task.state === "TASK_RUNNING") next = Math.min(next, s.until);
  if (next === Infinity) return false;
  const clock = k.machine.clock;
  const idle = Math.max(0, next - clock.cycles);
  clock.advance(idle);
  k.iowait_cycles += idle;
  if (k.trace.sched) k.trace.note("sched", `idle ${idle} cycles waiting for I/O`);
  wake_up_io_sleepers(k);
  return true;
}

/** Whether `task` is asleep waiting for I/O now (Linux: TASK_UNINTERRUPTIBLE, "D" in /proc). */
export function task_in_iowait(task: task_struct): boolean {
  return in_iowait.has(task);
}

/** Simulated cycles `task` has spent waiting for I/O so far (Linux: delayacct's blkio_delay). */
export function task_iowait_cycles(task: task_struct): number {
  return iowait_totals.get(task) ?? 0;
}

/** Tasks waiting for I/O now (Linux: nr_iowait()). */
export function nr_iowait(k: Kernel): number {
  return (io_sleepers.get(k) ?? []).filter((s) => s.task.state === "TASK_RUNNING").length;
}
