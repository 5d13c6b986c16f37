// Assembly snippets for signal tests: system calls of the signal area with their arguments set up,
// and printing values (through programs/lib) so a test can read what a handler saw.
//
// Snippets clobber a0-a3, a7 and t0 unless they say otherwise; keep test state in s registers.

/** Signal numbers (Linux asm-generic). */
export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGKILL = 9;
export const SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGCHLD = 17;
export const SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGURG = 23, SIGWINCH = 28, SIGRTMIN = 32;
export const SA_SIGINFO = 0x4, SA_ONSTACK = 0x0800_0000, SA_RESTART = 0x1000_0000, SA_NODEFER = 0x4000_0000;
export const SA_RESETHAND = 0x8000_0000;
export const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

/** The bit of signal `sig` in the low word of a sigset_t (signals 1-32). */
export const bit = (sig: number): number => (1 << (sig - 1)) >>> 0;

/** `ecall` with a7 = nr, after `setup`. */
export const sys = (nr: number, setup = ""): string => `${setup}  li a7, ${nr}\n  ecall\n`;

let labels = 0;
/** A fresh local label name. */
const label = (what: string): string => `.L${what}${labels++}`;

/** Put `words` in .data under a fresh label and return [label, assembly]. */
function data(words: (number | string)[]): [string, string] {
  const l = label("data");
  return [l, `  .data\n  .align 2\n${l}: .word ${words.join(", ")}\n  .text\n`];
}

/**
 * rt_sigaction(sig, &{handler, flags, mask}, oact, 8): `handler` is a label, 0 (SIG_DFL) or 1
 * (SIG_IGN); `mask` the low word of sa_mask; `oact` a label or 0. Leaves the result in a0.
 */
export function sigaction(sig: number, handler: string | number, flags = 0, mask = 0, oact: string | 0 = 0): string {
  const [act, d] = data([handler, flags >>> 0, mask >>> 0, 0]);
  return `${d}${sys(134, `  li a0, ${sig}\n  la a1, ${act}\n  ${oact === 0 ? "li a2, 0" : `la a2, ${oact}`}\n  li a3, 8\n`)}`;
}

/** rt_sigprocmask(how, &{mask, 0}, oset, 8); `oset` a label or 0. Leaves the result in a0. */
export function sigprocmask(how: number, mask: number, oset: string | 0 = 0): string {
  const [set, d] = data([mask >>> 0, 0]);
  return `${d}${sys(135, `  li a0, ${how}\n  la a1, ${set}\n  ${oset === 0 ? "li a2, 0" : `la a2, ${oset}`}\n  li a3, 8\n`)}`;
}

/** The current blocked mask's low word, into `reg` (an s register); also clobbers t0. */
export function blocked(reg: string): string {
  const [old, d] = data([0, 0]);
  return `${d}${sys(135, `  li a0, 0\n  li a1, 0\n  la a2, ${old}\n  li a3, 8\n`)}  la t0, ${old}\n  lw ${reg}, 0(t0)\n`;
}

/** kill(getpid(), sig). Leaves the result in a0. */
export const raise = (sig: number): string => `${sys(172)}  li a1, ${sig}\n  li a7, 129\n  ecall\n`;

/** kill(pid, sig), pid a number or a register. */
export const kill = (pid: number | string, sig: number): string =>
  `  ${typeof pid === "number" ? `li a0, ${pid}` : `mv a0, ${pid}`}\n  li a1, ${sig}\n  li a7, 129\n  ecall\n`;

/** clone(SIGCHLD, 0, 0, 0, 0): fork. a0 = the child's pid in the parent, 0 in the child. */
export const FORK = sys(220, "  li a0, 17\n  li a1, 0\n  li a2, 0\n  li a3, 0\n  li a4, 0\n");

/** waitid(P_ALL, 0, &info, WEXITED, 0) with a 128-byte `info` label defined by INFO. */
export const WAIT = sys(95, "  li a0, 0\n  li a1, 0\n  la a2, info\n  li a3, 4\n  li a4, 0\n");
export const INFO = "  .bss\n  .align 2\ninfo: .zero 128\n  .text\n";

/** Spin for about 3n instructions (clobbers t0), so another process runs meanwhile. */
export const spin = (n: number): string => {
  const l = label("spin");
  return `  li t0, ${n}\n${l}: addi t0, t0, -1\n  bnez t0, ${l}\n`;
};

/** Print `reg` as 0x%08x and a newline (clobbers a0-a2, a7, t0-t2, ra; keep values in s registers). */
export const show = (reg: string): string => `  mv a0, ${reg}\n  call print_hex\n  call print_nl\n`;

/** The runtime library show() needs; put it after the program's code. */
export const LIB = `  .text\n  .include "lib/sys.s"\n  .include "lib/string.s"\n  .include "lib/print.s"\n`;

/** The lines a program printed with show(), as numbers. */
export function shown(stdout: string): number[] {
  return stdout.trim().split("\n").filter((l) => l !== "").map((l) => Number.parseInt(l, 16));
}
