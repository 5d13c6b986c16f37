// The assembler's syntax tree: what one source statement says, before any meaning is given to it.

/** A place in a source file; line and col are 1-based, as editors and GNU as count them. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "<<" | ">>" | "&" | "|" | "^";
export type UnaryOp = "-" | "~" | "+";
/** `%hi(x)` and friends: relocation operators, applied at link time. */
export type RelocFn = "hi" | "lo" | "pcrel_hi" | "pcrel_lo";

export type Expr =
  | { k: "num"; value: number; pos: SourcePos }
  | { k: "sym"; name: string; pos: SourcePos }
  /** Numeric local label reference `1b` / `1f`. */
  | { k: "local"; label: string; dir: "b" | "f"; pos: SourcePos }
  /** `.`, the location counter. */
  | { k: "dot"; pos: SourcePos }
  | { k: "unary"; op: UnaryOp; arg: Expr; pos: SourcePos }
  | { k: "binary"; op: BinaryOp; left: Expr; right: Expr; pos: SourcePos }
  | { k: "reloc"; fn: RelocFn; arg: Expr; pos: SourcePos }
  | { k: "paren"; inner: Expr; pos: SourcePos }
  | { k: "str"; value: string; pos: SourcePos };

/** One comma-separated operand: an expression, optionally followed by `(base)` as in `8(sp)`. */
export interface Operand {
  expr: Expr;
  base?: { name: string; pos: SourcePos };
  pos: SourcePos;
}

/** One statement: zero or more labels, then optionally a mnemonic or directive with operands. */
export interface Statement {
  labels: { name: string; pos: SourcePos }[];
  /** Mnemonic or directive name (directives start with `.`); undefined for a label-only line. */
  op?: { name: string; pos: SourcePos };
  operands: Operand[];
  /** `sym = expr` assignments are kept as a `.set`. */
  pos: SourcePos;
}
