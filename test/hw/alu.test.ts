// Differential tests of the arithmetic: every ALU and M instruction, executed by the CPU on random
// operands (biased towards the edge cases), against reference implementations written with BigInt.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { amoResult, mulh, mulhsu, mulhu } from "../../src/hw/alu.js";
import { Op } from "../../src/isa/instructions.js";
import { bareMachine, bareStep, REG, word } from "./helpers.js";

const INT_MIN = -(2 ** 31), INT_MAX = 2 ** 31 - 1;
const i32 = (v: bigint): number => Number(BigInt.asIntN(32, v));
const u = (v: number): bigint => BigInt(v >>> 0);
const s = (v: number): bigint => BigInt(v | 0);

/** Operands: mostly uniform, often one of the values where arithmetic goes wrong. */
const operand = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: INT_MIN, max: INT_MAX }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 1, -1, 2, -2, INT_MIN, INT_MAX, INT_MIN + 1, 0xffff, 0x10000, -0x10000, 31, 32, 33) },
);

const R_TYPE: [Op, string, (a: number, b: number) => number][] = [
  [Op.ADD, "add", (a, b) => i32(s(a) + s(b))],
  [Op.SUB, "sub", (a, b) => i32(s(a) - s(b))],
  [Op.SLL, "sll", (a, b) => i32(s(a) << BigInt(b & 31))],
  [Op.SLT, "slt", (a, b) => (s(a) < s(b) ? 1 : 0)],
  [Op.SLTU, "sltu", (a, b) => (u(a) < u(b) ? 1 : 0)],
  [Op.XOR, "xor", (a, b) => i32(s(a) ^ s(b))],
  [Op.SRL, "srl", (a, b) => i32(u(a) >> BigInt(b & 31))],
  [Op.SRA, "sra", (a, b) => i32(s(a) >> BigInt(b & 31))],
  [Op.OR, "or", (a, b) => i32(s(a) | s(b))],
  [Op.AND, "and", (a, b) => i32(s(a) & s(b))],
  [Op.MUL, "mul", (a, b) => i32(s(a) * s(b))],
  [Op.MULH, "mulh", (a, b) => i32((s(a) * s(b)) >> 32n)],
  [Op.MULHSU, "mulhsu", (a, b) => i32((s(a) * u(b)) >> 32n)],
  [Op.MULHU, "mulhu", (a, b) => i32((u(a) * u(b)) >> 32n)],
  // The spec's table: x/0 = -1 (all ones), x%0 = x, INT_MIN/-1 = INT_MIN, INT_MIN%-1 = 0.
  [Op.DIV, "div", (a, b) => (b === 0 ? -1 : a === INT_MIN && b === -1 ? INT_MIN : i32(s(a) / s(b)))],
  [Op.DIVU, "divu", (a, b) => (b === 0 ? -1 : i32(u(a) / u(b)))],
  [Op.REM, "rem", (a, b) => (b === 0 ? a : a === INT_MIN && b === -1 ? 0 : i32(s(a) % s(b)))],
  [Op.REMU, "remu", (a, b) => (b === 0 ? a : i32(u(a) % u(b)))],
];

const I_TYPE: [Op, string, (a: number, imm: number) => number][] = [
  [Op.ADDI, "addi", (a, imm) => i32(s(a) + s(imm))],
  [Op.SLTI, "slti", (a, imm) => (a < imm ? 1 : 0)],
  [Op.SLTIU, "sltiu", (a, imm) => (u(a) < u(imm) ? 1 : 0)],
  [Op.XORI, "xori", (a, imm) => a ^ imm],
  [Op.ORI, "ori", (a, imm) => a | imm],
  [Op.ANDI, "andi", (a, imm) => a & imm],
];

const SHIFT_IMM: [Op, string, (a: number, sh: number) => number][] = [
  [Op.SLLI, "slli", (a, sh) => i32(s(a) << BigInt(sh))],
  [Op.SRLI, "srli", (a, sh) => i32(u(a) >> BigInt(sh))],
  [Op.SRAI, "srai", (a, sh) => i32(s(a) >> BigInt(sh))],
];

describe("ALU and M instructions against BigInt references", () => {
  const m = bareMachine();

  for (const [op, name, ref] of R_TYPE) {
    it(`${name} rd, rs1, rs2 matches the reference on random operands`, () => {
      const w = word(op, { rd: REG.a0, rs1: REG.t0, rs2: REG.t1 });
      fc.assert(fc.property(operand, operand, (a, b) => {
        bareStep(m, w, a, b);
        expect(m.cpu.x[REG.a0]).toBe(ref(a, b));
      }), { numRuns: 300 });
    });
  }

  for (const [op, name, ref] of I_TYPE) {
    it(`${name} rd, rs1, imm sign-extends the immediate and matches the reference`, () => {
      fc.assert(fc.property(operand, fc.integer({ min: -2048, max: 2047 }), (a, imm) => {
        bareStep(m, word(op, { rd: REG.a0, rs1: REG.t0, imm }), a);
        expect(m.cpu.x[REG.a0]).toBe(ref(a, imm));
      }), { numRuns: 300 });
    });
  }

  for (const [op, name, ref] of SHIFT_IMM) {
    it(`${name} shifts by the 5-bit immediate`, () => {
      fc.assert(fc.property(operand, fc.integer({ min: 0, max: 31 }), (a, sh) => {
        bareStep(m, word(op, { rd: REG.a0, rs1: REG.t0, imm: sh }), a);
        expect(m.cpu.x[REG.a0]).toBe(ref(a, sh));
      }), { numRuns: 200 });
    });
  }

  it("register shifts use only the low 5 bits of rs2", () => {
    bareStep(m, word(Op.SLL, { rd: REG.a0, rs1: REG.t0, rs2: REG.t1 }), 1, 33);
    expect(m.cpu.x[REG.a0]).toBe(2);
    bareStep(m, word(Op.SRA, { rd: REG.a0, rs1: REG.t0, rs2: REG.t1 }), INT_MIN, -1);
    expect(m.cpu.x[REG.a0]).toBe(-1);
  });

  it("an instruction whose rd is one of its sources reads the sources first", () => {
    bareStep(m, word(Op.SUB, { rd: REG.t1, rs1: REG.t0, rs2: REG.t1 }), 10, 3);
    expect(m.cpu.x[REG.t1]).toBe(7);
  });

  it("writes to x0 are discarded", () => {
    bareStep(m, word(Op.ADDI, { rd: 0, rs1: REG.t0, imm: 5 }), 7);
    expect(m.cpu.x[0]).toBe(0);
    bareStep(m, word(Op.ADD, { rd: REG.a0, rs1: 0, rs2: 0 }));
    expect(m.cpu.x[REG.a0]).toBe(0);
  });

  it("lui and auipc place the 20-bit immediate in bits 31:12", () => {
    bareStep(m, word(Op.LUI, { rd: REG.a0, imm: 0xfffff }));
    expect(m.cpu.x[REG.a0]! >>> 0).toBe(0xfffff000);
    bareStep(m, word(Op.AUIPC, { rd: REG.a0, imm: 0x12345 }));
    expect(m.cpu.x[REG.a0]).toBe(0x12345000 + 0x1000);
  });
});

