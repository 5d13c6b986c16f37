// The shape of a system-call handler and of an area's table of them (number -> handler).

import type { Kernel } from "../kernel.js";
import type { task_struct } from "../proc/task.js";

/**
 * A handler gets the six argument registers (a0-a5, as signed 32-bit) and returns the value for
 * a0: the result, or -errno. A handler that puts the task to sleep returns SYSCALL_RESTART.
 */
export type Handler = (k: Kernel, task: task_struct, a: Int32Array) => number;

export type SyscallTable = Readonly<Record<number, Handler>>;

/**
 * Returned by a handler that had to sleep (Linux: -ERESTARTSYS): the ecall is executed again when the
 * task runs next, so the call starts over and sees the world as it is then.
 */
export const SYSCALL_RESTART = -512;
