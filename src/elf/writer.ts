// Writes a static ELF32 little-endian RISC-V executable (ET_EXEC), the file `vmos asm` produces and
// the kernel's exec loads. File layout, front to back:
//
//   Elf32_Ehdr, Elf32_Phdr[], .text        segment 1 (placed by layout.ts)
//   .rodata                                 segment 2, page aligned (if present)
//   .data                                   segment 3, page aligned (if .data or .bss; .bss has no bytes)
//   .symtab, .strtab, .shstrtab             not loaded: only tools and debuggers read them
//   Elf32_Shdr[]                            the section header table, last, as GNU ld does

import {
  EHDR_SIZE, EI_CLASS, EI_DATA, EI_OSABI, EI_VERSION, ELFCLASS32, ELFDATA2LSB, ELFMAG, ELFOSABI_SYSV,
  EM_RISCV, ET_EXEC, EV_CURRENT, Elf32_Ehdr, Elf32_Phdr, Elf32_Shdr, Elf32_Sym, PHDR_SIZE, PT_LOAD,
  SHDR_SIZE, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHN_ABS, SHT_NOBITS, SHT_NULL, SHT_PROGBITS, SHT_STRTAB,
  SHT_SYMTAB, SYM_SIZE,
} from "./constants.js";
import { alignUp, layoutImage, type AllocSectionName, type PlacedSection, type PlacedSegment } from "./layout.js";
import { symbolInfo, type ElfSymbol } from "./symbols.js";

export type { ElfSymbol } from "./symbols.js";

export interface ExecutableImage {
  entry: number;
  sections: { name: AllocSectionName; addr: number; align: number; size: number; data?: Uint8Array }[];
  symbols: ElfSymbol[];
}

/** e_flags: soft-float ABI, no RVC, which is what GNU ld writes for -march=rv32ima -mabi=ilp32. */
const EF_RISCV_SOFT_FLOAT = 0;

const ALLOC_FLAGS: Record<AllocSectionName, number> = {
  ".text": SHF_ALLOC | SHF_EXECINSTR,
  ".rodata": SHF_ALLOC,
  ".data": SHF_ALLOC | SHF_WRITE,
  ".bss": SHF_ALLOC | SHF_WRITE,
};

/** One Elf32_Shdr before it is written. */
interface SectionHeader {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  align: number;
  entsize: number;
}

/**
 * Bytes of a static ELF32 little-endian RISC-V ET_EXEC file. The image's section addresses must be
 * the ones layoutSections gives for the same sizes and alignments, and each section's data (zeros
 * if absent; ignored for .bss) must be exactly `size` bytes; either failing is a vmos bug and throws
 * an Error. A symbol in an empty section (which the layout leaves out) is written as absolute
 * (SHN_ABS): its address belongs to no section of the file. The entry point is written as given;
 * readExecutable rejects a file whose entry is outside .text, so the assembler should report an
 * empty program or a _start outside .text to the user rather than ask for such a file.
 */
