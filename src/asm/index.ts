// The assembler's entry point: GNU-syntax RV32IMA source files in, one static ELF32 executable out.

import { writeExecutable, type ExecutableImage } from "../elf/writer.js";
import type { Statement } from "./ast.js";
import { assembleFile, type FileAssembler, type IncludeResolver } from "./assembler.js";
import type { Diagnostic } from "./diagnostics.js";
import { Diagnostics } from "./diagnostics.js";
import { assembleDirective } from "./directives.js";
import { assembleInstruction } from "./instruction.js";
import { link } from "./linker.js";

export interface SourceFile {
  name: string;
  text: string;
}

export interface AssembleResult {
  /** The executable's bytes; undefined when there were errors. */
  elf?: Uint8Array;
  image?: ExecutableImage;
  /** Errors and warnings, in source order per file. */
  diagnostics: Diagnostic[];
  /** Every source text the diagnostics may point into (the inputs and what they `.include`d). */
  sources: Map<string, string>;
}

export interface AssembleOptions {
  /** How `.include` finds files; without it, `.include` is an error. */
  include?: IncludeResolver;
}

function handleStatement(asm: FileAssembler, st: Statement): void {
  if (st.op!.name.startsWith(".") && st.op!.name.length > 1) assembleDirective(asm, st);
  else assembleInstruction(asm, st);
}

/**
 * Assemble and link `files` (in order) into one executable with entry `_start`.
 * Never throws for bad input: every problem is a diagnostic with a file, line and column.
 */
export function assemble(files: SourceFile[], options: AssembleOptions = {}): AssembleResult {
  const diag = new Diagnostics();
  const sources = new Map(files.map((f) => [f.name, f.text]));
  const objects = files.map((f) => assembleFile(f.name, f.text, diag, handleStatement, options.include, sources));
  // Link even after pass-1 errors: pass 2 finds the range and symbol errors of the other lines.
  const image = link(objects, diag);
  const order = new Map([...sources.keys()].map((name, i) => [name, i]));
  const diagnostics = [...diag.list].sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || a.col - b.col);
  if (image === undefined || diag.errorCount > 0) return { diagnostics, sources };
  return { elf: writeExecutable(image), image, diagnostics, sources };
}

export { formatDiagnostic } from "./diagnostics.js";
export type { Diagnostic } from "./diagnostics.js";
