// The instruction table is self-consistent: rows do not overlap, decode finds each row, and
// encode / fieldsOf are inverses over every word a row accepts.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decode } from "../../src/isa/decode.js";
import { emptyFields, encode, type Fields } from "../../src/isa/encode.js";
import { fieldsOf, isCanonical } from "../../src/isa/fields.js";
import { INSTRUCTIONS, Op, type InstructionDef } from "../../src/isa/instructions.js";
import { decodableWord, rowAndFields } from "./arbitraries.js";

const hex = (w: number): string => `0x${(w >>> 0).toString(16).padStart(8, "0")}`;

/** The Fields members an instruction's operands use, from its operand kinds. */
function usedFields(def: InstructionDef): Set<keyof Fields> {
  const used = new Set<keyof Fields>();
  for (const kind of def.operands) {
    switch (kind) {
      case "rd": case "rs1": case "rs2": case "csr": case "pred": case "succ": used.add(kind); break;
      case "mem": used.add("rs1").add("imm"); break;
      case "amo": used.add("rs1"); break;
      default: used.add("imm"); // imm12, shamt, uimm5, uimm20, branch, jump
    }
  }
  if (def.ordering) used.add("aq").add("rl");
  return used;
}

/** Bits of a row that are neither fixed by its mask nor read as an operand. */
function dontCareBits(def: InstructionDef): number {
  let bits = 0;
  for (let b = 0; b < 32; b++) {
    const w = (def.match ^ (1 << b)) >>> 0;
    if (decode(w) === def && encode(def, fieldsOf(def, w)) === def.match) bits |= 1 << b;
  }
  return bits >>> 0;
}

describe("instruction table", () => {
  it("has no match bits outside a row's mask", () => {
    for (const def of INSTRUCTIONS) expect(hex(def.match & ~def.mask), def.mnemonic).toBe(hex(0));
  });

  it("has no two rows that can match the same word", () => {
    // Two rows share a word iff they agree on every bit both of them fix.
    const overlaps: string[] = [];
    INSTRUCTIONS.forEach((a, i) => {
      for (const b of INSTRUCTIONS.slice(i + 1)) {
        if (((a.match ^ b.match) & a.mask & b.mask) === 0) overlaps.push(`${a.mnemonic}/${b.mnemonic}`);
      }
    });
    expect(overlaps).toEqual([]);
  });

  it("decodes every row's match word to that row", () => {
    for (const def of INSTRUCTIONS) expect(decode(def.match)?.mnemonic, hex(def.match)).toBe(def.mnemonic);
  });

  it("is indexed by Op", () => {
    INSTRUCTIONS.forEach((def, op) => expect(def.op).toBe(op));
    expect(INSTRUCTIONS.length).toBe(Op.COUNT);
  });

  it("leaves bits unaccounted for only in FENCE (rd, rs1, fm), which the ISA says to ignore", () => {
    const loose = INSTRUCTIONS.filter((d) => dontCareBits(d) !== 0).map((d) => [d.mnemonic, hex(dontCareBits(d))]);
    expect(loose).toEqual([["fence", hex(0xf00f_8f80)]]);
  });
});

describe("encode and fieldsOf", () => {
  it("fieldsOf recovers every operand encode was given, and nothing else", () => {
    fc.assert(
      fc.property(rowAndFields, ({ def, fields }) => {
        const word = encode(def, fields);
        expect(decode(word)).toBe(def);
        const got = fieldsOf(def, word);
        const used = usedFields(def);
        const empty = emptyFields();
        for (const key of Object.keys(empty) as (keyof Fields)[]) {
          const want = used.has(key) ? (key === "csr" ? fields.csr & 0xfff : fields[key]) : empty[key];
          expect(got[key], `${def.mnemonic} ${key} of ${hex(word)}`).toBe(want);
        }
        expect(hex(encode(def, got))).toBe(hex(word));
      }),
      { numRuns: 5000 },
    );
  });

  it("re-encoding a random decodable word gives it back, up to FENCE's ignored bits", () => {
    fc.assert(
      fc.property(decodableWord, (word) => {
        const def = decode(word)!;
        const again = encode(def, fieldsOf(def, word));
        expect(decode(again)).toBe(def);
        expect(hex(again)).toBe(hex(word & ~dontCareBits(def)));
        expect(isCanonical(def, word)).toBe(again === word);
      }),
      { numRuns: 20000 },
    );
  });

  it("fieldsOf reuses the Fields it is given and clears what the row does not use", () => {
    const out = { ...emptyFields(), rd: 9, rs2: 7, imm: 123, aq: true };
    const lw = INSTRUCTIONS[Op.LW]!;
    const word = encode(lw, { ...emptyFields(), rd: 10, rs1: 2, imm: -8 });
    expect(fieldsOf(lw, word, out)).toBe(out);
    expect(out).toEqual({ ...emptyFields(), rd: 10, rs1: 2, imm: -8 });
  });
});
