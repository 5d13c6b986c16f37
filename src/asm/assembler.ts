// Pass 1 for one source file: statements -> section chunks, symbols and items to patch.
// Every size is decided here (no relaxation), so labels get their final chunk offsets at once.

import type { IToken } from "./chevrotain.js";
import type { Expr, SourcePos, Statement } from "./ast.js";
import type { Diagnostics } from "./diagnostics.js";
import { evaluate, ExprError, type Value } from "./expr.js";
import { lex, Newline, Semicolon, UnterminatedComment } from "./lexer.js";
import { Chunk, INTERNAL_PREFIX, type InsnItem, type ObjectFile, type SectionName, type SymbolDef } from "./object.js";
import { isKnownReloc, parseFile, parseStatement } from "./parser.js";

/** State of pass 1 over one file; directives and instructions act on it. */
export class FileAssembler {
  readonly object: ObjectFile;
  section!: Chunk;
  private readonly localCounts = new Map<string, number>();
  private anchorCount = 0;
  /** How many `.equ`/`.set` symbols exist; until there is one, `pin` has nothing to substitute. */
  private equCount = 0;

  private includeDepth = 0;
  private handler?: StatementHandler;

  constructor(readonly file: string, readonly diag: Diagnostics, private readonly include?: IncludeResolver,
    /** Where included texts are recorded, for diagnostics. */
    private readonly sources?: Map<string, string>) {
    this.object = { file, chunks: new Map(), symbols: new Map(), globals: new Map(), types: new Map(), sizes: new Map() };
    this.switchSection(".text");
  }

  /** Lex, parse and handle `text` (the file itself or an included one) into this file's object. */
  assembleText(file: string, text: string, handle: StatementHandler): void {
    this.handler = handle;
    const onStatement = (statement: Statement): void => {
      for (const label of statement.labels) this.define(label.name, label.pos);
      if (statement.op) handle(this, statement);
    };
    // A final newline lets the whole-file parse see every statement terminated.
    if (!text.endsWith("\n")) text += "\n";
    // Lex in chunks of lines, so that a big file's tokens die young instead of all living at once.
    let lineOffset = 0;
    for (let start = 0; start < text.length;) {
      let lines = LEX_CHUNK_LINES;
      let end: number, chunk: ReturnType<typeof lex>;
      for (;;) {
        end = afterLines(text, start, lines);
        chunk = lex(text.slice(start, end));
        // A /* comment */ crossing the chunk's end: lex a bigger chunk.
        if (end >= text.length || chunk.tokens[chunk.tokens.length - 1]?.tokenType !== UnterminatedComment) break;
        lines *= 2;
      }
      const badLines = new Set<number>();
      for (const e of chunk.errors) {
        this.diag.error({ file, line: e.line + lineOffset, col: e.col }, `unexpected character '${e.text}'`);
        badLines.add(e.line);
      }
      forEachStatement(chunk.tokens, file, lineOffset, this.diag, badLines, onStatement);
      lineOffset += countLines(text, start, end);
      start = end;
    }
  }

  /** `.include "path"`: assemble another file's text here, as GNU as does, in this file's scope. */
  includeFile(path: string, pos: SourcePos): void {
    if (this.include === undefined) {
      this.diag.error(pos, ".include needs a file system (use vmos asm or vmos run)");
      return;
    }
    if (this.includeDepth >= MAX_INCLUDE_DEPTH) {
      this.diag.error(pos, `.include nested more than ${MAX_INCLUDE_DEPTH} deep (does a file include itself?)`);
      return;
    }
    const found = this.include(path, pos.file);
    if ("error" in found) {
      this.diag.error(pos, `cannot include '${path}': ${found.error}`);
      return;
    }
    this.sources?.set(found.name, found.text);
    this.includeDepth++;
    this.assembleText(found.name, found.text, this.handler!);
    this.includeDepth--;
  }

  switchSection(name: SectionName): void {
    let chunk = this.object.chunks.get(name);
    if (chunk === undefined) {
      chunk = new Chunk(name, this.file);
      this.object.chunks.set(name, chunk);
    }
    this.section = chunk;
  }

  /** Define `name` at the current location (a label) or as an expression (`.equ`). */
  define(name: string, pos: SourcePos, equ?: Expr): void {
    if (/^\d+$/.test(name)) {
      const n = (this.localCounts.get(name) ?? 0) + 1;
      this.localCounts.set(name, n);
      name = localName(name, n);
    }
    const existing = this.object.symbols.get(name);
    if (existing !== undefined && !(equ && existing.equ)) {
      this.diag.error(pos, `symbol '${name}' is already defined (first at line ${existing.pos.line})`);
      return;
    }
    const def: SymbolDef = { name, pos };
    if (equ) {
      def.equ = equ;
      this.equCount++;
    }
    else def.label = { chunk: this.section, offset: this.section.size };
    this.object.symbols.set(name, def);
  }

  /** A fresh internal label at the current location (for `.` and pseudo-instruction anchors). */
  anchor(pos: SourcePos): Expr {
    const name = `${INTERNAL_PREFIX}anchor${++this.anchorCount}`;
    this.object.symbols.set(name, { name, pos, label: { chunk: this.section, offset: this.section.size } });
    return { k: "sym", name, pos };
  }

