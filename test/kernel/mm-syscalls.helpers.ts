// Writing guest programs for the mm system-call tests: a prelude with the mman.h constants, `sc()`
// for a system call, `show` to print a0, and `info` for vmos_page_info. A test program prints one
// value per line (0x%08x); run() parses them back, so a test reads like a transcript of the calls.

import { Machine } from "../../src/hw/machine.js";
import type { Kernel } from "../../kernel/kernel.js";
import { start_kernel } from "../../kernel/main.js";
import type { mm_struct } from "../../kernel/mm/mm_types.js";
import { load_elf_binary } from "../../kernel/proc/exec.js";
import { task_struct } from "../../kernel/proc/task.js";
import { Tracer } from "../../kernel/trace.js";
import { elfOf, exit, runSource, START, type RunOptions, type RunResult } from "../helpers/kernel.js";
import { show, SHOW_ROUTINES } from "../helpers/show.js";
import { silentConsole } from "../../src/cli/host-console.js";

export { show };

const EQU: Record<string, number> = {
  PROT_NONE: 0, PROT_READ: 1, PROT_WRITE: 2, PROT_EXEC: 4, PROT_RW: 3, PROT_GROWSDOWN: 0x0100_0000,
  MAP_SHARED: 1, MAP_PRIVATE: 2, MAP_SHARED_VALIDATE: 3, MAP_FIXED: 0x10, MAP_ANONYMOUS: 0x20,
  MAP_GROWSDOWN: 0x100, MAP_LOCKED: 0x2000, MAP_NORESERVE: 0x4000, MAP_POPULATE: 0x8000, MAP_STACK: 0x20000,
  MAP_HUGETLB: 0x40000, MAP_FIXED_NOREPLACE: 0x100000,
  MAP_ANON_PRIVATE: 0x22, MAP_ANON_SHARED: 0x21,
  MREMAP_MAYMOVE: 1, MREMAP_FIXED: 2, MREMAP_DONTUNMAP: 4,
  MS_ASYNC: 1, MS_INVALIDATE: 2, MS_SYNC: 4, MCL_CURRENT: 1, MCL_FUTURE: 2, MCL_ONFAULT: 4, MLOCK_ONFAULT: 1,
  MADV_NORMAL: 0, MADV_RANDOM: 1, MADV_SEQUENTIAL: 2, MADV_WILLNEED: 3, MADV_DONTNEED: 4, MADV_FREE: 8,
  MADV_REMOVE: 9, MADV_DONTFORK: 10, MADV_DOFORK: 11, MADV_MERGEABLE: 12, MADV_HUGEPAGE: 14, MADV_WIPEONFORK: 18,
  MADV_POPULATE_READ: 22, MADV_POPULATE_WRITE: 23,
  SYS_MUNMAP: 215, SYS_MREMAP: 216, SYS_MMAP2: 222, SYS_MPROTECT: 226, SYS_MSYNC: 227, SYS_MLOCK: 228,
  SYS_MUNLOCK: 229, SYS_MLOCKALL: 230, SYS_MUNLOCKALL: 231, SYS_MINCORE: 232, SYS_MADVISE: 233, SYS_MLOCK2: 284,
  SYS_PAGE_INFO: 1024,
};

/** The usual constants by name, for expectations. */
export const C = EQU;

/** A guest program's start: the runtime library, `equ` as assembler constants, and `_start:`. */
export function prelude(equ: Record<string, number>): string {
  return `
  .include "lib/sys.s"
  .include "lib/string.s"
  .include "lib/print.s"
${Object.entries(equ).map(([k, v]) => `  .equ ${k}, ${v}`).join("\n")}
  .text
  .globl _start
_start:
`;
}

const PRELUDE = prelude(EQU);

const EPILOGUE = `
  li a0, 0
  call sys_exit
${SHOW_ROUTINES}
  .bss
  .align 4
pi: .zero 32
vec: .zero 8192
`;

const REG = /^(zero|ra|sp|gp|tp|t[0-6]|s[0-9]|s1[01]|a[0-7])$/;

/** Load one argument register: a number, a register (`s1`), `&label`, or an assembler expression. */
function arg(n: number, v: number | string): string {
  if (typeof v === "number") return `  li a${n}, ${v}\n`;
  if (REG.test(v)) return `  mv a${n}, ${v}\n`;
  const plus = /^(\w+)\s*\+\s*(.+)$/.exec(v);
  if (plus && REG.test(plus[1]!)) return `  li t6, ${plus[2]}\n  add a${n}, ${plus[1]}, t6\n`;
  if (v.startsWith("&")) return `  la a${n}, ${v.slice(1)}\n`;
  return `  li a${n}, ${v}\n`;
}

