// The routines test programs call to report what they saw, one value per line: `show` prints a0 as
// 0x%08x, `info` asks vmos_page_info about an address. The mm tests (test/kernel/mm-syscalls.helpers.ts)
// and the file tests (files.ts) put SHOW_ROUTINES after their program's code and `call show` /
// `call info` from it.

/**
 * show(a0): print a0 as 0x%08x and a newline; keeps a0 and every s register.
 * info(a0 = vaddr): vmos_page_info(vaddr, pi) -> a0; the struct is at pi.
 * Needs lib/sys.s, lib/string.s and lib/print.s, SYS_PAGE_INFO, and a 32-byte `pi` in the program.
 */
export const SHOW_ROUTINES = `
# show(a0): print a0 as 0x%08x and a newline. Keeps a0 and every s register.
show:
  addi sp, sp, -16
  sw ra, 12(sp)
  sw a0, 8(sp)
  call print_hex
  call print_nl
  lw a0, 8(sp)
  lw ra, 12(sp)
  addi sp, sp, 16
  ret

# info(a0 = vaddr): vmos_page_info(vaddr, pi) -> a0; the struct is at pi.
info:
  la a1, pi
  li a7, SYS_PAGE_INFO
  ecall
  ret
`;

/** Print a0 (a call of the show routine). */
export const show = "  call show\n";
