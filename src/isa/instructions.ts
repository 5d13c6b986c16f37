// THE instruction table: every RV32IMA + Zicsr instruction vmos knows, defined once.
// The encoder (assembler), the decoder (CPU, disassembler) and the disassembler's printing all derive
// from these rows; no other file spells an opcode, funct3 or funct7.
// Source: RISC-V Unprivileged ISA 20191213, chapter 24 "RV32/64G Instruction Set Listings".

import type { Format } from "./formats.js";

/**
 * What an operand looks like in assembly and where it goes in the word.
 * rd/rs1/rs2: registers. imm12: signed 12-bit I immediate. shamt: 0..31. mem: `imm12(rs1)` (I or S
 * immediate by format). amo: `(rs1)`. branch/jump: a pc-relative target. uimm20: U immediate.
 * csr: 12-bit CSR number or name. uimm5: CSR immediate in the rs1 field. pred/succ: fence sets.
 */
export type OperandKind =
  | "rd" | "rs1" | "rs2" | "imm12" | "shamt" | "mem" | "amo"
  | "branch" | "jump" | "uimm20" | "csr" | "uimm5" | "pred" | "succ";

export type Extension = "I" | "M" | "A" | "Zicsr";

/** Instruction identities. The CPU switches on these; `INSTRUCTIONS[op]` is the row. */
export const enum Op {
  LUI, AUIPC, JAL, JALR,
  BEQ, BNE, BLT, BGE, BLTU, BGEU,
  LB, LH, LW, LBU, LHU, SB, SH, SW,
  ADDI, SLTI, SLTIU, XORI, ORI, ANDI, SLLI, SRLI, SRAI,
  ADD, SUB, SLL, SLT, SLTU, XOR, SRL, SRA, OR, AND,
  FENCE, ECALL, EBREAK,
  MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU,
  LR_W, SC_W, AMOSWAP_W, AMOADD_W, AMOXOR_W, AMOAND_W, AMOOR_W,
  AMOMIN_W, AMOMAX_W, AMOMINU_W, AMOMAXU_W,
  CSRRW, CSRRS, CSRRC, CSRRWI, CSRRSI, CSRRCI,
  COUNT,
}

export interface InstructionDef {
  readonly op: Op;
  readonly mnemonic: string;
  readonly format: Format;
  readonly ext: Extension;
  readonly operands: readonly OperandKind[];
  /** Bits that identify the instruction, and which bits of a word must equal them. */
  readonly match: number;
  readonly mask: number;
  /** AMOs take `.aq`, `.rl`, `.aqrl` suffixes (bits 26 and 25, outside `mask`). */
  readonly ordering: boolean;
}

// Masks of the fixed fields, by how much of the word identifies the instruction.
const MASK_OPCODE = 0x0000007f;
const MASK_F3 = 0x0000707f;
const MASK_F7 = 0xfe00707f;
const MASK_F5 = 0xf800707f; // AMO: funct5 + funct3 + opcode; aq/rl are operands
const MASK_F5_RS2 = 0xf9f0707f; // LR: rs2 must be zero too
const MASK_ALL = 0xffffffff;

interface Encoding {
  format: Format;
  match: number;
  mask: number;
}

const u = (opcode: number): Encoding => ({ format: "U", match: opcode, mask: MASK_OPCODE });
const j = (opcode: number): Encoding => ({ format: "J", match: opcode, mask: MASK_OPCODE });
const i = (opcode: number, f3: number): Encoding => ({ format: "I", match: opcode | (f3 << 12), mask: MASK_F3 });
const s = (opcode: number, f3: number): Encoding => ({ format: "S", match: opcode | (f3 << 12), mask: MASK_F3 });
const b = (f3: number): Encoding => ({ format: "B", match: 0b110_0011 | (f3 << 12), mask: MASK_F3 });
const r = (opcode: number, f3: number, f7: number): Encoding =>
  ({ format: "R", match: (opcode | (f3 << 12) | (f7 << 25)) >>> 0, mask: MASK_F7 });
/** Shift by immediate: I-type whose top seven bits are a funct7. */
const sh = (f3: number, f7: number): Encoding =>
  ({ format: "I", match: 0b001_0011 | (f3 << 12) | (f7 << 25), mask: MASK_F7 });
const amo = (f5: number, mask = MASK_F5): Encoding =>
  ({ format: "R", match: (0b010_1111 | (0b010 << 12) | (f5 << 27)) >>> 0, mask });
