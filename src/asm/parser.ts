// Grammar of one assembly statement, as a chevrotain parser with embedded actions that build the AST.
// Statements are parsed one at a time (split at newlines and `;`), so an error in one line never hides
// the errors of the next.
//
//   statement  := label* [ name ( operands | '=' expr ) ]
//   label      := (name | number) ':'
//   operand    := expr [ '(' name ')' ]                  8(sp), %lo(x)(a0), sym, (a0)
// Expression precedence is GNU as's, which is not C's: unary > * / % << >> > | & ^ > + -.

import { EmbeddedActionsParser, type IToken, type TokenType } from "./chevrotain.js";
import type { BinaryOp, Expr, Operand, RelocFn, SourcePos, Statement, UnaryOp } from "./ast.js";
import * as T from "./lexer.js";

// GNU as precedence, highest first: * / % << >>, then | & ^, then + -.
const LEVEL: Record<string, number> = { "*": 2, "/": 2, "%": 2, "<<": 2, ">>": 2, "|": 1, "&": 1, "^": 1, "+": 0, "-": 0 };
const BINARY_TOKENS = [T.Plus, T.Minus, T.Pipe, T.Amp, T.Caret, T.Star, T.Slash, T.Percent, T.ShiftLeft, T.ShiftRight];

const RELOC_FNS: ReadonlySet<string> = new Set(["hi", "lo", "pcrel_hi", "pcrel_lo"]);

/** A syntax error in a statement: where, and what was found instead of what was expected. */
export interface SyntaxError {
  line: number;
  col: number;
  message: string;
}

// Alternatives are built once and cached (chevrotain's advice for embedded actions): an ALT closure
// created per call costs more than the parse itself. Cached ALTs capture only `this`.
class StatementParser extends EmbeddedActionsParser {
  fileName = "";
  /** Lines before the chunk of the file being parsed (files are lexed in chunks). */
  lineOffset = 0;

