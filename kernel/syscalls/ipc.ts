// System calls of System V IPC: shared memory so far (Linux: ipc/shm.c; the work is in
// kernel/ipc/shm.ts). riscv32 has the direct calls, not the multiplexed ipc() of older ABIs. Keys,
// ids, flags and commands are ints; sizes and addresses unsigned longs.

import { do_shmat, sys_shmctl, sys_shmdt, sys_shmget } from "../ipc/shm.js";
import type { SyscallTable } from "./types.js";

const u = (x: number): number => x >>> 0;

export const IPC_SYSCALLS: SyscallTable = {
  194: (k, t, a) => sys_shmget(k, t, a[0]!, u(a[1]!), a[2]!),
  195: (k, t, a) => sys_shmctl(k, t, a[0]!, a[1]!, u(a[2]!)),
  196: (k, t, a) => do_shmat(k, t, a[0]!, u(a[1]!), a[2]!),
  197: (k, t, a) => sys_shmdt(k, t, u(a[0]!)),
};
