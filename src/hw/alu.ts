// Arithmetic that is more than one JavaScript operator: the high halves of 32x32-bit products
// (without BigInt, which would allocate) and the AMO read-modify-write operations.
// All inputs and results are 32-bit values held as signed int32 numbers, like the register file.

import { Op } from "../isa/instructions.js";

/**
 * Bits 63:32 of the unsigned product a*b (MULHU). Splits each operand into 16-bit halves so every
 * partial product is below 2^32 and exact in a double:
 *   a*b = hh*2^32 + (hl + lh)*2^16 + ll
 */
export function mulhu(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const ll = a0 * b0, hl = a1 * b0, lh = a0 * b1, hh = a1 * b1;
  // Carry out of bit 31: the low 16 bits of the middle terms plus the top half of ll.
  const carry = ((ll >>> 16) + (hl & 0xffff) + (lh & 0xffff)) >>> 16;
  return (hh + (hl >>> 16) + (lh >>> 16) + carry) | 0;
}

/**
 * Bits 63:32 of the signed product a*b (MULH). Reading a negative 32-bit value as unsigned adds
 * 2^32 to it, which adds (the other operand)*2^32 to the product: subtract it back from the high word.
 */
export function mulh(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/** Bits 63:32 of signed a times unsigned b (MULHSU): the MULH correction for `a` only. */
export function mulhsu(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0)) | 0;
}

/**
 * The value an AMO writes back, given the old memory word and rs2: swap, add, xor, and, or, and the
 * signed/unsigned min and max. `op` must be one of the nine AMO ops (not LR/SC); RangeError otherwise.
 */
export function amoResult(op: Op, old: number, src: number): number {
  switch (op) {
    case Op.AMOSWAP_W: return src;
    case Op.AMOADD_W: return (old + src) | 0;
    case Op.AMOXOR_W: return old ^ src;
    case Op.AMOAND_W: return old & src;
    case Op.AMOOR_W: return old | src;
    case Op.AMOMIN_W: return old < src ? old : src;
    case Op.AMOMAX_W: return old > src ? old : src;
    case Op.AMOMINU_W: return old >>> 0 < src >>> 0 ? old : src;
    case Op.AMOMAXU_W: return old >>> 0 > src >>> 0 ? old : src;
    default: throw new RangeError(`amoResult: op ${op} is not an AMO`);
  }
}
