// The linker: places every file's chunks in one address space (the same layout the ELF writer uses),
// resolves symbols (file-local first, then `.globl` ones from any file), and runs pass 2: computing
// every immediate and data value and encoding it into the chunk bytes.

import { layoutSections, type SectionRequest } from "../elf/layout.js";
import type { ElfSymbol, ExecutableImage } from "../elf/writer.js";
import { encode, emptyFields, operandRange } from "../isa/encode.js";
import { Op } from "../isa/instructions.js";
import type { SourcePos } from "./ast.js";
import type { Diagnostics } from "./diagnostics.js";
import { dataDirectiveName } from "./directives.js";
import { evaluate, ExprError, type Resolver, type Value } from "./expr.js";
import { isHiddenSymbol, SECTION_ORDER, type Chunk, type InsnItem, type ObjectFile, type SymbolDef } from "./object.js";

/** Sections must fit below the stack of a 32-bit address space; 1 GiB is far beyond any lab program. */
const MAX_IMAGE_BYTES = 1 << 30;

interface Owner {
  object: ObjectFile;
  def: SymbolDef;
}

/** Link assembled files into an executable image; undefined if any error was reported. */
export function link(objects: ObjectFile[], diag: Diagnostics): ExecutableImage | undefined {
  const globals = collectGlobals(objects, diag);
  const total = objects.reduce((n, o) => n + [...o.chunks.values()].reduce((m, c) => m + c.size + c.align, 0), 0);
  if (total > MAX_IMAGE_BYTES) {
    diag.error({ file: objects[0]?.file ?? "", line: 1, col: 1 }, `program too large: ${total} bytes of sections (vmos's limit is ${MAX_IMAGE_BYTES})`);
    return undefined;
  }
  const sectionAddr = place(objects);
  const auipcAt = new Map<number, { item: InsnItem; resolver: Resolver }>();
  const resolvers = new Map(objects.map((o) => [o, makeResolver(o, objects, globals, diag, auipcAt)]));
  for (const o of objects) {
    const text = o.chunks.get(".text");
    for (const item of text?.insns ?? []) {
      if (item.def.op === Op.AUIPC) auipcAt.set(text!.base + item.offset, { item, resolver: resolvers.get(o)! });
    }
  }
  for (const o of objects) {
    for (const chunk of o.chunks.values()) patchChunk(chunk, resolvers.get(o)!, diag);
  }
  const entry = entryPoint(objects, globals, diag, sectionAddr.get(".text")!);
  if (diag.errorCount > 0) return undefined;
  return {
    entry,
    sections: SECTION_ORDER.filter((s) => sectionAddr.has(s)).map((name) => sectionImage(objects, name, sectionAddr.get(name)!)),
    symbols: elfSymbols(objects, globals, resolvers),
  };
}

