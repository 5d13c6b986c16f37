// Reads and validates an ELF32 RISC-V executable before anything of it is loaded: the kernel's exec
// (Linux: fs/binfmt_elf.c load_elf_binary()) and the tools trust an ElfFile completely, so every
// header field that says where something is gets checked against the file and the address space
// here, once. A bad file gives one line naming the first problem; no input makes this throw.
//
// Checks run in the order a loader needs them: identity (magic, class, byte order, version,
// machine, type), then the program headers (what gets mapped), then the entry point, then the
// section and symbol tables (only tools need those).

import {
  EHDR_SIZE, EI_CLASS, EI_DATA, EI_VERSION, ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, ELFMAG,
  EM_RISCV, ET_CORE, ET_DYN, ET_EXEC, ET_REL, EV_CURRENT, Elf32_Ehdr, Elf32_Phdr, PF_X, PHDR_SIZE,
  PT_LOAD, SHT_NOBITS,
} from "./constants.js";
import { hex, inFile, readSectionTable, type ElfSectionHeader } from "./sections.js";
import type { ElfSymbol } from "./symbols.js";

export type { ElfSectionHeader } from "./sections.js";

export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface ElfFile {
  entry: number;
  /** Every program header, including ones vmos does not use (PT_RISCV_ATTRIBUTES, PT_GNU_STACK). */
  segments: ElfSegment[];
  loadSegments: ElfSegment[];
  /** Every section header, in file order, so sections[i] is ELF section index i (0 is SHT_NULL). */
  sections: ElfSectionHeader[];
  symbols: ElfSymbol[];
  bytes: Uint8Array;
}

export type ElfResult = { ok: true; elf: ElfFile } | { ok: false; error: string };

/** The Elf32_Ehdr fields the reader uses. */
interface ElfHeader {
  type: number;
  machine: number;
  version: number;
  entry: number;
  phoff: number;
  shoff: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

const MACHINE_NAMES: Record<number, string> = { 3: "x86", 8: "MIPS", 40: "ARM", 62: "x86-64", 183: "AArch64" };

const ADDRESS_SPACE_END = 2 ** 32;

/**
 * Parse and validate an ELF32 RISC-V executable; a corrupt file gives one line naming the problem.
 * Accepts what GNU ld writes, including segments and sections vmos ignores. The returned ElfFile
 * keeps a reference to `bytes` (not a copy): the caller must not modify them afterwards.
 */
export function readExecutable(bytes: Uint8Array): ElfResult {
  const identProblem = checkIdent(bytes);
  if (identProblem) return fail(identProblem);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = readElfHeader(view);
  const headerProblem = checkElfHeader(h, bytes);
  if (headerProblem) return fail(headerProblem);

  const segments: ElfSegment[] = [];
  for (let i = 0; i < h.phnum; i++) segments.push(readProgramHeader(view, h.phoff + i * PHDR_SIZE));
  const loadSegments = segments.filter((s) => s.type === PT_LOAD);
  const segmentProblem = checkLoadSegments(segments, bytes) ?? checkEntry(h.entry, loadSegments);
  if (segmentProblem) return fail(segmentProblem);

  const table = readSectionTable(bytes, view, h);
  if (!table.ok) return table;
  return { ok: true, elf: { entry: h.entry, segments, loadSegments, sections: table.sections, symbols: table.symbols, bytes } };
}

/** Bytes of a section's contents (empty for NOBITS). A view into the file, not a copy. */
export function sectionBytes(elf: ElfFile, section: ElfSectionHeader): Uint8Array {
  if (section.type === SHT_NOBITS) return new Uint8Array(0);
  return elf.bytes.subarray(section.offset, section.offset + section.size);
}

/** e_ident and length: is this a whole ELF32 little-endian header, of the current version? */
function checkIdent(bytes: Uint8Array): string | undefined {
  for (let i = 0; i < ELFMAG.length && i < bytes.length; i++) {
    if (bytes[i] !== ELFMAG[i]) return "not an ELF file (bad magic)";
  }
  if (bytes.length < EHDR_SIZE) return `file too short for an ELF header (${bytes.length} bytes; ELF32 needs ${EHDR_SIZE})`;
  const elfClass = bytes[EI_CLASS];
  if (elfClass === ELFCLASS64) return "ELF class is 64-bit; vmos runs 32-bit RISC-V (ELFCLASS32) executables";
  if (elfClass !== ELFCLASS32) return `ELF class ${elfClass} is invalid (expected ELFCLASS32 = 1)`;
  const data = bytes[EI_DATA];
  if (data === ELFDATA2MSB) return "ELF data is big-endian; vmos runs little-endian (ELFDATA2LSB) executables";
  if (data !== ELFDATA2LSB) return `ELF data encoding ${data} is invalid (expected ELFDATA2LSB = 1)`;
  if (bytes[EI_VERSION] !== EV_CURRENT) return `ELF identification version ${bytes[EI_VERSION]} is not EV_CURRENT (1)`;
  return undefined;
}

function checkElfHeader(h: ElfHeader, bytes: Uint8Array): string | undefined {
  if (h.version !== EV_CURRENT) return `ELF version ${h.version} is not EV_CURRENT (1)`;
  if (h.machine !== EM_RISCV) {
    const name = MACHINE_NAMES[h.machine] ?? "not RISC-V";
    return `ELF machine is ${name} (e_machine ${h.machine}); vmos runs RISC-V (EM_RISCV = ${EM_RISCV}) executables`;
  }
  switch (h.type) {
    case ET_EXEC:
      break;
    case ET_REL:
      return "this is a relocatable object file (ET_REL), not an executable: link it into an executable first";
    case ET_DYN:
      return "this is a shared object or position-independent executable (ET_DYN); vmos runs static executables (ET_EXEC)";
    case ET_CORE:
      return "this is a core dump (ET_CORE), not an executable";
    default:
      return `ELF type ${h.type} is not an executable (ET_EXEC = ${ET_EXEC})`;
  }
  if (h.phnum === 0) return "no program headers: nothing to load";
  if (h.phentsize !== PHDR_SIZE) return `program header size is ${h.phentsize} bytes; ELF32 program headers are ${PHDR_SIZE}`;
  if (!inFile(bytes, h.phoff, h.phnum * PHDR_SIZE)) {
    return `program header table (offset ${hex(h.phoff)}, ${h.phnum * PHDR_SIZE} bytes) extends past the end of the file`;
  }
  return undefined;
}

/**
 * Each PT_LOAD's bytes must be in the file, its memory image must not wrap past 2^32 or overlap
 * another's: the loader maps them without further checks. Other segment types are not loaded.
 */
function checkLoadSegments(segments: ElfSegment[], bytes: Uint8Array): string | undefined {
  const loads: { index: number; seg: ElfSegment }[] = [];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (seg.type !== PT_LOAD) continue;
    if (seg.filesz > 0 && !inFile(bytes, seg.offset, seg.filesz)) {
      return `program header ${i} (PT_LOAD) extends past the end of the file (bytes ${hex(seg.offset)}..${hex(seg.offset + seg.filesz)} of ${bytes.length})`;
    }
    if (seg.filesz > seg.memsz) {
      return `program header ${i} (PT_LOAD) has more bytes in the file (${hex(seg.filesz)}) than in memory (${hex(seg.memsz)})`;
    }
    if (seg.vaddr + seg.memsz > ADDRESS_SPACE_END) {
      return `program header ${i} (PT_LOAD) at ${hex(seg.vaddr)} with size ${hex(seg.memsz)} wraps past the end of the 32-bit address space`;
    }
    if (seg.memsz > 0) loads.push({ index: i, seg });
  }
  if (!segments.some((s) => s.type === PT_LOAD)) return "no loadable segments (PT_LOAD)";

