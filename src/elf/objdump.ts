// `objdump -d` for vmos: every executable section disassembled, with symbol labels, branch targets
// named `<sym+0xoff>`, and GNU's `# addr <sym>` comments on auipc/lui pairs.

import { decode } from "../isa/decode.js";
import { disassemble } from "../isa/disasm.js";
import { immI, immS, immU, rdOf, rs1Of } from "../isa/formats.js";
import { Op } from "../isa/instructions.js";
import { SHF_EXECINSTR } from "./constants.js";
import { sectionBytes, type ElfFile } from "./reader.js";

/** Named symbols sorted by address (globals before locals at the same address); `abs` too, or not. */
function sortedSymbols(elf: ElfFile, withAbsolute: boolean): { name: string; value: number }[] {
  return elf.symbols
    .filter((s) => s.name !== "" && (withAbsolute || s.section !== "abs"))
    .sort((a, b) => a.value - b.value || (a.binding === b.binding ? 0 : a.binding === "global" ? -1 : 1));
}

/**
 * `sym` or `sym+0x10` for an address, from the nearest symbol at or below it; below every symbol,
 * GNU names it from the first one with a negative offset (`_start-0xf894`), and so do we.
 */
function symbolic(addr: number, symbols: { name: string; value: number }[]): string | undefined {
  let best = symbols[0];
  if (best === undefined) return undefined;
  for (const s of symbols) {
    if (s.value > addr) break;
    if (s.value > best.value || best.value > addr) best = s;
  }
  const delta = addr - best.value;
  if (delta === 0) return best.name;
  return delta > 0 ? `${best.name}+0x${delta.toString(16)}` : `${best.name}-0x${(-delta).toString(16)}`;
}

const X_ZERO = 0;
const X_TP = 4;

/**
 * GNU's `# address` comment (riscv-dis.c maybe_print_address): lui/auipc leave a value for their rd;
 * the next instruction that prints an offset from that register consumes it. Offsets from zero or tp
 * are printed as they are. `printed` is the operand text, to know whether an offset was printed.
 */
function addressComment(word: number, printed: string, upper: Map<number, number>): number | undefined {
  const def = decode(word);
  if (def === undefined) return undefined;
  const rs1 = rs1Of(word);
  let offset: number | undefined;
  if (def.format === "S") offset = immS(word);
  else if (def.op === Op.JALR && printed !== "") offset = immI(word); // any form that prints rs1 (not ret)
  else if (def.operands.includes("mem") && printed.includes("(")) offset = immI(word); // loads
  else if (def.op === Op.ADDI && rs1 !== X_ZERO && printed.split(",").length === 3) offset = immI(word);
  if (offset === undefined) return undefined;
  const base = upper.get(rs1);
  if (base !== undefined) {
    upper.delete(rs1);
    return ((rs1 === X_ZERO ? 0 : base) + offset) >>> 0;
  }
  return rs1 === X_ZERO || rs1 === X_TP ? offset >>> 0 : undefined;
}

/** Disassembly of `elf`'s executable sections as GNU objdump -d prints it. */
export function objdump(elf: ElfFile, fileName: string): string {
  const out: string[] = [`\n${fileName}:     file format elf32-littleriscv\n\n`];
  // Like GNU: labels come from section symbols; addresses in operands may be named by absolute ones.
  const symbols = sortedSymbols(elf, true);
  const labelsAt = new Map<number, string>();
  for (const s of sortedSymbols(elf, false)) if (!labelsAt.has(s.value)) labelsAt.set(s.value, s.name);
  for (const section of elf.sections) {
    if ((section.flags & SHF_EXECINSTR) === 0 || section.size === 0) continue;
    out.push(`\nDisassembly of section ${section.name}:\n`);
    const bytes = sectionBytes(elf, section);
    const labelOffsets = [...labelsAt.keys()].map((a) => a - section.addr).filter((o) => o > 0 && o < bytes.length).sort((a, b) => a - b);
    const upper = new Map<number, number>(); // register -> value left by auipc/lui, until consumed
    for (let off = 0; off + 4 <= bytes.length;) {
      const pc = (section.addr + off) >>> 0;
      const label = labelsAt.get(pc);
      if (label !== undefined || off === 0) out.push(`\n${pc.toString(16).padStart(8, "0")} <${label ?? symbolic(pc, symbols) ?? section.name}>:\n`);
      const stop = labelOffsets.find((o) => o > off) ?? bytes.length;
      const skip = zeroRun(bytes, off, stop);
      if (skip > 0) {
        out.push("\t...\n");
        off += skip;
        continue;
      }
      out.push(instructionLine(new DataView(bytes.buffer, bytes.byteOffset).getUint32(off, true), pc, symbols, upper));
      off += 4;
    }
  }
  return out.join("");
}

/**
 * objdump's default zero skipping: 8 or more zero bytes before `stop` print as `...`. Returns how many
 * bytes to skip (a multiple of 4 unless the run reaches `stop`), or 0.
 */
function zeroRun(bytes: Uint8Array, off: number, stop: number): number {
  let z = off;
  while (z < stop && bytes[z] === 0) z++;
  const run = z - off;
  if (run < 8) return 0;
  return z === stop ? run : run & ~3;
}

function instructionLine(word: number, pc: number, symbols: { name: string; value: number }[], upper: Map<number, number>): string {
  const d = disassemble(word, pc);
  let comment = "";
  if (d.target !== undefined) {
    const name = symbolic(d.target, symbols);
    if (name) d.operands = `${d.operands} <${name}>`;
  } else {
    const address = addressComment(word, d.operands, upper);
    const name = address === undefined ? undefined : symbolic(address, symbols);
    if (address !== undefined) comment = ` # ${address.toString(16)}${name ? ` <${name}>` : ""}`;
  }
  const op = decode(word)?.op;
  if (op === Op.AUIPC) upper.set(rdOf(word), (pc + immU(word)) >>> 0);
  else if (op === Op.LUI) upper.set(rdOf(word), immU(word) >>> 0);
  const text = d.operands ? `${d.mnemonic}\t${d.operands}` : d.mnemonic;
  return `${pc.toString(16).padStart(8, " ")}:\t${word.toString(16).padStart(8, "0")}          \t${text}${comment}\n`;
}
