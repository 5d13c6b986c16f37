// Bad accesses end in the signal Linux sends, with si_code as Linux sets it, and one line on stderr
// naming the program, the address, the pc as symbol+offset, and why; a handler may catch them
// instead, unless the signal is blocked or ignored. And the default action of every other signal.

import { describe, expect, it } from "vitest";
import { exit, runSource, START } from "../helpers/kernel.js";
import {
  bit, LIB, raise, SA_SIGINFO, show, shown, sigaction, sigprocmask, SIG_BLOCK, SIGABRT, SIGALRM, SIGCHLD, SIGCONT,
  SIGHUP, SIGILL, SIGINT, SIGKILL, SIGPIPE, SIGQUIT, SIGRTMIN, SIGSEGV, SIGSTOP, SIGTERM, SIGTSTP, SIGURG, SIGUSR1,
  SIGUSR2, SIGWINCH,
} from "../helpers/signal.js";

describe("fatal signals", () => {
  it("a store to an unmapped address is SIGSEGV/SEGV_MAPERR: status 139 and one explaining line", () => {
    const r = runSource(`${START}  nop\n  sw zero, 0(zero)\n${exit(0)}`);
    expect(r.status).toBe(139);
    expect(r.reason).toBe("signal");
    expect(r.log).toHaveLength(1);
    expect(r.log[0]).toMatch(
      /^t\[1\]: unhandled signal 11 \(SIGSEGV\) code 0x1 \(SEGV_MAPERR\) at 0x00000000 pc 0x[0-9a-f]{8} <_start\+0x4>: write at an address with no mapping$/,
    );
  });

  it("a store into the program's text is SEGV_ACCERR (write implies the VMA must be writable)", () => {
    const r = runSource(`${START}  la t0, _start\n  sw zero, 0(t0)\n${exit(0)}`);
    expect(r.status).toBe(139);
    // The faulting address is _start itself, and the pc is the store two instructions later.
    const m = /code 0x2 \(SEGV_ACCERR\) at 0x([0-9a-f]{8}) pc 0x([0-9a-f]{8}) <_start\+0x8>: write not allowed by the mapping's permissions \(r-x\)/.exec(r.log[0]!);
    expect(m).not.toBeNull();
    expect(parseInt(m![2]!, 16) - parseInt(m![1]!, 16)).toBe(8);
  });

  it("jumping into data is SEGV_ACCERR for execute", () => {
    const r = runSource(`${START}  la t0, d\n  jr t0\n  .data\nd: .word 0x00000013\n`);
    expect(r.status).toBe(139);
    expect(r.log[0]).toMatch(/SEGV_ACCERR.*execute not allowed by the mapping's permissions \(rw-\)/);
  });

  it("an address above the user range (TASK_SIZE 0x9fc00000) is SEGV_MAPERR", () => {
    const r = runSource(`${START}  li t0, 0xa0000000\n  lw t1, 0(t0)\n${exit(0)}`);
    expect(r.status).toBe(139);
    expect(r.log[0]).toContain("SEGV_MAPERR) at 0xa0000000");
  });

  it("an illegal instruction is SIGILL (132), ebreak is SIGTRAP (133)", () => {
    expect(runSource(`${START}  .word 0\n`).status).toBe(132);
    expect(runSource(`${START}  ebreak\n`).status).toBe(133);
  });

  it("a write to a read-only page the program only read before is still SEGV_ACCERR", () => {
    const r = runSource(`${START}  la t0, c\n  lw t1, 0(t0)\n  sw t1, 0(t0)\n${exit(0)}  .section .rodata\nc: .word 7\n`);
    expect(r.status).toBe(139);
    expect(r.log[0]).toContain("SEGV_ACCERR");
  });
});

describe("fault signals with a handler", () => {
  it("SIGSEGV: the handler sees si_signo, si_code SEGV_MAPERR and si_addr; fixing the base register makes the retried load succeed", () => {
    const r = runSource(`${START}${sigaction(SIGSEGV, "handler", SA_SIGINFO)}  li s1, 0x5000
fault:
  lw s2, 8(s1)
${show("s2")}  la s3, seen
${[0, 4, 8, 12, 16].map((off) => `  lw s4, ${off}(s3)\n${show("s4")}`).join("")}  la s4, fault
${show("s4")}${exit(0)}handler:
  la t0, seen
  sw a0, 0(t0)
  lw t1, 0(a1)
  sw t1, 4(t0)
  lw t1, 8(a1)
  sw t1, 8(t0)
  lw t1, 12(a1)
  sw t1, 12(t0)
  lw t1, 160(a2)
  sw t1, 16(t0)
  la t1, good
  sw t1, 160 + 4 * 9(a2)
  ret
${LIB}  .data
  .align 2
seen: .zero 20
good: .word 0, 0, 42
`);
    const [loaded, a0, signo, code, addr, pc, fault] = shown(r.stdout);
    expect(loaded).toBe(42);
    expect([a0, signo, code, addr]).toEqual([SIGSEGV, SIGSEGV, 1, 0x5008]);
    expect(pc).toBe(fault); // uc_mcontext's pc is the faulting instruction, which runs again
    expect(r.status).toBe(0);
    expect(r.log).toEqual([]); // a handled fault is not reported
  });

  /**
   * A program whose instruction at label `at` faults with `sig`; the handler records si_code and
   * si_addr and steps over the instruction. The program prints si_code and si_addr - `at`.
   */
  const skipped = (sig: number, setup: string, at: string, insn: string): number[] => shown(runSource(`${START}${sigaction(sig, "handler", SA_SIGINFO)}${setup}${at}:
  ${insn}
  la t0, seen
  lw s2, 0(t0)
  lw s3, 4(t0)
  la t1, ${at}
  sub s3, s3, t1
${show("s2")}${show("s3")}${exit(0)}handler:
  la t0, seen
  lw t1, 8(a1)
  sw t1, 0(t0)
  lw t1, 12(a1)
  sw t1, 4(t0)
  lw t1, 160(a2)
  addi t1, t1, 4
  sw t1, 160(a2)
  ret
${LIB}  .data
  .align 2
seen: .zero 8
`).stdout);

  it("SIGSEGV for a store into text has SEGV_ACCERR and si_addr the text address; a handler may skip the store", () => {
    expect(skipped(SIGSEGV, "  la s1, target\n", "target", "sw zero, 0(s1)")).toEqual([2, 0]); // the store hits itself
  });

  it("SIGILL: si_code ILL_ILLOPC and si_addr the instruction's address", () => {
    expect(skipped(SIGILL, "", "bad", ".word 0")).toEqual([1, 0]);
  });

  const DEATH = /^t\[1\]: unhandled signal 11 \(SIGSEGV\) code 0x1 \(SEGV_MAPERR\) at 0x00000000 pc 0x[0-9a-f]{8} <[a-z_]+\+0x[0-9a-f]+>: write at an address with no mapping$/;

  it("a fault whose signal is blocked kills anyway (Linux's force_sig_fault unblocks and resets it), with the usual line", () => {
    const r = runSource(`${START}${sigaction(SIGSEGV, "handler")}${sigprocmask(SIG_BLOCK, bit(SIGSEGV))}  sw zero, 0(zero)
${exit(0)}handler:
  la t0, ran
  sw t0, 0(t0)
  ret
  .data
ran: .word 0
`);
    expect(r.status).toBe(139);
    expect(r.log).toEqual([expect.stringMatching(DEATH)]);
  });

  it("a fault whose signal is ignored (SIG_IGN) kills too", () => {
    const r = runSource(`${START}${sigaction(SIGSEGV, 1)}  sw zero, 0(zero)\n${exit(0)}`);
    expect(r.status).toBe(139);
    expect(r.log).toEqual([expect.stringMatching(DEATH)]);
  });

  it("a fault inside the SIGSEGV handler kills: the signal is blocked while its handler runs", () => {
    const r = runSource(`${START}${sigaction(SIGSEGV, "handler")}  sw zero, 0(zero)\n${exit(0)}handler:\n  sw zero, 0(zero)\n  ret\n`);
    expect(r.status).toBe(139);
    expect(r.log).toHaveLength(1); // the first fault was handled; only the fatal second is reported
    expect(r.log[0]).toMatch(/pc 0x[0-9a-f]{8} <handler>: write at an address with no mapping$/);
  });
});

describe("default actions", () => {
  it.each([
    [SIGHUP, "terminate"], [SIGINT, "terminate"], [SIGQUIT, "core"], [SIGABRT, "core"], [SIGKILL, "terminate"],
    [SIGUSR1, "terminate"], [SIGUSR2, "terminate"], [SIGPIPE, "terminate"], [SIGALRM, "terminate"],
    [SIGTERM, "terminate"], [SIGRTMIN, "terminate"], [64, "terminate"],
  ])("signal %i kills (%s): status 128 + signal, no kernel message", (sig) => {
    const r = runSource(`${START}${raise(sig)}${exit(0)}`);
    expect(r.status).toBe(128 + sig);
    expect(r.reason).toBe("signal");
    expect(r.log).toEqual([]);
  });

  it.each([[SIGCHLD], [SIGCONT], [SIGURG], [SIGWINCH], [SIGSTOP], [SIGTSTP]])(
    "signal %i is ignored by default (stop signals too: vmos has no job control)", (sig) => {
      expect(runSource(`${START}${raise(sig)}${exit(7)}`).status).toBe(7);
    });

  it("SIG_IGN makes SIGTERM harmless; SIGKILL's action cannot be changed and it cannot be blocked", () => {
    expect(runSource(`${START}${sigaction(SIGTERM, 1)}${raise(SIGTERM)}${exit(7)}`).status).toBe(7);
    const r = runSource(`${START}${sigaction(SIGKILL, 1)}  mv s1, a0\n${sigprocmask(SIG_BLOCK, bit(SIGKILL))}${raise(SIGKILL)}${exit("s1")}`);
    expect(r.status).toBe(128 + SIGKILL);
  });
});
