// Bit layouts of the RV32 base instruction formats (Unprivileged ISA, "Base Instruction Formats").
// Every encoder and decoder of immediates in vmos goes through these functions.
//
//  31        25 24   20 19   15 14  12 11         7 6      0
// |  funct7    |  rs2  |  rs1  |funct3|     rd     | opcode |  R
// |     imm[11:0]      |  rs1  |funct3|     rd     | opcode |  I
// | imm[11:5]  |  rs2  |  rs1  |funct3|  imm[4:0]  | opcode |  S
// |12|imm[10:5]|  rs2  |  rs1  |funct3|imm[4:1]|11| opcode |  B
// |             imm[31:12]            |     rd     | opcode |  U
// |20|   imm[10:1]  |11|  imm[19:12]  |     rd     | opcode |  J

export type Format = "R" | "I" | "S" | "B" | "U" | "J";

export const rdOf = (w: number): number => (w >>> 7) & 0b11111;
export const rs1Of = (w: number): number => (w >>> 15) & 0b11111;
export const rs2Of = (w: number): number => (w >>> 20) & 0b11111;

/** Sign-extended immediate of an I-type word. */
export const immI = (w: number): number => w >> 20;
/** Sign-extended immediate of an S-type word. */
export const immS = (w: number): number => ((w >> 25) << 5) | ((w >>> 7) & 0b11111);
/** Sign-extended byte offset of a B-type word. */
export const immB = (w: number): number =>
  ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 0b11_1111) << 5) | (((w >>> 8) & 0b1111) << 1);
/** The upper immediate of a U-type word, already shifted into place (bits 31:12). */
export const immU = (w: number): number => w & 0xfffff000;
/** Sign-extended byte offset of a J-type word. */
export const immJ = (w: number): number =>
  ((w >> 31) << 20) | (w & 0x000ff000) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 0x3ff) << 1);

/** I-type immediate field (bits 31:20) from a value in -2048..2047 (or a 12-bit CSR number). */
export const packI = (imm: number): number => (imm & 0xfff) << 20;
export const packS = (imm: number): number => (((imm >> 5) & 0x7f) << 25) | ((imm & 0x1f) << 7);
export const packB = (off: number): number =>
  (((off >> 12) & 1) << 31) | (((off >> 5) & 0x3f) << 25) | (((off >> 1) & 0xf) << 8) | (((off >> 11) & 1) << 7);
/** U-type field from the 20-bit value as written in `lui rd, imm`. */
export const packU = (imm20: number): number => (imm20 & 0xfffff) << 12;
export const packJ = (off: number): number =>
  (((off >> 20) & 1) << 31) | (((off >> 1) & 0x3ff) << 21) | (((off >> 11) & 1) << 20) | (off & 0xff000);

export const packRd = (r: number): number => (r & 31) << 7;
export const packRs1 = (r: number): number => (r & 31) << 15;
export const packRs2 = (r: number): number => (r & 31) << 20;
