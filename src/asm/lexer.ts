// Tokens of GNU `as` syntax for RISC-V, as a chevrotain lexer.
// Order matters: chevrotain tries patterns in this order and takes the first match.

import { createToken, Lexer, type IToken, type TokenType } from "./chevrotain.js";

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\f\v]+/, group: Lexer.SKIPPED });
// `#` starts a comment anywhere on a RISC-V line (GNU as's comment character for this target).
export const LineComment = createToken({ name: "LineComment", pattern: /#[^\n]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const UnterminatedComment = createToken({ name: "UnterminatedComment", pattern: /\/\*[\s\S]*/, line_breaks: true, label: "unterminated comment" });
export const Newline = createToken({ name: "Newline", pattern: /\r?\n/, line_breaks: true, label: "end of line" });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/, label: "';'" });
export const Colon = createToken({ name: "Colon", pattern: /:/, label: "':'" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });
export const StringLit = createToken({ name: "StringLit", pattern: /"(?:[^"\\\n]|\\[^\n])*"/, label: "string" });
export const UnterminatedString = createToken({ name: "UnterminatedString", pattern: /"(?:[^"\\\n]|\\[^\n])*\\?/, label: "unterminated string" });
// 'c' or GNU's older unclosed form 'c
export const CharLit = createToken({
  name: "CharLit",
  pattern: /'(?:\\(?:x[0-9a-fA-F]+|[0-7]{1,3}|[^\n])|[^\\\n])'?/,
  label: "character",
});
// `@function`, `%function`, `@progbits`...: type and section tags in `.type` and `.section`.
export const Tag = createToken({
  name: "Tag",
  pattern: /@[A-Za-z_]\w*|%(?:function|object|notype|progbits|nobits|note|init_array|fini_array|tls_object|common)(?![\w(])/,
  label: "tag",
});
// `%hi(` and friends; only a `%` word directly followed by `(` is a relocation operator.
export const Reloc = createToken({ name: "Reloc", pattern: /%[A-Za-z_]\w*(?=\s*\()/, label: "relocation" });
export const HexOrBinNumber = createToken({ name: "HexOrBinNumber", pattern: /0[xX][0-9a-fA-F]+|0[bB][01]+(?![\w.$])/, label: "number" });
export const LocalRef = createToken({ name: "LocalRef", pattern: /[0-9]+[bf](?![\w.$])/, label: "local label reference" });
export const DecNumber = createToken({ name: "DecNumber", pattern: /[0-9]+(?![\w.$])/, label: "number" });
export const BadNumber = createToken({ name: "BadNumber", pattern: /[0-9][\w.$]*/, label: "bad number" });
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_.$][\w.$]*/, label: "name" });
export const ShiftLeft = createToken({ name: "ShiftLeft", pattern: /<</, label: "'<<'" });
export const ShiftRight = createToken({ name: "ShiftRight", pattern: />>/, label: "'>>'" });
export const Plus = createToken({ name: "Plus", pattern: /\+/, label: "'+'" });
export const Minus = createToken({ name: "Minus", pattern: /-/, label: "'-'" });
export const Star = createToken({ name: "Star", pattern: /\*/, label: "'*'" });
export const Slash = createToken({ name: "Slash", pattern: /\//, label: "'/'" });
export const Percent = createToken({ name: "Percent", pattern: /%/, label: "'%'" });
export const Amp = createToken({ name: "Amp", pattern: /&/, label: "'&'" });
export const Pipe = createToken({ name: "Pipe", pattern: /\|/, label: "'|'" });
export const Caret = createToken({ name: "Caret", pattern: /\^/, label: "'^'" });
export const Tilde = createToken({ name: "Tilde", pattern: /~/, label: "'~'" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='" });

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace, LineComment, BlockComment, UnterminatedComment, Newline, Semicolon, Colon, Comma,
  LParen, RParen, StringLit, UnterminatedString, CharLit, Tag, Reloc,
  HexOrBinNumber, LocalRef, DecNumber, BadNumber, Identifier,
  ShiftLeft, ShiftRight, Plus, Minus, Star, Slash, Percent, Amp, Pipe, Caret, Tilde, Equals,
];

export const asmLexer = new Lexer(ALL_TOKENS, {
  positionTracking: "onlyStart",
  ensureOptimizations: true,
  // Line terminators are only \n (a \r before it belongs to the Newline token).
  lineTerminatorsPattern: /\n/g,
  lineTerminatorCharacters: ["\n"],
});

export interface LexResult {
  tokens: IToken[];
  /** Characters no token matches: offset, 1-based line and column, and the text skipped. */
  errors: { line: number; col: number; text: string }[];
}

/** Split `text` into tokens; unknown characters are returned as errors, never thrown. */
export function lex(text: string): LexResult {
  const result = asmLexer.tokenize(text);
  return {
    tokens: result.tokens,
    errors: result.errors.map((e) => ({
      line: e.line ?? 0,
      col: e.column ?? 0,
      text: text.substr(e.offset, e.length),
    })),
  };
}
