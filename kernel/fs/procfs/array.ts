// Linux: fs/proc/array.c. /proc/PID/status (proc_pid_status: identity, state, memory, signals,
// capabilities, CPUs) and /proc/PID/stat (do_task_stat: the same facts as 52 numbers on one line, for
// ps and top). The memory lines come from task_mmu.ts, as in Linux.
//
// vmos runs everything as root with one CPU and one NUMA node, no process groups (init's pgrp and
// session are 0, as Linux's init's are before it calls setsid), no controlling tty, no seccomp, and no
// hugetlbfs or transparent huge pages (riscv has THP only on 64-bit).

import { CYCLES_PER_SECOND } from "../../../src/hw/clock.js";
import type { Kernel } from "../../kernel.js";
import { get_mm_rss } from "../../mm/mm_types.js";
import { rlimit, RLIMIT_SIGPENDING } from "../../proc/rlimit.js";
import { SIG_DFL, SIG_IGN, sigaddset, sigset_t, _NSIG } from "../../proc/signal_types.js";
import { task_in_iowait } from "../../sched/core.js";
import type { task_struct } from "../../proc/task.js";
import { current_umask } from "../namei.js";
import { seq_file } from "../seq_file.js";
import { task_mem } from "./task_mmu.js";

/** Linux: USER_HZ, the clock_t unit of /proc (and times()): 100 ticks per second. */
const USER_HZ = 100;
/** Linux: PF_EXITING, set in task->flags once do_exit() has begun. */
const PF_EXITING = 0x4;
/** Linux: RLIM_INFINITY as an unsigned long on a 32-bit kernel (stat's rsslim). */
const RLIM_INFINITY_32 = 0xffff_ffff;
/** Linux: CAP_LAST_CAP in 5.15 (CAP_CHECKPOINT_RESTORE = 40): root's full capability set. */
const CAP_FULL_SET = "000001ffffffffff";

/** Linux: get_task_state(): the letter and word /proc shows for a task's state. */
function get_task_state(t: task_struct): string {
  switch (t.state) {
    case "TASK_RUNNING": return task_in_iowait(t) ? "D (disk sleep)" : "R (running)";
    case "TASK_INTERRUPTIBLE": return "S (sleeping)";
    case "EXIT_ZOMBIE": return "Z (zombie)";
    default: return "X (dead)";
  }
}

/** Linux: nsec_to_clock_t() of a CPU time kept in cycles of the 1 GHz machine. */
function cycles_to_clock_t(cycles: number): number {
  return Math.floor((cycles * USER_HZ) / CYCLES_PER_SECOND);
}

/** Linux: render_sigset_t(): 64 signals as 16 hex digits, signal 64 first. */
function render_sigset_t(m: seq_file, header: string, set: sigset_t): void {
  m.puts(header);
  m.puts(set.hi.toString(16).padStart(8, "0") + set.lo.toString(16).padStart(8, "0"));
  m.puts("\n");
}

/** Linux: collect_sigign_sigcatch(): the signals the task ignores, and those it has handlers for. */
function collect_sigign_sigcatch(t: task_struct): { ign: sigset_t; cgt: sigset_t } {
  const ign = new sigset_t(), cgt = new sigset_t();
  for (let sig = 1; sig <= _NSIG; sig++) {
    const handler = t.sig.action[sig]!.handler;
    if (handler === SIG_IGN) sigaddset(ign, sig);
    else if (handler !== SIG_DFL) sigaddset(cgt, sig);
  }
  return { ign, cgt };
}

/** Linux: task_state(): Umask, State and the ids, FDSize, Groups and the pid-namespace lines. */
function task_state(m: seq_file, t: task_struct): void {
  const ppid = t.parent?.pid ?? 0;
  m.puts(`Umask:\t${current_umask(t).toString(8).padStart(4, "0")}\n`);
  m.puts(`State:\t${get_task_state(t)}`);
  m.put_decimal_ull("\nTgid:\t", t.pid);
  m.put_decimal_ull("\nNgid:\t", 0);
  m.put_decimal_ull("\nPid:\t", t.pid);
  m.put_decimal_ull("\nPPid:\t", ppid);
  m.put_decimal_ull("\nTracerPid:\t", 0);
  m.puts("\nUid:\t0\t0\t0\t0");
  m.puts("\nGid:\t0\t0\t0\t0");
  m.put_decimal_ull("\nFDSize:\t", t.files?.max_fds ?? 0);
  m.puts("\nGroups:\t ");
  m.put_decimal_ull("\nNStgid:\t", t.pid);
  m.put_decimal_ull("\nNSpid:\t", t.pid);
  m.put_decimal_ull("\nNSpgid:\t", 0);
  m.put_decimal_ull("\nNSsid:\t", 0);
  m.puts("\n");
}