  constructor() {
    super(T.ALL_TOKENS, { maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  private pos(tok: IToken): SourcePos {
    return { file: this.fileName, line: (tok.startLine ?? 0) + this.lineOffset, col: tok.startColumn ?? 0 };
  }

  private separatorAlts?: { ALT: () => IToken }[];

  /** A whole file: statements separated by newlines or `;`. Empty statements are dropped. */
  /** Receives each statement of `file` as soon as it is parsed (so its AST can die young). */
  onStatement: (st: Statement) => void = () => {};
  /** The separator ending the last statement handed to onStatement. */
  lastSeparator: IToken | undefined;

  /** A whole file: statements separated by newlines or `;`. Empty statements are skipped. */
  file = this.RULE("file", (): void => {
    this.MANY(() => {
      const st = this.SUBRULE(this.statement);
      const sep = this.OR((this.separatorAlts ??= this.tokenAlts([T.Newline, T.Semicolon])));
      this.ACTION(() => {
        if (st.labels.length > 0 || st.op !== undefined) this.onStatement(st);
        this.lastSeparator = sep;
      });
    });
  });

  private labelAlts?: { ALT: () => IToken }[];
  private tailAlts?: { ALT: () => Operand[] | Expr }[];

  statement = this.RULE("statement", (): Statement => {
    const labels: Statement["labels"] = [];
    let op: Statement["op"];
    let operands: Operand[] = [];
    const first = this.LA(1);
    this.MANY(() => {
      const tok = this.OR((this.labelAlts ??= [
        { ALT: () => this.CONSUME(T.Identifier) },
        { ALT: () => this.CONSUME(T.DecNumber) },
      ]));
      this.CONSUME(T.Colon);
      labels.push({ name: tok.image, pos: this.pos(tok) });
    });
    this.OPTION(() => {
      const name = this.CONSUME2(T.Identifier);
      op = { name: name.image, pos: this.pos(name) };
      const tail = this.OPTION2(() => this.OR2((this.tailAlts ??= [
        // `sym = expr` is GNU shorthand for `.set sym, expr`.
        { ALT: () => { this.CONSUME(T.Equals); return this.SUBRULE(this.expr); } },
        { ALT: () => this.SUBRULE(this.operandList) },
      ])));
      if (Array.isArray(tail)) operands = tail;
      else if (tail !== undefined) {
        operands = [{ expr: { k: "sym", name: name.image, pos: op.pos }, pos: op.pos }, { expr: tail, pos: tail.pos }];
        op = { name: ".set", pos: op.pos };
      }
    });
    return { labels, op, operands, pos: this.pos(first) };
  });

  private operandList = this.RULE("operandList", (): Operand[] => {
    const list: Operand[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const start = this.LA(1);
        const expr = this.SUBRULE(this.expr);
        const base = this.OPTION(() => {
          this.CONSUME(T.LParen);
          const reg = this.CONSUME(T.Identifier);
          this.CONSUME(T.RParen);
          return { name: reg.image, pos: this.pos(reg) };
        });
        list.push({ expr, base, pos: this.pos(start) });
      },
    });
    return list;
  });

  private binaryAlts?: { ALT: () => IToken }[];
  private prefixAlts?: { ALT: () => IToken }[];

  /**
   * An expression as a flat list `prefix* primary (binop prefix* primary)*`, folded by precedence in
   * the action: one rule call per expression instead of one per precedence level.
   */
  private expr = this.RULE("expr", (): Expr => {
    const first = this.SUBRULE(this.prefixed);
    // Most operands are a single term: allocate the operator lists only when there is an operator.
    let operands: Expr[] | undefined;
    let ops: IToken[] | undefined;
    this.MANY(() => {
      const op = this.OR((this.binaryAlts ??= this.tokenAlts(BINARY_TOKENS)));
      const term = this.SUBRULE2(this.prefixed);
      (ops ??= []).push(op);
      (operands ??= [first]).push(term);
    });
    return ops === undefined ? first : this.ACTION(() => this.fold(operands!, ops!));
  });

  private prefixed = this.RULE("prefixed", (): Expr => {
    let prefixes: IToken[] | undefined;
    this.MANY(() => {
      const tok = this.OR((this.prefixAlts ??= this.tokenAlts([T.Minus, T.Tilde, T.Plus])));
      (prefixes ??= []).push(tok);
    });
    let e = this.SUBRULE(this.primary);
    if (prefixes === undefined) return e;
    for (let i = prefixes.length - 1; i >= 0; i--) {
      e = { k: "unary", op: prefixes[i]!.image as UnaryOp, arg: e, pos: this.pos(prefixes[i]!) };
    }
    return e;
  });

  /** Precedence climbing over `a op b op c ...` (operand i is followed by op i), left-associative. */
  private fold(operands: Expr[], ops: IToken[]): Expr {
    let i = 0;
    const climb = (minLevel: number): Expr => {
      let left = operands[i]!;
      while (i < ops.length && LEVEL[ops[i]!.image]! >= minLevel) {
        const opTok = ops[i++]!;
        const right = climb(LEVEL[opTok.image]! + 1);
        left = { k: "binary", op: opTok.image as BinaryOp, left, right, pos: this.pos(opTok) };
      }
      return left;
    };
    return climb(0);
  }

  private tokenAlts(types: TokenType[]): { ALT: () => IToken }[] {
    return types.map((t) => ({ ALT: () => this.CONSUME(t) }));
  }

  private primaryAlts?: { ALT: () => Expr }[];

  private primary = this.RULE("primary", (): Expr =>
    this.OR((this.primaryAlts ??= [
      { ALT: () => this.numberExpr(this.CONSUME(T.HexOrBinNumber)) },
      { ALT: () => this.numberExpr(this.CONSUME(T.DecNumber)) },
      {
        ALT: () => {
          const tok = this.CONSUME(T.LocalRef);
          const image = tok.image;
          return { k: "local", label: image.slice(0, -1), dir: image.endsWith("b") ? "b" : "f", pos: this.pos(tok) };
        },
      },
      {
        ALT: () => {
          const tok = this.CONSUME(T.CharLit);
          return { k: "num", value: charValue(tok.image), pos: this.pos(tok) };
        },
      },
      {
        ALT: () => {
          const tok = this.CONSUME(T.StringLit);
          return { k: "str", value: unescapeString(tok.image.slice(1, -1)), pos: this.pos(tok) };
        },
      },
      {
        ALT: () => {
          const tok = this.CONSUME(T.Tag);
          return { k: "sym", name: tok.image, pos: this.pos(tok) };
        },
      },
      {
        ALT: () => {
          const tok = this.CONSUME(T.Identifier);
          const pos = this.pos(tok);
          return tok.image === "." ? { k: "dot", pos } : { k: "sym", name: tok.image, pos };
        },
      },
      {
        ALT: () => {
          const tok = this.CONSUME(T.Reloc);
          this.CONSUME(T.LParen);
          const arg = this.SUBRULE(this.expr);
          this.CONSUME(T.RParen);
          return { k: "reloc", fn: tok.image.slice(1) as RelocFn, arg, pos: this.pos(tok) };
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME2(T.LParen);
          const inner = this.SUBRULE2(this.expr);
          this.CONSUME2(T.RParen);
          return { k: "paren", inner, pos: this.pos(open) };
        },
      },
    ])));

  private numberExpr(tok: IToken): Expr {
    return { k: "num", value: numberValue(tok.image), pos: this.pos(tok) };
  }
}

/** Value of a numeric literal: 0x hex, 0b binary, leading-0 octal (as GNU as reads it), decimal. */
export function numberValue(image: string): number {
  const lower = image.toLowerCase();
  if (lower.startsWith("0x")) return parseInt(lower.slice(2), 16);
  if (lower.startsWith("0b")) return parseInt(lower.slice(2), 2);
  if (lower.length > 1 && lower.startsWith("0")) return /^[0-7]+$/.test(lower) ? parseInt(lower, 8) : NaN;
  return parseInt(lower, 10);
}

const SIMPLE_ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, e: 27, "\\": 92, '"': 34, "'": 39 };

