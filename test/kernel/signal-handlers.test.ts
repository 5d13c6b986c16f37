// Signal handlers: the frame the kernel builds on the user stack, the registers a handler starts
// with, rt_sigreturn putting every register back, the mask while a handler runs, SA_RESETHAND,
// SA_NODEFER, the alternate stack, and what happens when a frame cannot be written or read.

import { describe, expect, it } from "vitest";
import { start_kernel } from "../../kernel/main.js";
import { load_elf_binary } from "../../kernel/proc/exec.js";
import { VDSO_BASE } from "../../kernel/proc/vdso.js";
import { Tracer } from "../../kernel/trace.js";
import { find_vma } from "../../kernel/mm/vma_tree.js";
import { VM_EXEC, VM_READ, VM_WRITE } from "../../kernel/mm/vma.js";
import { copy_from_user } from "../../kernel/syscalls/uaccess.js";
import { Machine } from "../../src/hw/machine.js";
import { disassemble } from "../../src/isa/disasm.js";
import { elfOf, exit, runSource, START } from "../helpers/kernel.js";
import {
  bit, blocked, LIB, raise, SA_NODEFER, SA_ONSTACK, SA_RESETHAND, SA_SIGINFO, show, shown, sigaction, sigprocmask,
  SIG_BLOCK, SIG_UNBLOCK, SIGHUP, SIGRTMIN, SIGTRAP, SIGUSR1, SIGUSR2, sys,
} from "../helpers/signal.js";

/** Every register but x0 and sp. */
const REGS = Array.from({ length: 32 }, (_, i) => i).filter((i) => i !== 0 && i !== 2);
/** The value the test puts in register i before the signal: i in every byte. */
const pattern = (i: number): number => (i * 0x01010101) >>> 0;

