# lib/buffer.s: the test buffer of the swap demos (sweep.s, randomaccess.s, forkpressure.s): pages
# of anonymous memory that a program fills, lets reclaim push out to swap and bring back, and then
# checks word by word; and the two verdicts such a check ends with, on standard output.
#
# Needs lib/sys.s, lib/string.s, lib/print.s and lib/mman.s, included before this file. map_buffer
# clobbers only caller-saved registers; the verdicts end the program and never return.

        .section .rodata
.Lbuffer_nomem:         .asciz  "mmap failed"
.Lbuffer_checksum:      .asciz  "checksum "
.Lbuffer_verified:      .asciz  " words verified\n"
.Lbuffer_page:          .asciz  "page "
.Lbuffer_bad:           .asciz  " does not hold what was written to it\n"

        .text

# map_buffer(a0 = pages) -> a0 = the address of that many fresh pages, page aligned and zero
# filled: mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0).
# If mmap fails, die("mmap failed", -errno): "mmap failed: errno N" on standard error, status 1.
# Clobbers: a1-a5, a7, t0.
        .globl  map_buffer
        .type   map_buffer, @function
map_buffer:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        slli    a1, a0, PAGE_SHIFT
        li      a0, 0
        li      a2, PROT_READ | PROT_WRITE
        li      a3, MAP_PRIVATE | MAP_ANONYMOUS
        call    sys_mmap_anon
        li      t0, -4096
        bgeu    a0, t0, 1f                      # unsigned: an address may look negative
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
1:      mv      a1, a0
        la      a0, .Lbuffer_nomem
        call    die
        .size   map_buffer, . - map_buffer

# report_verified(a0 = checksum, a1 = words, a2 = what): every word held what it should. Print
# "checksum 0x" and the checksum's 8 hex digits on a line, then what, words and " words verified"
# ("all 1024 words verified"), and exit with status 0. Never returns.
        .globl  report_verified
        .type   report_verified, @function
report_verified:
        mv      s9, a1                          # nothing after this returns to the caller
        mv      s10, a2
        mv      s11, a0
        la      a0, .Lbuffer_checksum
        call    print_str
        mv      a0, s11
        call    print_hex
        call    print_nl
        mv      a0, s10
        call    print_str
        mv      a0, s9
        call    print_udec
        la      a0, .Lbuffer_verified
        call    print_str
        li      a0, 0
        call    sys_exit
        .size   report_verified, . - report_verified

# report_bad_page(a0 = buffer, a1 = the address of a word that does not hold what it should): print
# "page N does not hold what was written to it", N the page's index in the buffer, and exit with
# status 1. Never returns.
        .globl  report_bad_page
        .type   report_bad_page, @function
report_bad_page:
        sub     s11, a1, a0                     # nothing after this returns to the caller
        srli    s11, s11, PAGE_SHIFT
        la      a0, .Lbuffer_page
        call    print_str
        mv      a0, s11
        call    print_udec
        la      a0, .Lbuffer_bad
        call    print_str
        li      a0, 1
        call    sys_exit
        .size   report_bad_page, . - report_bad_page