function collectGlobals(objects: ObjectFile[], diag: Diagnostics): Map<string, Owner> {
  const globals = new Map<string, Owner>();
  for (const object of objects) {
    for (const name of object.globals.keys()) {
      const def = object.symbols.get(name);
      if (def === undefined) continue;
      const first = globals.get(name);
      if (first) {
        diag.error(def.pos, `multiple definition of '${name}' (first defined at ${first.def.pos.file}:${first.def.pos.line})`);
        continue;
      }
      globals.set(name, { object, def });
    }
  }
  return globals;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Assign every chunk its address; returns each present section's address. */
function place(objects: ObjectFile[]): Map<string, number> {
  const requests: SectionRequest[] = [];
  const offsets = new Map<Chunk, number>();
  for (const name of SECTION_ORDER) {
    let size = 0;
    let align = name === ".text" ? 4 : 1;
    for (const o of objects) {
      const chunk = o.chunks.get(name);
      if (chunk === undefined || chunk.size === 0) continue;
      size = alignUp(size, chunk.align);
      offsets.set(chunk, size);
      size += chunk.size;
      align = Math.max(align, chunk.align);
    }
    // GNU ld's default script ends .bss with `. = ALIGN(. != 0 ? 32 / 8 : 1)`; do the same.
    if (name === ".bss" && size > 0) size = alignUp(size, 4);
    if (size > 0 || name === ".text") requests.push({ name, size, align });
  }
  const placed = layoutSections(requests);
  const addr = new Map(placed.map((p) => [p.name as string, p.addr]));
  for (const [chunk, offset] of offsets) chunk.base = addr.get(chunk.section)! + offset;
  // Empty chunks still own labels (a label at the end of an empty .data): give them their section's start.
  for (const o of objects) for (const chunk of o.chunks.values()) if (!offsets.has(chunk)) chunk.base = addr.get(chunk.section) ?? addr.get(".text")!;
  return addr;
}

function makeResolver(object: ObjectFile, objects: ObjectFile[], globals: Map<string, Owner>, diag: Diagnostics,
  auipcAt: Map<number, { item: InsnItem; resolver: Resolver }>): Resolver {
  const reported = new Set<string>();
  const valueOf = (owner: Owner, seen: Set<string> | undefined): Value | undefined => {
    const { def } = owner;
    if (def.label) return { value: def.label.chunk.base + def.label.offset };
    seen ??= new Set();
    if (seen.has(def.name)) {
      diag.error(def.pos, `symbol '${def.name}' is defined in terms of itself`);
      return undefined;
    }
    seen.add(def.name);
    return evaluate(def.equ!, { symbol: (n, pos) => lookup(n, pos, seen) });
  };
  const lookup = (name: string, pos: SourcePos, seen: Set<string> | undefined): Value | undefined => {
    const local = object.symbols.get(name);
    const owner = local ? { object, def: local } : globals.get(name);
    if (owner) return valueOf(owner, seen);
    const key = `${pos.line}:${pos.col}`;
    if (!reported.has(key)) {
      reported.add(key);
      const elsewhere = objects.find((o) => o !== object && o.symbols.has(name) && !isHiddenSymbol(name))?.file;
      diag.error(pos, `undefined symbol '${name}'${elsewhere ? ` (defined in ${elsewhere} but not .globl there)` : ""}`);
    }
    return undefined;
  };
  const resolver: Resolver = {
    symbol: (name, pos) => lookup(name, pos, undefined),
    pcrelLo: (label, pos) => {
      const hi = auipcAt.get(label.value);
      const arg = hi?.item.imm;
      if (hi === undefined || arg?.k !== "reloc" || arg.fn !== "pcrel_hi") {
        diag.error(pos, "%pcrel_lo must name the label of an auipc with %pcrel_hi");
        return undefined;
      }
      return evaluate(arg.arg, hi.resolver)?.value;
    },
  };
  return resolver;
}

/** Pass 2 for one chunk: every instruction immediate and data value, range-checked and encoded. */
function patchChunk(chunk: Chunk, resolver: Resolver, diag: Diagnostics): void {
  const view = new DataView(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength);
  const fields = emptyFields();
  const atPc: Resolver = { ...resolver, pc: 0 };
  for (const item of chunk.insns) {
    const pc = chunk.base + item.offset;
    let imm = 0;
    if (item.imm !== undefined) {
      atPc.pc = pc;
      const v = valueAt(item.imm, atPc, diag);
      if (v === undefined) continue;
      imm = item.immKind === "branch" || item.immKind === "jump" ? v - pc : v;
      if (!inRange(item, imm, v, diag)) continue;
    }
    fields.rd = item.rd; fields.rs1 = item.rs1; fields.rs2 = item.rs2; fields.imm = imm; fields.csr = item.csr;
    fields.pred = item.pred; fields.succ = item.succ; fields.aq = item.aq; fields.rl = item.rl;
    view.setUint32(item.offset, encode(item.def, fields), true);
  }
  for (const item of chunk.data) {
    const v = valueAt(item.expr, resolver, diag);
    if (v === undefined) continue;
    const bits = item.size * 8;
    if (v < -(2 ** (bits - 1)) || v >= 2 ** bits) {
      diag.warning(item.pos, `value ${v} truncated to ${bits} bits in ${dataDirectiveName(item.size)}`);
    }
    if (item.size === 4) view.setUint32(item.offset, v >>> 0, true);
    else if (item.size === 2) view.setUint16(item.offset, v & 0xffff, true);
    else view.setUint8(item.offset, v & 0xff);
  }
}

function valueAt(e: InsnItem["imm"] & object, resolver: Resolver, diag: Diagnostics): number | undefined {
  try {
    return evaluate(e, resolver)?.value;
  } catch (err) {
    if (!(err instanceof ExprError)) throw err;
    diag.error(err.pos, err.message);
    return undefined;
  }
}

function inRange(item: InsnItem, imm: number, target: number, diag: Diagnostics): boolean {
  const range = operandRange(item.immKind!)!;
  const name = item.def.mnemonic;
  const pos = item.imm?.pos ?? item.pos;
  const isOffset = item.immKind === "branch" || item.immKind === "jump";
  if (imm >= range.min && imm <= range.max && imm % range.step === 0) return true;
  if (isOffset && imm % 2 !== 0) {
    diag.error(pos, `${name} target 0x${(target >>> 0).toString(16)} is at an odd offset (${imm}); targets must be 2-byte aligned`);
  } else if (isOffset) {
    diag.error(pos, `${name} target out of range: offset ${imm} bytes, must be within ${range.min}..${range.max}`);
  } else {
    diag.error(pos, `immediate ${imm} out of range for ${name}: must be ${range.min}..${range.max}`);
  }
  return false;
}

/** Address of `_start`: a label in .text. Without one, GNU ld's fallback: the start of .text. */
function entryPoint(objects: ObjectFile[], globals: Map<string, Owner>, diag: Diagnostics, textAddr: number): number {
  const owner = globals.get("_start") ?? objects.map((object) => ({ object, def: object.symbols.get("_start") })).find((x) => x.def);
  const def = owner?.def;
  const where = { file: objects[0]?.file ?? "", line: 1, col: 1 };
  if (def?.label?.chunk.section === ".text") return def.label.chunk.base + def.label.offset;
  if (def) {
    diag.error(def.pos, "_start must label an instruction in .text");
    return textAddr;
  }
  if (!objects.some((o) => (o.chunks.get(".text")?.size ?? 0) > 0)) {
    diag.error(where, "nothing to run: there is no _start and .text is empty");
  } else {
    diag.warning(where, `no _start symbol: entry point defaults to the start of .text (0x${textAddr.toString(16)})`);
  }
  return textAddr;
}

function sectionImage(objects: ObjectFile[], name: (typeof SECTION_ORDER)[number], addr: number): ExecutableImage["sections"][number] {
  const chunks = objects.map((o) => o.chunks.get(name)).filter((c): c is Chunk => c !== undefined && c.size > 0);
  const last = chunks[chunks.length - 1];
  let size = last ? last.base + last.size - addr : 0;
  if (name === ".bss" && size > 0) size = alignUp(size, 4);
  const align = Math.max(name === ".text" ? 4 : 1, ...chunks.map((c) => c.align));
  if (name === ".bss") return { name, addr, align, size };
  const data = new Uint8Array(size);
  for (const c of chunks) data.set(c.contents(), c.base - addr);
  return { name, addr, align, size, data };
}

function elfSymbols(objects: ObjectFile[], globals: Map<string, Owner>, resolvers: Map<ObjectFile, Resolver>): ElfSymbol[] {
  const symbols: ElfSymbol[] = [];
  for (const o of objects) {
    const resolver = resolvers.get(o)!;
    for (const def of o.symbols.values()) {
      if (isHiddenSymbol(def.name)) continue;
      const isGlobal = globals.get(def.name)?.def === def;
      const value = resolver.symbol(def.name, def.pos)?.value ?? 0;
      const sizeExpr = o.sizes.get(def.name);
      let size = 0;
      try { size = sizeExpr ? (evaluate(sizeExpr, resolver)?.value ?? 0) : 0; } catch { size = 0; }
      symbols.push({
        name: def.name, value: value >>> 0, size: Math.max(0, size),
        type: o.types.get(def.name) ?? "notype",
        binding: isGlobal ? "global" : "local",
        section: def.label ? def.label.chunk.section : "abs",
      });
    }
  }
  return symbols;
}