describe("a signal handler", () => {
  it("runs with a0 = sig, a1 = &info, a2 = &uc, ra = the vDSO trampoline, and returns to the interrupted instruction with every register intact", () => {
    // ebreak raises SIGTRAP; the handler steps over it (uc_mcontext.pc += 4), records what it was
    // given, then clobbers every register it can (sp and ra excepted): rt_sigreturn restores them all.
    const fill = REGS.map((i) => `  li x${i}, ${pattern(i)}\n`).join("");
    const clobber = REGS.filter((i) => i !== 1).map((i) => `  li x${i}, -1\n`).join("");
    const save = REGS.map((i) => `  sw x${i}, ${4 * i}(sp)\n`).join("");
    const r = runSource(`${START}  addi sp, sp, -128
  la t0, orig_sp
  sw sp, 0(t0)
${sigaction(SIGTRAP, "handler", SA_SIGINFO)}${fill}here:
  ebreak
${save}  li s0, 0
  li s1, 1
1: li t0, 2
  beq s1, t0, 2f
  slli t1, s1, 2
  add t1, t1, sp
  lw t2, 0(t1)
  li t3, 0x01010101
  mul t3, t3, s1
  beq t2, t3, 2f
  li t4, 1
  sll t4, t4, s1
  or s0, s0, t4
2: addi s1, s1, 1
  li t0, 32
  blt s1, t0, 1b
  la t0, orig_sp
  lw t1, 0(t0)
  beq t1, sp, 3f
  ori s0, s0, 4
3:
${show("s0")}  la s2, seen
  lw s3, 0(s2)
${show("s3")}  lw s3, 4(s2)
${show("s3")}  lw s3, 8(s2)
${show("s3")}  lw s3, 12(s2)
${show("s3")}  lw s3, 16(s2)
${show("s3")}  lw s3, 20(s2)
${show("s3")}  la s3, here
${show("s3")}${exit(0)}handler:
  la t1, seen
  sw a0, 0(t1)
  lw t2, 8(a1)
  sw t2, 4(t1)
  lw t2, 12(a1)
  sw t2, 8(t1)
  sw ra, 12(t1)
  sub t2, a2, a1
  sw t2, 16(t1)
  sub t2, a1, sp
  sw t2, 20(t1)
  lw t2, 160(a2)
  addi t2, t2, 4
  sw t2, 160(a2)
${clobber}  ret
${LIB}  .data
  .align 2
orig_sp: .word 0
seen: .zero 24
`);
    const [mismatched, signo, code, addr, ra, ucMinusInfo, infoMinusSp, here] = shown(r.stdout);
    expect(r.status).toBe(0);
    expect(mismatched, "bitmask of registers not restored").toBe(0);
    expect([signo, code, addr]).toEqual([SIGTRAP, 1 /* TRAP_BRKPT */, here]);
    expect(ra).toBe(0x97c00000);
    expect([ucMinusInfo, infoMinusSp]).toEqual([128, 0]); // the frame starts at sp with the siginfo
  });

  it("gets a 944-byte rt_sigframe 16-byte aligned below the interrupted sp, with sc_regs holding the interrupted registers", () => {
    // Values set in a handler's registers are lost at rt_sigreturn, so it reports through sc_regs:
    // what it stores in the slots of s7..s10 (x23..x26) is what the program finds there afterwards.
    const r = runSource(`${START}  addi sp, sp, -20
  mv s5, sp
  li s6, 0x12345678
${sigaction(SIGUSR1, "handler")}${raise(SIGUSR1)}${show("s7")}${show("s8")}${show("s9")}${show("s10")}${exit(0)}handler:
  sub t0, s5, sp
  sw t0, 160 + 4 * 23(a2)
  andi t0, sp, 15
  sw t0, 160 + 4 * 24(a2)
  lw t0, 160 + 4 * 22(a2)
  sw t0, 160 + 4 * 25(a2)
  lw t0, 160 + 4 * 2(a2)
  sub t0, t0, s5
  sw t0, 160 + 4 * 26(a2)
  ret
${LIB}`);
    const [below, misalign, s6, spDifference] = shown(r.stdout);
    // sp was 12 mod 16 (the initial sp is aligned): the frame is 944 bytes plus 12 of alignment down.
    expect(below).toBe(944 + 12);
    expect(misalign).toBe(0);
    expect(s6).toBe(0x12345678);
    expect(spDifference).toBe(0);
  });

  it("can change the interrupted registers through uc_mcontext", () => {
    const r = runSource(`${START}  li s1, 5
${sigaction(SIGUSR1, "handler")}${raise(SIGUSR1)}${exit("s1")}handler:
  li t0, 77
  sw t0, 160 + 4 * 9(a2)
  ret
`);
    expect(r.status).toBe(77);
  });

  it("blocks its own signal and sa_mask while it runs; uc_sigmask holds the mask to restore", () => {
    const r = runSource(`${START}${sigprocmask(SIG_BLOCK, bit(SIGHUP))}${sigaction(SIGUSR1, "handler", 0, bit(SIGUSR2))}${raise(SIGUSR1)}${blocked("s3")}  la t0, seen
  lw s1, 0(t0)
  lw s2, 4(t0)
${show("s1")}${show("s2")}${show("s3")}${exit(0)}handler:
  mv s4, a2
${blocked("s1")}  la t0, seen
  sw s1, 0(t0)
  lw t1, 20(s4)
  sw t1, 4(t0)
  ret
${LIB}  .data
  .align 2
seen: .word 0, 0
`);
    expect(shown(r.stdout)).toEqual([bit(SIGHUP) | bit(SIGUSR1) | bit(SIGUSR2), bit(SIGHUP), bit(SIGHUP)]);
  });

  it("rt_sigreturn restores the mask from uc_sigmask, so a handler can change it", () => {
    const r = runSource(`${START}${sigaction(SIGUSR1, "handler")}${raise(SIGUSR1)}${blocked("s1")}${show("s1")}${exit(0)}handler:
  li t0, ${bit(SIGUSR2)}
  sw t0, 20(a2)
  ret
${LIB}`);
    expect(shown(r.stdout)).toEqual([bit(SIGUSR2)]);
  });

  /** A handler that logs entry (depth) and exit (100 + depth), raising its signal again on the first call. */
  const nesting = (flags: number): string => `${START}${sigaction(SIGUSR1, "handler", flags)}${raise(SIGUSR1)}  la s1, log
  lw s2, 0(s1)
  lw s3, 4(s1)
  lw s4, 8(s1)
  lw s5, 12(s1)
${show("s2")}${show("s3")}${show("s4")}${show("s5")}${exit(0)}handler:
  addi sp, sp, -16
  sw ra, 0(sp)
  la s1, depth
  lw t0, 0(s1)
  addi t0, t0, 1
  sw t0, 0(s1)
  call push
  lw t0, 4(s1)
  addi t0, t0, 1
  sw t0, 4(s1)
  li t1, 1
  bne t0, t1, 1f
${raise(SIGUSR1)}1: lw t0, 0(s1)
  addi t0, t0, 100
  call push
  lw t0, 0(s1)
  addi t0, t0, -1
  sw t0, 0(s1)
  lw ra, 0(sp)
  addi sp, sp, 16
  ret
push:
  la t1, n
  lw t2, 0(t1)
  la t3, log
  add t3, t3, t2
  sw t0, 0(t3)
  addi t2, t2, 4
  sw t2, 0(t1)
  ret
${LIB}  .data
  .align 2
depth: .word 0, 0
n: .word 0
log: .zero 16
`;

  it("defers its own signal until it returns (it is blocked meanwhile)", () => {
    expect(shown(runSource(nesting(0)).stdout)).toEqual([1, 101, 1, 101]);
  });

  it("with SA_NODEFER is interrupted by its own signal: the second call nests inside the first", () => {
    expect(shown(runSource(nesting(SA_NODEFER)).stdout)).toEqual([1, 2, 102, 101]);
  });

  it("with SA_RESETHAND runs once: the action is SIG_DFL afterwards, and the next SIGUSR1 kills", () => {
    const r = runSource(`${START}${sigaction(SIGUSR1, "handler", SA_RESETHAND)}${raise(SIGUSR1)}${sigaction(SIGUSR1, 0, 0, 0, "old")}  la t0, old
  lw s1, 0(t0)
${show("s1")}${raise(SIGUSR1)}${exit(0)}handler:
  ret
${LIB}  .data
  .align 2
old: .zero 16
`);
    expect(shown(r.stdout)).toEqual([0]); // SIG_DFL
    expect(r.status).toBe(128 + SIGUSR1);
    expect(r.log).toEqual([]); // a death by a signal someone sent is not reported; only faults are
  });

  it("runs for each of two signals unblocked at once, the one delivered last first (its frame is on top)", () => {
    const r = runSource(`${START}${sigaction(SIGUSR1, "handler")}${sigaction(SIGUSR2, "handler")}${sigprocmask(SIG_BLOCK, bit(SIGUSR1) | bit(SIGUSR2))}${raise(SIGUSR2)}${raise(SIGUSR1)}${sigprocmask(SIG_UNBLOCK, bit(SIGUSR1) | bit(SIGUSR2))}  la t0, order
  lw s1, 0(t0)
  lw s2, 4(t0)
${show("s1")}${show("s2")}${exit(0)}handler:
  la t0, order
  lw t1, 8(t0)
  add t2, t0, t1
  sw a0, 0(t2)
  addi t1, t1, 4
  sw t1, 8(t0)
  ret
${LIB}  .data
  .align 2
order: .word 0, 0, 0
`);
    expect(shown(r.stdout)).toEqual([SIGUSR2, SIGUSR1]);
  });

  it("runs once per instance of a real-time signal, but once for a standard signal sent three times while blocked", () => {
    const r = runSource(`${START}${sigaction(SIGRTMIN, "rt")}${sigaction(SIGUSR1, "std")}${sigprocmask(SIG_BLOCK, bit(SIGRTMIN) | bit(SIGUSR1))}${raise(SIGRTMIN)}${raise(SIGRTMIN)}${raise(SIGRTMIN)}${raise(SIGUSR1)}${raise(SIGUSR1)}${raise(SIGUSR1)}${sigprocmask(SIG_UNBLOCK, bit(SIGRTMIN) | bit(SIGUSR1))}  la t0, counts
  lw s1, 0(t0)
  lw s2, 4(t0)
${show("s1")}${show("s2")}${exit(0)}rt:
  la t0, counts
  lw t1, 0(t0)
  addi t1, t1, 1
  sw t1, 0(t0)
  ret
std:
  la t0, counts
  lw t1, 4(t0)
  addi t1, t1, 1
  sw t1, 4(t0)
  ret
${LIB}  .data
  .align 2
counts: .word 0, 0
`);
    expect(shown(r.stdout)).toEqual([3, 1]);
  });
});

