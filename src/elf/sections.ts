// Reading and validating the section header table and the symbol table of an ELF32 file. Nothing
// here is needed to run a program (the loader uses program headers only), but the disassembler,
// the debugger and backtraces use section names and symbols, so a corrupt table must be reported,
// not read past. Every read below follows a bounds check of the record it is in.

import {
  Elf32_Shdr, Elf32_Sym, SHDR_SIZE, SHN_ABS, SHN_LORESERVE, SHN_UNDEF, SHT_NOBITS, SHT_STRTAB,
  SHT_SYMTAB, SYM_SIZE,
} from "./constants.js";
import type { AllocSectionName } from "./layout.js";
import { symbolBindingOf, symbolTypeOf, type ElfSymbol } from "./symbols.js";

export interface ElfSectionHeader {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
}

/** Where the section header table is, from the ELF header. */
export interface SectionTableLocation {
  shoff: number;
  shnum: number;
  shentsize: number;
  shstrndx: number;
}

export type SectionTableResult =
  | { ok: true; sections: ElfSectionHeader[]; symbols: ElfSymbol[] }
  | { ok: false; error: string };

/** An Elf32_Shdr with the fields the reader needs beyond ElfSectionHeader. */
interface RawSection extends Omit<ElfSectionHeader, "name"> {
  nameOffset: number;
  link: number;
  entsize: number;
}

const ALLOC_NAMES: readonly string[] = [".text", ".rodata", ".data", ".bss"] satisfies AllocSectionName[];

const utf8 = new TextDecoder();

/**
 * Section headers (named) and the symbols of the first SHT_SYMTAB, if any. A file with no section
 * header table (shoff 0 or shnum 0, as after stripping) has neither and is fine. Symbols vmos does
 * not model are left out: the null entry, section and file symbols, undefined symbols, RISC-V mapping
 * symbols ($x, $d: they mark code and data, they are not labels), and symbols in sections other
 * than .text/.rodata/.data/.bss (e.g. GNU's .sdata). Returns the first problem
 * found, as one line, if any table or name lies outside the file.
 */
export function readSectionTable(bytes: Uint8Array, view: DataView, loc: SectionTableLocation): SectionTableResult {
  if (loc.shoff === 0 || loc.shnum === 0) return { ok: true, sections: [], symbols: [] };
  if (loc.shentsize !== SHDR_SIZE) {
    return fail(`section header size is ${loc.shentsize} bytes; ELF32 section headers are ${SHDR_SIZE}`);
  }
  if (!inFile(bytes, loc.shoff, loc.shnum * SHDR_SIZE)) {
    return fail(`section header table (offset ${hex(loc.shoff)}, ${loc.shnum * SHDR_SIZE} bytes) extends past the end of the file`);
  }
  const raw: RawSection[] = [];
  for (let i = 0; i < loc.shnum; i++) raw.push(readSectionHeader(view, loc.shoff + i * SHDR_SIZE));

  const names = raw[loc.shstrndx];
  if (names === undefined) {
    return fail(`section name string table index ${loc.shstrndx} is not a section (there are ${loc.shnum})`);
  }
  if (names.type !== SHT_STRTAB) return fail(`section name string table (section ${loc.shstrndx}) is not a string table`);
  if (!inFile(bytes, names.offset, names.size)) {
    return fail(`section name string table (section ${loc.shstrndx}) extends past the end of the file`);
  }

  const sections: ElfSectionHeader[] = [];
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i];
    const name = stringAt(bytes, names, s.nameOffset);
    if (name === undefined) return fail(`section ${i} name (offset ${hex(s.nameOffset)}) is outside the section name string table`);
    if (s.type !== SHT_NOBITS && !inFile(bytes, s.offset, s.size)) return fail(`section ${i} (${printable(name)}) extends past the end of the file`);
    sections.push({ name, type: s.type, flags: s.flags, addr: s.addr, offset: s.offset, size: s.size });
  }

  const symtabIndex = raw.findIndex((s) => s.type === SHT_SYMTAB);
  if (symtabIndex < 0) return { ok: true, sections, symbols: [] };
  const symbols = readSymbols(bytes, view, raw, sections, symtabIndex);
  return typeof symbols === "string" ? fail(symbols) : { ok: true, sections, symbols };
}

