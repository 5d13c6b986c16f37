// Linux: arch/riscv/kernel/vdso.c + vdso/rt_sigreturn.S: the page every process gets at exec that
// holds the code a signal handler returns through.
//
// A handler is an ordinary function: it ends with `ret`, jumping to ra. The kernel sets ra to
// __vdso_rt_sigreturn, two instructions that ask the kernel to undo the signal frame:
//
//     __vdso_rt_sigreturn:  li a7, 139     # __NR_rt_sigreturn
//                           ecall
//
// Linux maps its vDSO (which also holds fast clock_gettime and friends) wherever get_unmapped_area
// finds room, just below mmap_base. vmos's vDSO holds only this trampoline and sits at a fixed
// address, VDSO_BASE = mmap_base = 0x97c00000: the first page above the mmap area, which mmap's
// top-down search never reaches, so no other address a program sees moves because of it. The page is
// a read-only, executable, file-backed VMA over a one-page in-kernel "file" named [vdso], so it is
// faulted in, copied by fork and freed at exit like any program text. (Older Linux on other
// architectures wrote the trampoline onto the user stack instead; that needs an executable stack,
// and vmos's stack, like Linux's on riscv, is rw-.)

import { file, fput } from "../fs/file.js";
import type { inode } from "../fs/inode.js";
import { ramfs_inode } from "../fs/ramfs.js";
import type { Kernel } from "../kernel.js";
import { insert_vm_struct, MMAP_BASE } from "../mm/mmap.js";
import type { mm_struct } from "../mm/mm_types.js";
import { VM_DONTEXPAND, VM_EXEC, VM_MAYEXEC, VM_MAYREAD, VM_MAYWRITE, VM_READ, type vm_area_struct } from "../mm/vma.js";
import { find_vma } from "../mm/vma_tree.js";

/** Where the vDSO page is mapped in every process. */
export const VDSO_BASE = MMAP_BASE;
/** Linux: VDSO_SYMBOL(mm->context.vdso, rt_sigreturn): where a handler's ra points. */
export const VDSO_RT_SIGRETURN = VDSO_BASE;

/** The page's contents: `li a7, 139` (addi a7, zero, 139) and `ecall`, little-endian. */
const VDSO_IMAGE = new Uint8Array(8);
new DataView(VDSO_IMAGE.buffer).setUint32(0, 0x08b0_0893, true);
new DataView(VDSO_IMAGE.buffer).setUint32(4, 0x0000_0073, true);

/** Linux: _install_special_mapping()'s flags for the vDSO: r-x, and mprotect may add w (for debuggers). */
const VDSO_FLAGS = VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_DONTEXPAND;

/**
 * Linux: arch_setup_additional_pages(), called by exec for the new mm: map the vDSO page at
 * VDSO_BASE. Returns 0, or -ENOMEM if the program's own segments already occupy that page.
 */
export function arch_setup_additional_pages(mm: mm_struct): number {
  const vma = find_vma(mm, VDSO_BASE);
  if (vma !== null && vma.vm_start < VDSO_BASE + 4096) return -12;
  const f = new file("[vdso]", VDSO_IMAGE);
  f.f_inode = vdso_inode(mm.kernel);
  f.f_inode.i_count++;
  insert_vm_struct(mm, VDSO_BASE, VDSO_BASE + 4096, VDSO_FLAGS, f, 0);
  fput(f); // the VMA holds its own reference
  return 0;
}

/** One [vdso] inode per kernel, so every process maps the same frame (Linux: vdso_info's pages). */
const vdso_inodes = new WeakMap<Kernel, inode>();
function vdso_inode(k: Kernel): inode {
  let node = vdso_inodes.get(k);
  if (node === undefined) {
    node = ramfs_inode(k, VDSO_IMAGE, 0);
    node.i_count = 0; // held only by the files that map it; the page cache keeps its page
    vdso_inodes.set(k, node);
  }
  return node;
}

/**
 * Linux: arch_vma_name() / the special mapping's name: "[vdso]" for the vDSO VMA (which /proc/PID/maps
 * shows with offset 0, device 00:00 and inode 0, like Linux's), null for every other VMA.
 */
export function arch_vma_name(vma: vm_area_struct): string | null {
  return vma.vm_file instanceof file && vma.vm_file.data === VDSO_IMAGE ? "[vdso]" : null;
}
