// fast-check generators for instruction words, built from the table so that a new row is covered
// without touching the tests.

import fc from "fast-check";
import { decode } from "../../src/isa/decode.js";
import { encode, operandRange, type Fields } from "../../src/isa/encode.js";
import { INSTRUCTIONS, type InstructionDef, type OperandKind } from "../../src/isa/instructions.js";

const reg = fc.integer({ min: 0, max: 31 });

/** The one immediate-like operand of a row that `Fields.imm` carries, if it has one. */
export function immKind(def: InstructionDef): OperandKind | undefined {
  return def.operands.find((k) => k !== "csr" && operandRange(k) !== undefined);
}

/** Operand values in range for `def`; fields the row does not use get random junk too. */
export function fieldsFor(def: InstructionDef): fc.Arbitrary<Fields> {
  const kind = immKind(def);
  const range = kind === undefined ? { min: -(2 ** 31), max: 2 ** 31 - 1, step: 1 } : operandRange(kind)!;
  const imm = fc
    .integer({ min: Math.ceil(range.min / range.step), max: Math.floor(range.max / range.step) })
    .map((x) => x * range.step);
  return fc.record({
    rd: reg, rs1: reg, rs2: reg, imm,
    csr: fc.integer({ min: 0, max: 0xfff }),
    pred: fc.integer({ min: 0, max: 15 }), succ: fc.integer({ min: 0, max: 15 }),
    aq: fc.boolean(), rl: fc.boolean(),
  });
}

/** A table row and operand values for it. */
export const rowAndFields: fc.Arbitrary<{ def: InstructionDef; fields: Fields }> = fc
  .constantFrom(...INSTRUCTIONS)
  .chain((def) => fieldsFor(def).map((fields) => ({ def, fields })));

/** A word the encoder produces for a random row and random in-range operands. */
export const encodedWord: fc.Arbitrary<number> = rowAndFields.map(({ def, fields }) => encode(def, fields));

const MAJOR_OPCODES = [...new Set(INSTRUCTIONS.map((d) => d.match & 0x7f))];

/** A random 32-bit word with a major opcode the table uses, that decode() accepts. */
export const decodableWord: fc.Arbitrary<number> = fc
  .tuple(fc.constantFrom(...MAJOR_OPCODES), fc.integer({ min: 0, max: 0xffff_ffff }))
  .map(([opcode, bits]) => ((bits & ~0x7f) | opcode) >>> 0)
  .filter((w) => decode(w) !== undefined);

/**
 * Words near the table's rows: a row's match with random operand bits, then with probability 1/2
 * one bit of the fixed part flipped. These probe the edges of every mask, where vmos and GNU might
 * disagree about what is an instruction. Always a 32-bit-length encoding (low bits 11, not 111xx).
 */
export const nearWord: fc.Arbitrary<number> = fc
  .tuple(fc.constantFrom(...INSTRUCTIONS), fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: -32, max: 31 }))
  .map(([def, bits, flip]) => {
    let w = (def.match | (bits & ~def.mask)) >>> 0;
    if (flip >= 0 && ((def.mask >>> flip) & 1) === 1) w = (w ^ (1 << flip)) >>> 0;
    return w;
  })
  .filter((w) => (w & 0b11) === 0b11 && (w & 0b11100) !== 0b11100);
