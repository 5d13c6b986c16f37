# lib/check.s: a demo's self-check, one line per claim: "what was checked: ok".
#
# A demo states what it expects, checks it, and prints the sentence with ": ok" -- or with
# ": FAILED", and then exits with status 1 at once, so the first broken claim is the last line.
# Needs lib/sys.s, lib/string.s and lib/print.s, included before this file.

        .section .rodata
.Lcheck_ok:     .asciz  ": ok\n"
.Lcheck_failed: .asciz  ": FAILED\n"

        .text

# check(a0 = passed?, a1 = description): print "description: ok", or print
# "description: FAILED" and exit with status 1. Clobbers what print_str does.
        .globl  check
        .type   check, @function
check:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      a0, 8(sp)
        mv      a0, a1
        call    print_str
        lw      t0, 8(sp)
        la      a0, .Lcheck_ok
        bnez    t0, 1f
        la      a0, .Lcheck_failed
        call    print_str
        li      a0, 1
        call    sys_exit
1:      call    print_str
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
        .size   check, . - check