/** Decode one escape sequence starting after the backslash at `s[i]`; returns [code, length]. */
function escapeAt(s: string, i: number): [number, number] {
  const c = s[i]!;
  const hex = /^x([0-9a-fA-F]+)/.exec(s.slice(i));
  if (hex) return [parseInt(hex[1]!, 16) & 0xff, hex[0].length];
  const oct = /^[0-7]{1,3}/.exec(s.slice(i));
  if (oct) return [parseInt(oct[0], 8) & 0xff, oct[0].length];
  return [SIMPLE_ESCAPES[c] ?? c.charCodeAt(0), 1];
}

/** The bytes of a string literal's body, as a string of char codes 0..255 (GNU escapes). */
export function unescapeString(body: string): string {
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== "\\") {
      out += body[i];
      continue;
    }
    const [code, length] = escapeAt(body, i + 1);
    out += String.fromCharCode(code);
    i += length;
  }
  return out;
}

function charValue(image: string): number {
  const body = image.endsWith("'") && image.length > 2 ? image.slice(1, -1) : image.slice(1);
  return body.startsWith("\\") ? escapeAt(body, 1)[0] : body.charCodeAt(0);
}

/**
 * One parser per `.include` depth: statements are handled while their file is still being parsed,
 * and handling `.include` parses another file before the outer parse is done.
 */
const parsers: StatementParser[] = [];
let depth = 0;

function withParser<T>(file: string, lineOffset: number, tokens: IToken[], f: (p: StatementParser) => T): T {
  const p = (parsers[depth] ??= new StatementParser());
  p.fileName = file;
  p.lineOffset = lineOffset;
  p.input = tokens;
  depth++;
  try {
    return f(p);
  } finally {
    depth--;
  }
}

/** Parse one statement's tokens (no newline tokens inside). */
export function parseStatement(tokens: IToken[], file: string, lineOffset = 0): { statement?: Statement; error?: SyntaxError } {
  const [statement, err] = withParser(file, lineOffset, tokens, (p) => [p.statement(), p.errors[0]] as const);
  if (err === undefined) return { statement };
  const tok = err.token;
  const atEnd = tok.tokenType === undefined || tok.image === "" || Number.isNaN(tok.startOffset);
  const last = tokens[tokens.length - 1];
  const line = (atEnd ? (last?.startLine ?? 0) : (tok.startLine ?? 0)) + lineOffset;
  const col = atEnd ? (last?.startColumn ?? 0) + (last?.image.length ?? 0) : (tok.startColumn ?? 0);
  return { error: { line, col, message: syntaxMessage(tok, atEnd, err.name) } };
}

/**
 * Parse a whole file's tokens in one pass, the fast path for correct files, handing each statement
 * to `onStatement` as soon as it is parsed. `tokens` must end with a separator. Returns -1 when the
 * whole file parsed, else the index of the first token after the last statement handed over: the
 * caller parses the rest statement by statement, to report every error precisely.
 */
export function parseFile(tokens: IToken[], file: string, lineOffset: number, onStatement: (st: Statement) => void): number {
  return withParser(file, lineOffset, tokens, (p) => {
    p.onStatement = onStatement;
    p.lastSeparator = undefined;
    p.file();
    if (p.errors.length === 0) return -1;
    return p.lastSeparator === undefined ? 0 : tokens.indexOf(p.lastSeparator) + 1;
  });
}

function syntaxMessage(tok: IToken, atEnd: boolean, kind: string): string {
  if (atEnd) return kind === "MismatchedTokenException" ? "unexpected end of line: operand missing" : "unexpected end of line";
  if (tok.tokenType === T.UnterminatedString) return "unterminated string (missing closing '\"')";
  if (tok.tokenType === T.UnterminatedComment) return "unterminated comment (missing '*/')";
  if (tok.tokenType === T.BadNumber) return `bad number '${tok.image}'`;
  if (tok.tokenType === T.Reloc && !RELOC_FNS.has(tok.image.slice(1))) {
    return `unsupported relocation '${tok.image}' (vmos knows %hi, %lo, %pcrel_hi, %pcrel_lo)`;
  }
  return `unexpected ${tok.tokenType.LABEL ?? tok.tokenType.name} '${tok.image}'`;
}

/** True for `%name(` relocation operators vmos implements. */
export function isKnownReloc(name: string): boolean {
  return RELOC_FNS.has(name);
}
