// Tests of files, mmap and the page cache: each run gets a fresh host directory as the guest's `/`
// (the board's host-directory device), the guest program is written with the mm tests' sc()/show
// conventions plus the file system calls, and afterwards the test reads the host files' bytes, which
// is what survived the run. The same program can also run under qemu-riscv32 in the same kind of
// directory (its cwd), as an oracle for address-independent output and file contents.
//
//   const root = tempRoot({ "data": "hello" });          (roots.ts)
//   const { out, r } = runFiles(`${open("data", "O_RDWR")}  mv s0, a0\n...`, { root });
//   expect(hostText(root, "data")).toBe(...);

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";
import { elfOf, runElf, type RunOptions, type RunResult } from "./kernel.js";
import { QEMU } from "./oracle.js";
import { SHOW_ROUTINES } from "./show.js";
import { err, info, load, sc, scs, show, store } from "../kernel/mm-syscalls.helpers.js";

// The mm tests' conventions: sc() for a system call, show to print a0, info for vmos_page_info.
export { err, info, load, sc, scs, show, store };

/** File, mm and process constants the guest programs use by name (Linux asm-generic, riscv32). */
export const F: Record<string, number> = {
  O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, O_CREAT: 0o100, O_EXCL: 0o200, O_TRUNC: 0o1000, O_APPEND: 0o2000,
  O_DIRECTORY: 0o200000, AT_FDCWD: -100,
  PROT_NONE: 0, PROT_READ: 1, PROT_WRITE: 2, PROT_EXEC: 4, PROT_RW: 3,
  MAP_SHARED: 1, MAP_PRIVATE: 2, MAP_FIXED: 0x10, MAP_ANONYMOUS: 0x20, MAP_POPULATE: 0x8000,
  MS_ASYNC: 1, MS_INVALIDATE: 2, MS_SYNC: 4, MCL_CURRENT: 1,
  SA_SIGINFO: 4,
  SYS_UNLINKAT: 35, SYS_FTRUNCATE64: 46, SYS_OPENAT: 56, SYS_CLOSE: 57, SYS_LLSEEK: 62, SYS_READ: 63, SYS_WRITE: 64,
  SYS_PREAD64: 67, SYS_FSYNC: 82, SYS_EXIT: 93, SYS_WAITID: 95, SYS_KILL: 129, SYS_SIGACTION: 134,
  SYS_GETPID: 172, SYS_MUNMAP: 215, SYS_CLONE: 220, SYS_EXECVE: 221, SYS_MMAP2: 222, SYS_MPROTECT: 226,
  SYS_MSYNC: 227, SYS_MLOCK: 228, SYS_MLOCKALL: 230, SYS_PAGE_INFO: 1024,
};

/** a1 = `addr`: a register, or `reg + n` (for the byte-wise helpers below). */
function addrA1(addr: string): string {
  const [reg, off] = addr.split("+").map((part) => part.trim());
  return off === undefined ? `  mv a1, ${reg}\n` : `  li t6, ${off}\n  add a1, ${reg}, t6\n`;
}

/** openat(AT_FDCWD, name, flags, 0644): `name` is the path itself, kept in .rodata. */
export const open = (name: string, flags: string | number = "O_RDONLY", mode = 0o644): string =>
  sc("SYS_OPENAT", "AT_FDCWD", `&${str(name)}`, flags, mode);

/** mmap2(addr, len, prot, flags, fd, pgoff). */
export const mmap = (addr: number | string, len: number | string, prot: number | string, flags: number | string,
  fd: number | string, pgoff: number | string = 0): string => sc("SYS_MMAP2", addr, len, prot, flags, fd, pgoff);

/** a0 = the byte at `addr` (a register or `reg + n`). */
export const loadb = (addr: string): string => `${addrA1(addr)}  lbu a0, 0(a1)\n`;

/** Store the bytes of `text` at `addr` (a register or `reg + n`), one sb each. */
export function storeText(addr: string, text: string): string {
  let s = addrA1(addr);
  for (const [i, b] of [...new TextEncoder().encode(text)].entries()) s += `  li t5, ${b}\n  sb t5, ${i}(a1)\n`;
  return s;
}

/** write(fd, text): the bytes are kept in .rodata. */
export const writeText = (fd: number | string, text: string): string =>
  sc("SYS_WRITE", fd, `&${str(text)}`, new TextEncoder().encode(text).length);

let masks = 0;
/**
 * Print a bit mask of the pages of [base, base + pages * 4096) that have a PTE (vmos_page_info's
 * PI_PRESENT), page i at bit i (pages <= 32). `base` is a register other than s4, s5. Clobbers s4, s5.
 */
export function presentMask(base: string, pages: number): string {
  const n = masks++;
  return `  li s4, 0
  li s5, 0
.Lmask${n}:
  slli a0, s5, 12
  add a0, a0, ${base}
  call info
  la t0, pi
  lw t1, 4(t0)
  andi t1, t1, 1
  sll t1, t1, s5
  or s4, s4, t1
  addi s5, s5, 1
  li t0, ${pages}
  bne s5, t0, .Lmask${n}
  mv a0, s4
  call show
`;
}

/** clone(SIGCHLD, 0, 0, 0, 0): the child's pid in the parent, 0 in the child. */
export const FORK = sc("SYS_CLONE", 17, 0, 0, 0, 0);
/** waitid(P_ALL, 0, &siginfo, WEXITED, 0); the child's status is then at siginfo + 20. */
export const WAIT = sc("SYS_WAITID", 0, 0, "&siginfo", 4, 0);

