// Instruction semantics on the full machine (Sv32 on): small assembled programs with hand-computed
// expectations for loads/stores, misaligned and page-crossing accesses, LR/SC, AMOs, control
// transfers, precise traps and the run loop. Counters and CSRs are in counters.test.ts.

import { describe, expect, it } from "vitest";
import { Exit } from "../../src/hw/cpu.js";
import { USER_R } from "../../src/hw/pagemap.js";
import { Op } from "../../src/isa/instructions.js";
import { DATA_VA, peek, REG, rig, program, runProgram, runToTrap, word } from "./helpers.js";

const x = (r: ReturnType<typeof rig>, reg: number): number => r.m.cpu.x[reg]!;
const ux = (r: ReturnType<typeof rig>, reg: number): number => r.m.cpu.x[reg]! >>> 0;

describe("loads and stores", () => {
  it("lb/lh sign-extend, lbu/lhu zero-extend, lw loads the word", () => {
    const r = runProgram(`
      la t0, d
      lb a0, 0(t0)
      lbu a1, 0(t0)
      lh a2, 2(t0)
      lhu a3, 2(t0)
      lw a4, 4(t0)
      lb a5, 1(t0)`, "d: .byte 0x80, 0x7f\n .half 0x8001\n .word 0x80000001");
    expect([x(r, REG.a0), x(r, REG.a1), x(r, REG.a2), x(r, REG.a3), ux(r, REG.a4), x(r, REG.a5)])
      .toEqual([-128, 128, -32767, 0x8001, 0x80000001, 127]);
  });

  it("sb and sh write only their bytes, little-endian", () => {
    const r = runProgram(`
      la t0, d
      li t1, 0x12345678
      sb t1, 1(t0)
      sh t1, 6(t0)`, "d: .word 0xaaaaaaaa, 0xbbbbbbbb");
    const d = r.sym("d");
    expect(peek(r.m, d)).toBe(0xaaaa78aa);
    expect(peek(r.m, d + 4)).toBe(0x5678bbbb);
  });

  it("misaligned loads and stores inside a page are done in hardware", () => {
    const r = runProgram(`
      la t0, d
      lw a0, 1(t0)
      lh a1, 3(t0)
      li t1, 0x11223344
      sw t1, 5(t0)`, "d: .word 0x44332211, 0x88776655, 0");
    expect(ux(r, REG.a0)).toBe(0x55443322);
    expect(x(r, REG.a1)).toBe(0x5544);
    const d = r.sym("d");
    expect(peek(r.m, d + 4)).toBe(0x22334455);
    expect(peek(r.m, d + 8)).toBe(0x00000011);
  });

  it("a misaligned word access across a page boundary reads and writes both pages", () => {
    const r = runProgram(`
      la t0, d
      li t1, 4094
      add t0, t0, t1
      lw a0, 0(t0)
      li t2, 0xa1b2c3d4
      sw t2, 0(t0)
      lhu a1, 1(t0)
      lh a2, 1(t0)
      lb a3, 1(t0)`, "d: .zero 4094\n .byte 0x11, 0x22, 0x33, 0x44\n .zero 100");
    expect(ux(r, REG.a0)).toBe(0x44332211);
    const d = r.sym("d");
    expect(peek(r.m, d + 4092) >>> 16).toBe(0xc3d4);
    expect(peek(r.m, d + 4096) & 0xffff).toBe(0xa1b2);
    expect(x(r, REG.a1)).toBe(0xb2c3);
    expect(x(r, REG.a2)).toBe(0xb2c3 - 0x10000); // sign-extended on the slow path too
    expect(x(r, REG.a3)).toBe(0xc3 - 0x100);
  });
});

