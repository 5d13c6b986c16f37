// Linux: kernel/exit.c do_exit(): release the address space, keep the exit status for the parent
// (the task is a zombie until reaped), hand the children to init, and tell the parent.
//
// vmos's init is the user's program, which may never call waitid; so, in init's place, the kernel
// reaps orphans (children whose parent died before them) as soon as they exit. init's own children
// stay zombies until init waits for them, as on Linux.

import { exit_mmap } from "../mm/mmap.js";
import { update_hiwater_rss } from "../mm/mm_types.js";
import type { Kernel } from "../kernel.js";
import { dequeue_task, wake_up_process } from "../sched/core.js";
import { kthread_stop } from "../sched/kthread.js";
import { put_user32 } from "../syscalls/uaccess.js";
import type { task_struct } from "./task.js";

/** Linux: exit_mm() + mmput(): drop the task's reference to its mm; the last one tears it down. */
function exit_mm(task: task_struct): void {
  const mm = task.mm;
  if (mm === null) return;
  // Linux: setmax_mm_hiwater_rss(&tsk->signal->maxrss, mm).
  update_hiwater_rss(mm);
  task.maxrss = Math.max(task.maxrss, mm.hiwater_rss);
  task.maxpgtables = Math.max(task.maxpgtables, mm.pgtables_bytes / 4096);
  task.mm = null;
  if (--mm.mm_users === 0) exit_mmap(mm);
}

/** Hooks other parts of the kernel add to exit (close files, queue SIGCHLD), run before the mm goes. */
export const exit_hooks: ((k: Kernel, task: task_struct) => void)[] = [];
/**
 * Hooks run when a parent is told of a child's exit (Linux: do_notify_parent sends exit_signal). A
 * hook returns true when the parent does not want the child's status (SIGCHLD ignored, or
 * SA_NOCLDWAIT): Linux then reaps the child at once, and waitid will report ECHILD.
 */
export const notify_parent_hooks: ((k: Kernel, child: task_struct, parent: task_struct) => boolean | void)[] = [];

/** Linux: release_task(): a reaped zombie disappears for good. */
export function release_task(k: Kernel, task: task_struct): void {
  task.state = "EXIT_DEAD";
  k.tasks.delete(task.pid);
  task.parent?.children.delete(task);
}

/**
 * Linux: do_exit(). `code` is the status as wait() reports it: (status & 0xff) << 8 for exit(), the
 * signal number for a death by signal. The task becomes a zombie until its parent reaps it.
 */
export function do_exit(k: Kernel, task: task_struct, code: number): void {
  if (task.state === "EXIT_ZOMBIE" || task.state === "EXIT_DEAD") return;
  if (k.trace.sched) k.trace.note("sched", `do_exit ${task.comm}[${task.pid}] code 0x${code.toString(16)}`);
  for (const hook of exit_hooks) hook(k, task);
  // Linux: mm_release(): CLONE_CHILD_CLEARTID's word is zeroed (and a futex woken, once futexes exist).
  if (task.clear_child_tid !== 0 && task.mm !== null) put_user32(task.mm, task, task.clear_child_tid, 0);
  exit_mm(task);
  task.exit_code = code;
  task.state = "EXIT_ZOMBIE";
  dequeue_task(k, task);
  forget_original_parent(k, task);
  exit_notify(k, task);
  if (task.parent === null) kill_everyone_else(k, task);
}

/** Linux: forget_original_parent(): the dying task's children now belong to init. */
function forget_original_parent(k: Kernel, task: task_struct): void {
  const init = k.tasks.get(1);
  for (const child of [...task.children]) {
    task.children.delete(child);
    if (init === undefined || init === task || init.state !== "TASK_RUNNING" && init.state !== "TASK_INTERRUPTIBLE") {
      child.parent = null;
      if (child.state === "EXIT_ZOMBIE") release_task(k, child);
      continue;
    }
    child.parent = init;
    child.orphan = true;
    init.children.add(child);
    if (child.state === "EXIT_ZOMBIE") release_task(k, child); // init reaps orphans
  }
}

/** Linux: exit_notify() -> do_notify_parent(): wake a waiting parent; orphans are reaped at once. */
function exit_notify(k: Kernel, task: task_struct): void {
  const parent = task.parent;
  if (parent === null) return;
  if (task.orphan) {
    release_task(k, task);
    return;
  }
  let autoreap = false;
  for (const hook of notify_parent_hooks) autoreap = hook(k, task, parent) === true || autoreap;
  if (autoreap) release_task(k, task);
  wake_up_process(k, parent);
}

/**
 * When init dies the machine is over (Linux panics): every other task is killed and reaped, and the
 * kernel threads are stopped.
 */
function kill_everyone_else(k: Kernel, init: task_struct): void {
  for (const t of [...k.tasks.values()]) {
    if (t === init) continue;
    if (t.kthread !== null) {
      kthread_stop(k, t);
      continue;
    }
    if (t.state === "TASK_RUNNING" || t.state === "TASK_INTERRUPTIBLE") do_exit(k, t, 9);
    release_task(k, t);
  }
}

/** The status a shell reports for an exit_code: the exit status, or 128 + signal. */
export function shell_status(exit_code: number): number {
  const signo = exit_code & 0x7f;
  return signo === 0 ? (exit_code >> 8) & 0xff : 128 + signo;
}