const exact = (word: number): Encoding => ({ format: "I", match: word, mask: MASK_ALL });

const OP_LOAD = 0b000_0011, OP_STORE = 0b010_0011, OP_IMM = 0b001_0011, OP_REG = 0b011_0011;
const OP_SYSTEM = 0b111_0011, OP_MISC_MEM = 0b000_1111;

const TABLE: InstructionDef[] = [];

function def(op: Op, mnemonic: string, ext: Extension, enc: Encoding, operands: string): void {
  if (TABLE[op] !== undefined) throw new Error(`instruction table: ${mnemonic} reuses op ${op}`);
  TABLE[op] = {
    op, mnemonic, ext, format: enc.format, match: enc.match >>> 0, mask: enc.mask >>> 0,
    operands: operands === "" ? [] : (operands.split(",") as OperandKind[]),
    ordering: ext === "A",
  };
}

def(Op.LUI, "lui", "I", u(0b011_0111), "rd,uimm20");
def(Op.AUIPC, "auipc", "I", u(0b001_0111), "rd,uimm20");
def(Op.JAL, "jal", "I", j(0b110_1111), "rd,jump");
def(Op.JALR, "jalr", "I", i(0b110_0111, 0), "rd,mem");

def(Op.BEQ, "beq", "I", b(0b000), "rs1,rs2,branch");
def(Op.BNE, "bne", "I", b(0b001), "rs1,rs2,branch");
def(Op.BLT, "blt", "I", b(0b100), "rs1,rs2,branch");
def(Op.BGE, "bge", "I", b(0b101), "rs1,rs2,branch");
def(Op.BLTU, "bltu", "I", b(0b110), "rs1,rs2,branch");
def(Op.BGEU, "bgeu", "I", b(0b111), "rs1,rs2,branch");

def(Op.LB, "lb", "I", i(OP_LOAD, 0b000), "rd,mem");
def(Op.LH, "lh", "I", i(OP_LOAD, 0b001), "rd,mem");
def(Op.LW, "lw", "I", i(OP_LOAD, 0b010), "rd,mem");
def(Op.LBU, "lbu", "I", i(OP_LOAD, 0b100), "rd,mem");
def(Op.LHU, "lhu", "I", i(OP_LOAD, 0b101), "rd,mem");
def(Op.SB, "sb", "I", s(OP_STORE, 0b000), "rs2,mem");
def(Op.SH, "sh", "I", s(OP_STORE, 0b001), "rs2,mem");
def(Op.SW, "sw", "I", s(OP_STORE, 0b010), "rs2,mem");

def(Op.ADDI, "addi", "I", i(OP_IMM, 0b000), "rd,rs1,imm12");
def(Op.SLTI, "slti", "I", i(OP_IMM, 0b010), "rd,rs1,imm12");
def(Op.SLTIU, "sltiu", "I", i(OP_IMM, 0b011), "rd,rs1,imm12");
def(Op.XORI, "xori", "I", i(OP_IMM, 0b100), "rd,rs1,imm12");
def(Op.ORI, "ori", "I", i(OP_IMM, 0b110), "rd,rs1,imm12");
def(Op.ANDI, "andi", "I", i(OP_IMM, 0b111), "rd,rs1,imm12");
def(Op.SLLI, "slli", "I", sh(0b001, 0b000_0000), "rd,rs1,shamt");
def(Op.SRLI, "srli", "I", sh(0b101, 0b000_0000), "rd,rs1,shamt");
def(Op.SRAI, "srai", "I", sh(0b101, 0b010_0000), "rd,rs1,shamt");

def(Op.ADD, "add", "I", r(OP_REG, 0b000, 0b000_0000), "rd,rs1,rs2");
def(Op.SUB, "sub", "I", r(OP_REG, 0b000, 0b010_0000), "rd,rs1,rs2");
def(Op.SLL, "sll", "I", r(OP_REG, 0b001, 0b000_0000), "rd,rs1,rs2");
def(Op.SLT, "slt", "I", r(OP_REG, 0b010, 0b000_0000), "rd,rs1,rs2");
def(Op.SLTU, "sltu", "I", r(OP_REG, 0b011, 0b000_0000), "rd,rs1,rs2");
def(Op.XOR, "xor", "I", r(OP_REG, 0b100, 0b000_0000), "rd,rs1,rs2");
def(Op.SRL, "srl", "I", r(OP_REG, 0b101, 0b000_0000), "rd,rs1,rs2");
def(Op.SRA, "sra", "I", r(OP_REG, 0b101, 0b010_0000), "rd,rs1,rs2");
def(Op.OR, "or", "I", r(OP_REG, 0b110, 0b000_0000), "rd,rs1,rs2");
def(Op.AND, "and", "I", r(OP_REG, 0b111, 0b000_0000), "rd,rs1,rs2");

