// Linux: init/main.c start_kernel(), then the init process and the scheduler loop.
// Memory first (mem_map, the buddy allocator, the zero page), then pid 1 from the ELF named on the
// command line, then: run the current task for a quantum, handle whatever trap stopped it, repeat.

import { COST } from "../src/hw/clock.js";
import { Exit } from "../src/hw/cpu.js";
import type { Machine } from "../src/hw/machine.js";
import { Kernel, type ConsoleIo, type KernelOptions } from "./kernel.js";
import { check_kernel } from "./mm/check.js";
import { SetPageReserved } from "./mm/page.js";
import { alloc_page, mem_init, nr_free_pages, type MemInitOptions } from "./mm/page_alloc.js";
import { ExecError, load_elf_binary, load_elf_file } from "./proc/exec.js";
import { drop_exec_images, open_exec } from "./proc/binfmt.js";
import { fput } from "./fs/file.js";
import { hostfs_mount } from "./fs/hostfs.js";
import { set_fs_root, umount_root } from "./fs/namei.js";
import { drop_page_cache } from "./mm/filemap.js";
import { swapon } from "./mm/swapfile.js";
import { ksys_sync, wb_workfn, writeback_due } from "./mm/page-writeback.js";
import { do_exit, shell_status } from "./proc/exit.js";
import { init_rlimits, max_threads_for } from "./proc/rlimit.js";
import { task_struct } from "./proc/task.js";
import { run_kthread } from "./sched/kthread.js";
import { policy_tick } from "./mm/vmscan_policy.js";
import { enqueue_task, idle_until_io_completes, schedule, wake_up_io_sleepers } from "./sched/core.js";
import type { Tracer } from "./trace.js";
import { exit_to_user_mode, handle_trap, retry_interrupted_syscall } from "./trap.js";

/** Boot the kernel on `machine`: memory management up, no processes yet. */
export function start_kernel(machine: Machine, options: KernelOptions, trace: Tracer, io: ConsoleIo, mem: MemInitOptions = {}): Kernel {
  const k = new Kernel(machine, options, trace, io);
  const { zone, mem_map } = mem_init(machine.ram.frames, mem);
  k.zone = zone;
  k.mem_map = mem_map;
  // Linux: empty_zero_page, shared by every read fault on untouched anonymous memory.
  const zero = alloc_page(zone);
  if (zero === null) throw new ExecError(12, "not enough memory to boot");
  machine.ram.zeroFrame(zero.pfn);
  SetPageReserved(zero);
  k.zero_pfn = zero.pfn;
  k.boot_free_pages = nr_free_pages(zone);
  // Linux: prepare_namespace() -> mount_root(): the board's host directory is the root filesystem.
  if (machine.hostdir !== null) {
    const root = hostfs_mount(k, machine.hostdir);
    if (typeof root === "number") throw new ExecError(-root, `cannot mount the root directory ${machine.hostdir.root}`);
    set_fs_root(k, root);
  }
  // The boot scripts' `swapon -a`: the machine's swap disk, if it has one, becomes swap area 0.
  if (machine.swap !== null) swapon(k, machine.swap.path ?? "/dev/vda2", machine.swap.path === null ? "partition" : "file");
  return k;
}

/** How the run ended, for `vmos run`'s exit status and --stats. */
export interface RunOutcome {
  /** What a shell would report for init: its exit status, or 128 + the signal that killed it. */
  status: number;
  reason: "exit" | "signal" | "max-steps" | "deadlock";
  init: task_struct;
}

/**
 * Linux: kernel_init() -> run_init_process(): exec the program as pid 1 and run until it exits,
 * then shut down (every dirty page reaches its file). The program is `bytes` (an ELF in memory,
 * named `path`), or with `bytes` null the file at `path` in the guest's file tree.
 */
export function run_init(k: Kernel, path: string, bytes: Uint8Array | null, argv: string[], envp: string[]): RunOutcome {
  try {
    return run_init_process(k, path, bytes, argv, envp);
  } finally {
    kernel_shutdown(k);
  }
}

/** Load init's program: from memory, or through exec's own lookup (ExecError if it cannot). */
function load_init(k: Kernel, init: task_struct, path: string, bytes: Uint8Array | null, argv: string[], envp: string[]) {
  if (bytes !== null) return load_elf_binary(k, path, bytes, argv, envp);
  const f = open_exec(k, init, path);
  if (typeof f === "number") throw new ExecError(-f, `${path}: ${errno_text(-f)}`);
  try {
    return load_elf_file(k, f, argv, envp);
  } finally {
    fput(f);
  }
}

function errno_text(errno: number): string {
  return errno === 2 ? "no such file in the guest's root" : errno === 13 ? "not an executable file" : errno === 8 ? "not an RV32 executable" : `error ${errno}`;
}

