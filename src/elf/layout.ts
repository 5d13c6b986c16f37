// Where the allocated sections of a vmos executable go. The assembler asks before it encodes,
// because pc-relative code (auipc, jal, branches to other sections) needs final addresses; the
// writer asks again and checks that the image agrees. One function decides, so they cannot differ.
//
// Like GNU ld's default RISC-V layout, except that every segment starts on its own page, so each
// segment maps to whole pages with a single set of permissions:
//
//   file offset 0, vaddr 0x10000                          segment 1: PT_LOAD R+X (always present)
//   | Elf32_Ehdr | Elf32_Phdr x phnum | pad | .text |
//   next page boundary                                    segment 2: PT_LOAD R   (if .rodata)
//   | .rodata |
//   next page boundary                                    segment 3: PT_LOAD R+W (if .data/.bss)
//   | .data | pad | .bss (memory only: filesz stops at the end of .data) |
//
// Each later segment starts at the next page boundary in memory and in the file, so its vaddr and
// file offset are equal modulo the page size, as a page-mapping loader (and qemu, and Linux) needs.

import { EHDR_SIZE, PAGE_SIZE, PF_R, PF_W, PF_X, PHDR_SIZE } from "./constants.js";

export type AllocSectionName = ".text" | ".rodata" | ".data" | ".bss";

export interface SectionRequest {
  name: AllocSectionName;
  size: number;
  /** Power of two, in bytes. */
  align: number;
}

export interface PlacedSection {
  name: AllocSectionName;
  addr: number;
  offset: number;
  size: number;
  align: number;
}

/** One PT_LOAD program header, as the writer will emit it. */
export interface PlacedSegment {
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface ImageLayout {
  sections: PlacedSection[];
  segments: PlacedSegment[];
  /** File offset just past the last segment's bytes: non-allocated sections go from here. */
  fileEnd: number;
}

/** Where segment 1 (and so the ELF header) is mapped, as with GNU ld for RISC-V. */
export const BASE_ADDR = 0x10000;

/** Alignment of .text when the image has no .text request at all: one instruction. */
const DEFAULT_TEXT_ALIGN = 4;

const ADDRESS_SPACE_END = 2 ** 32;

/**
 * Final address and file offset of each allocated section, exactly as writeExecutable will place
 * them, in the order .text, .rodata, .data, .bss. .text is always placed (empty if not requested);
 * other sections of size 0 are left out. Throws an Error (a vmos bug) for a repeated section or an
 * alignment that is not a power of two, and a RangeError if the sections do not fit below 2^32 —
 * the assembler should bound its section sizes so that this cannot happen.
 */
export function layoutSections(requests: readonly SectionRequest[]): PlacedSection[] {
  return layoutImage(requests).sections;
}

/** layoutSections plus the PT_LOAD segments and the end of their bytes in the file; same contract. */
export function layoutImage(requests: readonly SectionRequest[]): ImageLayout {
  checkRequests(requests);
  const text = requests.find((r) => r.name === ".text") ?? { name: ".text", size: 0, align: DEFAULT_TEXT_ALIGN };
  const rodata = nonEmpty(requests, ".rodata");
  const data = nonEmpty(requests, ".data");
  const bss = nonEmpty(requests, ".bss");
  const phnum = 1 + (rodata ? 1 : 0) + (data || bss ? 1 : 0);

  const sections: PlacedSection[] = [];
  const textAddr = alignUp(BASE_ADDR + EHDR_SIZE + phnum * PHDR_SIZE, text.align);
  sections.push(place(text, textAddr, textAddr - BASE_ADDR));
  const textEnd = textAddr + text.size - BASE_ADDR;
  const segments: PlacedSegment[] = [
    { flags: PF_R | PF_X, offset: 0, vaddr: BASE_ADDR, filesz: textEnd, memsz: textEnd, align: PAGE_SIZE },
  ];

  if (rodata) {
    const seg = startSegment(segments, rodata.align, PF_R);
    sections.push(place(rodata, seg.vaddr, seg.offset));
    seg.filesz = seg.memsz = rodata.size;
  }
  if (data || bss) {
    const seg = startSegment(segments, (data ?? bss)!.align, PF_R | PF_W);
    let end = seg.vaddr;
    if (data) {
      sections.push(place(data, end, seg.offset));
      end += data.size;
      seg.filesz = data.size;
    }
    if (bss) {
      const addr = alignUp(end, bss.align);
      sections.push(place(bss, addr, seg.offset + (addr - seg.vaddr)));
      end = addr + bss.size;
    }
    seg.memsz = end - seg.vaddr;
  }

  const last = segments[segments.length - 1];
  if (last.vaddr + last.memsz > ADDRESS_SPACE_END) {
    throw new RangeError(`sections end at 0x${(last.vaddr + last.memsz).toString(16)}, past the 32-bit address space`);
  }
  return { sections, segments, fileEnd: last.offset + last.filesz };
}

/** Round `n` up to a multiple of `align` (a power of two). Plain arithmetic: n may exceed 2^31. */
export function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

/**
 * Append an empty segment at the next page boundary after the previous one, in memory and in the
 * file. An alignment above the page size pushes the address further, to a multiple of it; the file
 * offset only needs to stay congruent modulo the page, which any page boundary is.
 */
function startSegment(segments: PlacedSegment[], firstAlign: number, flags: number): PlacedSegment {
  const prev = segments[segments.length - 1];
  const seg: PlacedSegment = {
    flags,
    vaddr: alignUp(prev.vaddr + prev.memsz, Math.max(PAGE_SIZE, firstAlign)),
    offset: alignUp(prev.offset + prev.filesz, PAGE_SIZE),
    filesz: 0,
    memsz: 0,
    align: PAGE_SIZE,
  };
  segments.push(seg);
  return seg;
}

function place(r: SectionRequest, addr: number, offset: number): PlacedSection {
  return { name: r.name, addr, offset, size: r.size, align: r.align };
}

function nonEmpty(requests: readonly SectionRequest[], name: AllocSectionName): SectionRequest | undefined {
  return requests.find((r) => r.name === name && r.size > 0);
}

function checkRequests(requests: readonly SectionRequest[]): void {
  const seen = new Set<AllocSectionName>();
  for (const r of requests) {
    if (seen.has(r.name)) throw new Error(`vmos bug: section ${r.name} requested twice in one layout`);
    seen.add(r.name);
    if (!Number.isInteger(r.align) || r.align < 1 || (r.align & (r.align - 1)) !== 0 || r.align > ADDRESS_SPACE_END / 2) {
      throw new Error(`vmos bug: section ${r.name} alignment ${r.align} is not a power of two`);
    }
    if (!Number.isInteger(r.size) || r.size < 0) {
      throw new Error(`vmos bug: section ${r.name} size ${r.size} is not a byte count`);
    }
  }
}
