# demand.s: demand paging, seen from the program's side.
#
# malloc (here: moving the program break with brk) only reserves ADDRESSES. The kernel records
# "these pages belong to the heap" but gives them no physical memory yet. The first time the
# program touches each page, the MMU finds no mapping and raises a page fault; the kernel's fault
# handler then allocates a zero-filled frame, maps it, and restarts the faulting instruction.
# The program never notices, except in time: `vmos run --stats` counts the faults.
#
# Usage: demand [N]    touch N pages (default 64, at most 16384 = 64 MiB).
# This writes one byte in each of N pages (N page faults), then reads them back (no new faults:
# the pages are mapped now) and prints a checksum that does not depend on any address.

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/malloc.s"

        .equ    DEFAULT_PAGES, 64
        .equ    MAX_PAGES, 16384

        .section .rodata
msg_usage:      .asciz  "usage: demand [pages], pages from 1 to 16384\n"
msg_nomem:      .asciz  "malloc failed\n"
msg_bad:        .asciz  "a page did not hold the byte written to it\n"
msg_touched:    .asciz  "touched "
msg_pages:      .asciz  " pages\n"
msg_checksum:   .asciz  "checksum "

        .text
        .globl  _start
_start:
        mv      a0, sp                  # s0 = N: argv[1], or DEFAULT_PAGES
        li      a1, 1
        li      a2, DEFAULT_PAGES
        call    arg_int
        mv      s0, a0
        la      a0, msg_usage
        blez    s0, .Lfail
        li      t0, MAX_PAGES
        bgt     s0, t0, .Lfail

        # One page more than we need, so we can start at a page boundary: malloc only promises
        # 8-byte alignment, and the first page of an unaligned block may hold data touched
        # earlier, so touching it would not fault. Whole pages of our own: N touches, N faults.
        addi    a0, s0, 1
        slli    a0, a0, PAGE_SHIFT      # (N + 1) * 4096
        call    malloc
        mv      s1, a0
        la      a0, msg_nomem
        beqz    s1, .Lfail
        li      t0, PAGE_SIZE - 1
        add     s1, s1, t0
        srli    s1, s1, PAGE_SHIFT      # clear the low 12 bits (andi cannot: -4096 does not fit
        slli    s1, s1, PAGE_SHIFT      # its 12-bit immediate): s1 = first page boundary in block

        # Touch: page i gets byte (37*i + 11) mod 256. Each store is the page's first access,
        # so each one faults.
        li      t0, 0                   # i
        mv      t1, s1                  # address of page i
        li      t3, PAGE_SIZE
2:      li      t2, 37
        mul     t2, t0, t2
        addi    t2, t2, 11
        sb      t2, 0(t1)               # sb stores the low 8 bits: the "mod 256"
        addi    t0, t0, 1
        add     t1, t1, t3
        blt     t0, s0, 2b

        # Read back and check: the pages stay mapped, so these loads do not fault.
        li      s2, 0                   # s2 = checksum
        li      t0, 0
        mv      t1, s1
3:      lbu     t4, 0(t1)
        add     s2, s2, t4
        li      t2, 37
        mul     t2, t0, t2
        addi    t2, t2, 11
        andi    t2, t2, 0xff
        la      a0, msg_bad
        bne     t4, t2, .Lfail
        addi    t0, t0, 1
        add     t1, t1, t3
        blt     t0, s0, 3b

        la      a0, msg_touched
        call    print_str
        mv      a0, s0
        call    print_dec
        la      a0, msg_pages
        call    print_str
        la      a0, msg_checksum
        call    print_str
        mv      a0, s2
        call    print_dec
        call    print_nl
        li      a0, 0
        call    sys_exit

# Print the message at a0 and exit with status 1.
.Lfail:
        call    print_str
        li      a0, 1
        call    sys_exit