function run_init_process(k: Kernel, path: string, bytes: Uint8Array | null, argv: string[], envp: string[]): RunOutcome {
  const init = new task_struct(k.next_pid++, path.split("/").pop() ?? path);
  init.rlim = init_rlimits(max_threads_for(k.machine.ram.frames));
  k.trace.pid = init.pid;
  const { mm, entry, sp } = load_init(k, init, path, bytes, argv, envp);
  init.mm = mm;
  init.regs.pc = entry;
  init.regs.x[2] = sp;
  k.tasks.set(init.pid, init);
  enqueue_task(k, init);
  if (k.options.check) check_kernel(k);
  const outcome: RunOutcome = { status: 0, reason: "exit", init };
  const cpu = k.machine.cpu;
  const clock = k.machine.clock;
  let slice_left = 0; // instructions left in the current task's time slice
  for (;;) {
    wake_up_io_sleepers(k); // disk requests that completed while the last task ran
    const prev = k.current;
    const task = schedule(k, slice_left <= 0);
    if (task !== prev || slice_left <= 0) slice_left = k.options.quantum;
    if (task === null) {
      // Nothing runnable: the CPU idles (iowait) until some task's disk request completes.
      if (idle_until_io_completes(k)) continue;
      // Every task sleeps and nothing can wake one: Linux would hang; vmos says so and stops.
      if (init.state === "TASK_INTERRUPTIBLE") {
        k.console.log("vmos: every process is asleep and nothing can wake them (deadlock)");
        outcome.reason = "deadlock";
      }
      break;
    }
    if (task.kthread !== null) {
      run_kthread(k, task); // a kernel thread's turn (kswapd0): one step of its loop, no user code
      slice_left = 0;
      continue;
    }
    retry_interrupted_syscall(k, task); // a call that slept finishes before a signal interrupts it
    exit_to_user_mode(k, task); // Linux: pending signals are delivered on the way back to user mode
    if (task.state !== "TASK_RUNNING") {
      if (task === init) break; // a signal killed it
      continue;
    }
    record_peaks(task);
    let budget = slice_left;
    if (k.options.maxSteps > 0) {
      budget = Math.min(budget, k.options.maxSteps - k.instructions);
      if (budget <= 0) {
        outcome.reason = "max-steps";
        break;
      }
    }
    const before = cpu.instret;
    const start = clock.cycles;
    const exit = cpu.run(budget);
    k.instructions += cpu.instret - before;
    slice_left -= cpu.instret - before;
    task.utime_cycles += clock.cycles - start;
    const kstart = clock.cycles;
    if (exit === Exit.Trap) {
      handle_trap(k, task);
      if (k.need_resched) slice_left = 0; // sched_yield gave the rest of the slice away
      k.need_resched = false;
    } else {
      clock.advance(COST.trapEntry); // the timer interrupt that ends the quantum
      policy_tick(k); // a --policy that samples reference bits (aging, WSClock) does it on the tick
      slice_left = 0;
    }
    task.stime_cycles += clock.cycles - kstart;
    if (writeback_due(k)) wb_workfn(k); // Linux: the flusher thread's periodic wakeup
    if (init.state === "EXIT_ZOMBIE") break;
  }
  if (outcome.reason === "max-steps" || outcome.reason === "deadlock") {
    outcome.status = outcome.reason === "max-steps" ? 124 : 125;
    end_everything(k, init);
  } else {
    outcome.status = shell_status(init.exit_code);
    if ((init.exit_code & 0x7f) !== 0) outcome.reason = "signal";
  }
  return outcome;
}

/**
 * Linux: kernel_power_off() -> the reboot notifier's sync + unmount: every dirty page is written
 * to its file, then the page cache lets go of every page and the filesystems of every inode, so
 * memory is as it was after boot. Runs however the run ended (exit, signal, --max-steps, deadlock,
 * even a kernel bug), so nothing a guest wrote is lost.
 */
export function kernel_shutdown(k: Kernel): void {
  ksys_sync(k);
  drop_exec_images(k);
  drop_page_cache(k);
  umount_root(k);
}

/** Stop every task still alive (a run cut short), so all memory is freed as after a normal end. */
function end_everything(k: Kernel, init: task_struct): void {
  if (init.state === "TASK_RUNNING" || init.state === "TASK_INTERRUPTIBLE") do_exit(k, init, 9);
}

/** Keep the peaks --stats reports while the mm is alive (exit_mm records the final ones). */
function record_peaks(task: task_struct): void {
  const mm = task.mm;
  if (mm === null) return;
  task.maxpgtables = Math.max(task.maxpgtables, mm.pgtables_bytes / 4096);
}
