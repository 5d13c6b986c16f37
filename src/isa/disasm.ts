// Disassembler: one 32-bit word -> the text GNU objdump 2.40 prints for it (`objdump -d`, aliases on).
// The instruction comes from the table (decode), its operands from the row's operand kinds (fieldsOf);
// this file adds only what GNU layers on top: its alias list, chosen per row by operand values, and
// the way it spells each operand kind. Every rule below was read off GNU's output, not its manual;
// test/isa/disasm.oracle.test.ts compares against objdump for every row and thousands of random words.

import { gnuCsrName, type PrivSpec } from "./csr-names.js";
import { decode } from "./decode.js";
import { emptyFields, type Fields } from "./encode.js";
import { fieldsOf, isCanonical } from "./fields.js";
import { CSR_NAMES, Op, type InstructionDef, type OperandKind } from "./instructions.js";
import { ABI_NAMES, Reg } from "./registers.js";

export interface Disassembly {
  mnemonic: string;
  operands: string;
  /** branch/jump/pc-relative target address, if any */
  target?: number;
}

export interface DisasmOptions {
  /**
   * Privileged-spec version whose CSR names to print. GNU takes it from the ELF's
   * Tag_RISCV_priv_spec: "1.11" is what GNU as 2.40 records by default, "1.12" is what objdump
   * assumes for an ELF without the attribute. Default "1.11".
   */
  privSpec?: PrivSpec;
}

/** Operand values an alias requires, e.g. `li` is `addi` with rs1 = zero. */
type Condition = Partial<Pick<Fields, "rd" | "rs1" | "rs2" | "imm" | "csr" | "pred" | "succ">>;

interface Alias {
  readonly mnemonic: string;
  readonly operands: readonly OperandKind[];
  readonly when: Condition;
}

// GNU's aliases per row, in GNU's priority order: the first whose condition holds is printed,
// otherwise the row itself. (GNU 2.40 prints the register-form mnemonic for immediate ALU
// operations, `add a0,a1,5` and `sll a0,a0,0x3`, because those assembler aliases come first in its
// table; -M no-aliases would print `addi`.)
const ALIASES: Alias[][] = Array.from({ length: Op.COUNT }, () => []);

function alias(op: Op, mnemonic: string, operands: string, when: Condition = {}): void {
  ALIASES[op]!.push({ mnemonic, operands: operands === "" ? [] : (operands.split(",") as OperandKind[]), when });
}

alias(Op.JAL, "j", "jump", { rd: Reg.Zero });
alias(Op.JAL, "jal", "jump", { rd: Reg.Ra });
alias(Op.JALR, "ret", "", { rd: Reg.Zero, rs1: Reg.Ra, imm: 0 });
alias(Op.JALR, "jr", "rs1", { rd: Reg.Zero, imm: 0 });
alias(Op.JALR, "jr", "mem", { rd: Reg.Zero });
alias(Op.JALR, "jalr", "rs1", { rd: Reg.Ra, imm: 0 });
alias(Op.JALR, "jalr", "mem", { rd: Reg.Ra });
alias(Op.JALR, "jalr", "rd,rs1", { imm: 0 });

alias(Op.BEQ, "beqz", "rs1,branch", { rs2: Reg.Zero });
alias(Op.BNE, "bnez", "rs1,branch", { rs2: Reg.Zero });
alias(Op.BLT, "bltz", "rs1,branch", { rs2: Reg.Zero });
alias(Op.BLT, "bgtz", "rs2,branch", { rs1: Reg.Zero });
alias(Op.BGE, "blez", "rs2,branch", { rs1: Reg.Zero });
alias(Op.BGE, "bgez", "rs1,branch", { rs2: Reg.Zero });

alias(Op.ADDI, "nop", "", { rd: Reg.Zero, rs1: Reg.Zero, imm: 0 });
alias(Op.ADDI, "li", "rd,imm12", { rs1: Reg.Zero });
alias(Op.ADDI, "mv", "rd,rs1", { imm: 0 });
alias(Op.ADDI, "add", "rd,rs1,imm12");
alias(Op.SLTIU, "seqz", "rd,rs1", { imm: 1 });
alias(Op.XORI, "not", "rd,rs1", { imm: -1 });
alias(Op.XORI, "xor", "rd,rs1,imm12");
alias(Op.ORI, "or", "rd,rs1,imm12");
alias(Op.ANDI, "zext.b", "rd,rs1", { imm: 0xff });
alias(Op.ANDI, "and", "rd,rs1,imm12");
alias(Op.SLLI, "sll", "rd,rs1,shamt");
alias(Op.SRLI, "srl", "rd,rs1,shamt");
alias(Op.SRAI, "sra", "rd,rs1,shamt");

alias(Op.SUB, "neg", "rd,rs2", { rs1: Reg.Zero });
alias(Op.SLT, "sltz", "rd,rs1", { rs2: Reg.Zero });
alias(Op.SLT, "sgtz", "rd,rs2", { rs1: Reg.Zero });
alias(Op.SLTU, "snez", "rd,rs2", { rs1: Reg.Zero });

const ALL_SETS = 0b1111; // i, o, r, w
alias(Op.FENCE, "fence", "", { pred: ALL_SETS, succ: ALL_SETS });

