// Sv32 constants shared by the MMU and the kernel's page-table code (RISC-V privileged spec,
// "Sv32: Page-Based 32-bit Virtual-Memory Systems"). Linux's names are in the comments
// (arch/riscv/include/asm/pgtable-bits.h and csr.h).
//
// Virtual address            31        22 21        12 11            0
//                            |  VPN[1]   |  VPN[0]   |    offset    |
//                                 10          10           12
// Page-table entry           31              20 19        10 9  8 7 6 5 4 3 2 1 0
//                            |     PPN[1]      |   PPN[0]   |RSW|D|A|G|U|X|W|R|V|
//                                   12               10       2
// satp                       31 30       22 21                      0
//                            |M|   ASID   |          PPN            |
// Physical address = PPN * 4096 + offset (34 bits in the spec; vmos RAM ends far below 2^32).

/** Valid (_PAGE_PRESENT). */
export const PTE_V = 1 << 0;
/** Readable (_PAGE_READ). R=W=X=0 makes the entry a pointer to the next level. */
export const PTE_R = 1 << 1;
/** Writable (_PAGE_WRITE). W without R is reserved and faults. */
export const PTE_W = 1 << 2;
/** Executable (_PAGE_EXEC). */
export const PTE_X = 1 << 3;
/** Accessible from U-mode (_PAGE_USER). User programs fault on pages without it. */
export const PTE_U = 1 << 4;
/** Global: present in every address space (_PAGE_GLOBAL); SFENCE.VMA by ASID keeps it. */
export const PTE_G = 1 << 5;
/** Accessed (_PAGE_ACCESSED): set by the MMU on any access through a leaf. */
export const PTE_A = 1 << 6;
/** Dirty (_PAGE_DIRTY): set by the MMU on a store through a leaf. */
export const PTE_D = 1 << 7;
/** Bits 9:8 are reserved for software (RSW); Linux uses bit 8 as _PAGE_SPECIAL. */
export const PTE_RSW_SHIFT = 8;
/** The PPN starts at bit 10 (_PAGE_PFN_SHIFT). */
export const PTE_PPN_SHIFT = 10;

/** satp.MODE = Sv32 (SATP_MODE_32). MODE = 0 is Bare: no translation. */
export const SATP_MODE_SV32 = 0x8000_0000;
/** satp.ASID is bits 30:22 (SATP_ASID_SHIFT, SATP_ASID_MASK). */
export const SATP_ASID_SHIFT = 22;
export const SATP_ASID_MASK = 0x1ff;
/** satp.PPN, bits 21:0: the root page table's frame number. */
export const SATP_PPN_MASK = 0x3f_ffff;

/** Entries in one page table (either level): 4096 bytes / 4-byte PTEs. */
export const PTES_PER_TABLE = 1024;
/** Bytes mapped by one root entry: a 4 MiB megapage (Linux: PGDIR_SIZE). */
export const MEGAPAGE_SIZE = 1 << 22;

/** The satp value for Sv32 translation with `asid` (0..511) and root table frame `rootPfn`. */
export function makeSatp(asid: number, rootPfn: number): number {
  if (!Number.isInteger(asid) || asid < 0 || asid > SATP_ASID_MASK) throw new RangeError(`ASID ${asid} is not 0..511`);
  if (!Number.isInteger(rootPfn) || rootPfn < 0 || rootPfn > SATP_PPN_MASK) throw new RangeError(`root PFN ${rootPfn} is not 22 bits`);
  return (SATP_MODE_SV32 | (asid << SATP_ASID_SHIFT) | rootPfn) >>> 0;
}

/** True if `satp` selects Sv32 translation (MODE = 1), false for Bare. */
export function satpIsSv32(satp: number): boolean {
  return (satp & SATP_MODE_SV32) !== 0;
}

/** The ASID field of `satp`. */
export function satpAsid(satp: number): number {
  return (satp >>> SATP_ASID_SHIFT) & SATP_ASID_MASK;
}

/** The root page table's frame number in `satp`. */
export function satpRootPfn(satp: number): number {
  return satp & SATP_PPN_MASK;
}

/** VPN[1], the root-table index of `va` (bits 31:22). */
export function vpn1Of(va: number): number {
  return va >>> 22;
}

/** VPN[0], the leaf-table index of `va` (bits 21:12). */
export function vpn0Of(va: number): number {
  return (va >>> 12) & 0x3ff;
}

/** A PTE pointing at frame `pfn` with flag bits `flags` (PTE_V | PTE_R | ...), unsigned. */
export function makePte(pfn: number, flags: number): number {
  return ((pfn << PTE_PPN_SHIFT) | (flags & 0x3ff)) >>> 0;
}

/** The frame number a PTE points at (22 bits). */
export function ptePfn(pte: number): number {
  return pte >>> PTE_PPN_SHIFT;
}

/** True if `pte` is a leaf (R, W or X set), false for a pointer to the next level. */
export function pteIsLeaf(pte: number): boolean {
  return (pte & (PTE_R | PTE_W | PTE_X)) !== 0;
}