describe("precise traps", () => {
  /** A program whose .data is exactly one page `d`, with nothing mapped after it. */
  const ONE_PAGE = "d: .word 0x01020304\n .zero 4088\n .word 0x55667788";

  it("a store to an unmapped page faults with cause 15, tval = address, and changes nothing", () => {
    const r = rig(program(`
      li a0, 7
      li t0, 0x30000000
      li a1, 99
      sw a1, 8(t0)
      li a0, 8`));
    expect(runToTrap(r.m)).toBe(15);
    expect(r.m.cpu.trapTval).toBe(0x30000008);
    expect([x(r, REG.a0), x(r, REG.a1)]).toEqual([7, 99]);
    expect(r.m.cpu.pc).toBe(r.sym("_start") + 3 * 4); // li t0, 0x30000000 is lui alone
  });

  it("a page-crossing store whose second page is unmapped writes no byte of the first page", () => {
    const r = rig(program(`
      la t0, d
      li t1, 4094
      add t0, t0, t1
      li t2, -1
      sw t2, 0(t0)`, ONE_PAGE));
    expect(runToTrap(r.m)).toBe(15);
    const d = r.sym("d");
    expect(r.m.cpu.trapTval).toBe(d + 4096); // the first byte of the page that faulted
    expect(peek(r.m, d + 4092)).toBe(0x55667788);
  });

  it("a page-crossing load whose second page is unmapped faults with cause 13 and leaves rd alone", () => {
    const r = rig(program(`
      la t0, d
      li t1, 4094
      add t0, t0, t1
      li a0, 5
      lw a0, 0(t0)`, ONE_PAGE));
    expect(runToTrap(r.m)).toBe(13);
    expect(r.m.cpu.trapTval).toBe(r.sym("d") + 4096);
    expect(x(r, REG.a0)).toBe(5);
  });

  it("a faulting AMO writes neither memory nor rd, and is a store fault even on a read-only page", () => {
    const r = rig(program(`
      li t0, ${DATA_VA}
      li a0, 5
      li a1, 1
      amoadd.w a0, a1, (t0)`));
    r.map.mapFresh(DATA_VA, 4096, USER_R);
    expect(runToTrap(r.m)).toBe(15);
    expect(r.m.cpu.trapTval).toBe(DATA_VA);
    expect(x(r, REG.a0)).toBe(5);
    expect(peek(r.m, DATA_VA)).toBe(0);
  });

  it("sc.w on an unmapped page is a store fault; lr.w is a load fault", () => {
    const sc = rig(program("li t0, 0x30000000\n sc.w a0, a1, (t0)"));
    expect(runToTrap(sc.m)).toBe(15);
    const lr = rig(program("li t0, 0x30000000\n lr.w a0, (t0)"));
    expect(runToTrap(lr.m)).toBe(13);
  });

  it("ecall traps with cause 8 at the ecall itself; the kernel resumes at pc + 4", () => {
    const r = rig(program("li a0, 1\n ecall\n li a0, 2"));
    expect(runToTrap(r.m)).toBe(8);
    expect(r.m.cpu.pc).toBe(r.sym("_start") + 4);
    expect(r.m.cpu.trapTval).toBe(0);
    r.m.cpu.pc += 4;
    expect(runToTrap(r.m)).toBe(8);
    expect(x(r, REG.a0)).toBe(2);
  });

  it("ebreak traps with cause 3 and tval = its address", () => {
    const r = rig(program("nop\n ebreak"));
    expect(runToTrap(r.m)).toBe(3);
    expect(r.m.cpu.pc).toBe(r.sym("_start") + 4);
    expect(r.m.cpu.trapTval).toBe(r.sym("_start") + 4);
  });

  it("undecodable words are illegal instructions with tval = the word", () => {
    for (const bad of [0x0000_0000, 0xffff_ffff, 0x0000_100f /* fence.i: no Zifencei */]) {
      const r = rig(program(`.word ${bad}`));
      expect(runToTrap(r.m)).toBe(2);
      expect(r.m.cpu.trapTval).toBe(bad);
      expect(r.m.cpu.pc).toBe(r.sym("_start"));
    }
  });

  it("a jump or taken branch to a 2-mod-4 address traps on the jump (cause 0, tval = target) without writing rd", () => {
    const cases = ["jal ra, odd", "la t0, odd\n jalr ra, 0(t0)", "beq zero, zero, odd"];
    for (const jump of cases) {
      const r = rig(`.text\n.globl _start\n_start:\n li ra, 3\n ${jump}\n ecall\n .half 0\nodd: nop\n`);
      expect(runToTrap(r.m)).toBe(0);
      expect(r.m.cpu.trapTval).toBe(r.sym("odd"));
      expect(r.m.cpu.pc).toBe(r.sym("_start") + (jump.startsWith("la") ? 12 : 4));
      expect(x(r, REG.ra)).toBe(3);
    }
  });

  it("a branch to a misaligned target that is not taken is no trap", () => {
    const r = runProgram("li t0, 1\n bne t0, t0, odd\n j out\n .half 0\nodd: nop\n .half 0\nout:");
    expect(r.m.cpu.trapCause).toBe(8);
  });

  it("jalr clears bit 0 of the target and writes rd after reading rs1", () => {
    const r = runProgram("la t0, target\n addi t0, t0, 1\n jalr t0, 0(t0)\n li a0, 1\ntarget: li a1, 2");
    expect(x(r, REG.a0)).toBe(0);
    expect(x(r, REG.a1)).toBe(2);
    expect(ux(r, REG.t0)).toBe(r.sym("target") - 4);
  });

  it("a pc that is not 4-byte aligned at run() traps at once with cause 0", () => {
    const r = rig(program("nop"));
    r.m.cpu.pc += 2;
    expect(runToTrap(r.m)).toBe(0);
    expect(r.m.cpu.instret).toBe(0);
  });
});

