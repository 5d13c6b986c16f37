// Assembler directives (GNU as, "Assembler Directives", plus the RISC-V `.option`).

import type { Operand, Statement } from "./ast.js";
import type { FileAssembler } from "./assembler.js";
import { didYouMean } from "./diagnostics.js";
import type { SectionName, SymbolType } from "./object.js";

type Directive = (asm: FileAssembler, st: Statement) => void;

/** Output section for a `.section` name: `.text.foo` goes to .text, `.sdata` to .data, and so on. */
export function outputSection(name: string): SectionName | undefined {
  if (/^\.text(\.|$)/.test(name)) return ".text";
  if (/^\.s?rodata(\.|$)/.test(name)) return ".rodata";
  if (/^\.s?data(\.|$)/.test(name)) return ".data";
  if (/^\.s?bss(\.|$)/.test(name)) return ".bss";
  return undefined;
}

function symbolName(asm: FileAssembler, op: Operand | undefined, directive: string): string | undefined {
  if (op?.expr.k === "sym" && op.base === undefined) return op.expr.name;
  asm.diag.error(op?.pos ?? { file: asm.file, line: 0, col: 0 }, `${directive} needs a symbol name`);
  return undefined;
}

function expectCount(asm: FileAssembler, st: Statement, min: number, max: number): boolean {
  const n = st.operands.length;
  if (n >= min && n <= max) return true;
  const want = min === max ? `${min}` : `${min} to ${max}`;
  asm.diag.error(st.op!.pos, `${st.op!.name} takes ${want} operand${max === 1 ? "" : "s"}, got ${n}`);
  return false;
}

function data(size: 1 | 2 | 4): Directive {
  return (asm, st) => {
    if (!expectCount(asm, st, 1, Infinity)) return;
    const chunk = asm.section;
    for (const op of st.operands) {
      const expr = asm.pin(op.expr);
      if (chunk.section === ".bss") {
        if (asm.constant(expr, "data in .bss") !== 0) asm.diag.error(op.pos, "non-zero data in .bss (use .data)");
        chunk.reserve(size);
        continue;
      }
      chunk.data.push({ offset: chunk.reserve(size), size, expr, pos: op.pos });
    }
  };
}

function strings(terminate: boolean): Directive {
  return (asm, st) => {
    if (!expectCount(asm, st, 1, Infinity)) return;
    for (const op of st.operands) {
      if (op.expr.k !== "str") {
        asm.diag.error(op.pos, `${st.op!.name} needs a string in double quotes`);
        continue;
      }
      if (asm.section.section === ".bss") {
        asm.diag.error(op.pos, "non-zero data in .bss (use .data)");
        continue;
      }
      const s = op.expr.value;
      const bytes = new Uint8Array(s.length + (terminate ? 1 : 0));
      for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
      asm.section.append(bytes);
    }
  };
}

function space(asm: FileAssembler, st: Statement): void {
  if (!expectCount(asm, st, 1, 2)) return;
  const n = asm.constant(asm.pin(st.operands[0]!.expr), `${st.op!.name} size`);
  const fill = st.operands[1] ? asm.constant(asm.pin(st.operands[1].expr), "fill value") : 0;
  if (n === undefined || fill === undefined) return;
  if (n < 0 || n > 1 << 28) {
    asm.diag.error(st.operands[0]!.pos, `${st.op!.name} size ${n} out of range: must be 0..${1 << 28}`);
    return;
  }
  if (fill !== 0 && asm.section.section === ".bss") asm.diag.error(st.operands[1]!.pos, "non-zero data in .bss (use .data)");
  if (fill === 0) asm.section.reserve(n);
  else asm.section.append(new Uint8Array(n).fill(fill & 0xff));
}

/** `.align`/`.p2align` (power of two) and `.balign` (bytes): pad with nops in code, else with fill. */
function align(bytesFromOperand: (v: number) => number | undefined): Directive {
  return (asm, st) => {
    if (!expectCount(asm, st, 1, 3)) return;
    const v = asm.constant(asm.pin(st.operands[0]!.expr), "alignment");
    if (v === undefined) return;
    const boundary = bytesFromOperand(v);
    if (boundary === undefined || boundary > 1 << 16) {
      asm.diag.error(st.operands[0]!.pos, `bad alignment ${v}: ${st.op!.name === ".balign" ? "a power of two up to 65536" : "0..16"}`);
      return;
    }
    const fill = st.operands[1] ? asm.constant(asm.pin(st.operands[1].expr), "fill value") : undefined;
    const max = st.operands[2] ? asm.constant(asm.pin(st.operands[2].expr), "maximum padding") : undefined;
    const chunk = asm.section;
    if (max !== undefined && (boundary - (chunk.size % boundary)) % boundary > max) return;
    chunk.align = Math.max(chunk.align, boundary);
    chunk.padTo(boundary, fill);
  };
}

function setSymbol(redefine: boolean): Directive {
  return (asm, st) => {
    if (!expectCount(asm, st, 2, 2)) return;
    const name = symbolName(asm, st.operands[0], st.op!.name);
    if (name === undefined) return;
    if (!redefine && asm.object.symbols.has(name)) {
      asm.diag.error(st.operands[0]!.pos, `symbol '${name}' is already defined`);
      return;
    }
    const value = asm.pin(st.operands[1]!.expr);
    // A value known now is frozen now, as GNU does (`.set x, .` means here, not at the end).
    const known = asm.tryValue(value);
    asm.define(name, st.operands[0]!.pos, known && !known.chunk ? { k: "num", value: known.value, pos: value.pos } : value);
  };
}

