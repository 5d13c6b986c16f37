# brk.s: the program break, step by step.
#
# The heap is the region from the end of .bss (the heap's start) up to the "program break".
# brk(addr) asks the kernel to move the break to addr and returns where the break is afterwards:
#   * on success that is addr (exactly, even if addr is not page-aligned: the kernel remembers
#     the byte address but maps whole pages, up to the page that contains the break);
#   * on failure it is the OLD break. brk never returns -errno, so the only way to notice a
#     failure is to compare the result with what you asked for;
#   * brk(0) always "fails" (0 is below the heap's start), which makes it the way to ask for
#     the current break.
# Shrinking the heap unmaps the pages above the new break: their contents are gone. Growing it
# again maps fresh pages, which read as zero like all new memory (the kernel must never show a
# process stale data, not even its own).
#
# Each step prints what it checked; nothing prints an address, because where the heap starts
# differs between kernels (and Linux randomises it).

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"

        .equ    GROW_PAGES, 16
        .equ    KEEP_PAGES, 4           # what stays mapped after the shrink
        .equ    ABSURD_BREAK, 0xfffff000 # the last page of the 32-bit address space

        .section .rodata
msg_ok:         .asciz  ": ok\n"
msg_failed:     .asciz  ": FAILED\n"
msg_current:    .asciz  "brk(0) returns the current break"
msg_aligned:    .asciz  "moving the break up to a page boundary"
msg_grow:       .asciz  "growing the heap by 16 pages"
msg_write:      .asciz  "writing 16 pages and reading them back"
msg_shrink:     .asciz  "shrinking the heap to 4 pages"
msg_kept:       .asciz  "the 4 kept pages keep their contents"
msg_regrow:     .asciz  "growing it back to 16 pages"
msg_zero:       .asciz  "the 12 regrown pages read as zero"
msg_below:      .asciz  "brk below the heap's start fails and returns the old break"
msg_absurd:     .asciz  "brk(0xfffff000) fails and returns the old break"
msg_unaligned:  .asciz  "an unaligned break is kept exactly"

        .text
        .globl  _start
_start:
        # Where is the break? Ask twice: both answers must agree.
        li      a0, 0
        call    sys_brk
        mv      s0, a0                  # s0 = the initial break
        li      a0, 0
        call    sys_brk
        sub     a0, a0, s0
        seqz    a0, a0
        la      a1, msg_current
        call    check

        # Work from a page boundary, so "the first page above the break" is well defined. (Linux
        # starts the heap page-aligned, but a kernel need not.)
        li      t0, PAGE_SIZE - 1
        add     s1, s0, t0
        srli    s1, s1, PAGE_SHIFT
        slli    s1, s1, PAGE_SHIFT      # s1 = base: the break rounded up to a page boundary
        mv      a0, s1
        call    sys_brk
        sub     a0, a0, s1
        seqz    a0, a0
        la      a1, msg_aligned
        call    check

        li      s2, GROW_PAGES << PAGE_SHIFT
        add     s2, s1, s2              # s2 = base + 16 pages
        mv      a0, s2
        call    sys_brk
        sub     a0, a0, s2
        seqz    a0, a0
        la      a1, msg_grow
        call    check

        # Word i of the heap gets i + 1 (never 0, so a zero-filled page cannot pass as written).
        mv      t0, s1
        li      t1, 1
1:      sw      t1, 0(t0)
        addi    t0, t0, 4
        addi    t1, t1, 1
        bltu    t0, s2, 1b
        mv      a0, s1
        mv      a1, s2
        li      a2, 1
        call    holds_sequence
        la      a1, msg_write
        call    check

        li      s3, KEEP_PAGES << PAGE_SHIFT
        add     s3, s1, s3              # s3 = base + 4 pages
        mv      a0, s3
        call    sys_brk
        sub     a0, a0, s3
        seqz    a0, a0
        la      a1, msg_shrink
        call    check
        mv      a0, s1
        mv      a1, s3
        li      a2, 1
        call    holds_sequence
        la      a1, msg_kept
        call    check

        mv      a0, s2
        call    sys_brk
        sub     a0, a0, s2
        seqz    a0, a0
        la      a1, msg_regrow
        call    check
        mv      a0, s3                  # pages 4..15 must be all zero: first 0, step 0
        mv      a1, s2
        li      a2, 0
        li      a3, 0
        call    holds_sequence_from
        la      a1, msg_zero
        call    check

        # Two ways to fail. Each must leave the break where it was (s2) and return it.
        li      a0, PAGE_SIZE           # below the heap's start, which is after the program
        call    sys_brk
        sub     a0, a0, s2
        seqz    a0, a0
        la      a1, msg_below
        call    check
        li      a0, ABSURD_BREAK        # far above the heap: it would run over the stack
        call    sys_brk
        sub     a0, a0, s2
        seqz    a0, a0
        la      a1, msg_absurd
        call    check

        addi    s4, s2, 100             # s4 = base + 16 pages + 100 bytes
        mv      a0, s4
        call    sys_brk
        li      a0, 0
        call    sys_brk                 # brk(0) must now report the unaligned value
        sub     a0, a0, s4
        seqz    a0, a0
        la      a1, msg_unaligned
        call    check

        li      a0, 0
        call    sys_exit

# check(a0 = passed?, a1 = description): print "description: ok", or print
# "description: FAILED" and exit with status 1. Clobbers what print_str does.
check:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      a0, 8(sp)
        mv      a0, a1
        call    print_str
        lw      t0, 8(sp)
        la      a0, msg_ok
        bnez    t0, 1f
        la      a0, msg_failed
        call    print_str
        li      a0, 1
        call    sys_exit
1:      call    print_str
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# holds_sequence(a0 = start, a1 = end, a2 = step) -> a0 = 1 if the words from start up to (not
# including) end hold 1, 1 + step, 1 + 2*step, ..., else 0.
# holds_sequence_from(a0 = start, a1 = end, a2 = step, a3 = first): the same, from a3 up.
# Leaf functions. Clobbers: t0, a0, a3.
holds_sequence:
        li      a3, 1
holds_sequence_from:
1:      bgeu    a0, a1, 2f
        lw      t0, 0(a0)
        bne     t0, a3, 3f
        add     a3, a3, a2
        addi    a0, a0, 4
        j       1b
2:      li      a0, 1
        ret
3:      li      a0, 0
        ret