/**
 * rt_sigaction(sig, {handler, SA_SIGINFO, 0}, NULL, 8): `handler` is a label; it gets (sig, siginfo,
 * ucontext) in a0-a2 (siginfo: si_signo at 0, si_code at 8, si_addr at 12).
 */
export function onSignal(sig: number, handler: string): string {
  const act = `act_${handler}`;
  return `  .data\n  .align 2\n${act}: .word ${handler}, SA_SIGINFO, 0, 0\n  .text\n${sc("SYS_SIGACTION", sig, `&${act}`, 0, 8)}`;
}

/** The status word of the child waitid reported (siginfo: si_code at 8, si_status at 20) as code << 8 | status. */
export const childStatus = "  la t0, siginfo\n  lw a0, 8(t0)\n  slli a0, a0, 8\n  lw t1, 20(t0)\n  or a0, a0, t1\n";

let cats = 0;
/**
 * Copy the file `path` to stdout (openat, read into buf until 0, write, close); a /proc file's text
 * is taken at open. Clobbers s11, a0-a2, a7.
 */
export function catFile(path: string): string {
  const n = cats++;
  return `${open(path)}  mv s11, a0
.Lcat${n}:
${sc("SYS_READ", "s11", "&buf", 65536)}  blez a0, .Lcat_end${n}
  mv a2, a0
  li a0, 1
  la a1, buf
  li a7, SYS_WRITE
  ecall
  j .Lcat${n}
.Lcat_end${n}:
${sc("SYS_CLOSE", "s11")}`;
}

/** Print a line "== name ==" (to cut a run's output into sections: sections()). */
export const mark = (name: string): string => writeText(1, `== ${name} ==\n`);

/** The output between "== name ==" lines, by name. */
export function sections(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  const parts = stdout.split(/^== (.+) ==\n/m);
  for (let i = 1; i < parts.length; i += 2) out[parts[i]!] = parts[i + 1]!;
  return out;
}

// Strings programs use: a label per distinct text (named after its hash, so a body built once can be
// put in several programs), emitted into .rodata by program() for the labels its source mentions.
const strings = new Map<string, string>();
/** The label of a NUL-terminated copy of `text` in the program that uses it. */
export function str(text: string): string {
  let h = 0x811c9dc5;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  const label = `str_${h.toString(16)}`;
  const known = strings.get(label);
  if (known !== undefined && known !== text) throw new Error(`str(): ${JSON.stringify(text)} and ${JSON.stringify(known)} collide`);
  strings.set(label, text);
  return label;
}

const EQUS = Object.entries(F).map(([k, v]) => `  .equ ${k}, ${v}`).join("\n");

/**
 * A whole program around `body` (built with the helpers above): the runtime library, the constants,
 * `show` and `info`, the strings the body names with str(), a 64 KiB page-aligned `buf`, `siginfo`,
 * and exit(0) after the body.
 */
export function program(body: string): string {
  const used = new Set(body.match(/\bstr_[0-9a-f]+\b/g) ?? []);
  const rodata = [...used].map((label) => `${label}: .asciz ${JSON.stringify(strings.get(label))}`).join("\n");
  return `
  .include "lib/sys.s"
  .include "lib/string.s"
  .include "lib/print.s"
${EQUS}
  .text
  .globl _start
_start:
${body}
  li a0, 0
  call sys_exit
${SHOW_ROUTINES}
  .section .rodata
${rodata}
  .bss
  .align 12
buf: .zero 65536
pi: .zero 32
siginfo: .zero 128
`;
}

export interface FilesRun {
  r: RunResult;
  /** The values the program printed with show, unsigned. */
  out: number[];
}

/** Parse show()'s lines. */
export const shownValues = (stdout: string): number[] =>
  stdout.split("\n").filter((l) => /^0x[0-9a-f]{8}$/.test(l)).map((l) => Number(l));

/** Run `body` as init (program()) with `root` as the guest's `/`, the checkers on. */
export function runFiles(body: string, o: RunOptions & { root: string }): FilesRun {
  const r = runElf(elfOf(program(body)), "/t", o);
  return { r, out: shownValues(r.stdout) };
}

// ---- The host side (the directories themselves: roots.ts) ---------------------------------------

/** The host file's bytes now, or null if it does not exist. */
export function hostBytes(root: string, name: string): Buffer | null {
  const path = join(root, name);
  return existsSync(path) ? readFileSync(path) : null;
}

/** The host file's text now, or null. */
export function hostText(root: string, name: string): string | null {
  return hostBytes(root, name)?.toString("latin1") ?? null;
}

/** `n` bytes of a recognisable pattern: byte i is (i * 7 + seed) mod 251. */
export function pattern(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + seed) % 251;
  return out;
}

/** What a shell would see of a program run under qemu-riscv32. */
export interface QemuOutcome {
  stdout: string;
  status: number;
}

/**
 * Assemble program(body) and run it under qemu-riscv32 as "./t" with `root` as its working directory
 * (the guest's relative names land there, as under vmos with `root` as `/`).
 */
export function runQemu(body: string, root: string): QemuOutcome {
  const exe = join(root, "t");
  writeFileSync(exe, elfOf(program(body)));
  chmodSync(exe, 0o755);
  const r = spawnSync(QEMU, ["./t"], { cwd: root, env: {}, encoding: "utf8", timeout: 60_000 });
  rmSync(exe);
  if (r.error !== undefined) throw new Error(`${QEMU} ./t: ${r.error.message}`);
  return { stdout: r.stdout, status: r.status ?? 128 + constants.signals[r.signal!] };
}
