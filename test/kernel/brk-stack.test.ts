// brk with Linux's semantics and the growing stack with its 8 MiB limit.

import { describe, expect, it } from "vitest";
import { exit, runSource, START } from "../helpers/kernel.js";

const brk = (arg: string): string => `  ${arg}\n  li a7, 214\n  ecall\n`;

describe("brk", () => {
  it("returns the current break for brk(0), grows, and the new memory reads as zero", () => {
    const r = runSource(`${START}${brk("li a0, 0")}  mv s0, a0\n  li t0, 12288\n  add a0, s0, t0\n${brk("")}  sub t1, a0, s0\n  li t3, 8192\n  add t3, t3, s0\n  lw t2, 0(t3)\n  add a0, t1, t2\n  srli a0, a0, 12\n${exit("a0")}`);
    expect(r.status).toBe(3);
  });

  it("returns the old break, never -errno, when it cannot move (below start, or absurdly high)", () => {
    const r = runSource(`${START}${brk("li a0, 0")}  mv s0, a0\n${brk("li a0, 0x1000")}  sub s1, a0, s0\n${brk("li a0, 0x9f000000")}  sub a0, a0, s0\n  or a0, a0, s1\n${exit("a0")}`);
    expect(r.status).toBe(0);
  });

  it("unmaps memory when it shrinks: touching a released page is SIGSEGV", () => {
    const r = runSource(`${START}${brk("li a0, 0")}  mv s0, a0\n  li t0, 8192\n  add a0, s0, t0\n${brk("")}  li s1, 4096\n  add s1, s1, s0\n  sw t0, 0(s1)\n${brk("mv a0, s0")}  lw t1, 0(s1)\n${exit(0)}`);
    expect(r.status).toBe(139);
    expect(r.log[0]).toContain("SEGV_MAPERR");
  });

  it("gives zeroed pages again after shrinking and growing", () => {
    const r = runSource(`${START}${brk("li a0, 0")}  mv s0, a0\n  li t0, 4096\n  add a0, s0, t0\n${brk("")}  li t1, 99\n  sw t1, 0(s0)\n${brk("mv a0, s0")}  li t0, 4096\n  add a0, s0, t0\n${brk("")}  lw a0, 0(s0)\n${exit("a0")}`);
    expect(r.status).toBe(0);
  });
});

describe("the stack", () => {
  it("grows on demand below sp, one fault per page, up to the 8 MiB limit", () => {
    const r = runSource(`${START}  li t0, 1024\n  li t1, 4096\n1: sub sp, sp, t1\n  sw t0, 0(sp)\n  addi t0, t0, -1\n  bnez t0, 1b\n${exit(7)}`, { mem: 16 << 20 });
    expect(r.status).toBe(7);
    expect(r.init.min_flt).toBeGreaterThanOrEqual(1024);
  });

  it("stops growing past RLIMIT_STACK (8 MiB): SIGSEGV with SEGV_MAPERR", () => {
    const r = runSource(`${START}  li t0, 0x900000\n  sub t0, sp, t0\n  sw zero, 0(t0)\n${exit(0)}`);
    expect(r.status).toBe(139);
    expect(r.log[0]).toMatch(/SEGV_MAPERR.*below the stack/);
  });

  it("can be touched far below sp within the limit (Linux 5.15 has no distance-from-sp check)", () => {
    const r = runSource(`${START}  li t0, 0x700000\n  sub t0, sp, t0\n  sw zero, 0(t0)\n${exit(5)}`);
    expect(r.status).toBe(5);
  });
});

describe("address-space limits (prlimit64)", () => {
  /** prlimit64(0, resource, {cur, cur}, NULL) with `cur` bytes, then the body. */
  const limit = (resource: number, bytes: number, body: string): string =>
    `${START}  la a2, lim\n  li a0, 0\n  li a1, ${resource}\n  li a3, 0\n  li a7, 261\n  ecall\n  bnez a0, 9f\n${body}9:\n${exit(99)}  .data\n  .align 3\nlim: .word ${bytes}, 0, ${bytes}, 0\n`;
  const mmap = (bytes: number): string => `  li a0, 0\n  li a1, ${bytes}\n  li a2, 3\n  li a3, 0x22\n  li a4, -1\n  li a5, 0\n  li a7, 222\n  ecall\n`;

  it("RLIMIT_AS refuses an mmap that would pass it with -ENOMEM (root included, as on Linux)", () => {
    const r = runSource(limit(9, 1 << 20, `${mmap(8 << 20)}  neg a0, a0\n${exit("a0")}`));
    expect(r.status).toBe(12);
    const fits = runSource(limit(9, 16 << 20, `${mmap(4096)}  srli a0, a0, 31\n${exit("a0")}`));
    expect(fits.status).toBe(1); // a high address: it succeeded
  });

  it("RLIMIT_AS stops brk, which then returns the old break", () => {
    const r = runSource(limit(9, 1 << 20, `  li a0, 0\n  li a7, 214\n  ecall\n  mv s0, a0\n  li t0, 0x200000\n  add a0, s0, t0\n  li a7, 214\n  ecall\n  sub a0, a0, s0\n${exit("a0")}`));
    expect(r.status).toBe(0);
  });

  it("RLIMIT_STACK bounds how far the stack can grow", () => {
    const touch = (below: number) => `  li t0, ${below}\n  sub t0, sp, t0\n  sw zero, 0(t0)\n${exit(5)}`;
    expect(runSource(limit(3, 256 << 10, touch(200 << 10))).status).toBe(5);
    const r = runSource(limit(3, 256 << 10, touch(400 << 10)));
    expect(r.status).toBe(139);
    expect(r.log[0]).toContain("SEGV_MAPERR");
  });
});
