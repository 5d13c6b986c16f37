// Linux: include/linux/sched.h struct task_struct, with the fields this kernel uses so far.

import type { Kernel } from "../kernel.js";
import type { mm_struct } from "../mm/mm_types.js";
import { files_init_console, type files_struct } from "../fs/fdtable.js";
import type { fs_struct } from "../fs/namei.js";
import { TaskSignals } from "./signal_types.js";

// Linux: task states (TASK_RUNNING...) and exit states (EXIT_ZOMBIE, EXIT_DEAD).
export type TaskState = "TASK_RUNNING" | "TASK_INTERRUPTIBLE" | "EXIT_ZOMBIE" | "EXIT_DEAD";

/** Saved user registers while the task is not on the CPU (Linux: struct pt_regs on the kernel stack). */
export interface pt_regs {
  x: Int32Array;
  pc: number;
}

/** One step of a kernel thread's loop (sched/kthread.ts). */
export type kthread_fn = (k: Kernel, t: task_struct) => void;

export class task_struct {
  state: TaskState = "TASK_RUNNING";
  /** The user address space; null for a kernel thread (and after exit). */
  mm: mm_struct | null = null;
  /**
   * Linux: PF_KTHREAD and the thread function: set for a kernel thread (sched/kthread.ts), which the
   * scheduler loop runs a step of instead of user code. null for every user task.
   */
  kthread: kthread_fn | null = null;
  /** Linux: signal->oom_score_adj (-1000..1000), added to oom_badness(); 0 unless changed. */
  oom_score_adj = 0;
  /**
   * Linux: files, the open-file table (fs/fdtable.ts); null once exit_files() has run. A task starts
   * with fds 0-2 on the console, as Linux's init gets them (console_on_rootfs); fork gives a child a
   * copy of its parent's instead (dup_fd).
   */
  files: files_struct | null = files_init_console();
  /** Linux: fs, the task's working directory (kernel/fs/namei.ts); null means the root. */
  fs: fs_struct | null = null;
  /** Linux: real_parent; null for init. */
  parent: task_struct | null = null;
  readonly children = new Set<task_struct>();
  /** Linux: exit_code as wait() sees it: (status << 8) for exit(), the signal number for a kill. */
  exit_code = 0;
  /** Linux: min_flt / maj_flt. */
  min_flt = 0;
  maj_flt = 0;
  /** Linux: signal->cmin_flt, cmaj_flt, maxrss of reaped children (for getrusage(RUSAGE_CHILDREN)). */
  cmin_flt = 0;
  cmaj_flt = 0;
  cmaxrss = 0;
  /** Children's CPU cycles, reaped (Linux: signal->cutime/cstime). */
  cutime_cycles = 0;
  cstime_cycles = 0;
  /** Reparented to init after its parent died: the kernel reaps it at exit, in init's place. */
  orphan = false;
  /** Linux: exit_signal: what the parent is sent when this task exits (SIGCHLD for fork). */
  exit_signal = 17;
  /** Linux: clear_child_tid (CLONE_CHILD_CLEARTID): zeroed at exit. 0 = none. */
  clear_child_tid = 0;
  /** Linux: signal->rlim, as [soft, hard] pairs indexed by RLIMIT_*; see proc/rlimit.ts. */
  rlim: [number, number][] = [];
  /** Linux: signal->maxrss: the peak RSS of the task's address space, in pages (kept after exit). */
  maxrss = 0;
  /** Peak page-table pages of the task's address space (vmos, for --stats). */
  maxpgtables = 0;
  /** CPU time in simulated cycles: user (guest instructions) and system (kernel work on its behalf). */
  utime_cycles = 0;
  stime_cycles = 0;
  /** Linux: comm, the program name (basename, at most 15 characters). */
  comm: string;
  readonly regs: pt_regs = { x: new Int32Array(32), pc: 0 };
  /** Handlers, blocked mask, pending signals, alternate stack (see signal_types.ts). */
  readonly sig = new TaskSignals();

  constructor(readonly pid: number, comm: string) {
    this.comm = comm.slice(0, 15);
  }
}

/** Linux: a task that is still running (not a zombie). */
export function task_alive(t: task_struct): boolean {
  return t.state === "TASK_RUNNING" || t.state === "TASK_INTERRUPTIBLE";
}
