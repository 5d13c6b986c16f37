// System calls: Linux riscv32 numbers and semantics; bad pointers give -EFAULT, never a crash.

import { describe, expect, it } from "vitest";
import { exit, runSource, START } from "../helpers/kernel.js";

/** `ecall` with a7 = nr and the given argument setup. */
const sys = (nr: number, setup = ""): string => `${setup}  li a7, ${nr}\n  ecall\n`;

describe("system calls", () => {
  it("write with a bad pointer returns -EFAULT and the program carries on", () => {
    const r = runSource(`${START}${sys(64, "  li a0, 1\n  li a1, 0x100\n  li a2, 4\n")}  neg a0, a0\n${exit("a0")}`);
    expect(r.status).toBe(14);
    expect(r.stdout).toBe("");
  });

  it("write reaches stdout and stderr, returning the count", () => {
    const src = `${START}${sys(64, "  li a0, 1\n  la a1, m\n  li a2, 3\n")}  mv s0, a0\n${sys(64, "  li a0, 2\n  la a1, m\n  li a2, 2\n")}${exit("s0")}  .data\nm: .ascii "abc"\n`;
    const r = runSource(src);
    expect([r.stdout, r.stderr, r.status]).toEqual(["abc", "ab", 3]);
  });

  it("an unknown syscall returns -ENOSYS and is reported once, with its Linux name", () => {
    const r = runSource(`${START}${sys(260)}${sys(260)}${sys(999)}  neg a0, a0\n${exit("a0")}`);
    expect(r.status).toBe(38);
    expect(r.log).toEqual([
      "t[1]: unimplemented syscall 260 (wait4: use waitid (95); rv32 Linux has no such call either): returning -ENOSYS",
      "t[1]: unimplemented syscall 999: returning -ENOSYS",
    ]);
  });

  it("getpid is 1 for init and getppid is 0", () => {
    expect(runSource(`${START}${sys(172)}${exit("a0")}`).status).toBe(1);
    expect(runSource(`${START}${sys(173)}${exit("a0")}`).status).toBe(0);
  });

  it("uname fills struct new_utsname: sysname Linux, machine riscv32", () => {
    const r = runSource(`${START}${sys(160, "  la a0, u\n")}${sys(64, "  li a0, 1\n  la a1, u\n  li a2, 5\n")}${sys(64, "  li a0, 1\n  la a1, u + 4 * 65\n  li a2, 7\n")}${exit(0)}  .bss\nu: .zero 390\n`);
    expect(r.stdout).toBe("Linuxriscv32");
  });

  it("getrandom writes into a page not yet touched, faulting it in like a user store, deterministically", () => {
    const src = `${START}${sys(278, "  la a0, b\n  li a1, 16\n  li a2, 0\n")}  mv s0, a0\n  la t0, b\n  lbu a0, 5(t0)\n  add a0, a0, s0\n${exit("a0")}  .bss\nb: .zero 4096\n`;
    const a = runSource(src, { seed: 1, trace: ["fault"] });
    const again = runSource(src, { seed: 1 });
    const other = runSource(src, { seed: 2 });
    expect(a.status).toBe(again.status);
    expect(a.status).not.toBe(other.status);
    // The kernel's write faulted the bss page in (a new anonymous page, counted for the task), so the
    // program's own read of it afterwards did not fault: two faults in all, text and bss.
    expect(a.trace).toMatch(/do_page_fault\(addr=0x[0-9a-f]+ write \(kernel\)\) \{\n(.*\n){2}.*do_anonymous_page/);
    expect(a.init.min_flt).toBe(2);
  });

  it("getrandom rejects unknown flags with -EINVAL", () => {
    expect(runSource(`${START}${sys(278, "  la a0, b\n  li a1, 4\n  li a2, 8\n")}  neg a0, a0\n${exit("a0")}  .bss\nb: .zero 4\n`).status).toBe(22);
  });

  it("clock_gettime64 is simulated time: monotonic, and -EINVAL for an unknown clock", () => {
    const r = runSource(`${START}${sys(403, "  li a0, 1\n  la a1, t\n")}  la t0, t\n  lw s0, 8(t0)\n  li t1, 1000\n1: addi t1, t1, -1\n  bnez t1, 1b\n${sys(403, "  li a0, 1\n  la a1, t\n")}  la t0, t\n  lw s1, 8(t0)\n  slt a0, s0, s1\n${exit("a0")}  .bss\nt: .zero 16\n`);
    expect(r.status).toBe(1);
    expect(runSource(`${START}${sys(403, "  li a0, 99\n  la a1, t\n")}  neg a0, a0\n${exit("a0")}  .bss\nt: .zero 16\n`).status).toBe(22);
  });

  it("clock_gettime64 counts every simulated second, past the 32-bit cycle counter's wrap at 4.3 s", () => {
    // The machine has run 10 simulated seconds when init starts: tv_sec (low word at offset 0) is 10.
    const r = runSource(`${START}${sys(403, "  li a0, 1\n  la a1, t\n")}  la t0, t\n  lw a0, 0(t0)\n${exit("a0")}  .bss\nt: .zero 16\n`,
      { setup: (k) => k.machine.clock.advance(10_000_000_000) });
    expect(r.status).toBe(10);
  });

  it("read takes bytes from stdin and returns 0 at end of file", () => {
    const r = runSource(`${START}${sys(63, "  li a0, 0\n  la a1, b\n  li a2, 10\n")}  mv s0, a0\n${sys(63, "  li a0, 0\n  la a1, b\n  li a2, 10\n")}  add s0, s0, a0\n  la t0, b\n  lbu t1, 0(t0)\n  add a0, s0, t1\n${exit("a0")}  .bss\nb: .zero 16\n`, { stdin: "hi" });
    expect(r.status).toBe(2 + "h".charCodeAt(0));
  });

  it("sched_yield hands the CPU to the next runnable task; other calls keep the time slice", () => {
    // A shared page; the child sets it and exits. The parent reads it right after fork, with or
    // without yielding first: only a yield lets the child run before the read.
    const prog = (yieldFirst: boolean): string => `${START}  li a0, 0\n  li a1, 4096\n  li a2, 3\n  li a3, 0x21\n  li a4, -1\n  li a5, 0\n  li a7, 222\n  ecall
  mv s0, a0\n  li a0, 17\n  li a1, 0\n  li a2, 0\n  li a3, 0\n  li a4, 0\n  li a7, 220\n  ecall
  bnez a0, 1f\n  li t0, 1\n  sw t0, 0(s0)\n${exit(0)}1:\n${yieldFirst ? "  li a7, 124\n  ecall\n" : ""}  lw a0, 0(s0)\n${exit("a0")}`;
    expect(runSource(prog(false)).status).toBe(0);
    expect(runSource(prog(true)).status).toBe(1);
  });

  it("exit keeps only the low 8 bits of the status", () => {
    expect(runSource(`${START}${exit(257)}`).status).toBe(1);
  });
});
