// Grammar of one assembly statement, as a chevrotain parser with embedded actions that build the AST.
// Statements are parsed one at a time (split at newlines and `;`), so an error in one line never hides
// the errors of the next.
//
//   statement  := label* [ name ( operands | '=' expr ) ]
//   label      := (name | number) ':'
//   operand    := expr [ '(' name ')' ]                  8(sp), %lo(x)(a0), sym, (a0)
// Expression precedence is GNU as's, which is not C's: unary > * / % << >> > | & ^ > + -.

import { EmbeddedActionsParser, type IToken, type TokenType } from "chevrotain";
import type { BinaryOp, Expr, Operand, RelocFn, SourcePos, Statement, UnaryOp } from "./ast.js";
import * as T from "./lexer.js";

const RELOC_FNS: ReadonlySet<string> = new Set(["hi", "lo", "pcrel_hi", "pcrel_lo"]);

/** A syntax error in a statement: where, and what was found instead of what was expected. */
export interface SyntaxError {
  line: number;
  col: number;
  message: string;
}

class StatementParser extends EmbeddedActionsParser {
  file = "";

  constructor() {
    super(T.ALL_TOKENS, { maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  private pos(tok: IToken): SourcePos {
    return { file: this.file, line: tok.startLine ?? 0, col: tok.startColumn ?? 0 };
  }

  statement = this.RULE("statement", (): Statement => {
    const labels: Statement["labels"] = [];
    let op: Statement["op"];
    let operands: Operand[] = [];
    const first = this.LA(1);
    this.MANY(() => {
      const tok = this.OR([
        { ALT: () => this.CONSUME(T.Identifier) },
        { ALT: () => this.CONSUME(T.DecNumber) },
      ]);
      this.CONSUME(T.Colon);
      labels.push({ name: tok.image, pos: this.pos(tok) });
    });
    this.OPTION(() => {
      const name = this.CONSUME2(T.Identifier);
      op = { name: name.image, pos: this.pos(name) };
      this.OPTION2(() => {
        this.OR2([
          {
            // `sym = expr` is GNU shorthand for `.set sym, expr`.
            ALT: () => {
              const eq = this.CONSUME(T.Equals);
              const value = this.SUBRULE(this.expr);
              operands = [
                { expr: { k: "sym", name: name.image, pos: this.pos(name) }, pos: this.pos(name) },
                { expr: value, pos: this.pos(eq) },
              ];
              op = { name: ".set", pos: this.pos(name) };
            },
          },
          { ALT: () => { operands = this.SUBRULE(this.operandList); } },
        ]);
      });
    });
    return { labels, op, operands, pos: this.pos(first) };
  });

  private operandList = this.RULE("operandList", (): Operand[] => {
    const list: Operand[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => list.push(this.SUBRULE(this.operand)) });
    return list;
  });

  private operand = this.RULE("operand", (): Operand => {
    const start = this.LA(1);
    const expr = this.SUBRULE(this.expr);
    let base: Operand["base"];
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      const reg = this.CONSUME(T.Identifier);
      this.CONSUME(T.RParen);
      base = { name: reg.image, pos: this.pos(reg) };
    });
    return { expr, base, pos: this.pos(start) };
  });

  private expr = this.RULE("expr", (): Expr => this.binaryLevel(this.bitwise, [T.Plus, T.Minus]));
  private bitwise = this.RULE("bitwise", (): Expr => this.binaryLevel(this.multiplicative, [T.Pipe, T.Amp, T.Caret]));
  private multiplicative = this.RULE("multiplicative", (): Expr =>
    this.binaryLevel(this.unary, [T.Star, T.Slash, T.Percent, T.ShiftLeft, T.ShiftRight]));

  /** One precedence level: operand (op operand)*, left-associative. */
  private binaryLevel(next: () => Expr, ops: TokenType[]): Expr {
    let left = this.SUBRULE(next);
    this.MANY(() => {
      const opTok = this.OR(ops.map((t) => ({ ALT: () => this.CONSUME(t) })));
      const right = this.SUBRULE2(next);
      left = { k: "binary", op: opTok.image as BinaryOp, left, right, pos: this.pos(opTok) };
    });
    return left;
  }

  private unary = this.RULE("unary", (): Expr =>
    this.OR([
      {
        ALT: () => {
          const opTok = this.OR2([
            { ALT: () => this.CONSUME(T.Minus) },
            { ALT: () => this.CONSUME(T.Tilde) },
            { ALT: () => this.CONSUME(T.Plus) },
          ]);
          const arg = this.SUBRULE(this.unary);
          return { k: "unary", op: opTok.image as UnaryOp, arg, pos: this.pos(opTok) } as Expr;
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]));

  private primary = this.RULE("primary", (): Expr =>
    this.OR([
      { ALT: () => numberExpr(this.CONSUME(T.HexOrBinNumber), this.file) },
      { ALT: () => numberExpr(this.CONSUME(T.DecNumber), this.file) },
      {
        ALT: () => {
          const tok = this.CONSUME(T.LocalRef);
          const image = tok.image;
          return { k: "local", label: image.slice(0, -1), dir: image.endsWith("b") ? "b" : "f", pos: this.pos(tok) } as Expr;
        },
      },
      {
        ALT: () => {
          const tok = this.CONSUME(T.CharLit);
          return { k: "num", value: charValue(tok.image), pos: this.pos(tok) } as Expr;
        },
      },
      {
        ALT: () => {
          const tok = this.CONSUME(T.StringLit);
          return { k: "str", value: unescapeString(tok.image.slice(1, -1)), pos: this.pos(tok) } as Expr;
        },
      },
      {
        ALT: () => {
          const tok = this.CONSUME(T.Tag);
          return { k: "sym", name: tok.image, pos: this.pos(tok) } as Expr;
        },
      },
      {
        ALT: () => {
          const tok = this.CONSUME(T.Identifier);
          const pos = this.pos(tok);
          return (tok.image === "." ? { k: "dot", pos } : { k: "sym", name: tok.image, pos }) as Expr;
        },
      },
      {
        ALT: () => {
          const tok = this.CONSUME(T.Reloc);
          this.CONSUME(T.LParen);
          const arg = this.SUBRULE(this.expr);
          this.CONSUME(T.RParen);
          return { k: "reloc", fn: tok.image.slice(1) as RelocFn, arg, pos: this.pos(tok) } as Expr;
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME2(T.LParen);
          const inner = this.SUBRULE2(this.expr);
          this.CONSUME2(T.RParen);
          return { k: "paren", inner, pos: this.pos(open) } as Expr;
        },
      },
    ]));
}

function numberExpr(tok: IToken, file: string): Expr {
  return { k: "num", value: numberValue(tok.image), pos: { file, line: tok.startLine ?? 0, col: tok.startColumn ?? 0 } };
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

const parser = new StatementParser();

/** Parse one statement's tokens (no newline tokens inside). */
export function parseStatement(tokens: IToken[], file: string): { statement?: Statement; error?: SyntaxError } {
  parser.file = file;
  parser.input = tokens;
  const statement = parser.statement();
  const err = parser.errors[0];
  if (err === undefined) return { statement };
  const tok = err.token;
  const atEnd = tok.tokenType === undefined || tok.image === "" || Number.isNaN(tok.startOffset);
  const last = tokens[tokens.length - 1];
  const line = atEnd ? (last?.endLine ?? 0) : (tok.startLine ?? 0);
  const col = atEnd ? (last?.endColumn ?? 0) + 1 : (tok.startColumn ?? 0);
  return { error: { line, col, message: syntaxMessage(tok, atEnd, err.name) } };
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
