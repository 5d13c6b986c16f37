// Pseudo-instructions and the alternative operand forms of real ones, expanded exactly as GNU as
// expands them (RISC-V Assembly Programmer's Manual, "Pseudo instructions"), so the bytes match.

import { Op } from "../isa/instructions.js";
import { Reg } from "../isa/registers.js";
import type { Expr } from "./ast.js";
import { hi20, lo12 } from "./expr.js";
import type { Expander } from "./operands.js";

/** One accepted operand form: its shapes (`r`, `m`, `e`, comma-separated) and its expansion. */
export interface Form {
  shape: string;
  expand: (x: Expander) => void;
}

const reloc = (fn: "hi" | "lo" | "pcrel_hi" | "pcrel_lo", arg: Expr): Expr => ({ k: "reloc", fn, arg, pos: arg.pos });

/** `auipc` + one instruction addressing `target` pc-relatively (la, call, tail, load/store symbol). */
function pcrelPair(x: Expander, tmp: number, target: Expr, second: (lo: Expr) => void): void {
  const anchor = x.anchor();
  x.op(Op.AUIPC, { rd: tmp, imm: reloc("pcrel_hi", target) });
  second(reloc("pcrel_lo", anchor));
}

/** `li rd, value`: one `addi`, or `lui` (+ `addi`), as GNU's load_const picks for RV32. */
function li(x: Expander, rd: number, e: Expr): void {
  const v = x.asm.tryValue(e);
  if (v === undefined || v.chunk) {
    // Not known yet (a symbol): always lui+addi, so the size does not depend on the value.
    x.op(Op.LUI, { rd, imm: reloc("hi", e) });
    x.op(Op.ADDI, { rd, rs1: rd, imm: reloc("lo", e) });
    return;
  }
  if (v.value < -0x8000_0000 || v.value > 0xffff_ffff) {
    x.asm.diag.error(e.pos, `li value ${v.value} out of range: RV32 registers hold -2147483648..4294967295`);
    return;
  }
  const value = v.value | 0;
  if (value >= -2048 && value < 2048) {
    x.op(Op.ADDI, { rd, rs1: Reg.Zero, imm: value });
    return;
  }
  x.op(Op.LUI, { rd, imm: hi20(value) });
  if (lo12(value) !== 0) x.op(Op.ADDI, { rd, rs1: rd, imm: lo12(value) });
}

function loadSymbol(op: Op): Form {
  return { shape: "r,e", expand: (x) => { const rd = x.r(0); pcrelPair(x, rd, x.e(1), (lo) => x.op(op, { rd, rs1: rd, imm: lo })); } };
}

function storeSymbol(op: Op): Form {
  return { shape: "r,e,r", expand: (x) => { const tmp = x.r(2); pcrelPair(x, tmp, x.e(1), (lo) => x.op(op, { rs2: x.r(0), rs1: tmp, imm: lo })); } };
}

/** `op rd, rs` as `real rd, a, b` with the operands arranged by `arrange`. */
function unary(op: Op, arrange: (rs: number) => { rs1: number; rs2?: number; imm?: number }): Form {
  return { shape: "r,r", expand: (x) => x.op(op, { rd: x.r(0), ...arrange(x.r(1)) }) };
}

function branchZero(op: Op, zeroFirst: boolean): Form {
  return {
    shape: "r,e",
    expand: (x) => x.op(op, zeroFirst ? { rs1: Reg.Zero, rs2: x.r(0), imm: x.e(1) } : { rs1: x.r(0), rs2: Reg.Zero, imm: x.e(1) }),
  };
}

function branchSwapped(op: Op): Form {
  return { shape: "r,r,e", expand: (x) => x.op(op, { rs1: x.r(1), rs2: x.r(0), imm: x.e(2) }) };
}

function counterRead(csr: number): Form {
  return { shape: "r", expand: (x) => x.op(Op.CSRRS, { rd: x.r(0), csr, rs1: Reg.Zero }) };
}

function csrWrite(op: Op): Form {
  return { shape: "e,r", expand: (x) => { const csr = x.csr(0); if (csr !== undefined) x.op(op, { rd: Reg.Zero, csr, rs1: x.r(1) }); } };
}

function csrWriteImm(op: Op): Form {
  return { shape: "e,e", expand: (x) => { const csr = x.csr(0); if (csr !== undefined) x.op(op, { rd: Reg.Zero, csr, imm: x.e(1) }); } };
}

