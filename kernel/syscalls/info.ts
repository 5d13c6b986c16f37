// System information calls: uname, clock_gettime64, getrandom. Time is simulated (cycles of a 1 GHz
// machine) and randomness is seeded, so every run of a program gives the same results.

import { CYCLES_PER_SECOND } from "../../src/hw/clock.js";
import type { Kernel } from "../kernel.js";
import type { task_struct } from "../proc/task.js";
import { EFAULT, EINVAL } from "./errno.js";
import { copy_to_user } from "./uaccess.js";

/** Linux: struct new_utsname fields, 65 bytes each. */
const UTSNAME = ["Linux", "vmos", "5.15.0-vmos", "#1 vmos", "riscv32", "(none)"];

/** Linux: SYSCALL_DEFINE1(newuname). */
export function sys_uname(_k: Kernel, task: task_struct, buf: number): number {
  const out = new Uint8Array(65 * UTSNAME.length);
  UTSNAME.forEach((s, i) => out.set(new TextEncoder().encode(s), i * 65));
  return copy_to_user(task.mm!, task, buf, out) === 0 ? 0 : -EFAULT;
}

// Linux: include/uapi/linux/time.h clock ids.
const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;
const CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7;
/** The wall-clock time at boot: fixed, so that runs are reproducible (2026-01-01T00:00:00Z). */
export const BOOT_EPOCH_SECONDS = 1_767_225_600;

/** Linux: SYSCALL_DEFINE2(clock_gettime64): struct __kernel_timespec { s64 tv_sec; s64 tv_nsec; }. */
export function sys_clock_gettime64(k: Kernel, task: task_struct, clockid: number, tp: number): number {
  const cycles = k.machine.clock.cycles; // all 64 bits (the cycle CSR alone wraps every 4.3 s)
  let ns: number;
  switch (clockid) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
      ns = BOOT_EPOCH_SECONDS * 1e9 + (cycles * 1e9) / CYCLES_PER_SECOND;
      break;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
      ns = (cycles * 1e9) / CYCLES_PER_SECOND;
      break;
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
      ns = ((task.utime_cycles + task.stime_cycles) * 1e9) / CYCLES_PER_SECOND;
      break;
    default:
      return -EINVAL;
  }
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  const sec = Math.floor(ns / 1e9);
  view.setBigInt64(0, BigInt(sec), true);
  view.setBigInt64(8, BigInt(Math.floor(ns - sec * 1e9)), true);
  return copy_to_user(task.mm!, task, tp, out) === 0 ? 0 : -EFAULT;
}

const GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;

/** Linux: SYSCALL_DEFINE3(getrandom), from the kernel's seeded generator. */
export function sys_getrandom(k: Kernel, task: task_struct, buf: number, count: number, flags: number): number {
  if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -EINVAL;
  if ((flags & (GRND_INSECURE | GRND_RANDOM)) === (GRND_INSECURE | GRND_RANDOM)) return -EINVAL;
  count = Math.min(count >>> 0, 0x7fffffff);
  let done = 0;
  while (done < count) {
    const n = Math.min(4096, count - done);
    if (copy_to_user(task.mm!, task, buf + done, k.randomBytes(n)) !== 0) return done > 0 ? done : -EFAULT;
    done += n;
  }
  return done;
}
