// The symbols vmos writes and reads, and their packing into an Elf32_Sym's st_info byte.
// vmos models only what its assembler produces: labels (notype), data objects and functions, bound
// locally or globally, defined in one of the four allocated sections or absolute (`.equ`).

import { STB_GLOBAL, STB_LOCAL, STT_FUNC, STT_NOTYPE, STT_OBJECT } from "./constants.js";
import type { AllocSectionName } from "./layout.js";

export type SymbolType = "notype" | "object" | "func";
export type SymbolBinding = "local" | "global";

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  type: SymbolType;
  binding: SymbolBinding;
  section: AllocSectionName | "abs";
}

const TYPE_CODES: Record<SymbolType, number> = { notype: STT_NOTYPE, object: STT_OBJECT, func: STT_FUNC };

/** st_info for a symbol: binding in the high nibble, type in the low nibble. */
export function symbolInfo(type: SymbolType, binding: SymbolBinding): number {
  return ((binding === "local" ? STB_LOCAL : STB_GLOBAL) << 4) | TYPE_CODES[type];
}

/**
 * The vmos type of an st_info byte, or undefined for ELF types vmos does not model (STT_SECTION,
 * STT_FILE, TLS, ...): those describe the file, not a place in the program.
 */
export function symbolTypeOf(info: number): SymbolType | undefined {
  switch (info & 0xf) {
    case STT_NOTYPE:
      return "notype";
    case STT_OBJECT:
      return "object";
    case STT_FUNC:
      return "func";
    default:
      return undefined;
  }
}

/**
 * The vmos binding of an st_info byte. STB_WEAK (and OS-specific bindings) read as "global": they
 * are visible outside the file, which is the distinction vmos cares about.
 */
export function symbolBindingOf(info: number): SymbolBinding {
  return info >>> 4 === STB_LOCAL ? "local" : "global";
}