/** Linux: task_sig(): threads, queued signals against their limit, and the five signal sets. */
function task_sig(k: Kernel, m: seq_file, t: task_struct): void {
  // Linux counts queued signals per user (user->sigpending); everyone in vmos is root.
  let qsize = 0;
  for (const other of k.tasks.values()) qsize += other.sig.pending.list.length;
  const { ign, cgt } = collect_sigign_sigcatch(t);
  m.put_decimal_ull("Threads:\t", 1);
  m.put_decimal_ull("\nSigQ:\t", qsize);
  m.put_decimal_ull("/", rlimit(t, RLIMIT_SIGPENDING));
  render_sigset_t(m, "\nSigPnd:\t", t.sig.pending.signal);
  render_sigset_t(m, "ShdPnd:\t", new sigset_t());
  render_sigset_t(m, "SigBlk:\t", t.sig.blocked);
  render_sigset_t(m, "SigIgn:\t", ign);
  render_sigset_t(m, "SigCgt:\t", cgt);
}

/** Linux: /proc/PID/status (proc_pid_status). */
export function proc_pid_status(k: Kernel, t: task_struct): string {
  const m = new seq_file();
  m.puts(`Name:\t${t.comm.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}\n`);
  task_state(m, t);
  if (t.mm !== null) {
    task_mem(m, t.mm);
    m.puts("CoreDumping:\t0\n");
    m.puts("THP_enabled:\t0\n");
  }
  task_sig(k, m, t);
  m.puts(`CapInh:\t0000000000000000\nCapPrm:\t${CAP_FULL_SET}\nCapEff:\t${CAP_FULL_SET}\n`);
  m.puts(`CapBnd:\t${CAP_FULL_SET}\nCapAmb:\t0000000000000000\n`);
  m.puts("NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n");
  m.puts("Speculation_Store_Bypass:\tunknown\nSpeculationIndirectBranch:\tunsupported\n");
  m.puts("Cpus_allowed:\t1\nCpus_allowed_list:\t0\nMems_allowed:\t1\nMems_allowed_list:\t0\n");
  m.puts("voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
  return m.toString();
}

/**
 * Linux: do_task_stat(): /proc/PID/stat, fields 1-52 as proc(5) numbers them. Times are clock ticks
 * (USER_HZ); vsize is bytes, rss pages. The kernel stack pointer and pc (29, 30) read 0, as Linux
 * shows them for a task that is not dumping core; so do start_time (22), which vmos does not record,
 * and the context-switch-free scheduling fields.
 */
export function proc_pid_stat(t: task_struct): string {
  const mm = t.mm;
  const state = get_task_state(t)[0]!;
  const { ign, cgt } = collect_sigign_sigcatch(t);
  const f: (number | string)[] = [
    t.pid, `(${t.comm})`, state, t.parent?.pid ?? 0,
    0, 0, 0, -1, // pgrp, session, tty_nr, tpgid (no controlling tty)
    t.state === "EXIT_ZOMBIE" ? PF_EXITING : 0, // flags
    t.min_flt, t.cmin_flt, t.maj_flt, t.cmaj_flt,
    cycles_to_clock_t(t.utime_cycles), cycles_to_clock_t(t.stime_cycles),
    cycles_to_clock_t(t.cutime_cycles), cycles_to_clock_t(t.cstime_cycles),
    20, 0, 1, 0, // priority (task_prio: 120 - MAX_RT_PRIO), nice, num_threads, itrealvalue
    0, // start_time
    mm ? mm.total_vm * 4096 : 0, mm ? get_mm_rss(mm) : 0, RLIM_INFINITY_32,
    mm ? mm.start_code : 0, mm ? mm.end_code : 0, mm ? mm.start_stack : 0,
    0, 0, // kstkesp, kstkeip
    t.sig.pending.signal.lo & 0x7fff_ffff, t.sig.blocked.lo & 0x7fff_ffff, ign.lo & 0x7fff_ffff, cgt.lo & 0x7fff_ffff,
    t.state === "TASK_INTERRUPTIBLE" ? 1 : 0, // wchan: whether /proc/PID/wchan would name a function
    0, 0, // nswap, cnswap
    t.exit_signal, 0, 0, 0, 0, 0, 0, // exit_signal, processor, rt_priority, policy, delayacct, guest, cguest
    ...(mm ? [mm.start_data, mm.end_data, mm.start_brk, mm.arg_start, mm.arg_end, mm.env_start, mm.env_end] : [0, 0, 0, 0, 0, 0, 0]),
    t.exit_code,
  ];
  return `${f.join(" ")}\n`;
}
