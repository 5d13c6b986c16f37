// Linux: arch/riscv/kernel/syscall_table.c + handle_syscall in entry.S: a7 holds the number, a0-a5 the
// arguments, and the result (or -errno) goes back in a0. Unknown numbers return -ENOSYS, and vmos
// says so once per number on stderr, naming the call.

import { sys_memfd_create } from "../mm/memfd.js";
import { hex } from "../trace.js";
import type { Kernel } from "../kernel.js";
import type { task_struct } from "../proc/task.js";
import { ENOSYS } from "./errno.js";
import { sys_clock_gettime64, sys_getrandom, sys_uname } from "./info.js";
import { NOT_ON_RV32, SYSCALL_NAMES } from "./names.js";
import { FD_SYSCALLS } from "./fd.js";
import { FS_SYSCALLS, sys_read, sys_write } from "./fs.js";
import { IPC_SYSCALLS } from "./ipc.js";
import { MM_SYSCALLS } from "./mm.js";
import { NAMEI_SYSCALLS } from "./namei.js";
import { RW_SYSCALLS } from "./read_write.js";
import { PROCESS_SYSCALLS, sys_exit_group, sys_getpid, sys_getppid, sys_getuid } from "./process.js";
import { SIGNAL_SYSCALLS } from "./signal.js";
import { SWAP_SYSCALLS } from "./swap.js";
import type { SyscallTable } from "./types.js";

/** This file's own calls; the other areas keep theirs beside their code. */
const CORE_SYSCALLS: SyscallTable = {
  63: (k, t, a) => sys_read(k, t, a[0]!, a[1]! >>> 0, a[2]! >>> 0),
  64: (k, t, a) => sys_write(k, t, a[0]!, a[1]! >>> 0, a[2]! >>> 0),
  93: (k, t, a) => sys_exit_group(k, t, a[0]!), // exit: one thread per process, so the same
  94: (k, t, a) => sys_exit_group(k, t, a[0]!),
  96: (_k, t) => t.pid, // set_tid_address: returns the caller's tid
  124: (k) => { // sched_yield: the rest of the slice goes; the caller joins the back of the run queue
    k.need_resched = true;
    return 0;
  },
  160: (k, t, a) => sys_uname(k, t, a[0]! >>> 0),
  172: (k, t) => sys_getpid(k, t),
  173: (k, t) => sys_getppid(k, t),
  174: sys_getuid, 175: sys_getuid, 176: sys_getuid, 177: sys_getuid,
  178: (k, t) => sys_getpid(k, t), // gettid
  278: (k, t, a) => sys_getrandom(k, t, a[0]! >>> 0, a[1]! >>> 0, a[2]!),
  279: (k, t, a) => sys_memfd_create(k, t, a[0]! >>> 0, a[1]! >>> 0),
  403: (k, t, a) => sys_clock_gettime64(k, t, a[0]!, a[1]! >>> 0),
};

const SYSCALLS: SyscallTable = { ...CORE_SYSCALLS, ...PROCESS_SYSCALLS, ...MM_SYSCALLS, ...FS_SYSCALLS, ...SIGNAL_SYSCALLS, ...IPC_SYSCALLS, ...FD_SYSCALLS, ...NAMEI_SYSCALLS, ...RW_SYSCALLS, ...SWAP_SYSCALLS };

const args = new Int32Array(6);

/**
 * Run system call `nr` for `task` with arguments from the CPU's a0-a5; returns the value for a0.
 * The caller has already advanced pc past the ecall (Linux: sepc += 4 before the call).
 */
export function do_syscall(k: Kernel, task: task_struct, nr: number): number {
  const x = k.machine.cpu.x;
  for (let i = 0; i < 6; i++) args[i] = x[10 + i]!;
  const handler = SYSCALLS[nr];
  const name = SYSCALL_NAMES[nr] ?? `syscall_${nr}`;
  if (k.trace.syscall) k.trace.enter("syscall", `sys_${name}`, `${hex(args[0]!)}, ${hex(args[1]!)}, ${hex(args[2]!)}`);
  let ret: number;
  if (handler === undefined) {
    k.report_once(`syscall ${nr}`, () => {
      const what = SYSCALL_NAMES[nr] ?? (NOT_ON_RV32[nr] ? `${NOT_ON_RV32[nr]}; rv32 Linux has no such call either` : undefined);
      return `${task.comm}[${task.pid}]: unimplemented syscall ${nr}${what ? ` (${what})` : ""}: returning -ENOSYS`;
    });
    ret = -ENOSYS;
  } else {
    ret = handler(k, task, args);
  }
  if (k.trace.syscall) k.trace.exit("syscall", `sys_${name}`, `= ${ret < 0 && ret > -4096 ? ret : hex(ret)}`);
  return ret;
}
