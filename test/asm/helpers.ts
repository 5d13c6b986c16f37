// Small helpers for assembler tests: assemble inline sources and look at the result.

import { assemble, type AssembleResult } from "../../src/asm/index.js";
import { readExecutable, sectionBytes } from "../../src/elf/reader.js";

/** Assemble one inline source named `t.s` (or several `[name, text]` files). */
export function asm(...sources: (string | [string, string])[]): AssembleResult {
  return assemble(sources.map((s, i) => (typeof s === "string" ? { name: i === 0 ? "t.s" : `t${i}.s`, text: s } : { name: s[0], text: s[1] })));
}

/** Error lines as `line:col: message`, for compact assertions. */
export function errors(r: AssembleResult): string[] {
  return r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.line}:${d.col}: ${d.message}`);
}

/** The 32-bit words of .text of a successful assembly. */
export function textWords(r: AssembleResult): number[] {
  if (!r.elf) throw new Error(`assembly failed: ${errors(r).join("; ")}`);
  const parsed = readExecutable(r.elf);
  if (!parsed.ok) throw new Error(parsed.error);
  const text = parsed.elf.sections.find((s) => s.name === ".text")!;
  const bytes = sectionBytes(parsed.elf, text);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length / 4 }, (_, i) => view.getUint32(i * 4, true));
}

/** `_start:` prologue so snippets link with an entry point. */
export const START = ".globl _start\n_start:\n";
