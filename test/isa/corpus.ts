// An assembly corpus for the GNU oracle: every table row with operands at the corners that pick
// GNU's aliases (x0 and ra in each register slot, immediates 0, 1, -1, 255 and both range ends,
// every fence set, every AMO ordering), written in GNU's syntax with the word vmos expects for it.

import { emptyFields, encode, type Fields } from "../../src/isa/encode.js";
import { INSTRUCTIONS, type InstructionDef, type OperandKind } from "../../src/isa/instructions.js";
import { ABI_NAMES } from "../../src/isa/registers.js";

export interface CorpusLine {
  /** One line for GNU as. */
  source: string;
  /** The word vmos's encoder gives for it (GNU as must agree). */
  word: number;
  def: InstructionDef;
}

const REGS = [0, 1, 10, 31]; // zero, ra, a0, t6
// `amo` has no value of its own: its base register is varied through rs1.
type ValuedKind = Exclude<OperandKind, "amo">;
const VALUES: Record<ValuedKind, readonly number[]> = {
  rd: REGS, rs1: REGS, rs2: REGS,
  imm12: [-2048, -1, 0, 1, 5, 255, 2047],
  mem: [-2048, -8, 0, 8, 2047],
  shamt: [0, 1, 31],
  uimm5: [0, 5, 31],
  uimm20: [0, 1, 0x12345, 0x80000, 0xfffff],
  branch: [-4096, -2, 0, 2, 4094],
  jump: [-(1 << 20), -4, 0, 4, (1 << 20) - 2],
  // the Zicntr counters GNU names rdcycle..., a machine CSR, an F CSR, a 1.11-only name, unnamed ones
  csr: [0xc00, 0xc01, 0xc02, 0xc80, 0xc81, 0xc82, 0x300, 0x003, 0x000, 0x7ff, 0xfff],
  // GNU as has no spelling for an empty fence set; those are covered as raw words below.
  pred: [...Array(15).keys()].map((k) => k + 1),
  succ: [...Array(15).keys()].map((k) => k + 1),
};

/** Which Fields member an operand kind's value goes into (mem also uses rs1). */
function assign(kind: ValuedKind, value: number, f: Fields): void {
  switch (kind) {
    case "rd": case "rs1": case "rs2": case "csr": case "pred": case "succ": f[kind] = value; break;
    default: f.imm = value;
  }
}

const fenceSet = (s: number): string =>
  (s & 8 ? "i" : "") + (s & 4 ? "o" : "") + (s & 2 ? "r" : "") + (s & 1 ? "w" : "");

/** An operand as GNU as reads it (no aliases, numbers for CSRs, `.+n` for pc-relative targets). */
function sourceText(kind: OperandKind, f: Fields, memRegister: number): string {
  switch (kind) {
    case "rd": case "rs1": case "rs2": return ABI_NAMES[f[kind]]!;
    case "mem": return `${f.imm}(${ABI_NAMES[memRegister]!})`;
    case "amo": return `(${ABI_NAMES[f.rs1]!})`;
    case "branch": case "jump": return f.imm < 0 ? `.${f.imm}` : `.+${f.imm}`;
    case "uimm20": return `0x${f.imm.toString(16)}`;
    case "csr": return String(f.csr);
    case "pred": return fenceSet(f.pred);
    case "succ": return fenceSet(f.succ);
    default: return String(f.imm); // imm12, shamt, uimm5
  }
}

/** Every combination of corner values for the row's operands (and AMO orderings). */
function* rowLines(def: InstructionDef): Generator<CorpusLine> {
  // mem and amo carry a base register besides the offset: vary it through rs1.
  const kinds = def.operands.flatMap((k): ValuedKind[] => (k === "mem" ? ["rs1", "mem"] : k === "amo" ? ["rs1"] : [k]));
  const orderings = def.ordering ? [[false, false], [true, false], [false, true], [true, true]] : [[false, false]];
  const f = emptyFields();
  function* product(i: number): Generator<CorpusLine> {
    if (i === kinds.length) {
      for (const [aq, rl] of orderings) {
        f.aq = aq!; f.rl = rl!;
        const suffix = aq || rl ? `.${aq ? "aq" : ""}${rl ? "rl" : ""}` : "";
        const operands = def.operands.map((k) => sourceText(k, f, f.rs1)).join(",");
        yield { source: `${def.mnemonic}${suffix} ${operands}`.trimEnd(), word: encode(def, f), def };
      }
      return;
    }
    for (const value of VALUES[kinds[i]!]) {
      assign(kinds[i]!, value, f);
      yield* product(i + 1);
    }
  }
  yield* product(0);
}

/** The whole corpus: every row's corner cases. */
export function corpus(): CorpusLine[] {
  return INSTRUCTIONS.flatMap((def) => [...rowLines(def)]);
}

/**
 * FENCE words GNU as cannot spell from a mnemonic but objdump must still print: empty sets, and the
 * reserved rd / rs1 / fm fields set (plus FENCE.TSO, the one reserved-fm word with a name).
 */
export const FENCE_WORDS: readonly number[] = [
  0x0000_000f, 0x0010_000f, 0x0100_000f, 0x00f0_000f, 0x0f00_000f, // empty pred and/or succ
  0x0ff0_008f, 0x0ff5_000f, 0x1ff0_000f, 0x8330_000f, 0x8ff0_000f, 0x8330_008f, 0xf330_000f,
];
