// Operand extraction: a word and its table row -> the operand values, the inverse of `encode`.
// Which fields a row has comes from its format and operand kinds, exactly as in encode.ts, so that
// encode(def, fieldsOf(def, w)) === w for every word the row encodes canonically.

import { emptyFields, encode, type Fields } from "./encode.js";
import { immB, immI, immJ, immS, immU, rdOf, rs1Of, rs2Of } from "./formats.js";
import type { InstructionDef } from "./instructions.js";

// FENCE's I immediate: fm(31:28) | pred(27:24) | succ(23:20).
const fencePredOf = (w: number): number => (w >>> 24) & 0b1111;
const fenceSuccOf = (w: number): number => (w >>> 20) & 0b1111;
// A/AMO ordering bits, which sit in funct7 next to the funct5 that names the operation.
const aqOf = (w: number): boolean => ((w >>> 26) & 1) === 1;
const rlOf = (w: number): boolean => ((w >>> 25) & 1) === 1;

/**
 * The operand values of `word`, which must be an instance of `def` (decode(word) === def).
 * Writes into `out` and returns it, so the CPU can reuse one Fields per hart instead of allocating
 * per instruction; fields the instruction does not use are set to 0/false.
 * `imm` holds what `encode` expects: the sign-extended imm12 / S offset, the shift amount, the CSR
 * immediate (uimm5), the 20-bit U value as written (`lui a0,0x12345` -> 0x12345), or the signed
 * byte offset of a branch or jump. `csr` is the 12-bit CSR number, unsigned.
 */
export function fieldsOf(def: InstructionDef, word: number, out: Fields = emptyFields()): Fields {
  const ops = def.operands;
  out.rd = 0; out.rs1 = 0; out.rs2 = 0; out.imm = 0; out.csr = 0;
  out.pred = 0; out.succ = 0; out.aq = false; out.rl = false;
  switch (def.format) {
    case "R":
      out.rd = rdOf(word); out.rs1 = rs1Of(word); out.rs2 = rs2Of(word);
      if (def.ordering) { out.aq = aqOf(word); out.rl = rlOf(word); }
      break;
    case "I":
      if (ops.includes("shamt")) {
        out.rd = rdOf(word); out.rs1 = rs1Of(word); out.imm = rs2Of(word); // shamt sits where rs2 would
      } else if (ops.includes("csr")) {
        out.rd = rdOf(word); out.csr = immI(word) & 0xfff;
        if (ops.includes("uimm5")) out.imm = rs1Of(word); // zimm sits where rs1 would
        else out.rs1 = rs1Of(word);
      } else if (ops.includes("pred")) {
        out.pred = fencePredOf(word); out.succ = fenceSuccOf(word);
      } else if (ops.length > 0) {
        out.rd = rdOf(word); out.rs1 = rs1Of(word); out.imm = immI(word);
      }
      break;
    case "S":
      out.rs1 = rs1Of(word); out.rs2 = rs2Of(word); out.imm = immS(word);
      break;
    case "B":
      out.rs1 = rs1Of(word); out.rs2 = rs2Of(word); out.imm = immB(word);
      break;
    case "U":
      out.rd = rdOf(word); out.imm = immU(word) >>> 12;
      break;
    case "J":
      out.rd = rdOf(word); out.imm = immJ(word);
      break;
  }
  return out;
}

/**
 * True if `word` (an instance of `def`) is exactly what encoding its own operands gives back, i.e.
 * none of the bits the row neither fixes nor reads as an operand is set. Only FENCE has such bits
 * (rd, rs1 and fm, which the ISA says a base implementation must ignore); a non-canonical word
 * executes like its canonical twin but has no assembly spelling of its own.
 */
export function isCanonical(def: InstructionDef, word: number, scratch: Fields = emptyFields()): boolean {
  return encode(def, fieldsOf(def, word, scratch)) === word >>> 0;
}
