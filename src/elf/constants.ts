// ELF32 constants and record layouts, named as in the System V ABI and Linux's
// include/uapi/linux/elf.h so a student can look each one up. The writer and the reader both go
// through the field tables below, so the byte layout of each record is written down exactly once.

// e_ident: the first 16 bytes, readable before the class and byte order are known.
export const ELFMAG = [0x7f, 0x45, 0x4c, 0x46] as const; // "\x7fELF"
export const EI_CLASS = 4;
export const EI_DATA = 5;
export const EI_VERSION = 6;
export const EI_OSABI = 7;
export const EI_NIDENT = 16;

export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;
export const EV_CURRENT = 1;
export const ELFOSABI_SYSV = 0;

// e_type
export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

export const EM_RISCV = 243;

// p_type and p_flags
export const PT_LOAD = 1;
export const PF_X = 1 << 0;
export const PF_W = 1 << 1;
export const PF_R = 1 << 2;

// sh_type and sh_flags
export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_NOBITS = 8;
export const SHF_WRITE = 1 << 0;
export const SHF_ALLOC = 1 << 1;
export const SHF_EXECINSTR = 1 << 2;

// Special section indices (st_shndx, e_shstrndx): everything from SHN_LORESERVE up is not a section.
export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;

// st_info = (binding << 4) | type
export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;

/** Page size of the layout and of the PT_LOAD alignment (Sv32 pages). */
export const PAGE_SIZE = 0x1000;

// Record sizes and field byte offsets. Fields are 4 bytes unless marked (u16) or (u8).
export const EHDR_SIZE = 52;
export const Elf32_Ehdr = {
  e_ident: 0,
  e_type: 16, // u16
  e_machine: 18, // u16
  e_version: 20,
  e_entry: 24,
  e_phoff: 28,
  e_shoff: 32,
  e_flags: 36,
  e_ehsize: 40, // u16
  e_phentsize: 42, // u16
  e_phnum: 44, // u16
  e_shentsize: 46, // u16
  e_shnum: 48, // u16
  e_shstrndx: 50, // u16
} as const;

export const PHDR_SIZE = 32;
export const Elf32_Phdr = {
  p_type: 0,
  p_offset: 4,
  p_vaddr: 8,
  p_paddr: 12,
  p_filesz: 16,
  p_memsz: 20,
  p_flags: 24,
  p_align: 28,
} as const;

export const SHDR_SIZE = 40;
export const Elf32_Shdr = {
  sh_name: 0,
  sh_type: 4,
  sh_flags: 8,
  sh_addr: 12,
  sh_offset: 16,
  sh_size: 20,
  sh_link: 24,
  sh_info: 28,
  sh_addralign: 32,
  sh_entsize: 36,
} as const;

export const SYM_SIZE = 16;
export const Elf32_Sym = {
  st_name: 0,
  st_value: 4,
  st_size: 8,
  st_info: 12, // u8
  st_other: 13, // u8
  st_shndx: 14, // u16
} as const;
