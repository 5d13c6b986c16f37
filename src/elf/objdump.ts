// `objdump -d` for vmos: every executable section disassembled, with symbol labels, branch targets
// named `<sym+0xoff>`, and GNU's `# addr <sym>` comments on auipc/lui pairs.

import { decode } from "../isa/decode.js";
import { disassemble } from "../isa/disasm.js";
import { immI, immS, immU, rdOf, rs1Of } from "../isa/formats.js";
import { Op } from "../isa/instructions.js";
import { SHF_EXECINSTR } from "./constants.js";
import { sectionBytes, type ElfFile } from "./reader.js";

/** Symbols usable as labels, sorted by address (globals before locals at the same address). */
function labelSymbols(elf: ElfFile): { name: string; value: number }[] {
  return elf.symbols
    .filter((s) => s.name !== "" && s.section !== "abs")
    .sort((a, b) => a.value - b.value || (a.binding === b.binding ? 0 : a.binding === "global" ? -1 : 1));
}

/** `sym` or `sym+0x10` for an address, from the nearest symbol at or below it. */
function symbolic(addr: number, symbols: { name: string; value: number }[]): string | undefined {
  let best: { name: string; value: number } | undefined;
  for (const s of symbols) {
    if (s.value > addr) break;
    if (best === undefined || s.value > best.value) best = s;
  }
  if (best === undefined) return undefined;
  return addr === best.value ? best.name : `${best.name}+0x${(addr - best.value).toString(16)}`;
}

/** The address an instruction forms from the previous auipc/lui of its base register, if any. */
function pairedAddress(word: number, upper: Map<number, number>): number | undefined {
  const def = decode(word);
  if (def === undefined) return undefined;
  const base = upper.get(rs1Of(word));
  if (base === undefined) return undefined;
  if (def.format === "S") return (base + immS(word)) >>> 0;
  if (def.op === Op.ADDI || def.op === Op.JALR || (def.format === "I" && def.operands.includes("mem"))) return (base + immI(word)) >>> 0;
  return undefined;
}

/** Disassembly of `elf`'s executable sections as GNU objdump -d prints it. */
export function objdump(elf: ElfFile, fileName: string): string {
  const out: string[] = [`\n${fileName}:     file format elf32-littleriscv\n\n`];
  const symbols = labelSymbols(elf);
  const labelsAt = new Map<number, string>();
  for (const s of symbols) if (!labelsAt.has(s.value)) labelsAt.set(s.value, s.name);
  for (const section of elf.sections) {
    if ((section.flags & SHF_EXECINSTR) === 0 || section.size === 0) continue;
    out.push(`\nDisassembly of section ${section.name}:\n`);
    const bytes = sectionBytes(elf, section);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const upper = new Map<number, number>(); // register -> value left by auipc/lui
    for (let off = 0; off + 4 <= bytes.length; off += 4) {
      const pc = (section.addr + off) >>> 0;
      const label = labelsAt.get(pc);
      if (label !== undefined || off === 0) out.push(`\n${pc.toString(16).padStart(8, "0")} <${label ?? symbolic(pc, symbols) ?? section.name}>:\n`);
      const word = view.getUint32(off, true);
      const d = disassemble(word, pc);
      let comment = "";
      const target = d.target ?? pairedAddress(word, upper);
      if (target !== undefined) {
        const name = symbolic(target, symbols);
        if (d.target !== undefined) d.operands = name ? `${d.operands} <${name}>` : d.operands;
        else comment = ` # ${target.toString(16)}${name ? ` <${name}>` : ""}`;
      }
      const def = decode(word);
      if (def?.op === Op.AUIPC) upper.set(rdOf(word), (pc + immU(word)) >>> 0);
      else if (def?.op === Op.LUI) upper.set(rdOf(word), immU(word) >>> 0);
      else if (def && def.operands[0] === "rd") upper.delete(rdOf(word));
      const text = d.operands ? `${d.mnemonic}\t${d.operands}` : d.mnemonic;
      out.push(`${pc.toString(16).padStart(8, " ")}:\t${word.toString(16).padStart(8, "0")}          \t${text}${comment}\n`);
    }
  }
  return out.join("");
}
