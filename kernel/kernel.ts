// The kernel's global state. Linux keeps these as C globals (mem_map, the zone, vm_event_states,
// init_task...); vmos keeps them in one object so that tests can boot several kernels in one
// process. Every mm_struct points here, so fault and syscall code reach it as `mm.kernel`.

import type { Machine } from "../src/hw/machine.js";
import type { page } from "./mm/page.js";
import type { zone } from "./mm/page_alloc.js";
import type { task_struct } from "./proc/task.js";
import type { Tracer } from "./trace.js";

/** Counters of /proc/vmstat events (Linux: enum vm_event_item), counted where Linux counts them. */
export interface VmEvents {
  pgfault: number;
  pgmajfault: number;
  pgreuse: number;
  /** Pages read from and written to swap (mm/page_io.c). */
  pswpin: number;
  pswpout: number;
}

export interface KernelOptions {
  /** Instructions a process runs before the scheduler may switch (--quantum). */
  quantum: number;
  /** Stop everything after this many instructions in total (--max-steps); 0 = no limit. */
  maxSteps: number;
  /** Recount every frame and mapping after each syscall and fault (--check). */
  check: boolean;
  /** Seed of the kernel's deterministic random source (AT_RANDOM, getrandom). */
  seed: number;
}

export interface ConsoleIo {
  /** Write guest bytes to host fd 1 or 2. */
  write(fd: 1 | 2, data: Uint8Array): void;
  /** Read up to `max` bytes from host stdin; 0 bytes means end of file. */
  read(max: number): Uint8Array;
  /** One line of kernel messages (segfaults, unknown syscalls): Linux's dmesg, on stderr. */
  log(line: string): void;
}

export class Kernel {
  /** Linux: mem_map, one struct page per frame. */
  mem_map!: page[];
  zone!: zone;
  /** Linux: ZERO_PAGE / zero_pfn: the shared all-zero page mapped by read faults on anonymous memory. */
  zero_pfn = 0;
  vm_events: VmEvents = { pgfault: 0, pgmajfault: 0, pgreuse: 0, pswpin: 0, pswpout: 0 };
  /** Every live or zombie task by pid (Linux: the pid hash). */
  readonly tasks = new Map<number, task_struct>();
  current: task_struct | null = null;
  /** Linux: TIF_NEED_RESCHED: the current task gives up the rest of its time slice (sched_yield). */
  need_resched = false;
  next_pid = 1;
  /** Notes already printed by report_once (Linux: printk_once), by key. */
  private readonly reported = new Set<string>();
  /** Instructions executed so far, all tasks. */
  instructions = 0;
  /**
   * Simulated cycles the CPU sat idle while some task waited for disk I/O (Linux: the iowait of
   * /proc/stat's cpu line). Time a task spends waiting is its own (sched/core.ts task_iowait_cycles);
   * this is only the time nothing else could run meanwhile: thrashing shows as this growing.
   */
  iowait_cycles = 0;
  /**
   * Programs the boot code hands over in memory, by path: exec falls back to these for a name the
   * filesystem lacks (tests use it). Returns the ELF bytes, or why not (errno).
   */
  load_program: (path: string) => Uint8Array | { errno: number } = () => ({ errno: 2 });
  /**
   * The assembler, for exec of a `.s` file (a vmos convenience, like a binfmt_misc interpreter):
   * ELF bytes, or the diagnostics as text. The kernel has no assembler of its own; the boot code
   * (the CLI, tests) provides src/asm's. Without one, assembly files are not executable.
   */
  assemble: (path: string, text: string) => Uint8Array | string = (path) => `${path}: no assembler available`;
  /**
   * Kernel objects that hold references on pages outside page tables (the page cache, SysV shared
   * memory, pipe buffers...): each names itself and lists the pages it holds, one reference per
   * listing (a page listed twice holds two). The invariant checker adds these to the references it
   * finds in page tables, so every allocated frame is accounted for.
   */
  readonly page_holders: { name: string; pages(): Iterable<page> }[] = [];
  /** Free frames right after boot, for the "all memory comes back" check. */
  boot_free_pages = 0;
  private randomState: number;

  constructor(
    readonly machine: Machine,
    readonly options: KernelOptions,
    readonly trace: Tracer,
    readonly console: ConsoleIo,
  ) {
    this.randomState = options.seed >>> 0 || 0x9e3779b9;
    trace.cycle = () => machine.clock.cycles;
  }

  /**
   * Print a kernel note the first time `key` is seen only (Linux: pr_*_once), so a program that
   * repeats a mistake in a loop is told once.
   */
  report_once(key: string, line: () => string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.console.log(line());
  }

  /** Deterministic random bytes (splitmix32): no host randomness anywhere in the machine or kernel. */
  randomBytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      let z = (this.randomState = (this.randomState + 0x9e3779b9) >>> 0);
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      z = (z ^ (z >>> 16)) >>> 0;
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (z >>> (8 * j)) & 0xff;
    }
    return out;
  }
}
