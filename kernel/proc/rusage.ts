// Linux: kernel/sys.c getrusage() and struct rusage on rv32 (include/uapi/linux/resource.h): two
// struct __kernel_old_timeval {long tv_sec; long tv_usec;} then 14 longs; 72 bytes.
//   ru_utime@0 ru_stime@8 ru_maxrss@16 (KiB) ... ru_minflt@32 ru_majflt@36 ...

import { CYCLES_PER_SECOND } from "../../src/hw/clock.js";
import { get_mm_rss } from "../mm/mm_types.js";
import type { task_struct } from "./task.js";

export const RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;
export const SIZEOF_RUSAGE = 72;

function put_timeval(v: DataView, off: number, cycles: number): void {
  const us = Math.floor((cycles * 1e6) / CYCLES_PER_SECOND);
  v.setInt32(off, Math.floor(us / 1e6), true);
  v.setInt32(off + 4, us % 1e6, true);
}

/** The struct rusage bytes for `task` itself, or for its reaped children. */
export function fill_rusage(task: task_struct, children: boolean): Uint8Array {
  const out = new Uint8Array(SIZEOF_RUSAGE);
  const v = new DataView(out.buffer);
  if (children) {
    put_timeval(v, 0, task.cutime_cycles);
    put_timeval(v, 8, task.cstime_cycles);
    v.setInt32(16, task.cmaxrss * 4, true);
    v.setInt32(32, task.cmin_flt, true);
    v.setInt32(36, task.cmaj_flt, true);
  } else {
    put_timeval(v, 0, task.utime_cycles);
    put_timeval(v, 8, task.stime_cycles);
    // Linux: maxrss takes the live mm's high-water mark into account (setmax_mm_hiwater_rss).
    const live = task.mm ? Math.max(task.mm.hiwater_rss, get_mm_rss(task.mm)) : 0;
    v.setInt32(16, Math.max(task.maxrss, live) * 4, true);
    v.setInt32(32, task.min_flt, true);
    v.setInt32(36, task.maj_flt, true);
  }
  return out;
}