// `unimp` is GNU's canonical illegal instruction: a write of zero to the read-only cycle CSR.
alias(Op.CSRRW, "unimp", "", { rd: Reg.Zero, rs1: Reg.Zero, csr: CSR_NAMES.get("cycle")! });
alias(Op.CSRRW, "csrw", "csr,rs1", { rd: Reg.Zero });
// Zicntr reads: rdcycle, rdtime, rdinstret and their rv32 high halves.
for (const [name, csr] of CSR_NAMES) alias(Op.CSRRS, `rd${name}`, "rd", { rs1: Reg.Zero, csr });
alias(Op.CSRRS, "csrr", "rd,csr", { rs1: Reg.Zero });
alias(Op.CSRRS, "csrs", "csr,rs1", { rd: Reg.Zero });
alias(Op.CSRRC, "csrc", "csr,rs1", { rd: Reg.Zero });
// The immediate forms print under the register forms' names (GNU's csrw/csrrw accept an immediate).
alias(Op.CSRRWI, "csrw", "csr,uimm5", { rd: Reg.Zero });
alias(Op.CSRRWI, "csrrw", "rd,csr,uimm5");
alias(Op.CSRRSI, "csrs", "csr,uimm5", { rd: Reg.Zero });
alias(Op.CSRRSI, "csrrs", "rd,csr,uimm5");
alias(Op.CSRRCI, "csrc", "csr,uimm5", { rd: Reg.Zero });
alias(Op.CSRRCI, "csrrc", "rd,csr,uimm5");

// Words that decode to a row but carry bits the row has no operand for (FENCE's rd, rs1, fm; see
// isCanonical) have no assembly spelling, so GNU prints them as data, with one exception: FENCE.TSO
// is fm=1000 with pred=succ=rw (Unprivileged ISA, 2.7 "Memory Ordering Instructions").
const NAMED_WORDS: ReadonlyMap<number, string> = new Map([[0x8330_000f, "fence.tso"]]);

const scratch = emptyFields();

/**
 * Disassemble one word at address pc the way `riscv64-unknown-elf-objdump -d` (binutils 2.40, default
 * options, an rv32ima_zicsr ELF) prints it, aliases included: `mnemonic` and `operands` are the two
 * tab-separated columns of its output. Branch and jump targets are printed as bare hex (`beqz
 * a0,1008c`) and also returned in `target`, so a caller can append ` <symbol>`; objdump's trailing
 * `# address` comments for pc-relative pairs are the caller's business. A word the table does not
 * decode, or decodes but cannot spell (a FENCE with reserved fields set), prints as `.4byte 0x...`,
 * as GNU does for a 32-bit-length word it cannot name. Never throws.
 */
export function disassemble(word: number, pc: number, options: DisasmOptions = {}): Disassembly {
  word >>>= 0;
  const def = decode(word);
  if (def === undefined || !isCanonical(def, word, scratch)) {
    const named = NAMED_WORDS.get(word);
    if (named !== undefined) return { mnemonic: named, operands: "" };
    return { mnemonic: ".4byte", operands: `0x${word.toString(16)}` };
  }
  const f = fieldsOf(def, word, scratch);
  const chosen = ALIASES[def.op]!.find((a) => holds(a.when, f));
  const mnemonic = (chosen?.mnemonic ?? def.mnemonic) + orderingSuffix(def, f);
  const kinds = chosen?.operands ?? def.operands;
  const spec = options.privSpec ?? "1.11";
  const result: Disassembly = { mnemonic, operands: kinds.map((k) => operandText(k, f, pc, spec)).join(",") };
  if (kinds.includes("branch") || kinds.includes("jump")) result.target = (pc + f.imm) >>> 0;
  return result;
}

function holds(when: Condition, f: Fields): boolean {
  for (const key in when) {
    const k = key as keyof Condition;
    if (f[k] !== when[k]) return false;
  }
  return true;
}

/** `.aq`, `.rl`, `.aqrl` for AMOs, which GNU spells as part of the mnemonic. */
function orderingSuffix(def: InstructionDef, f: Fields): string {
  if (!def.ordering || !(f.aq || f.rl)) return "";
  return `.${f.aq ? "aq" : ""}${f.rl ? "rl" : ""}`;
}

/** One operand, spelled the way GNU's riscv-dis.c spells that operand kind. */
function operandText(kind: OperandKind, f: Fields, pc: number, spec: PrivSpec): string {
  switch (kind) {
    case "rd": return ABI_NAMES[f.rd]!;
    case "rs1": return ABI_NAMES[f.rs1]!;
    case "rs2": return ABI_NAMES[f.rs2]!;
    case "imm12": return String(f.imm);
    case "uimm5": return String(f.imm);
    case "shamt": return hex(f.imm);
    case "uimm20": return hex(f.imm);
    case "mem": return `${f.imm}(${ABI_NAMES[f.rs1]!})`;
    case "amo": return `(${ABI_NAMES[f.rs1]!})`;
    case "branch":
    case "jump": return ((pc + f.imm) >>> 0).toString(16);
    case "csr": return gnuCsrName(f.csr, spec) ?? hex(f.csr);
    case "pred": return fenceSet(f.pred);
    case "succ": return fenceSet(f.succ);
  }
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

/** A FENCE predecessor/successor set as letters from `iorw`; GNU prints the empty set as "unknown". */
function fenceSet(set: number): string {
  const text = (set & 8 ? "i" : "") + (set & 4 ? "o" : "") + (set & 2 ? "r" : "") + (set & 1 ? "w" : "");
  return text === "" ? "unknown" : text;
}
