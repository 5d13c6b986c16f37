// Linux: kernel/signal.c, reduced to default actions for now: every signal a fault raises terminates
// the process, with the one-line report Linux prints for unhandled signals (show_unhandled_signals in
// arch/riscv/kernel/traps.c do_trap). Handlers (rt_sigaction) arrive with the processes issue.

import { hex } from "../trace.js";
import type { Kernel } from "../kernel.js";
import type { mm_struct } from "../mm/mm_types.js";
import { do_exit } from "./exit.js";
import type { task_struct } from "./task.js";

export const SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGKILL = 9, SIGSEGV = 11;

const SIGNAL_NAMES: Record<number, string> = { 4: "SIGILL", 5: "SIGTRAP", 7: "SIGBUS", 9: "SIGKILL", 11: "SIGSEGV" };
const CODE_NAMES: Record<number, Record<number, string>> = {
  [SIGSEGV]: { 1: "SEGV_MAPERR", 2: "SEGV_ACCERR" },
  [SIGBUS]: { 1: "BUS_ADRALN", 2: "BUS_ADRERR" },
  [SIGILL]: { 1: "ILL_ILLOPC", 2: "ILL_ILLOPN" },
  [SIGTRAP]: { 1: "TRAP_BRKPT" },
};

/** Linux: struct kernel_siginfo for a fault: signal, si_code, si_addr, and (vmos) why it happened. */
export interface FaultSignal {
  signo: number;
  code: number;
  addr: number;
  why: string;
}

/** `<main+0x14>` for an address in the program, from its symbol table. */
export function symbolize(mm: mm_struct | null, addr: number): string {
  let best: { name: string; value: number } | undefined;
  for (const s of mm?.symbols ?? []) {
    if (s.value <= addr && (best === undefined || s.value > best.value)) best = s;
  }
  if (best === undefined) return "";
  const off = addr - best.value;
  return ` <${best.name}${off ? `+0x${off.toString(16)}` : ""}>`;
}

/**
 * Linux: force_sig_fault() + the default action: the process dies by `info.signo`, and the kernel
 * says why in one line on stderr (address, pc with symbol, and the reason).
 */
export function force_sig_fault(k: Kernel, task: task_struct, info: FaultSignal, pc: number): void {
  const name = SIGNAL_NAMES[info.signo] ?? `signal ${info.signo}`;
  const code = CODE_NAMES[info.signo]?.[info.code];
  if (k.trace.signal) k.trace.note("signal", `force_sig_fault ${name} code ${info.code} addr ${hex(info.addr)}`);
  k.console.log(
    `${task.comm}[${task.pid}]: unhandled signal ${info.signo} (${name}) code 0x${info.code.toString(16)}` +
    `${code ? ` (${code})` : ""} at ${hex(info.addr)} pc ${hex(pc)}${symbolize(task.mm, pc)}: ${info.why}`,
  );
  do_exit(k, task, info.signo);
}
