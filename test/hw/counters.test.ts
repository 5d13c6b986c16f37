// The counter CSRs (cycle, time, instret and their high halves) as programs and the kernel read
// them, and the rule that U-mode may only read those six CSRs.

import { describe, expect, it } from "vitest";
import { COST } from "../../src/hw/clock.js";
import { Op } from "../../src/isa/instructions.js";
import { REG, rig, program, runProgram, runToTrap, word } from "./helpers.js";

const x = (r: ReturnType<typeof rig>, reg: number): number => r.m.cpu.x[reg]!;

describe("counters and CSRs", () => {
  it("rdinstret and rdcycle count the instructions retired in between", () => {
    const r = runProgram("rdinstret a0\n rdcycle a2\n nop\n nop\n rdinstret a1\n rdcycle a3");
    // A counter read sees the instructions retired before it: the first read itself and the three after it.
    expect(x(r, REG.a1) - x(r, REG.a0)).toBe(4);
    expect(x(r, REG.a3) - x(r, REG.a2)).toBe(4); // no TLB miss in between: one cycle each
  });

  it("the counters include earlier runs, page walks and traps", () => {
    const r = rig(program("nop\n ecall\n rdcycle a0\n rdinstret a1\n rdtime a2"));
    expect(runToTrap(r.m)).toBe(8);
    const c = r.m.clock.cycles;
    expect(c).toBe(1 + COST.tlbWalk + COST.trapEntry); // nop, the walk for the code page, the trap
    r.m.cpu.pc += 4;
    r.m.clock.advance(1_000_000); // the kernel's work
    runToTrap(r.m);
    expect(x(r, REG.a0)).toBe(c + 1_000_000);
    expect(x(r, REG.a1)).toBe(2); // nop and rdcycle
    expect(x(r, REG.a2)).toBe(Math.floor((c + 1_000_002) / 100));
  });

  it("high halves: cycleh/timeh/instreth give bits 63:32", () => {
    const r = rig(program("rdcycleh a0\n rdcycle a1\n rdinstreth a2\n rdtimeh a3"));
    r.m.clock.cycles = 2 ** 40 + 5;
    r.m.cpu.instret = 3 * 2 ** 32;
    runToTrap(r.m);
    const start = 2 ** 40 + 5 + COST.tlbWalk; // the first fetch walks the page table
    expect(x(r, REG.a0)).toBe(2 ** 8);
    expect(x(r, REG.a1)).toBe(5 + COST.tlbWalk + 1);
    expect(x(r, REG.a2)).toBe(3);
    expect(x(r, REG.a3)).toBe(Math.floor((start + 3) / 100 / 2 ** 32));
  });

  it("readCounter returns what the guest would read, and rejects other CSRs", () => {
    const r = rig(program("nop"));
    r.m.clock.cycles = 2 ** 33 + 250;
    expect(r.m.cpu.readCounter(0xc00)).toBe(250);
    expect(r.m.cpu.readCounter(0xc80)).toBe(2);
    expect(r.m.cpu.readCounter(0xc01)).toBe(Math.floor((2 ** 33 + 250) / 100) % 2 ** 32);
    expect(() => r.m.cpu.readCounter(0x100)).toThrow(RangeError);
  });

  it("any CSR write, and any CSR other than the six counters, is an illegal instruction", () => {
    const words = [
      word(Op.CSRRW, { rd: 0, csr: 0xc00, rs1: REG.a0 }),
      word(Op.CSRRS, { rd: REG.a0, csr: 0xc00, rs1: REG.a1 }),
      word(Op.CSRRC, { rd: REG.a0, csr: 0xc02, rs1: REG.a1 }),
      word(Op.CSRRWI, { rd: REG.a0, csr: 0xc00, imm: 0 }),
      word(Op.CSRRSI, { rd: REG.a0, csr: 0xc01, imm: 1 }),
      word(Op.CSRRCI, { rd: REG.a0, csr: 0xc81, imm: 3 }),
      word(Op.CSRRS, { rd: REG.a0, csr: 0xc03, rs1: 0 }), // hpmcounter3
      word(Op.CSRRS, { rd: REG.a0, csr: 0x100, rs1: 0 }), // sstatus
    ];
    for (const w of words) {
      const r = rig(program(`li a0, 9\n .word ${w}`));
      expect(runToTrap(r.m), w.toString(16)).toBe(2);
      expect(r.m.cpu.trapTval).toBe(w);
      expect(x(r, REG.a0)).toBe(9);
    }
  });

  it("csrrc and the immediate forms with a zero source only read", () => {
    const r = runProgram(`.word ${word(Op.CSRRC, { rd: REG.a0, csr: 0xc02, rs1: 0 })}
      .word ${word(Op.CSRRSI, { rd: REG.a1, csr: 0xc02, imm: 0 })}
      .word ${word(Op.CSRRCI, { rd: REG.a2, csr: 0xc02, imm: 0 })}`);
    expect([x(r, REG.a0), x(r, REG.a1), x(r, REG.a2)]).toEqual([0, 1, 2]);
  });
});