/**
 * A name read from a (possibly damaged) file, fit for a one-line message: control characters and
 * backslashes become escapes (\n, \x1b), so a problem report never spans lines or moves the cursor.
 */
function printable(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f\\]/g, (c) =>
    c === "\n" ? "\\n" : c === "\t" ? "\\t" : c === "\\" ? "\\\\" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** The symbols of section `index` (an SHT_SYMTAB already known to lie inside the file), or a problem. */
function readSymbols(bytes: Uint8Array, view: DataView, raw: RawSection[], sections: ElfSectionHeader[], index: number): ElfSymbol[] | string {
  const symtab = raw[index];
  if (symtab.entsize !== SYM_SIZE) return `symbol table entry size is ${symtab.entsize} bytes; ELF32 symbols are ${SYM_SIZE}`;
  if (symtab.size % SYM_SIZE !== 0) return `symbol table size ${hex(symtab.size)} is not a whole number of ${SYM_SIZE}-byte entries`;
  const strtab = raw[symtab.link];
  if (strtab === undefined || strtab.type !== SHT_STRTAB) {
    return `symbol table's string table (section ${symtab.link}) is not a string table`;
  }

  const symbols: ElfSymbol[] = [];
  for (let i = 1; i < symtab.size / SYM_SIZE; i++) { // entry 0 is the null symbol
    const at = symtab.offset + i * SYM_SIZE;
    const nameOffset = view.getUint32(at + Elf32_Sym.st_name, true);
    const info = view.getUint8(at + Elf32_Sym.st_info);
    const shndx = view.getUint16(at + Elf32_Sym.st_shndx, true);
    const name = stringAt(bytes, strtab, nameOffset);
    if (name === undefined) return `symbol ${i} name (offset ${hex(nameOffset)}) is outside the symbol string table`;
    if (shndx !== SHN_UNDEF && shndx < SHN_LORESERVE && shndx >= sections.length) {
      return `symbol ${i} (${printable(name)}) is in section ${shndx}, which does not exist`;
    }

    const type = symbolTypeOf(info);
    const section = shndx === SHN_ABS ? "abs" : sections[shndx]?.name;
    if (type === undefined || shndx === SHN_UNDEF || isMappingSymbol(name, info)) continue;
    if (section === undefined || !isModelled(section)) continue;
    symbols.push({
      name,
      value: view.getUint32(at + Elf32_Sym.st_value, true),
      size: view.getUint32(at + Elf32_Sym.st_size, true),
      type,
      binding: symbolBindingOf(info),
      section,
    });
  }
  return symbols;
}

/** RISC-V psABI mapping symbols: local "$d", "$d.<any>", "$x", "$x.<any>" or "$x<isa>" ("$xrv32i2p1"). */
function isMappingSymbol(name: string, info: number): boolean {
  return symbolBindingOf(info) === "local" && (name === "$d" || name.startsWith("$d.") || name.startsWith("$x"));
}

function isModelled(section: string): section is AllocSectionName | "abs" {
  return section === "abs" || ALLOC_NAMES.includes(section);
}

function readSectionHeader(view: DataView, at: number): RawSection {
  const S = Elf32_Shdr;
  return {
    nameOffset: view.getUint32(at + S.sh_name, true),
    type: view.getUint32(at + S.sh_type, true),
    flags: view.getUint32(at + S.sh_flags, true),
    addr: view.getUint32(at + S.sh_addr, true),
    offset: view.getUint32(at + S.sh_offset, true),
    size: view.getUint32(at + S.sh_size, true),
    link: view.getUint32(at + S.sh_link, true),
    entsize: view.getUint32(at + S.sh_entsize, true),
  };
}

/**
 * The NUL-terminated string at `offset` in a string table already known to lie inside the file,
 * or undefined if it starts outside the table or is not terminated inside it.
 */
function stringAt(bytes: Uint8Array, table: RawSection, offset: number): string | undefined {
  if (offset >= table.size) return undefined;
  const rest = bytes.subarray(table.offset + offset, table.offset + table.size);
  const end = rest.indexOf(0);
  return end < 0 ? undefined : utf8.decode(rest.subarray(0, end));
}

/** True if bytes [offset, offset + size) lie inside the file. Both are unsigned 32-bit values. */
export function inFile(bytes: Uint8Array, offset: number, size: number): boolean {
  return offset + size <= bytes.length;
}

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function fail(error: string): SectionTableResult {
  return { ok: false, error };
}