/** A system call: the arguments into a0.., the number into a7, ecall. The result is in a0. */
export function sc(nr: number | string, ...args: (number | string)[]): string {
  return `${args.map((a, i) => arg(i, a)).join("")}  li a7, ${nr}\n  ecall\n`;
}

/** sc() and print the result. */
export function scs(nr: number | string, ...args: (number | string)[]): string {
  return `${sc(nr, ...args)}  call show\n`;
}

/** mmap2(addr, len, prot, flags, -1, 0). */
export const mmap = (addr: number | string, len: number | string, prot: number | string, flags: number | string): string =>
  sc("SYS_MMAP2", addr, len, prot, flags, -1, 0);

/** a0 = the word at `addr` (a register, `reg + offset`, or a number). */
export const load = (addr: number | string): string => `${arg(0, addr)}  lw a0, 0(a0)\n`;

/** Store `value` (a number) at `addr`. */
export const store = (addr: number | string, value: number): string => `${arg(1, addr)}  li t5, ${value}\n  sw t5, 0(a1)\n`;

/** vmos_page_info(addr) and print words `fields` of the struct (0 pfn, 1 flags, 2 mapcount, 3 refcount, 4 vm_start, 5 vm_end, 6 vm_flags, 7 pte). */
export function info(addr: number | string, ...fields: number[]): string {
  return `${arg(0, addr)}  call info\n${fields.map((f) => `  la t0, pi\n  lw a0, ${f * 4}(t0)\n  call show\n`).join("")}`;
}

/** Print the residency bytes of the first `pages` entries of vec (after a mincore into &vec), as one word each. */
export function showVec(pages: number): string {
  let s = "";
  for (let i = 0; i < pages; i++) s += `  la t0, vec\n  lbu a0, ${i}(t0)\n  call show\n`;
  return s;
}

export interface GuestRun {
  r: RunResult;
  /** The printed values, unsigned. */
  out: number[];
}

/** Run a test program body (between the prelude and exit(0)) with the checkers on. */
export function run(body: string, o: RunOptions = {}): GuestRun {
  const r = runSource(`${PRELUDE}${body}${EPILOGUE}`, o);
  const out = r.stdout.split("\n").filter((l) => l !== "").map((l) => Number(l));
  return { r, out };
}

/** -errno as the unsigned value a program sees in a0. */
export const err = (errno: number): number => (2 ** 32 - errno) >>> 0;

// vmos_page_info flag bits (kernel/mm/page_info.ts).
export const PI = {
  PRESENT: 1 << 0, WRITE: 1 << 1, DIRTY: 1 << 2, ACCESSED: 1 << 3, ZERO: 1 << 4, ANON: 1 << 5, SHMEM: 1 << 6,
  FILE: 1 << 7, READ: 1 << 8, EXEC: 1 << 9, PROTNONE: 1 << 10, VMA: 1 << 11, SWAP: 1 << 12, LOCKED: 1 << 13,
};

/** A kernel with one process whose address space tests drive by calling kernel functions directly. */
export interface Booted {
  k: Kernel;
  mm: mm_struct;
  task: task_struct;
}

/** Boot a machine and load a tiny program as pid 1 without running it (check_kernel sees its mm). */
export function bootProcess(memBytes = 4 << 20): Booted {
  const machine = new Machine({ memBytes, tlbEntries: 64, checkTlb: true });
  const k = start_kernel(machine, { quantum: 10_000, maxSteps: 0, check: true, seed: 0 }, new Tracer(), silentConsole());
  const task = new task_struct(k.next_pid++, "t");
  const { mm } = load_elf_binary(k, "t", elfOf(`${START}${exit(0)}`), ["t"], []);
  task.mm = mm;
  k.tasks.set(task.pid, task);
  return { k, mm, task };
}

/** The VMAs of mm as [start, end, flags] triples, in address order. */
export function vmas(mm: mm_struct, from = 0, to = 2 ** 32): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let v = mm.mmap; v !== null; v = v.vm_next) if (v.vm_end > from && v.vm_start < to) out.push([v.vm_start, v.vm_end, v.vm_flags]);
  return out;
}