describe("LR/SC and AMOs", () => {
  const DATA = "v: .word 10\nw: .word 20";

  it("sc.w after lr.w of the same word succeeds (rd = 0) and stores", () => {
    const r = runProgram("la t0, v\n lr.w a0, (t0)\n li t1, 42\n sc.w a1, t1, (t0)", DATA);
    expect([x(r, REG.a0), x(r, REG.a1), peek(r.m, r.sym("v"))]).toEqual([10, 0, 42]);
  });

  it("sc.w without a reservation fails (rd = 1) and stores nothing; a second sc.w fails too", () => {
    const r = runProgram(`la t0, v\n lr.w a0, (t0)\n li t1, 42\n sc.w a1, t1, (t0)\n sc.w a2, t1, (t0)
      la t2, w\n sc.w a3, t1, (t2)`, DATA);
    expect([x(r, REG.a1), x(r, REG.a2), x(r, REG.a3), peek(r.m, r.sym("w"))]).toEqual([0, 1, 1, 20]);
  });

  it("sc.w to another word than the reserved one fails", () => {
    const r = runProgram("la t0, v\n la t2, w\n lr.w a0, (t0)\n li t1, 42\n sc.w a1, t1, (t2)", DATA);
    expect([x(r, REG.a1), peek(r.m, r.sym("w"))]).toEqual([1, 20]);
  });

  it("clearReservation (a context switch) makes the next sc.w fail", () => {
    const r = rig(program("la t0, v\n lr.w a0, (t0)\n ecall\n li t1, 42\n sc.w a1, t1, (t0)", DATA));
    expect(runToTrap(r.m)).toBe(8);
    r.m.cpu.clearReservation();
    r.m.cpu.pc += 4;
    expect(runToTrap(r.m)).toBe(8);
    expect([x(r, REG.a1), peek(r.m, r.sym("v"))]).toEqual([1, 10]);
  });

  it("every AMO returns the old value and stores op(old, rs2), min/max signed, minu/maxu unsigned", () => {
    const ops = ["amoswap.w", "amoadd.w", "amoxor.w", "amoand.w", "amoor.w", "amomin.w", "amomax.w", "amominu.w", "amomaxu.w"];
    const old = -5, src = 3; // -5 is 0xfffffffb unsigned: the biggest for minu/maxu
    const expected = [3, -2, -5 ^ 3, -5 & 3, -5 | 3, -5, 3, 3, -5];
    const body = ops.map((op, i) => `la t0, m${i}\n li t1, ${src}\n ${op} a0, t1, (t0)\n la t2, res\n sw a0, ${4 * i}(t2)`);
    const r = runProgram(body.join("\n"), ops.map((_, i) => `m${i}: .word ${old}`).join("\n") + `\nres: .zero ${4 * ops.length}`);
    for (let i = 0; i < ops.length; i++) {
      expect(peek(r.m, r.sym(`m${i}`)) | 0, ops[i]).toBe(expected[i]);
      expect(peek(r.m, r.sym("res") + 4 * i) | 0, `${ops[i]} rd`).toBe(old);
    }
  });

  it("misaligned AMO and SC raise cause 6, misaligned LR cause 4, with tval = the address", () => {
    for (const [insn, cause] of [["amoadd.w a0, a1, (t0)", 6], ["sc.w a0, a1, (t0)", 6], ["lr.w a0, (t0)", 4]] as const) {
      const r = rig(program(`la t0, v\n addi t0, t0, 2\n ${insn}`, DATA));
      expect(runToTrap(r.m), insn).toBe(cause);
      expect(r.m.cpu.trapTval).toBe(r.sym("v") + 2);
    }
  });
});

