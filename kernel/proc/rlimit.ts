// Linux: include/uapi/asm-generic/resource.h and init_task's limits (include/asm-generic/resource.h
// INIT_RLIMITS). Limits live per process and are inherited by fork.

import type { task_struct } from "./task.js";

export const RLIMIT_CPU = 0, RLIMIT_FSIZE = 1, RLIMIT_DATA = 2, RLIMIT_STACK = 3, RLIMIT_CORE = 4;
export const RLIMIT_RSS = 5, RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7, RLIMIT_MEMLOCK = 8, RLIMIT_AS = 9;
export const RLIMIT_LOCKS = 10, RLIMIT_SIGPENDING = 11, RLIMIT_MSGQUEUE = 12, RLIMIT_NICE = 13;
export const RLIMIT_RTPRIO = 14, RLIMIT_RTTIME = 15, RLIM_NLIMITS = 16;
/** RLIM64_INFINITY (~0ULL) as a JS number: any value at or above 2^53 means "no limit". */
export const RLIM_INFINITY = Number.MAX_SAFE_INTEGER;

/**
 * Linux's boot limits. NPROC and SIGPENDING come from max_threads / 2 (fork_init), which depends on
 * the machine's memory; `maxThreads` is that number.
 */
export function init_rlimits(maxThreads: number): [number, number][] {
  const lim: [number, number][] = Array.from({ length: RLIM_NLIMITS }, () => [RLIM_INFINITY, RLIM_INFINITY]);
  lim[RLIMIT_STACK] = [8 << 20, RLIM_INFINITY];
  lim[RLIMIT_CORE] = [0, RLIM_INFINITY];
  lim[RLIMIT_NPROC] = [Math.floor(maxThreads / 2), Math.floor(maxThreads / 2)];
  lim[RLIMIT_NOFILE] = [1024, 4096];
  lim[RLIMIT_MEMLOCK] = [64 << 10, 64 << 10];
  lim[RLIMIT_SIGPENDING] = [Math.floor(maxThreads / 2), Math.floor(maxThreads / 2)];
  lim[RLIMIT_MSGQUEUE] = [819200, 819200];
  lim[RLIMIT_NICE] = [0, 0];
  lim[RLIMIT_RTPRIO] = [0, 0];
  return lim;
}

/** Linux: rlimit(): the soft limit of `current` (the calling task). */
export function rlimit(task: task_struct | null, resource: number): number {
  return task?.rlim[resource]?.[0] ?? RLIM_INFINITY;
}

/**
 * Linux: fork_init() set_max_threads(): as many tasks as fit in an eighth of memory if each took a
 * kernel stack (THREAD_SIZE, 8 KiB on rv32), clamped to [20, 4 << 20 (FUTEX_TID_MASK)].
 */
export function max_threads_for(frames: number): number {
  const THREAD_PAGES = 2;
  return Math.max(20, Math.min(Math.floor(frames / (8 * THREAD_PAGES)), 4 << 20));
}
