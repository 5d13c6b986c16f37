// Linux: fs/exec.c SYSCALL_DEFINE3(execve): replace the calling process's program, keeping its pid.
// The arguments are copied in from the old image first; if loading fails, the old image is intact
// and the call returns -errno (ENOEXEC for a file that is not an RV32 executable).

import { makeSatp } from "../../src/hw/sv32.js";
import type { Kernel } from "../kernel.js";
import { exit_mmap } from "../mm/mmap.js";
import { E2BIG, EFAULT, ENAMETOOLONG, ENOENT } from "../syscalls/errno.js";
import { get_user32, strncpy_from_user } from "../syscalls/uaccess.js";
import { ExecError, load_elf_file } from "./exec.js";
import { open_exec } from "./binfmt.js";
import { fput } from "../fs/file.js";
import type { task_struct } from "./task.js";

/** Linux: PATH_MAX, MAX_ARG_STRLEN, MAX_ARG_STRINGS. */
const PATH_MAX = 4096, MAX_ARG_STRLEN = 32 * 4096, MAX_ARG_STRINGS = 0x7fffffff;


/** Hooks run on a successful exec (Linux: flush_signal_handlers, do_close_on_exec). */
export const exec_hooks: ((k: Kernel, task: task_struct) => void)[] = [];

const decoder = new TextDecoder();

/** Linux: copy_strings() of a user argv/envp array: the strings, or -errno. */
function copy_string_array(task: task_struct, ptr: number): string[] | number {
  const out: string[] = [];
  if (ptr === 0) return out; // Linux accepts a NULL argv/envp (and warns)
  for (let i = 0; i < MAX_ARG_STRINGS; i++) {
    const p = get_user32(task.mm!, task, (ptr + i * 4) >>> 0);
    if (p === null) return -EFAULT;
    if (p === 0) return out;
    const s = strncpy_from_user(task.mm!, task, p, MAX_ARG_STRLEN);
    if (typeof s === "number") return s;
    if (s === null) return -E2BIG;
    out.push(decoder.decode(s));
  }
  return -E2BIG;
}

/** Linux: SYSCALL_DEFINE3(execve, filename, argv, envp). Returns 0 (the new program starts) or -errno. */
export function sys_execve(k: Kernel, task: task_struct, filename: number, argv_ptr: number, envp_ptr: number): number {
  const name = strncpy_from_user(task.mm!, task, filename >>> 0, PATH_MAX);
  if (typeof name === "number") return name;
  if (name === null) return -ENAMETOOLONG;
  const path = decoder.decode(name);
  if (path === "") return -ENOENT;
  const argv = copy_string_array(task, argv_ptr >>> 0);
  if (typeof argv === "number") return argv;
  const envp = copy_string_array(task, envp_ptr >>> 0);
  if (typeof envp === "number") return envp;
  const f = open_exec(k, task, path);
  if (typeof f === "number") return f;
  let loaded;
  try {
    loaded = load_elf_file(k, f, argv, envp);
  } catch (err) {
    if (err instanceof ExecError) return -err.errno;
    throw err;
  } finally {
    fput(f);
  }
  // The point of no return (Linux: begin_new_exec): the old image goes.
  const old = task.mm!;
  task.mm = loaded.mm;
  task.comm = (path.split("/").pop() ?? path).slice(0, 15);
  if (--old.mm_users === 0) exit_mmap(old);
  const cpu = k.machine.cpu;
  cpu.x.fill(0);
  cpu.x[2] = loaded.sp;
  cpu.pc = loaded.entry;
  cpu.satp = makeSatp(loaded.mm.asid, loaded.mm.pgd);
  cpu.clearReservation();
  for (const hook of exec_hooks) hook(k, task);
  if (k.trace.sched) k.trace.note("sched", `execve ${task.comm}[${task.pid}] ${path}`);
  return 0;
}
