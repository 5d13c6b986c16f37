// Linux: fs/exec.c + fs/binfmt_elf.c load_elf_binary(): a new address space for an ELF executable.
// Nothing is loaded eagerly: each PT_LOAD becomes a file-backed VMA and every page arrives later
// through a page fault. The initial stack (argc, argv, envp, auxv) follows create_elf_tables().
//
//   STACK_TOP  0x9fc00000 ┐ NULL word
//                          │ filename (AT_EXECFN)  envp strings  argv strings
//                          │ 16 random bytes (AT_RANDOM), 16-byte aligned
//                          │ auxv pairs ... AT_NULL
//                          │ envp[] NULL   argv[] NULL
//   sp ───────────────────> argc                        (16-byte aligned)

import { readExecutable, type ElfFile } from "../../src/elf/reader.js";
import { hex } from "../trace.js";
import { file, fput } from "../fs/file.js";
import { ramfs_inode } from "../fs/ramfs.js";
import { generic_file_fops } from "../fs/vfs.js";
import { kernel_read_file } from "../mm/filemap.js";
import type { Kernel } from "../kernel.js";
import { do_brk_flags, exit_mmap, expand_stack, insert_vm_struct, mm_alloc, PAGE_ALIGN, PAGE_MASK } from "../mm/mmap.js";
import { RLIMIT_STACK_DEFAULT, STACK_TOP, type mm_struct } from "../mm/mm_types.js";
import { VM_ACCOUNT, VM_EXEC, VM_MAYEXEC, VM_MAYREAD, VM_MAYWRITE, VM_READ, VM_STACK_FLAGS, VM_WRITE } from "../mm/vma.js";
import { clear_user, copy_to_user } from "../syscalls/uaccess.js";
import { arch_setup_additional_pages, VDSO_BASE } from "./vdso.js";

const PT_LOAD = 1;
const PF_X = 1, PF_W = 2, PF_R = 4;
/** Linux: setup_arg_pages() grows the new stack by 128 KiB at once (stack_expand). */
const STACK_EXPAND = 128 << 10;
/** Linux: MAX_ARG_STRLEN (32 pages) and the whole-argument limit, a quarter of the stack limit. */
const MAX_ARG_STRLEN = 32 * 4096;
const MAX_ARG_BYTES = RLIMIT_STACK_DEFAULT / 4;

// Linux: include/uapi/linux/auxvec.h.
const AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8;
const AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_HWCAP = 16, AT_CLKTCK = 17;
const AT_SECURE = 23, AT_RANDOM = 25, AT_EXECFN = 31;
/** Linux (riscv): ELF_HWCAP has one bit per single-letter extension: 'a', 'i', 'm'. */
const HWCAP_IMA = (1 << 0) | (1 << 8) | (1 << 12);

export interface ExecResult {
  mm: mm_struct;
  entry: number;
  sp: number;
}

/** Why an executable cannot be loaded: Linux's errno and a sentence for the user. */
export class ExecError extends Error {
  constructor(readonly errno: number, message: string) {
    super(message);
  }
}

const ENOEXEC = 8, ENOMEM = 12, E2BIG = 7, EFAULT = 14;

/**
 * VMA flags of a PT_LOAD, as elf_map() -> do_mmap() makes them for a private file mapping; a
 * writable one is charged against the commit limit (mmap_region's accountable_mapping: VM_ACCOUNT).
 */
function vm_flags_of(p_flags: number): number {
  return (p_flags & PF_R ? VM_READ : 0) | (p_flags & PF_W ? VM_WRITE | VM_ACCOUNT : 0) | (p_flags & PF_X ? VM_EXEC : 0) |
    VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
}

/**
 * Build a new address space running `bytes` (an ELF executable named `path`, held in memory) with
 * `argv` and `envp`. Throws ExecError (ENOEXEC for a bad file, ENOMEM, E2BIG); on failure nothing
 * is left allocated.
 */
export function load_elf_binary(k: Kernel, path: string, bytes: Uint8Array, argv: string[], envp: string[]): ExecResult {
  const f = ramfs_file(k, path, bytes);
  try {
    return load_elf_file(k, f, argv, envp);
  } finally {
    fput(f); // the VMAs hold their own references
  }
}

