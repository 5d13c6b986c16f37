// Linux: kernel/exit.c do_exit(): release the address space, keep the exit status for the parent.

import { exit_mmap } from "../mm/mmap.js";
import { update_hiwater_rss } from "../mm/mm_types.js";
import type { Kernel } from "../kernel.js";
import { dequeue_task } from "../sched/core.js";
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

/**
 * Linux: do_exit(). `code` is the status as wait() reports it: (status & 0xff) << 8 for exit(), the
 * signal number for a death by signal. The task becomes a zombie until its parent reaps it.
 */
export function do_exit(k: Kernel, task: task_struct, code: number): void {
  if (k.trace.sched) k.trace.note("sched", `do_exit pid ${task.pid} code ${hexCode(code)}`);
  exit_mm(task);
  task.exit_code = code;
  task.state = "EXIT_ZOMBIE";
  dequeue_task(k, task);
}

function hexCode(code: number): string {
  return `0x${code.toString(16)}`;
}

/** The status a shell reports for an exit_code: the exit status, or 128 + signal. */
export function shell_status(exit_code: number): number {
  const signo = exit_code & 0x7f;
  return signo === 0 ? (exit_code >> 8) & 0xff : 128 + signo;
}