describe("M and shift edge cases, computed by hand", () => {
  const m = bareMachine();
  const run = (op: Op, a: number, b: number): number => {
    bareStep(m, word(op, { rd: REG.a0, rs1: REG.t0, rs2: REG.t1 }), a, b);
    return m.cpu.x[REG.a0]!;
  };
  const cases: [string, Op, number, number, number][] = [
    ["div by zero is -1", Op.DIV, 7, 0, -1],
    ["divu by zero is 2^32-1", Op.DIVU, 7, 0, -1],
    ["rem by zero is the dividend", Op.REM, -7, 0, -7],
    ["remu by zero is the dividend", Op.REMU, 7, 0, 7],
    ["INT_MIN / -1 overflows to INT_MIN", Op.DIV, INT_MIN, -1, INT_MIN],
    ["INT_MIN % -1 is 0", Op.REM, INT_MIN, -1, 0],
    ["div truncates towards zero", Op.DIV, -7, 2, -3],
    ["rem takes the dividend's sign", Op.REM, -7, 2, -1],
    ["divu reads operands unsigned", Op.DIVU, -7, 2, 0x7ffffffc],
    ["remu reads operands unsigned", Op.REMU, -7, 2, 1],
    ["mulh of INT_MIN squared", Op.MULH, INT_MIN, INT_MIN, 0x40000000],
    ["mulhu of all-ones squared", Op.MULHU, -1, -1, -2],
    ["mulhsu: -1 times 2^32-1", Op.MULHSU, -1, -1, -1],
    ["mul keeps the low word", Op.MUL, 0x10001, 0x10001, 0x20001],
    ["sra keeps the sign", Op.SRA, -8, 1, -4],
    ["srl shifts in zeros", Op.SRL, -8, 1, 0x7ffffffc],
    ["sll by 31", Op.SLL, 1, 31, INT_MIN],
  ];
  for (const [name, op, a, b, expected] of cases) {
    it(name, () => expect(run(op, a, b)).toBe(expected));
  }
});

describe("alu.ts helpers", () => {
  it("mulhu/mulh/mulhsu give the high word of the 64-bit product", () => {
    fc.assert(fc.property(operand, operand, (a, b) => {
      expect(mulhu(a, b)).toBe(i32((u(a) * u(b)) >> 32n));
      expect(mulh(a, b)).toBe(i32((s(a) * s(b)) >> 32n));
      expect(mulhsu(a, b)).toBe(i32((s(a) * u(b)) >> 32n));
    }), { numRuns: 2000 });
  });

  it("mulh edge cases: INT_MIN squared, -1 times INT_MIN, all-ones unsigned", () => {
    expect(mulh(INT_MIN, INT_MIN)).toBe(0x4000_0000);
    expect(mulh(-1, INT_MIN)).toBe(0);
    expect(mulhu(-1, -1)).toBe(-2); // (2^32-1)^2 = 0xfffffffe_00000001
    expect(mulhsu(-1, -1)).toBe(-1); // -1 * (2^32-1) = -2^32 + 1
  });

  it("amoResult computes every AMO, with signed min/max and unsigned minu/maxu", () => {
    const AMOS: [Op, (a: number, b: number) => number][] = [
      [Op.AMOSWAP_W, (_a, b) => b],
      [Op.AMOADD_W, (a, b) => (a + b) | 0],
      [Op.AMOXOR_W, (a, b) => a ^ b],
      [Op.AMOAND_W, (a, b) => a & b],
      [Op.AMOOR_W, (a, b) => a | b],
      [Op.AMOMIN_W, (a, b) => Math.min(a, b)],
      [Op.AMOMAX_W, (a, b) => Math.max(a, b)],
      [Op.AMOMINU_W, (a, b) => (Math.min(a >>> 0, b >>> 0) | 0)],
      [Op.AMOMAXU_W, (a, b) => (Math.max(a >>> 0, b >>> 0) | 0)],
    ];
    fc.assert(fc.property(operand, operand, (a, b) => {
      for (const [op, ref] of AMOS) expect(amoResult(op, a, b)).toBe(ref(a, b));
    }));
    expect(() => amoResult(Op.LR_W, 0, 0)).toThrow(RangeError);
  });
});
