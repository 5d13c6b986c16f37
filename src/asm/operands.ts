// Reading one instruction's operands and emitting the instruction words they stand for.
// An operand has a shape: `r` a register, `m` a memory reference (`8(sp)`, `(a0)`), `e` an expression.

import { INSTRUCTIONS, CSR_NAMES, type Op, type OperandKind } from "../isa/instructions.js";
import { parseRegister } from "../isa/registers.js";
import type { Expr, Operand, SourcePos, Statement } from "./ast.js";
import type { FileAssembler } from "./assembler.js";

export type Shape = "r" | "m" | "e";

/** Register number named by an operand, or undefined if the operand is not a bare register. */
export function registerOf(op: Operand): number | undefined {
  return op.base === undefined && op.expr.k === "sym" ? parseRegister(op.expr.name) : undefined;
}

/** `(a0)` parses as a parenthesised expression; as an address it means `0(a0)`. */
function parenRegister(op: Operand): number | undefined {
  const e = op.expr;
  return op.base === undefined && e.k === "paren" && e.inner.k === "sym" ? parseRegister(e.inner.name) : undefined;
}

export function shapeOf(op: Operand): Shape {
  if (registerOf(op) !== undefined) return "r";
  if (op.base !== undefined || parenRegister(op) !== undefined) return "m";
  return "e";
}

/** Looks like a register but is not one: `x32`, `a9`, `t7`, `s12`. */
export function looksLikeRegister(name: string): boolean {
  return /^(x\d+|a\d+|t\d+|s\d+)$/.test(name);
}

/** Fields of one instruction to emit; the immediate is an expression evaluated in pass 2. */
export interface OpFields {
  rd?: number;
  rs1?: number;
  rs2?: number;
  imm?: Expr | number;
  csr?: number;
  pred?: number;
  succ?: number;
  aq?: boolean;
  rl?: boolean;
}

const IMMEDIATE_KINDS: ReadonlySet<OperandKind> = new Set(["imm12", "shamt", "mem", "branch", "jump", "uimm20", "uimm5"]);
/** The operand kind that becomes each row's immediate, by Op. */
const IMMEDIATE_KIND = INSTRUCTIONS.map((d) => d.operands.find((k) => IMMEDIATE_KINDS.has(k)));

/** The operands of one statement, read by position once their shapes are known to fit. */
export class Expander {
  readonly pos: SourcePos;
  readonly name: string;

  constructor(readonly asm: FileAssembler, readonly st: Statement) {
    this.pos = st.op!.pos;
    this.name = st.op!.name;
  }

  /** Register of operand i (its shape is `r`). */
  r(i: number): number {
    return registerOf(this.st.operands[i]!)!;
  }

  /** Expression of operand i, with `.` and local labels pinned to this statement. */
  e(i: number): Expr {
    return this.asm.pin(this.st.operands[i]!.expr);
  }

  /** Offset expression and base register of memory operand i (shape `m`). */
  m(i: number): { offset: Expr; base: number } | undefined {
    const op = this.st.operands[i]!;
    const paren = parenRegister(op);
    if (paren !== undefined) return { offset: { k: "num", value: 0, pos: op.pos }, base: paren };
    const base = parseRegister(op.base!.name);
    if (base === undefined) {
      this.asm.diag.error(op.base!.pos, `bad register name '${op.base!.name}'`);
      return undefined;
    }
    return { offset: this.e(i), base };
  }

  /** CSR number of operand i: a counter name or a constant 0..4095. */
  csr(i: number): number | undefined {
    const e = this.st.operands[i]!.expr;
    if (e.k === "sym" && CSR_NAMES.has(e.name)) return CSR_NAMES.get(e.name);
    const v = this.asm.constant(e, "a CSR number");
    if (v === undefined) return undefined;
    if (v < 0 || v > 0xfff) {
      this.asm.diag.error(e.pos, `CSR number ${v} out of range: must be 0..4095`);
      return undefined;
    }
    return v;
  }

  /** Fence set of operand i: letters from `iorw`, e.g. `rw`. */
  fenceSet(i: number): number | undefined {
    const e = this.st.operands[i]!.expr;
    if (e.k === "sym" && /^[iorw]+$/.test(e.name)) {
      let bits = 0;
      for (const c of e.name) bits |= { i: 8, o: 4, r: 2, w: 1 }[c as "i" | "o" | "r" | "w"];
      return bits;
    }
    this.asm.diag.error(e.pos, "fence operand must be a set of i, o, r, w (e.g. 'rw')");
    return undefined;
  }

  /** Emit instruction `op`. A numeric `imm` becomes a constant expression. */
  op(op: Op, f: OpFields): void {
    const def = INSTRUCTIONS[op]!;
    const imm = typeof f.imm === "number" ? ({ k: "num", value: f.imm, pos: this.pos } as Expr) : f.imm;
    this.asm.emit({
      def,
      rd: f.rd ?? 0,
      rs1: f.rs1 ?? 0,
      rs2: f.rs2 ?? 0,
      imm,
      immKind: IMMEDIATE_KIND[op],
      csr: f.csr ?? 0,
      pred: f.pred ?? 0,
      succ: f.succ ?? 0,
      aq: f.aq ?? false,
      rl: f.rl ?? false,
    }, this.pos);
  }

  /** An internal label at the next instruction, for `%pcrel_lo` of an auipc pair. */
  anchor(): Expr {
    return this.asm.anchor(this.pos);
  }
}