/** Forms tried before the instruction table; the first whose shape fits is used. */
export const PSEUDO_FORMS: Readonly<Record<string, readonly Form[]>> = {
  nop: [{ shape: "", expand: (x) => x.op(Op.ADDI, { rd: Reg.Zero, rs1: Reg.Zero, imm: 0 }) }],
  li: [{ shape: "r,e", expand: (x) => li(x, x.r(0), x.e(1)) }],
  la: [{ shape: "r,e", expand: (x) => { const rd = x.r(0); pcrelPair(x, rd, x.e(1), (lo) => x.op(Op.ADDI, { rd, rs1: rd, imm: lo })); } }],
  lla: [{ shape: "r,e", expand: (x) => { const rd = x.r(0); pcrelPair(x, rd, x.e(1), (lo) => x.op(Op.ADDI, { rd, rs1: rd, imm: lo })); } }],
  mv: [unary(Op.ADDI, (rs) => ({ rs1: rs, imm: 0 }))],
  not: [unary(Op.XORI, (rs) => ({ rs1: rs, imm: -1 }))],
  neg: [unary(Op.SUB, (rs) => ({ rs1: Reg.Zero, rs2: rs }))],
  seqz: [unary(Op.SLTIU, (rs) => ({ rs1: rs, imm: 1 }))],
  snez: [unary(Op.SLTU, (rs) => ({ rs1: Reg.Zero, rs2: rs }))],
  sltz: [unary(Op.SLT, (rs) => ({ rs1: rs, rs2: Reg.Zero }))],
  sgtz: [unary(Op.SLT, (rs) => ({ rs1: Reg.Zero, rs2: rs }))],
  beqz: [branchZero(Op.BEQ, false)],
  bnez: [branchZero(Op.BNE, false)],
  blez: [branchZero(Op.BGE, true)],
  bgez: [branchZero(Op.BGE, false)],
  bltz: [branchZero(Op.BLT, false)],
  bgtz: [branchZero(Op.BLT, true)],
  bgt: [branchSwapped(Op.BLT)],
  ble: [branchSwapped(Op.BGE)],
  bgtu: [branchSwapped(Op.BLTU)],
  bleu: [branchSwapped(Op.BGEU)],
  j: [{ shape: "e", expand: (x) => x.op(Op.JAL, { rd: Reg.Zero, imm: x.e(0) }) }],
  jal: [{ shape: "e", expand: (x) => x.op(Op.JAL, { rd: Reg.Ra, imm: x.e(0) }) }],
  jr: [
    { shape: "r", expand: (x) => x.op(Op.JALR, { rd: Reg.Zero, rs1: x.r(0), imm: 0 }) },
    { shape: "r,e", expand: (x) => x.op(Op.JALR, { rd: Reg.Zero, rs1: x.r(0), imm: x.e(1) }) },
    { shape: "m", expand: (x) => { const m = x.m(0); if (m) x.op(Op.JALR, { rd: Reg.Zero, rs1: m.base, imm: m.offset }); } },
  ],
  jalr: [
    { shape: "r", expand: (x) => x.op(Op.JALR, { rd: Reg.Ra, rs1: x.r(0), imm: 0 }) },
    { shape: "r,r", expand: (x) => x.op(Op.JALR, { rd: x.r(0), rs1: x.r(1), imm: 0 }) },
    { shape: "r,r,e", expand: (x) => x.op(Op.JALR, { rd: x.r(0), rs1: x.r(1), imm: x.e(2) }) },
    { shape: "m", expand: (x) => { const m = x.m(0); if (m) x.op(Op.JALR, { rd: Reg.Ra, rs1: m.base, imm: m.offset }); } },
  ],
  ret: [{ shape: "", expand: (x) => x.op(Op.JALR, { rd: Reg.Zero, rs1: Reg.Ra, imm: 0 }) }],
  call: [
    { shape: "e", expand: (x) => pcrelPair(x, Reg.Ra, x.e(0), (lo) => x.op(Op.JALR, { rd: Reg.Ra, rs1: Reg.Ra, imm: lo })) },
    // GNU: `call rd, sym` goes through t1, like tail (riscv-opc.c "call" "d,c").
    { shape: "r,e", expand: (x) => pcrelPair(x, Reg.T1, x.e(1), (lo) => x.op(Op.JALR, { rd: x.r(0), rs1: Reg.T1, imm: lo })) },
  ],
  tail: [{ shape: "e", expand: (x) => pcrelPair(x, Reg.T1, x.e(0), (lo) => x.op(Op.JALR, { rd: Reg.Zero, rs1: Reg.T1, imm: lo })) }],
  lb: [loadSymbol(Op.LB)], lh: [loadSymbol(Op.LH)], lw: [loadSymbol(Op.LW)], lbu: [loadSymbol(Op.LBU)], lhu: [loadSymbol(Op.LHU)],
  sb: [storeSymbol(Op.SB)], sh: [storeSymbol(Op.SH)], sw: [storeSymbol(Op.SW)],
  fence: [{ shape: "", expand: (x) => x.op(Op.FENCE, { pred: 0b1111, succ: 0b1111 }) }],
  rdcycle: [counterRead(0xc00)], rdtime: [counterRead(0xc01)], rdinstret: [counterRead(0xc02)],
  rdcycleh: [counterRead(0xc80)], rdtimeh: [counterRead(0xc81)], rdinstreth: [counterRead(0xc82)],
  csrr: [{ shape: "r,e", expand: (x) => { const csr = x.csr(1); if (csr !== undefined) x.op(Op.CSRRS, { rd: x.r(0), csr, rs1: Reg.Zero }); } }],
  csrw: [csrWrite(Op.CSRRW)], csrs: [csrWrite(Op.CSRRS)], csrc: [csrWrite(Op.CSRRC)],
  csrwi: [csrWriteImm(Op.CSRRWI)], csrsi: [csrWriteImm(Op.CSRRSI)], csrci: [csrWriteImm(Op.CSRRCI)],
};

/** Pseudo-instruction names (for suggestions); some also name real instructions. */
export function pseudoNames(): string[] {
  return Object.keys(PSEUDO_FORMS);
}
