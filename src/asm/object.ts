// What pass 1 produces for one source file: section chunks (bytes with holes to patch), the items
// that fill the holes once addresses are known, and the file's symbols. The linker turns a list of
// these into one executable.

import type { AllocSectionName } from "../elf/layout.js";
import type { InstructionDef, OperandKind } from "../isa/instructions.js";
import type { Expr, SourcePos } from "./ast.js";

export type SectionName = AllocSectionName;

const NOP_BYTES = [0x13, 0x00, 0x00, 0x00]; // addi x0, x0, 0
export const SECTION_ORDER: readonly SectionName[] = [".text", ".rodata", ".data", ".bss"];

/** An instruction whose immediate is computed in pass 2. Register fields are already known. */
export interface InsnItem {
  offset: number;
  def: InstructionDef;
  rd: number;
  rs1: number;
  rs2: number;
  /** The operand that becomes the immediate, and which kind it is (for range checks). */
  imm?: Expr;
  immKind?: OperandKind;
  csr: number;
  pred: number;
  succ: number;
  aq: boolean;
  rl: boolean;
  pos: SourcePos;
}

/** A `.word`/`.half`/`.byte` value computed in pass 2. */
export interface DataItem {
  offset: number;
  size: 1 | 2 | 4;
  expr: Expr;
  pos: SourcePos;
}

/** One file's contribution to one output section. */
export class Chunk {
  bytes = new Uint8Array(64);
  size = 0;
  /** Largest alignment requested in this chunk (bytes); the linker aligns the chunk's start to it. */
  align: number;
  readonly insns: InsnItem[] = [];
  readonly data: DataItem[] = [];
  /** Address assigned by the linker. */
  base = 0;

  constructor(readonly section: SectionName, readonly file: string) {
    // Instructions are 4-byte aligned even when the file never says .align (GNU: text alignment 4).
    this.align = section === ".text" ? 4 : 1;
  }

  /** Reserve `n` bytes (zero-filled) and return their offset. */
  reserve(n: number): number {
    const offset = this.size;
    const end = offset + n;
    if (this.section !== ".bss" && end > this.bytes.length) {
      let capacity = this.bytes.length * 2;
      while (capacity < end) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    this.size = end;
    return offset;
  }

  /** Append bytes of known value. */
  append(values: ArrayLike<number>): void {
    const offset = this.reserve(values.length);
    if (this.section !== ".bss") this.bytes.set(values, offset);
  }

  /**
   * Pad to a multiple of `boundary` bytes: with `fill`, or in code with nops (after zeros up to an
   * instruction boundary, as GNU's riscv_handle_align does), or with zeros elsewhere.
   */
  padTo(boundary: number, fill?: number): void {
    const pad = (boundary - (this.size % boundary)) % boundary;
    if (pad === 0) return;
    if (this.section === ".bss" || (fill === undefined && this.section !== ".text")) {
      this.reserve(pad);
      return;
    }
    const bytes = new Uint8Array(pad);
    if (fill !== undefined) bytes.fill(fill & 0xff);
    else for (let i = pad % 4; i < pad; i++) bytes[i] = NOP_BYTES[(i - (pad % 4)) % 4]!;
    this.append(bytes);
  }

  /** The chunk's contents (empty for .bss, which has no file bytes). */
  contents(): Uint8Array {
    return this.section === ".bss" ? new Uint8Array(0) : this.bytes.subarray(0, this.size);
  }
}

export type SymbolType = "notype" | "object" | "func";

/** A name defined in a file: a label (chunk + offset) or a `.equ`/`.set` value. */
export interface SymbolDef {
  name: string;
  pos: SourcePos;
  label?: { chunk: Chunk; offset: number };
  equ?: Expr;
}

/** Everything pass 1 learned about one file. */
export interface ObjectFile {
  file: string;
  chunks: Map<SectionName, Chunk>;
  symbols: Map<string, SymbolDef>;
  /** Names declared `.globl`/`.global`, with where. */
  globals: Map<string, SourcePos>;
  types: Map<string, SymbolType>;
  sizes: Map<string, Expr>;
}

/** Internal names (pseudo-instruction anchors, `.`, numeric locals) never clash with user symbols. */
export const INTERNAL_PREFIX = "\u0001";

/** True for symbols that stay out of the ELF symbol table: internal and `.L` local labels. */
export function isHiddenSymbol(name: string): boolean {
  return name.startsWith(INTERNAL_PREFIX) || name.startsWith(".L") || /^\d/.test(name);
}