export function writeExecutable(image: ExecutableImage): Uint8Array {
  const layout = layoutImage(image.sections.map(({ name, size, align }) => ({ name, size, align })));
  for (const placed of layout.sections) checkAgainstLayout(image, placed);

  const symbols = [...image.symbols.filter((s) => s.binding === "local"), ...image.symbols.filter((s) => s.binding === "global")];
  const symStrings = new StringTable();
  const symNames = symbols.map((s) => symStrings.offsetOf(s.name));
  // Every section name goes in now: .shstrtab's size decides where the header table starts.
  const secStrings = new StringTable();
  for (const name of ["", ...layout.sections.map((s) => s.name), ".symtab", ".strtab", ".shstrtab"]) secStrings.offsetOf(name);

  // Non-allocated sections follow the last segment's bytes; the header table comes last.
  const symtabAt = { offset: alignUp(layout.fileEnd, 4), size: (symbols.length + 1) * SYM_SIZE }; // + null entry
  const strtabAt = { offset: symtabAt.offset + symtabAt.size, size: symStrings.size };
  const shstrtabAt = { offset: strtabAt.offset + strtabAt.size, size: secStrings.size };
  const shoff = alignUp(shstrtabAt.offset + shstrtabAt.size, 4);
  const headers = sectionHeaders(layout.sections, symbols, symtabAt, strtabAt, shstrtabAt);

  const out = new Uint8Array(shoff + headers.length * SHDR_SIZE);
  const view = new DataView(out.buffer);
  writeElfHeader(view, image.entry, layout.segments.length, shoff, headers.length);
  layout.segments.forEach((seg, i) => writeProgramHeader(view, EHDR_SIZE + i * PHDR_SIZE, seg));
  for (const placed of layout.sections) {
    const data = image.sections.find((s) => s.name === placed.name)?.data;
    if (placed.name !== ".bss" && data) out.set(data, placed.offset);
  }
  symbols.forEach((s, i) => writeSymbol(view, symtabAt.offset + (i + 1) * SYM_SIZE, s, symNames[i], layout.sections));
  symStrings.writeTo(out, strtabAt.offset);
  secStrings.writeTo(out, shstrtabAt.offset);
  headers.forEach((h, i) => writeSectionHeader(view, shoff + i * SHDR_SIZE, h, secStrings.offsetOf(h.name)));
  return out;
}

/** Where a non-allocated section's bytes are in the file. */
interface FileRange {
  offset: number;
  size: number;
}

/** Section headers in file order: null, the placed sections, .symtab, .strtab, .shstrtab. */
function sectionHeaders(placed: PlacedSection[], symbols: ElfSymbol[], symtab: FileRange, strtab: FileRange, shstrtab: FileRange): SectionHeader[] {
  const none = { flags: 0, addr: 0, link: 0, info: 0, entsize: 0 };
  const headers: SectionHeader[] = [{ ...none, name: "", type: SHT_NULL, offset: 0, size: 0, align: 0 }];
  for (const s of placed) {
    const type = s.name === ".bss" ? SHT_NOBITS : SHT_PROGBITS;
    headers.push({ ...none, name: s.name, type, flags: ALLOC_FLAGS[s.name], addr: s.addr, offset: s.offset, size: s.size, align: s.align });
  }
  const strtabIndex = headers.length + 1;
  // sh_info of a symbol table: index of the first non-local symbol (locals come first; +1 for null).
  const firstGlobal = 1 + symbols.filter((s) => s.binding === "local").length;
  headers.push({ ...none, name: ".symtab", type: SHT_SYMTAB, ...symtab, link: strtabIndex, info: firstGlobal, align: 4, entsize: SYM_SIZE });
  headers.push({ ...none, name: ".strtab", type: SHT_STRTAB, ...strtab, align: 1 });
  headers.push({ ...none, name: ".shstrtab", type: SHT_STRTAB, ...shstrtab, align: 1 });
  return headers;
}

function checkAgainstLayout(image: ExecutableImage, placed: PlacedSection): void {
  const given = image.sections.find((s) => s.name === placed.name);
  const addr = given ? given.addr >>> 0 : placed.addr;
  if (addr !== placed.addr) {
    throw new Error(`vmos bug: ${placed.name} is at 0x${addr.toString(16)} but the layout puts it at 0x${placed.addr.toString(16)}`);
  }
  if (placed.name !== ".bss" && given?.data && given.data.length !== placed.size) {
    throw new Error(`vmos bug: ${placed.name} has ${given.data.length} bytes of data for size ${placed.size}`);
  }
}