/** An open file over an in-memory program (ramfs.ts). */
export function ramfs_file(k: Kernel, path: string, bytes: Uint8Array): file {
  const f = new file(path, new Uint8Array(0), generic_file_fops);
  f.f_inode = ramfs_inode(k, bytes);
  return f;
}

/**
 * Linux: load_elf_binary() for the open executable `f`: its headers are read through the page cache,
 * its segments become private mappings of it (so every process running it shares its text frames).
 * The caller keeps its reference on `f`. Throws ExecError; on failure nothing is left allocated.
 */
export function load_elf_file(k: Kernel, f: file, argv: string[], envp: string[]): ExecResult {
  const path = f.path;
  const bytes = kernel_read_file(k, f.f_inode!.i_mapping);
  if (typeof bytes === "number") throw new ExecError(-bytes, `${path}: cannot read the file`);
  const parsed = readExecutable(bytes);
  if (!parsed.ok) throw new ExecError(ENOEXEC, `${path}: ${parsed.error}`);
  const elf = parsed.elf;
  const mm = mm_alloc(k, path.split("/").pop() ?? path);
  if (mm === null) throw new ExecError(ENOMEM, "out of memory for page tables");
  try {
    map_segments(mm, elf, f);
    mm.symbols = elf.symbols.filter((s) => s.section !== "abs" && s.name !== "");
    const sp = setup_stack(mm, elf, path, argv, envp);
    if (arch_setup_additional_pages(mm) < 0) throw new ExecError(ENOMEM, `${path}: the program occupies the [vdso] page at ${hex(VDSO_BASE)}`);
    if (k.trace.mm) k.trace.note("mm", `exec ${path}: entry ${hex(elf.entry)} sp ${hex(sp)} brk ${hex(mm.brk)}`);
    return { mm, entry: elf.entry, sp };
  } catch (err) {
    exit_mmap(mm);
    throw err;
  }
}

/** The PT_LOAD segments as VMAs (Linux: elf_map + set_brk), and the mm's layout fields. */
function map_segments(mm: mm_struct, elf: ElfFile, f: file): void {
  let start_code = 0xffffffff, end_code = 0, start_data = 0, end_data = 0, elf_brk = 0;
  let bss_to_clear = -1;
  for (const ph of elf.loadSegments) {
    if (ph.memsz === 0) continue;
    const flags = vm_flags_of(ph.flags);
    const start = (ph.vaddr & PAGE_MASK) >>> 0;
    // Linux: elf_map() maps p_filesz + PAGE_OFFSET(p_vaddr) bytes of the file, so even a segment with
    // no file bytes gets its first, partial page from the file when it does not start on a page.
    const file_end = PAGE_ALIGN(ph.vaddr + ph.filesz);
    const mem_end = PAGE_ALIGN(ph.vaddr + ph.memsz);
    if (file_end > start) insert_vm_struct(mm, start, file_end, flags, f, Math.floor(ph.offset / 4096));
    const bss = Math.max(file_end, start);
    if (mem_end > bss && do_brk_flags(mm, bss, mem_end - bss, flags & VM_EXEC) < 0) throw new ExecError(ENOMEM, "cannot map bss");
    // Linux: padzero(): the file's last page may hold bytes past p_filesz that must read as zero.
    if (ph.memsz > ph.filesz && (ph.vaddr + ph.filesz) % 4096 !== 0 && (ph.flags & PF_W)) {
      bss_to_clear = ph.vaddr + ph.filesz;
    }
    // Linux's load_elf_binary(): start_data/end_data are the highest segment start and file end,
    // whatever the segment; start_code/end_code come from the executable ones.
    if (ph.flags & PF_X) {
      start_code = Math.min(start_code, ph.vaddr);
      end_code = Math.max(end_code, ph.vaddr + ph.filesz);
    }
    start_data = Math.max(start_data, ph.vaddr);
    end_data = Math.max(end_data, ph.vaddr + ph.filesz);
    elf_brk = Math.max(elf_brk, ph.vaddr + ph.memsz);
  }
  mm.start_code = start_code === 0xffffffff ? 0 : start_code;
  mm.end_code = end_code;
  mm.start_data = start_data;
  mm.end_data = end_data;
  mm.start_brk = mm.brk = PAGE_ALIGN(elf_brk);
  if (bss_to_clear >= 0 && clear_user(mm, null, bss_to_clear, 4096 - (bss_to_clear % 4096)) !== 0) {
    throw new ExecError(EFAULT, "cannot clear the end of the data segment");
  }
}

