// Bad accesses end in the signal Linux sends, with si_code as Linux sets it, and one line on stderr
// naming the program, the address, the pc as symbol+offset, and why.

import { describe, expect, it } from "vitest";
import { exit, runSource, START } from "../helpers/kernel.js";

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