function writeElfHeader(view: DataView, entry: number, phnum: number, shoff: number, shnum: number): void {
  const H = Elf32_Ehdr;
  ELFMAG.forEach((b, i) => view.setUint8(H.e_ident + i, b));
  view.setUint8(EI_CLASS, ELFCLASS32);
  view.setUint8(EI_DATA, ELFDATA2LSB);
  view.setUint8(EI_VERSION, EV_CURRENT);
  view.setUint8(EI_OSABI, ELFOSABI_SYSV);
  view.setUint16(H.e_type, ET_EXEC, true);
  view.setUint16(H.e_machine, EM_RISCV, true);
  view.setUint32(H.e_version, EV_CURRENT, true);
  view.setUint32(H.e_entry, entry >>> 0, true);
  view.setUint32(H.e_phoff, EHDR_SIZE, true);
  view.setUint32(H.e_shoff, shoff, true);
  view.setUint32(H.e_flags, EF_RISCV_SOFT_FLOAT, true);
  view.setUint16(H.e_ehsize, EHDR_SIZE, true);
  view.setUint16(H.e_phentsize, PHDR_SIZE, true);
  view.setUint16(H.e_phnum, phnum, true);
  view.setUint16(H.e_shentsize, SHDR_SIZE, true);
  view.setUint16(H.e_shnum, shnum, true);
  view.setUint16(H.e_shstrndx, shnum - 1, true); // .shstrtab is always the last section
}

function writeProgramHeader(view: DataView, at: number, seg: PlacedSegment): void {
  const P = Elf32_Phdr;
  view.setUint32(at + P.p_type, PT_LOAD, true);
  view.setUint32(at + P.p_offset, seg.offset, true);
  view.setUint32(at + P.p_vaddr, seg.vaddr, true);
  view.setUint32(at + P.p_paddr, seg.vaddr, true); // no separate load address on a flat machine
  view.setUint32(at + P.p_filesz, seg.filesz, true);
  view.setUint32(at + P.p_memsz, seg.memsz, true);
  view.setUint32(at + P.p_flags, seg.flags, true);
  view.setUint32(at + P.p_align, seg.align, true);
}

function writeSectionHeader(view: DataView, at: number, h: SectionHeader, nameOffset: number): void {
  const S = Elf32_Shdr;
  view.setUint32(at + S.sh_name, nameOffset, true);
  view.setUint32(at + S.sh_type, h.type, true);
  view.setUint32(at + S.sh_flags, h.flags, true);
  view.setUint32(at + S.sh_addr, h.addr, true);
  view.setUint32(at + S.sh_offset, h.offset, true);
  view.setUint32(at + S.sh_size, h.size, true);
  view.setUint32(at + S.sh_link, h.link, true);
  view.setUint32(at + S.sh_info, h.info, true);
  view.setUint32(at + S.sh_addralign, h.align, true);
  view.setUint32(at + S.sh_entsize, h.entsize, true);
}

function writeSymbol(view: DataView, at: number, s: ElfSymbol, nameOffset: number, placed: PlacedSection[]): void {
  const Y = Elf32_Sym;
  const i = placed.findIndex((p) => p.name === s.section);
  const shndx = i < 0 ? SHN_ABS : i + 1; // section header 0 is the null section
  view.setUint32(at + Y.st_name, nameOffset, true);
  view.setUint32(at + Y.st_value, s.value >>> 0, true);
  view.setUint32(at + Y.st_size, s.size >>> 0, true);
  view.setUint8(at + Y.st_info, symbolInfo(s.type, s.binding));
  view.setUint8(at + Y.st_other, 0); // STV_DEFAULT
  view.setUint16(at + Y.st_shndx, shndx, true);
}

const utf8 = new TextEncoder();

/** An ELF string table: NUL-terminated names, offset 0 being the empty name. Repeats share an entry. */
class StringTable {
  private readonly bytes: number[] = [0];
  private readonly offsets = new Map<string, number>([["", 0]]);

  get size(): number {
    return this.bytes.length;
  }

  /** Offset of `name` in the table, adding it if new. */
  offsetOf(name: string): number {
    let offset = this.offsets.get(name);
    if (offset === undefined) {
      offset = this.bytes.length;
      this.offsets.set(name, offset);
      this.bytes.push(...utf8.encode(name), 0);
    }
    return offset;
  }

  writeTo(out: Uint8Array, at: number): void {
    out.set(this.bytes, at);
  }
}
