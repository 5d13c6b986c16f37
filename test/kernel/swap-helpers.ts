// Guest programs for the swap tests: the mm tests' prelude (mman.h constants, `sc`, `show`, `info`)
// plus vmos_pageout (1025), `cat` for /proc files, and a report of what the program printed: the
// 0x%08x values in order, and the text of each /proc file it dumped between markers.

import { Machine } from "../../src/hw/machine.js";
import type { Kernel } from "../../kernel/kernel.js";
import { start_kernel } from "../../kernel/main.js";
import type { mm_struct } from "../../kernel/mm/mm_types.js";
import { load_elf_binary } from "../../kernel/proc/exec.js";
import { task_struct } from "../../kernel/proc/task.js";
import { Tracer } from "../../kernel/trace.js";
import { elfOf, exit, runSource, START, type RunOptions, type RunResult } from "../helpers/kernel.js";
import { cat } from "../helpers/proc.js";
import { SHOW_ROUTINES } from "../helpers/show.js";
import { C, prelude } from "./mm-syscalls.helpers.js";
import { silentConsole } from "../../src/cli/host-console.js";

export { C, err, info, load, mmap, PI, sc, show, store } from "./mm-syscalls.helpers.js";

export const SYS_PAGEOUT = 1025;
/** vmos_page_info's PI_SWAPCACHE (the other bits are in PI). */
export const PI_SWAPCACHE = 1 << 14;
/** 1 MiB of swap: 255 usable slots (slot 0 is the header), 1020 KiB in /proc/swaps. */
export const SWAP_1M = 1 << 20;

const PRELUDE = prelude({ ...C, SYS_PAGEOUT });

const EPILOGUE = `
  li a0, 0
  call sys_exit
${SHOW_ROUTINES}
  .data
p_swaps: .asciz "/proc/swaps"
p_meminfo: .asciz "/proc/meminfo"
p_status: .asciz "/proc/self/status"
p_smaps: .asciz "/proc/self/smaps"
p_vmstat: .asciz "/proc/vmstat"
p_init_status: .asciz "/proc/1/status"
s_open: .asciz "<<"
s_close: .asciz ">>"
  .bss
  .align 4
pi: .zero 32
vec: .zero 4096
catbuf: .zero 4096
`;

/** vmos_pageout(addr) with addr in a register (or a number); the result in a0. */
export function pageout(addr: number | string): string {
  return `${typeof addr === "number" ? `  li a0, ${addr}` : `  mv a0, ${addr}`}\n  li a7, SYS_PAGEOUT\n  ecall\n`;
}

/** Dump /proc file `which` to stdout between "<<" and ">>" (runSwap collects it in `files`). */
export function dump(which: "swaps" | "meminfo" | "status" | "smaps" | "vmstat" | "init_status"): string {
  return `  la a0, s_open\n  call print_str\n${cat(`p_${which}`)}  la a0, s_close\n  call print_str\n`;
}

/** fork(): the child's pid in a0 of the parent, 0 in the child. */
export const FORK = "  call sys_fork\n";
/** Wait for (and reap) any child. */
export const WAIT = "  la a0, vec\n  call sys_waitid_any\n";

/** Fill the page at `reg` with the words `seed ^ (i * 0x9e3779b9)`, i = 0..1023. Clobbers t0-t3. */
export function fill(reg: string, seed: number): string {
  return `  mv t0, ${reg}
  li t1, 0
  li t3, ${seed}
1: li t2, 0x9e3779b9
  mul t2, t2, t1
  xor t2, t2, t3
  sw t2, 0(t0)
  addi t0, t0, 4
  addi t1, t1, 1
  li t2, 1024
  bne t1, t2, 1b
`;
}

/** a0 = 1 if the page at `reg` still holds fill(reg, seed)'s words, else 0. Clobbers t0-t4. */
export function verify(reg: string, seed: number): string {
  return `  mv t0, ${reg}
  li t1, 0
  li t3, ${seed}
  li a0, 1
1: li t2, 0x9e3779b9
  mul t2, t2, t1
  xor t2, t2, t3
  lw t4, 0(t0)
  beq t2, t4, 2f
  li a0, 0
2: addi t0, t0, 4
  addi t1, t1, 1
  li t2, 1024
  bne t1, t2, 1b
`;
}

export interface SwapRun {
  r: RunResult;
  /** The values `show` printed, in order. */
  out: number[];
  /** The /proc files dumped, in order. */
  files: string[];
}

/** Run a program body (between the prelude and exit(0)) with swap and the invariant checker on. */
export function runSwap(body: string, o: RunOptions = {}): SwapRun {
  const r = runSource(`${PRELUDE}${body}${EPILOGUE}`, { swap: SWAP_1M, ...o });
  const files: string[] = [];
  const rest = r.stdout.replace(/<<([\s\S]*?)>>/g, (_m, text: string) => {
    files.push(text);
    return "";
  });
  const out = rest.split("\n").filter((l) => /^0x[0-9a-f]{8}$/.test(l)).map((l) => Number(l));
  return { r, out, files };
}

/** The "Label:   N kB" value of a /proc file (meminfo, status, an smaps block), in kB. */
export function kb(text: string, label: string): number {
  const m = new RegExp(`^${label.replace(/[()]/g, "\\$&")}:\\s+(\\d+) kB$`, "m").exec(text);
  if (m === null) throw new Error(`no ${label} in:\n${text}`);
  return Number(m[1]);
}

/** The Used column of /proc/swaps' first area, in kB. */
export function swapsUsed(text: string): number {
  const line = text.split("\n")[1]!;
  return Number(line.split(/\s+/)[3]);
}

/** A booted kernel with one process (pid 1, current) that a test drives by calling kernel functions. */
export interface Booted {
  k: Kernel;
  task: task_struct;
  mm: mm_struct;
}

/** Boot a machine with `swap` bytes of swap and load a tiny program as pid 1 without running it. */
export function bootWithSwap(swap: number, mem = 2 << 20, tlbEntries = 64): Booted {
  const machine = new Machine({ memBytes: mem, tlbEntries, checkTlb: true, swapBytes: swap });
  const k = start_kernel(machine, { quantum: 10_000, maxSteps: 0, check: true, seed: 0 }, new Tracer(), silentConsole());
  const task = new task_struct(k.next_pid++, "t");
  const mm = load_elf_binary(k, "t", elfOf(`${START}${exit(0)}`), ["t"], []).mm;
  task.mm = mm;
  k.tasks.set(task.pid, task);
  k.current = task;
  return { k, task, mm };
}
