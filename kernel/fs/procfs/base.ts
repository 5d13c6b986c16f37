// Linux: fs/proc/base.c proc_pid_cmdline_read() -> get_mm_cmdline(): a process's arguments, read
// from its own memory (they live at the top of its stack, between mm->arg_start and arg_end), each
// ending in NUL. A zombie has none.

import type { Kernel } from "../../kernel.js";
import type { task_struct } from "../../proc/task.js";
import { copy_from_user } from "../../syscalls/uaccess.js";

/**
 * Linux: get_mm_cmdline(). The bytes [arg_start, arg_end). If the program overwrote the last
 * argument's NUL (setproctitle()), Linux reads on into the environment up to the first NUL; so does
 * vmos. Memory that cannot be read gives an empty file.
 */
export function proc_pid_cmdline(_k: Kernel, t: task_struct): Uint8Array {
  const mm = t.mm;
  if (mm === null || mm.arg_start >= mm.arg_end) return new Uint8Array(0);
  const env_end = mm.env_start === mm.arg_end && mm.env_end >= mm.env_start ? mm.env_end : mm.arg_end;
  const args = copy_from_user(mm, null, mm.arg_start, mm.arg_end - mm.arg_start);
  if (args === null) return new Uint8Array(0);
  if (args[args.length - 1] === 0) return args;
  // Linux: get_mm_proctitle(): the title runs to the first NUL, which it includes.
  const all = copy_from_user(mm, null, mm.arg_start, env_end - mm.arg_start) ?? args;
  const nul = all.indexOf(0);
  return nul < 0 ? all : all.subarray(0, nul + 1);
}
