// Instruction decoder: a 32-bit word -> its table row, by the rows' match/mask (the way GNU's
// riscv-opc.c identifies instructions). Rows are bucketed by major opcode so a lookup scans a few.

import { INSTRUCTIONS, type InstructionDef } from "./instructions.js";

const BY_OPCODE: InstructionDef[][] = Array.from({ length: 128 }, () => []);
for (const def of INSTRUCTIONS) BY_OPCODE[def.match & 0x7f]!.push(def);
// Most specific masks first, so an exact word (ecall) wins over a looser row of the same opcode.
for (const bucket of BY_OPCODE) bucket.sort((a, b) => popcount(b.mask) - popcount(a.mask));

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v >>>= 1) n += v & 1;
  return n;
}

/** The row whose fixed bits `word` carries, or undefined for an illegal or unsupported word. */
export function decode(word: number): InstructionDef | undefined {
  const bucket = BY_OPCODE[word & 0x7f]!;
  for (let i = 0; i < bucket.length; i++) {
    const def = bucket[i]!;
    if (((word & def.mask) >>> 0) === def.match) return def;
  }
  return undefined;
}