describe("the signal frame and rt_sigreturn", () => {
  it.each([
    ["sp points at no mapping", 0x1000, "0x00000c50"],
    ["the frame would wrap below address 0", 0, "0xfffffc50"],
  ])("a frame that cannot be written (%s) kills the task with SIGSEGV", (_why, sp, frame) => {
    const r = runSource(`${START}${sigaction(SIGUSR1, "handler")}  li sp, ${sp}
${raise(SIGUSR1)}${exit(0)}handler:
  ret
`);
    expect(r.status).toBe(139);
    expect(r.log).toEqual([expect.stringMatching(new RegExp(`^t\\[1\\]: bad frame in setup_rt_frame: frame=${frame} pc=0x[0-9a-f]{8} sp=0x${sp.toString(16).padStart(8, "0")}$`))]);
  });

  it("a SIGSEGV handler cannot save a task whose stack is gone: the handler is reset and the task dies", () => {
    const r = runSource(`${START}${sigaction(11, "handler")}  li sp, 0x1000
${raise(SIGUSR1)}${exit(0)}handler:
  ret
`);
    expect(r.status).toBe(128 + SIGUSR1); // no handler for SIGUSR1: it kills before any frame is needed
    const r2 = runSource(`${START}${sigaction(11, "handler")}${sigaction(SIGUSR1, "handler")}  li sp, 0x1000
${raise(SIGUSR1)}${exit(0)}handler:
  ret
`);
    // SIGUSR1's frame fails -> SIGSEGV, whose handler's frame fails too -> SIGSEGV with SIG_DFL.
    expect(r2.status).toBe(139);
    expect(r2.log).toHaveLength(2);
  });

  it("rt_sigreturn with sp at no mapping is a bad frame: SIGSEGV", () => {
    const r = runSource(`${START}  li sp, 0x1000\n${sys(139)}${exit(0)}`);
    expect(r.status).toBe(139);
    expect(r.log).toEqual([expect.stringMatching(/^t\[1\]: bad frame in sys_rt_sigreturn: frame=0x00001000 pc=0x[0-9a-f]{8} sp=0x00001000$/)]);
  });

  it("rt_sigreturn on a readable frame of zeros loads pc 0, and the fetch from 0 is SIGSEGV", () => {
    const r = runSource(`${START}  la sp, zeros\n${sys(139)}${exit(0)}  .bss\n  .align 4\nzeros: .zero 1024\n`);
    expect(r.status).toBe(139);
    expect(r.log[0]).toBe("t[1]: unhandled signal 11 (SIGSEGV) code 0x1 (SEGV_MAPERR) at 0x00000000 pc 0x00000000: execute at an address with no mapping");
  });

  it("returns the interrupted a0 even when it equals the kernel's internal restart value", () => {
    const r = runSource(`${START}${sigaction(SIGTRAP, "handler")}  li a0, -512
  ebreak
  addi a0, a0, 600
${exit("a0")}handler:
  lw t0, 160(a2)
  addi t0, t0, 4
  sw t0, 160(a2)
  ret
`);
    expect(r.status).toBe(88);
  });
});