function section(asm: FileAssembler, st: Statement): void {
  const op = st.operands[0];
  const name = op?.expr.k === "sym" || op?.expr.k === "str" ? (op.expr.k === "sym" ? op.expr.name : op.expr.value) : undefined;
  if (name === undefined) {
    asm.diag.error(st.op!.pos, ".section needs a section name");
    return;
  }
  const out = outputSection(name);
  if (out === undefined) {
    asm.diag.error(op!.pos, `unsupported section '${name}': vmos executables have .text, .rodata, .data and .bss`);
    return;
  }
  asm.switchSection(out);
}

function globl(asm: FileAssembler, st: Statement): void {
  for (const op of st.operands) {
    const name = symbolName(asm, op, st.op!.name);
    if (name !== undefined) asm.object.globals.set(name, op.pos);
  }
}

function type(asm: FileAssembler, st: Statement): void {
  if (!expectCount(asm, st, 2, 2)) return;
  const name = symbolName(asm, st.operands[0], ".type");
  const tag = st.operands[1]!.expr;
  const t = tag.k === "sym" ? tag.name.replace(/^[@%]/, "").replace(/^STT_/, "").toLowerCase() : "";
  const types: Record<string, SymbolType> = { function: "func", func: "func", object: "object", notype: "notype" };
  if (types[t] === undefined) {
    asm.diag.error(st.operands[1]!.pos, ".type must be @function, @object or @notype");
    return;
  }
  if (name !== undefined) asm.object.types.set(name, types[t]!);
}

function size(asm: FileAssembler, st: Statement): void {
  if (!expectCount(asm, st, 2, 2)) return;
  const name = symbolName(asm, st.operands[0], ".size");
  if (name !== undefined) asm.object.sizes.set(name, asm.pin(st.operands[1]!.expr));
}

function option(asm: FileAssembler, st: Statement): void {
  const known = ["rvc", "norvc", "relax", "norelax", "push", "pop", "pic", "nopic", "arch"];
  const arg = st.operands[0]?.expr;
  const name = arg?.k === "sym" ? arg.name : "";
  if (!known.includes(name)) asm.diag.error(st.operands[0]?.pos ?? st.op!.pos, `unknown .option '${name}' (known: ${known.join(", ")})`);
  else if (name === "pic") asm.diag.warning(st.op!.pos, ".option pic ignored: vmos links static executables, so 'la' stays pc-relative");
}

function include(asm: FileAssembler, st: Statement): void {
  const arg = st.operands[0]?.expr;
  if (st.operands.length !== 1 || arg?.k !== "str") {
    asm.diag.error(st.op!.pos, '.include needs one file name in double quotes');
    return;
  }
  asm.includeFile(arg.value, st.op!.pos);
}

const ignored: Directive = () => {};

const DIRECTIVES: Readonly<Record<string, Directive>> = {
  ".text": (asm) => asm.switchSection(".text"),
  ".data": (asm) => asm.switchSection(".data"),
  ".rodata": (asm) => asm.switchSection(".rodata"),
  ".bss": (asm) => asm.switchSection(".bss"),
  ".section": section,
  ".globl": globl, ".global": globl, ".weak": globl,
  ".local": ignored,
  ".type": type, ".size": size,
  ".word": data(4), ".4byte": data(4), ".long": data(4),
  ".half": data(2), ".short": data(2), ".2byte": data(2),
  ".byte": data(1),
  ".ascii": strings(false), ".asciz": strings(true), ".string": strings(true),
  ".zero": space, ".space": space, ".skip": space,
  ".align": align((v) => (v >= 0 && v <= 16 ? 1 << v : undefined)),
  ".p2align": align((v) => (v >= 0 && v <= 16 ? 1 << v : undefined)),
  ".balign": align((v) => (v > 0 && (v & (v - 1)) === 0 ? v : undefined)),
  ".equ": setSymbol(true), ".set": setSymbol(true), ".equiv": setSymbol(false),
  ".option": option,
  ".include": include,
  ".file": ignored, ".ident": ignored, ".attribute": ignored, ".end": ignored,
  ".cfi_startproc": ignored, ".cfi_endproc": ignored, ".cfi_sections": ignored, ".addrsig": ignored,
};

/** Carry out one directive statement; unknown directives are reported with a suggestion. */
export function assembleDirective(asm: FileAssembler, st: Statement): void {
  const name = st.op!.name.toLowerCase();
  const directive = DIRECTIVES[name] ?? (name.startsWith(".cfi_") ? ignored : undefined);
  if (directive === undefined) {
    const hint = didYouMean(name, Object.keys(DIRECTIVES));
    asm.diag.error(st.op!.pos, `unknown directive '${st.op!.name}'${hint ? `; did you mean '${hint}'?` : ""}`);
    return;
  }
  directive(asm, st);
}

/** Name a `.word`-like directive uses for a value of `size` bytes (for messages). */
export function dataDirectiveName(size: 1 | 2 | 4): string {
  return { 1: ".byte", 2: ".half", 4: ".word" }[size];
}