describe("the run loop", () => {
  it("run(n) retires exactly n instructions and stops with pc at the next one", () => {
    const r = rig(program("li a0, 1\n li a0, 2\n li a0, 3\n li a0, 4"));
    expect(r.m.cpu.run(0)).toBe(Exit.Budget);
    expect(r.m.cpu.run(2)).toBe(Exit.Budget);
    expect(x(r, REG.a0)).toBe(2);
    expect(r.m.cpu.pc).toBe(r.sym("_start") + 8);
    expect(r.m.cpu.instret).toBe(2);
    expect(r.m.cpu.run(1)).toBe(Exit.Budget);
    expect(x(r, REG.a0)).toBe(3);
  });

  it("x0 reads 0 even if something wrote it", () => {
    const r = rig(program("mv a0, zero"));
    r.m.cpu.x[0] = 123;
    runToTrap(r.m);
    expect([x(r, 0), x(r, REG.a0)]).toEqual([0, 0]);
  });

  it("every kind of instruction that writes x0 leaves it 0", () => {
    const r = runProgram(`la t0, v
      lw zero, 0(t0)
      lb zero, 0(t0)
      addi zero, zero, 5
      lui zero, 1
      mul zero, t0, t0
      rdcycle zero
      lr.w zero, (t0)
      sc.w zero, t0, (t0)
      amoadd.w zero, t0, (t0)
      jal zero, 1f
1:    la t1, 2f
      jalr zero, 0(t1)
2:    add a0, zero, zero`, "v: .word 77");
    expect([x(r, 0), x(r, REG.a0)]).toEqual([0, 0]);
  });

  it("a load into x0 still accesses memory: it faults on an unmapped page", () => {
    const r = rig(program("li t0, 0x30000000\n lw zero, 4(t0)"));
    expect(runToTrap(r.m)).toBe(13);
    expect(r.m.cpu.trapTval).toBe(0x30000004);
  });

  it("fence is a no-op", () => {
    const r = runProgram("li a0, 1\n fence\n fence rw, rw\n addi a0, a0, 1");
    expect(x(r, REG.a0)).toBe(2);
  });

  it("code rewritten by a store runs as the new instruction (the decoded cache is dropped)", () => {
    const addi = word(Op.ADDI, { rd: REG.a0, rs1: REG.a0, imm: 5 });
    const r = rig(program(`li a0, 1\nloop: nop\n addi t2, t2, 1\n li t1, ${addi}\n la t0, loop\n sw t1, 0(t0)\n li t3, 2\n blt t2, t3, loop`));
    // The .text page is not writable for the program; make it so, as a JIT would with mprotect.
    const pte = r.map.leafPteAddr(r.sym("loop"));
    r.m.ram.write32(pte, r.m.ram.read32(pte) | 0b100);
    runToTrap(r.m);
    expect(x(r, REG.a0)).toBe(6); // the first pass ran the nop, the second the addi
  });

  it("code the kernel rewrites with Ram.write32 runs as the new instruction", () => {
    const r = rig(program("li a0, 1\nhere: nop\n ecall\n j here"));
    runToTrap(r.m);
    r.m.ram.write32(peekPa(r, r.sym("here")), word(Op.ADDI, { rd: REG.a0, rs1: REG.a0, imm: 40 }));
    r.m.cpu.pc += 4;
    runToTrap(r.m);
    expect(x(r, REG.a0)).toBe(41);
  });

  it("an instruction fetch from a page without X is an instruction page fault at that address", () => {
    const r = rig(program(`li t0, ${DATA_VA}\n jr t0`));
    r.map.mapFresh(DATA_VA, 4096, USER_R);
    expect(runToTrap(r.m)).toBe(12);
    expect(r.m.cpu.pc).toBe(DATA_VA);
    expect(r.m.cpu.trapTval).toBe(DATA_VA);
  });

  it("a PTE pointing outside RAM gives access faults (1, 5, 7), not page faults", () => {
    const outside = (4 << 20) / 4096 + 10;
    for (const [body, cause] of [[`li t0, ${DATA_VA}\n jr t0`, 1], [`li t0, ${DATA_VA}\n lw a0, 0(t0)`, 5], [`li t0, ${DATA_VA}\n sw a0, 0(t0)`, 7]] as const) {
      const r = rig(program(body));
      r.map.map(DATA_VA, outside, 0b1101_1111); // D A U X W R V
      expect(runToTrap(r.m), body).toBe(cause);
      expect(r.m.cpu.trapTval).toBe(DATA_VA);
    }
  });
});

function peekPa(r: ReturnType<typeof rig>, va: number): number {
  const pte = r.m.ram.read32(r.map.leafPteAddr(va));
  return (pte >>> 10) * 4096 + (va & 0xfff);
}