  // Sorted by address, two segments overlap exactly when one starts before its predecessor ends.
  loads.sort((a, b) => a.seg.vaddr - b.seg.vaddr);
  for (let k = 1; k < loads.length; k++) {
    const prev = loads[k - 1];
    const next = loads[k];
    if (next.seg.vaddr < prev.seg.vaddr + prev.seg.memsz) {
      const [i, j] = [prev.index, next.index].sort((a, b) => a - b);
      return `program headers ${i} and ${j} (PT_LOAD) overlap in memory`;
    }
  }
  return undefined;
}

function checkEntry(entry: number, loadSegments: ElfSegment[]): string | undefined {
  const inside = loadSegments.some((s) => (s.flags & PF_X) !== 0 && entry >= s.vaddr && entry < s.vaddr + s.memsz);
  return inside ? undefined : `entry point ${hex(entry)} is not inside an executable (PF_X) PT_LOAD segment`;
}

/** The header fields, from a view already known to hold at least EHDR_SIZE bytes. */
function readElfHeader(view: DataView): ElfHeader {
  const H = Elf32_Ehdr;
  return {
    type: view.getUint16(H.e_type, true),
    machine: view.getUint16(H.e_machine, true),
    version: view.getUint32(H.e_version, true),
    entry: view.getUint32(H.e_entry, true),
    phoff: view.getUint32(H.e_phoff, true),
    shoff: view.getUint32(H.e_shoff, true),
    phentsize: view.getUint16(H.e_phentsize, true),
    phnum: view.getUint16(H.e_phnum, true),
    shentsize: view.getUint16(H.e_shentsize, true),
    shnum: view.getUint16(H.e_shnum, true),
    shstrndx: view.getUint16(H.e_shstrndx, true),
  };
}

/** One program header, from a table already known to lie inside the file. */
function readProgramHeader(view: DataView, at: number): ElfSegment {
  const P = Elf32_Phdr;
  return {
    type: view.getUint32(at + P.p_type, true),
    flags: view.getUint32(at + P.p_flags, true),
    offset: view.getUint32(at + P.p_offset, true),
    vaddr: view.getUint32(at + P.p_vaddr, true),
    filesz: view.getUint32(at + P.p_filesz, true),
    memsz: view.getUint32(at + P.p_memsz, true),
    align: view.getUint32(at + P.p_align, true),
  };
}

function fail(error: string): ElfResult {
  return { ok: false, error };
}