describe("the alternate signal stack", () => {
  const ALT = "  .bss\n  .align 4\nalt: .zero 8192\n  .text\n";
  const SIGALTSTACK = (size: number, flags = 0): string => `  la t0, ss\n  la t1, alt\n  sw t1, 0(t0)\n  li t1, ${flags}\n  sw t1, 4(t0)\n  li t1, ${size}\n  sw t1, 8(t0)\n${sys(132, "  la a0, ss\n  li a1, 0\n")}`;
  const QUERY = sys(132, "  li a0, 0\n  la a1, oss\n");
  const DATA = "  .data\n  .align 2\nss: .zero 12\noss: .zero 12\nseen: .zero 20\n";

  it("is where an SA_ONSTACK handler runs; sigaltstack there reports SS_ONSTACK, and uc_stack saves the stack", () => {
    const r = runSource(`${START}${SIGALTSTACK(8192)}${sigaction(SIGUSR1, "handler", SA_ONSTACK)}${raise(SIGUSR1)}${QUERY}  la t0, oss
  lw s4, 4(t0)
  la s1, seen
  la s2, alt
  lw s3, 0(s1)
  sub s3, s3, s2
${show("s3")}  lw s3, 4(s1)
${show("s3")}${show("s4")}  lw s3, 8(s1)
  sub s3, s3, s2
${show("s3")}  lw s3, 12(s1)
${show("s3")}  lw s3, 16(s1)
${show("s3")}${exit(0)}handler:
  la s1, seen
  sw sp, 0(s1)
  lw t1, 8(a2)
  sw t1, 8(s1)
  lw t1, 12(a2)
  sw t1, 12(s1)
  lw t1, 16(a2)
  sw t1, 16(s1)
${QUERY}  la t0, oss
  lw t1, 4(t0)
  sw t1, 4(s1)
  ret
${ALT}${DATA}${LIB}`);
    const [offset, flagsInside, flagsAfter, ucSp, ucFlags, ucSize] = shown(r.stdout);
    expect(offset).toBe(8192 - 944); // the frame sits at the top of the alternate stack
    expect(flagsInside).toBe(1); // SS_ONSTACK
    expect(flagsAfter).toBe(0);
    expect([ucSp, ucFlags, ucSize]).toEqual([0, 0, 8192]);
  });

  it("cannot be changed while running on it (-EPERM), is at least MINSIGSTKSZ (-ENOMEM), takes known flags only (-EINVAL)", () => {
    const r = runSource(`${START}${SIGALTSTACK(1000)}  mv s1, a0
${SIGALTSTACK(8192, 7)}  mv s2, a0
${SIGALTSTACK(8192)}  mv s3, a0
${sigaction(SIGUSR1, "handler", SA_ONSTACK)}${raise(SIGUSR1)}  la t0, seen
  lw s4, 0(t0)
${show("s1")}${show("s2")}${show("s3")}${show("s4")}${exit(0)}handler:
${SIGALTSTACK(4096)}  la t0, seen
  sw a0, 0(t0)
  ret
${ALT}${DATA}${LIB}`);
    expect(shown(r.stdout).map((v) => v | 0)).toEqual([-12, -22, 0, -1]);
  });

  it("is not used by a handler without SA_ONSTACK", () => {
    const r = runSource(`${START}${SIGALTSTACK(8192)}${sigaction(SIGUSR1, "handler")}  mv s2, sp
${raise(SIGUSR1)}  la t0, seen
  lw s1, 0(t0)
  sub s1, s2, s1
${show("s1")}${exit(0)}handler:
  la t0, seen
  sw sp, 0(t0)
  ret
${ALT}${DATA}${LIB}`);
    expect(shown(r.stdout)).toEqual([944]);
  });
});

describe("the vDSO page", () => {
  it("is mapped r-x at 0x97c00000 in every new program and holds `li a7, 139; ecall`", () => {
    const k = start_kernel(new Machine({ memBytes: 4 << 20, tlbEntries: 64, checkTlb: true }), { quantum: 1000, maxSteps: 0, check: true, seed: 1 },
      new Tracer(), { write() {}, read: () => new Uint8Array(0), log() {} });
    const { mm } = load_elf_binary(k, "prog", elfOf(`${START}  nop\n`), ["prog"], []);
    const vma = find_vma(mm, VDSO_BASE)!;
    expect([vma.vm_start, vma.vm_end]).toEqual([0x97c00000, 0x97c01000]);
    expect(vma.vm_flags & (VM_READ | VM_WRITE | VM_EXEC)).toBe(VM_READ | VM_EXEC);
    const code = new DataView(copy_from_user(mm, null, VDSO_BASE, 8)!.buffer);
    const text = [0, 4].map((off) => disassemble(code.getUint32(off, true), VDSO_BASE + off)).map((d) => `${d.mnemonic} ${d.operands}`.trim());
    expect(text).toEqual(["li a7,139", "ecall"]);
  });
});