const encoder = new TextEncoder();

/** Linux: copy_strings() + setup_arg_pages() + create_elf_tables(). Returns the initial sp. */
function setup_stack(mm: mm_struct, elf: ElfFile, path: string, argv: string[], envp: string[]): number {
  const strings = [...argv, ...envp].map((s) => encoder.encode(`${s}\0`));
  const execfn = encoder.encode(`${path}\0`);
  const total = strings.reduce((n, s) => n + s.length, execfn.length);
  if (strings.some((s) => s.length > MAX_ARG_STRLEN) || total > MAX_ARG_BYTES) {
    throw new ExecError(E2BIG, "argument list too long");
  }
  // The stack VMA: the pages the strings need, plus Linux's 128 KiB of room.
  const vma = insert_vm_struct(mm, STACK_TOP - 4096, STACK_TOP, VM_STACK_FLAGS, null, 0);
  let p = STACK_TOP - 4; // Linux: bprm->p starts one pointer below the top
  const put = (bytes: Uint8Array): number => {
    p -= bytes.length;
    if (expand_stack(vma, p) < 0 || copy_to_user(mm, null, p, bytes) !== 0) throw new ExecError(E2BIG, "argument list too long");
    return p;
  };
  const execfn_addr = put(execfn);
  // Strings are copied last one first, so in memory argv[0] is lowest and the order is natural.
  const addrs = new Array<number>(strings.length);
  for (let i = strings.length - 1; i >= 0; i--) addrs[i] = put(strings[i]!);
  mm.arg_start = addrs[0] ?? p;
  mm.arg_end = argv.length ? addrs[argv.length - 1]! + strings[argv.length - 1]!.length : mm.arg_start;
  mm.env_start = envp.length ? addrs[argv.length]! : mm.arg_end;
  mm.env_end = envp.length ? addrs[strings.length - 1]! + strings[strings.length - 1]!.length : mm.env_start;
  if (expand_stack(vma, (vma.vm_start - STACK_EXPAND) >>> 0) < 0) throw new ExecError(ENOMEM, "cannot grow the stack");

  p = (p & ~15) >>> 0; // arch_align_stack(), without randomisation
  const random_addr = put(mm.kernel.randomBytes(16));
  const first = elf.loadSegments.find((s) => s.offset === 0);
  const phdr = first ? first.vaddr + readPhoff(elf) : 0;
  const auxv = [
    AT_HWCAP, HWCAP_IMA, AT_PAGESZ, 4096, AT_CLKTCK, 100, AT_PHDR, phdr, AT_PHENT, 32,
    AT_PHNUM, elf.segments.length, AT_BASE, 0, AT_FLAGS, 0, AT_ENTRY, elf.entry,
    AT_UID, 0, AT_EUID, 0, AT_GID, 0, AT_EGID, 0, AT_SECURE, 0, AT_RANDOM, random_addr, AT_EXECFN, execfn_addr,
    AT_NULL, 0,
  ];
  const items = [argv.length, ...addrs.slice(0, argv.length), 0, ...addrs.slice(argv.length), 0, ...auxv];
  const sp = ((p - items.length * 4) & ~15) >>> 0; // Linux: STACK_ROUND
  const table = new Uint8Array(items.length * 4);
  const view = new DataView(table.buffer);
  items.forEach((v, i) => view.setUint32(i * 4, v >>> 0, true));
  if (copy_to_user(mm, null, sp, table) !== 0) throw new ExecError(E2BIG, "argument list too long");
  mm.start_stack = sp;
  return sp;
}

/** e_phoff from the ELF header (the program headers' file offset), for AT_PHDR. */
function readPhoff(elf: ElfFile): number {
  return new DataView(elf.bytes.buffer, elf.bytes.byteOffset).getUint32(28, true);
}
