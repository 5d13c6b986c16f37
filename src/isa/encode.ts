// Instruction encoder: operand values + a table row -> a 32-bit word. Range checking is the caller's
// job (the assembler reports it with a source location); see `operandRange`.

import { packB, packI, packJ, packRd, packRs1, packRs2, packS, packU } from "./formats.js";
import type { InstructionDef, OperandKind } from "./instructions.js";

/** Operand values of one instruction. Fields an instruction does not use are ignored. */
export interface Fields {
  rd: number;
  rs1: number;
  rs2: number;
  /** imm12/shamt/uimm20/uimm5 value, or the byte offset of a branch or jump. */
  imm: number;
  csr: number;
  pred: number;
  succ: number;
  aq: boolean;
  rl: boolean;
}

export function emptyFields(): Fields {
  return { rd: 0, rs1: 0, rs2: 0, imm: 0, csr: 0, pred: 0, succ: 0, aq: false, rl: false };
}

/** The 32-bit word for `def` with operand values `f`, as an unsigned number. */
export function encode(def: InstructionDef, f: Fields): number {
  let w = def.match;
  switch (def.format) {
    case "R":
      w |= packRd(f.rd) | packRs1(f.rs1);
      // lr.w has no rs2 operand: its rs2 field is fixed at zero by the row's match/mask.
      if (def.operands.includes("rs2")) w |= packRs2(f.rs2);
      if (def.ordering) w |= (f.aq ? 1 << 26 : 0) | (f.rl ? 1 << 25 : 0);
      break;
    case "I":
      if (def.operands.includes("shamt")) w |= packRd(f.rd) | packRs1(f.rs1) | ((f.imm & 31) << 20);
      else if (def.operands.includes("csr")) {
        const source = def.operands.includes("uimm5") ? f.imm : f.rs1;
        w |= packRd(f.rd) | packRs1(source) | packI(f.csr);
      } else if (def.operands.includes("pred")) w |= ((f.pred & 15) << 24) | ((f.succ & 15) << 20);
      else if (def.operands.length > 0) w |= packRd(f.rd) | packRs1(f.rs1) | packI(f.imm);
      break;
    case "S":
      w |= packRs2(f.rs2) | packRs1(f.rs1) | packS(f.imm);
      break;
    case "B":
      w |= packRs1(f.rs1) | packRs2(f.rs2) | packB(f.imm);
      break;
    case "U":
      w |= packRd(f.rd) | packU(f.imm);
      break;
    case "J":
      w |= packRd(f.rd) | packJ(f.imm);
      break;
  }
  return w >>> 0;
}

/** Inclusive value range of an immediate operand, for checks and for error messages. */
export interface Range {
  min: number;
  max: number;
  /** Offsets must be a multiple of this. */
  step: number;
}

const RANGES: Partial<Record<OperandKind, Range>> = {
  imm12: { min: -2048, max: 2047, step: 1 },
  mem: { min: -2048, max: 2047, step: 1 },
  shamt: { min: 0, max: 31, step: 1 },
  uimm5: { min: 0, max: 31, step: 1 },
  uimm20: { min: 0, max: 0xfffff, step: 1 },
  csr: { min: 0, max: 0xfff, step: 1 },
  branch: { min: -4096, max: 4094, step: 2 },
  jump: { min: -(1 << 20), max: (1 << 20) - 2, step: 2 },
};

/** Range of an immediate-like operand kind, or undefined for registers and fence sets. */
export function operandRange(kind: OperandKind): Range | undefined {
  return RANGES[kind];
}