  /**
   * Pin `.` and numeric local references (`1b`, `1f`) in `e` to the symbols they mean here, and check
   * relocation names. Call this for every expression at the statement it appears in.
   */
  pin(e: Expr): Expr {
    switch (e.k) {
      case "num":
      case "str":
        return e;
      case "sym": {
        // A constant symbol already set means its value now, even if `.set` changes it later (GNU).
        const equ = this.equCount > 0 ? this.object.symbols.get(e.name)?.equ : undefined;
        return equ?.k === "num" ? { k: "num", value: equ.value, pos: e.pos } : e;
      }
      case "dot":
        return this.anchor(e.pos);
      case "local": {
        const n = (this.localCounts.get(e.label) ?? 0) + (e.dir === "f" ? 1 : 0);
        if (n > 0) return { k: "sym", name: localName(e.label, n), pos: e.pos };
        this.diag.error(e.pos, `no local label '${e.label}:' before this '${e.label}b'`);
        return { k: "num", value: 0, pos: e.pos };
      }
      case "unary": {
        const arg = this.pin(e.arg);
        return arg === e.arg ? e : { ...e, arg };
      }
      case "paren": {
        const inner = this.pin(e.inner);
        return inner === e.inner ? e : { ...e, inner };
      }
      case "binary": {
        const left = this.pin(e.left);
        const right = this.pin(e.right);
        return left === e.left && right === e.right ? e : { ...e, left, right };
      }
      case "reloc": {
        if (!isKnownReloc(e.fn)) {
          this.diag.error(e.pos, `unsupported relocation '%${e.fn}' (vmos knows %hi, %lo, %pcrel_hi, %pcrel_lo)`);
        }
        const arg = this.pin(e.arg);
        return arg === e.arg ? e : { ...e, arg };
      }
    }
  }

  /** Value of `e` if it is already known in pass 1 (constants, `.equ`s, same-chunk label differences). */
  tryValue(e: Expr): Value | undefined {
    try {
      return evaluate(e, { symbol: (name) => this.symbolValue(name, new Set()) });
    } catch (err) {
      if (err instanceof ExprError) return undefined;
      throw err;
    }
  }

  /** A constant known now, or an error at `pos` saying `what` must be one. */
  constant(e: Expr, what: string): number | undefined {
    const v = this.tryValue(e);
    if (v === undefined || v.chunk) {
      this.diag.error(e.pos, `${what} must be a constant known at this point`);
      return undefined;
    }
    return v.value;
  }

  private symbolValue(name: string, seen: Set<string>): Value | undefined {
    const def = this.object.symbols.get(name);
    if (def === undefined || seen.has(name)) return undefined;
    if (def.label) return { value: def.label.offset, chunk: def.label.chunk };
    seen.add(name);
    try {
      return evaluate(def.equ!, { symbol: (n) => this.symbolValue(n, seen) });
    } catch (err) {
      if (err instanceof ExprError) return undefined;
      throw err;
    }
  }

  /** Emit one instruction word whose immediate (if any) is computed in pass 2. */
  emit(item: Omit<InsnItem, "offset" | "pos">, pos: SourcePos): void {
    const chunk = this.section;
    if (chunk.section === ".bss") {
      this.diag.error(pos, "instructions cannot go in .bss (it holds only zeros)");
      return;
    }
    const insn = item as InsnItem;
    insn.offset = chunk.reserve(4);
    insn.pos = pos;
    chunk.insns.push(insn);
  }
}

function localName(label: string, instance: number): string {
  return `${INTERNAL_PREFIX}${label}#${instance}`;
}

/** Lines lexed at a time (see assembleText). */
const LEX_CHUNK_LINES = 2048;

/** Index just after the `lines`-th newline from `start`, or the end of `text`. */
function afterLines(text: string, start: number, lines: number): number {
  let i = start;
  for (let n = 0; n < lines; n++) {
    const nl = text.indexOf("\n", i);
    if (nl < 0) return text.length;
    i = nl + 1;
  }
  return i;
}

function countLines(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = text.indexOf("\n", start); i >= 0 && i < end; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** Split a token stream into statements at newlines and `;`. */
export function* statementsOf(tokens: IToken[]): Generator<IToken[]> {
  let start = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined || t.tokenType === Newline || t.tokenType === Semicolon) {
      if (i > start) yield tokens.slice(start, i);
      start = i + 1;
    }
  }
}

/**
 * Hand every statement of a file to `handle`: in one streaming parse when the file is correct; after
 * a syntax error, the rest one statement at a time, so that each error is reported where it is.
 */
function forEachStatement(tokens: IToken[], file: string, lineOffset: number, diag: Diagnostics, badLines: Set<number>,
  handle: (st: Statement) => void): void {
  let rest = 0;
  if (badLines.size === 0) {
    rest = parseFile(tokens, file, lineOffset, handle);
    if (rest < 0) return;
  }
  for (const group of statementsOf(tokens.slice(rest))) {
    if (badLines.has(group[0]!.startLine ?? 0)) continue; // already reported; parsing the rest misleads
    const { statement, error } = parseStatement(group, file, lineOffset);
    if (error) diag.error({ file, line: error.line, col: error.col }, error.message);
    else handle(statement!);
  }
}

export type StatementHandler = (asm: FileAssembler, st: Statement) => void;

/** Finds an `.include`d file: its name (for diagnostics) and text, or why it cannot be read. */
export type IncludeResolver = (path: string, fromFile: string) => { name: string; text: string } | { error: string };

/** GNU as has no fixed limit; 16 levels catch a file that includes itself long before the stack does. */
const MAX_INCLUDE_DEPTH = 16;

/** Pass 1 over one file's text; `handle` gives each statement's mnemonic or directive its meaning. */
export function assembleFile(file: string, text: string, diag: Diagnostics, handle: StatementHandler,
  include?: IncludeResolver, sources?: Map<string, string>): ObjectFile {
  const asm = new FileAssembler(file, diag, include, sources);
  asm.assembleText(file, text, handle);
  // GNU as pads the end of a code section to its alignment with nops; ld then concatenates.
  const code = asm.object.chunks.get(".text")!;
  code.padTo(code.align);
  return asm.object;
}
