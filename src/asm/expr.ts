// Expression evaluation with GNU as's value rules. A value is absolute or relative to a chunk (a label
// before linking). Pass 1 asks "is this a constant yet?" (sizes of `li`, `.zero`, `.align`); pass 2
// evaluates with every label at its final address, so every value is absolute.

import type { Expr, SourcePos } from "./ast.js";
import type { Chunk } from "./object.js";

export interface Value {
  value: number;
  /** Set for a label not yet placed: value is its offset in this chunk. */
  chunk?: Chunk;
}

/** How names are resolved; returns undefined for a name with no value (yet). */
export interface Resolver {
  symbol(name: string, pos: SourcePos): Value | undefined;
  /** `%pcrel_lo(label)`: the pc-relative target of the `auipc` at `label`, or undefined. */
  pcrelLo?(label: Value, pos: SourcePos): number | undefined;
  /** Address of the instruction being encoded, for `%pcrel_hi`. */
  pc?: number;
}

/** Thrown for an expression that can never have a value (reported once, at its position). */
export class ExprError extends Error {
  constructor(readonly pos: SourcePos, message: string) {
    super(message);
  }
}

/** `%hi`: the upper 20 bits, rounded so that adding the sign-extended `%lo` gives the value back. */
export const hi20 = (v: number): number => ((v + 0x800) >>> 12) & 0xfffff;
/** `%lo`: the low 12 bits, sign-extended. */
export const lo12 = (v: number): number => (v << 20) >> 20;

const toBig = (v: number): bigint => BigInt(Math.trunc(v));
const fromBig = (v: bigint): number => Number(BigInt.asIntN(64, v));

/**
 * Value of `e`, or undefined if some name in it has no value yet. Throws ExprError for expressions
 * that are wrong whatever the names turn out to be (division by zero, adding two addresses...).
 */
export function evaluate(e: Expr, r: Resolver): Value | undefined {
  switch (e.k) {
    case "num":
      return { value: e.value };
    case "str":
      throw new ExprError(e.pos, "a string is not a number here");
    case "sym":
      return r.symbol(e.name, e.pos);
    case "dot":
    case "local":
      throw new ExprError(e.pos, "internal: unresolved location reference");
    case "paren":
      return evaluate(e.inner, r);
    case "unary": {
      const v = evaluate(e.arg, r);
      if (v === undefined) return undefined;
      if (e.op === "+") return v;
      if (v.chunk) throw new ExprError(e.pos, `cannot apply '${e.op}' to an address`);
      return { value: e.op === "-" ? -v.value : -v.value - 1 };
    }
    case "binary":
      return binary(e, r);
    case "reloc":
      return reloc(e, r);
  }
}

function binary(e: Extract<Expr, { k: "binary" }>, r: Resolver): Value | undefined {
  const a = evaluate(e.left, r);
  const b = evaluate(e.right, r);
  if (a === undefined || b === undefined) return undefined;
  if (e.op === "+") {
    if (a.chunk && b.chunk) throw new ExprError(e.pos, "cannot add two addresses");
    return { value: a.value + b.value, chunk: a.chunk ?? b.chunk };
  }
  if (e.op === "-") {
    if (b.chunk && a.chunk !== b.chunk) {
      // Labels in different chunks: only their final addresses can tell (pass 2).
      if (a.chunk) return undefined;
      throw new ExprError(e.pos, "cannot subtract an address from a number");
    }
    return { value: a.value - b.value, chunk: b.chunk ? undefined : a.chunk };
  }
  if (a.chunk || b.chunk) throw new ExprError(e.pos, `operator '${e.op}' needs numbers, not addresses`);
  const x = a.value, y = b.value;
  switch (e.op) {
    case "*": return { value: x * y };
    case "/":
    case "%":
      if (y === 0) throw new ExprError(e.pos, "division by zero");
      return { value: e.op === "/" ? Math.trunc(x / y) : x % y };
    case "<<": return { value: fromBig(toBig(x) << toBig(y & 63)) };
    case ">>": return { value: fromBig(toBig(x) >> toBig(y & 63)) };
    case "&": return { value: fromBig(toBig(x) & toBig(y)) };
    case "|": return { value: fromBig(toBig(x) | toBig(y)) };
    case "^": return { value: fromBig(toBig(x) ^ toBig(y)) };
  }
}

function reloc(e: Extract<Expr, { k: "reloc" }>, r: Resolver): Value | undefined {
  const v = evaluate(e.arg, r);
  if (v === undefined || v.chunk) return undefined;
  switch (e.fn) {
    case "hi": return { value: hi20(v.value) };
    case "lo": return { value: lo12(v.value) };
    case "pcrel_hi":
      return r.pc === undefined ? undefined : { value: hi20(v.value - r.pc) };
    case "pcrel_lo": {
      if (r.pcrelLo === undefined) return undefined;
      const target = r.pcrelLo(v, e.pos);
      return target === undefined ? undefined : { value: lo12(target - v.value) };
    }
  }
}