def(Op.FENCE, "fence", "I", i(OP_MISC_MEM, 0b000), "pred,succ");
def(Op.ECALL, "ecall", "I", exact(0x0000_0073), "");
def(Op.EBREAK, "ebreak", "I", exact(0x0010_0073), "");

def(Op.MUL, "mul", "M", r(OP_REG, 0b000, 0b000_0001), "rd,rs1,rs2");
def(Op.MULH, "mulh", "M", r(OP_REG, 0b001, 0b000_0001), "rd,rs1,rs2");
def(Op.MULHSU, "mulhsu", "M", r(OP_REG, 0b010, 0b000_0001), "rd,rs1,rs2");
def(Op.MULHU, "mulhu", "M", r(OP_REG, 0b011, 0b000_0001), "rd,rs1,rs2");
def(Op.DIV, "div", "M", r(OP_REG, 0b100, 0b000_0001), "rd,rs1,rs2");
def(Op.DIVU, "divu", "M", r(OP_REG, 0b101, 0b000_0001), "rd,rs1,rs2");
def(Op.REM, "rem", "M", r(OP_REG, 0b110, 0b000_0001), "rd,rs1,rs2");
def(Op.REMU, "remu", "M", r(OP_REG, 0b111, 0b000_0001), "rd,rs1,rs2");

def(Op.LR_W, "lr.w", "A", amo(0b00010, MASK_F5_RS2), "rd,amo");
def(Op.SC_W, "sc.w", "A", amo(0b00011), "rd,rs2,amo");
def(Op.AMOSWAP_W, "amoswap.w", "A", amo(0b00001), "rd,rs2,amo");
def(Op.AMOADD_W, "amoadd.w", "A", amo(0b00000), "rd,rs2,amo");
def(Op.AMOXOR_W, "amoxor.w", "A", amo(0b00100), "rd,rs2,amo");
def(Op.AMOAND_W, "amoand.w", "A", amo(0b01100), "rd,rs2,amo");
def(Op.AMOOR_W, "amoor.w", "A", amo(0b01000), "rd,rs2,amo");
def(Op.AMOMIN_W, "amomin.w", "A", amo(0b10000), "rd,rs2,amo");
def(Op.AMOMAX_W, "amomax.w", "A", amo(0b10100), "rd,rs2,amo");
def(Op.AMOMINU_W, "amominu.w", "A", amo(0b11000), "rd,rs2,amo");
def(Op.AMOMAXU_W, "amomaxu.w", "A", amo(0b11100), "rd,rs2,amo");

def(Op.CSRRW, "csrrw", "Zicsr", i(OP_SYSTEM, 0b001), "rd,csr,rs1");
def(Op.CSRRS, "csrrs", "Zicsr", i(OP_SYSTEM, 0b010), "rd,csr,rs1");
def(Op.CSRRC, "csrrc", "Zicsr", i(OP_SYSTEM, 0b011), "rd,csr,rs1");
def(Op.CSRRWI, "csrrwi", "Zicsr", i(OP_SYSTEM, 0b101), "rd,csr,uimm5");
def(Op.CSRRSI, "csrrsi", "Zicsr", i(OP_SYSTEM, 0b110), "rd,csr,uimm5");
def(Op.CSRRCI, "csrrci", "Zicsr", i(OP_SYSTEM, 0b111), "rd,csr,uimm5");

for (let op = 0; op < Op.COUNT; op++) {
  if (TABLE[op] === undefined) throw new Error(`instruction table: op ${op} has no definition`);
}

/** All instructions, indexed by `Op`. */
export const INSTRUCTIONS: readonly InstructionDef[] = TABLE;

/** User-readable counter CSRs (Zicntr): the only CSRs a U-mode program may touch in vmos. */
export const CSR_NAMES: ReadonlyMap<string, number> = new Map([
  ["cycle", 0xc00], ["time", 0xc01], ["instret", 0xc02],
  ["cycleh", 0xc80], ["timeh", 0xc81], ["instreth", 0xc82],
]);
