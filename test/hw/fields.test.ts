// The CPU extracts register numbers and immediates inline (for speed); these properties pin that
// extraction to the encoder in src/isa: random registers and immediates, encoded by the table,
// must act on exactly the registers and addresses they name.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Exit } from "../../src/hw/cpu.js";
import { Op } from "../../src/isa/instructions.js";
import { BARE_PC, bareMachine, word } from "./helpers.js";

const reg = fc.integer({ min: 1, max: 31 });
const imm12 = fc.integer({ min: -2048, max: 2047 });
/** A data address well inside the 64 KiB bare machine, so any imm12 offset stays in RAM. */
const BASE = 0x8000;

/** Run the one instruction `w` at BARE_PC with the given registers set; returns the Exit. */
function step(m: ReturnType<typeof bareMachine>, w: number, regs: [number, number][]): number {
  m.ram.write32(BARE_PC, w);
  m.cpu.x.fill(0);
  for (const [r, v] of regs) m.cpu.x[r] = v;
  m.cpu.pc = BARE_PC;
  return m.cpu.run(1);
}

describe("operand fields as the encoder wrote them", () => {
  const m = bareMachine();

  it("lw rd, imm(rs1) loads from x[rs1] + imm into rd", () => {
    fc.assert(fc.property(reg, reg, imm12, fc.integer(), (rd, rs1, imm, value) => {
      const addr = (BASE + imm) & ~3;
      m.ram.write32(addr, value);
      expect(step(m, word(Op.LW, { rd, rs1, imm: addr - BASE }), [[rs1, BASE]])).toBe(Exit.Budget);
      expect(m.cpu.x[rd]).toBe(value | 0);
    }));
  });

  it("sw rs2, imm(rs1) stores x[rs2] at x[rs1] + imm", () => {
    fc.assert(fc.property(reg, reg, imm12, fc.integer(), (rs1, rs2, imm, value) => {
      fc.pre(rs1 !== rs2);
      const addr = (BASE + imm) & ~3;
      step(m, word(Op.SW, { rs1, rs2, imm: addr - BASE }), [[rs1, BASE], [rs2, value]]);
      expect(m.ram.read32(addr) | 0).toBe(value | 0);
    }));
  });

  it("a taken branch goes to pc + its B offset; jal to pc + its J offset, linking rd", () => {
    fc.assert(fc.property(fc.integer({ min: -1024, max: 1023 }), (k) => {
      step(m, word(Op.BEQ, { rs1: 0, rs2: 0, imm: 4 * k }), []);
      expect(m.cpu.pc).toBe(BARE_PC + 4 * k);
    }));
    fc.assert(fc.property(reg, fc.integer({ min: -1024, max: (1 << 18) - 1 }), (rd, k) => {
      step(m, word(Op.JAL, { rd, imm: 4 * k }), []);
      expect([m.cpu.pc, m.cpu.x[rd]]).toEqual([(BARE_PC + 4 * k) >>> 0, BARE_PC + 4]);
    }));
  });

  it("jalr rd, imm(rs1) jumps to (x[rs1] + imm) & ~1 and links rd", () => {
    fc.assert(fc.property(reg, reg, imm12, fc.integer({ min: 0, max: 0x3fff_ffff }), (rd, rs1, imm, base) => {
      const target = ((base * 4 + imm) & ~1) >>> 0;
      const exit = step(m, word(Op.JALR, { rd, rs1, imm }), [[rs1, base * 4]]);
      if ((target & 3) !== 0) {
        expect([exit, m.cpu.trapCause, m.cpu.trapTval]).toEqual([Exit.Trap, 0, target]);
      } else {
        expect([m.cpu.pc, m.cpu.x[rd]]).toEqual([target, BARE_PC + 4]);
      }
    }));
  });

  it("lui and auipc write their U immediate to rd", () => {
    fc.assert(fc.property(reg, fc.integer({ min: 0, max: 0xfffff }), (rd, imm) => {
      step(m, word(Op.LUI, { rd, imm }), []);
      expect(m.cpu.x[rd]).toBe((imm << 12) | 0);
      step(m, word(Op.AUIPC, { rd, imm }), []);
      expect(m.cpu.x[rd]).toBe(((imm << 12) + BARE_PC) | 0);
    }));
  });
});
