# lib/format.s: printing a line of text with numbers in it, from a format string, like C's printf.
#
#   la      a0, fmt_done                        # fmt_done: .asciz "workers %u done\n"
#   mv      a1, s0
#   call    print_fmt
#
# does what print_str("workers "), print_udec(s0) and print_str(" done\n") would, write() for
# write(): each run of text around the numbers is written from the format string as it is, and
# each number by print_udec. So a system-call trace still shows one write per piece.
#
# Needs lib/sys.s, lib/string.s and lib/print.s, included before this file. Like lib/print.s's
# routines, print_fmt clobbers only caller-saved registers (s0-s11, sp and ra are preserved).

        .text

# print_fmt(a0 = format, a1..a5 = values): write the NUL-terminated format on standard output,
# with each %u in it replaced by the next value as an unsigned decimal number (print_udec). A %
# followed by anything else is text like the rest. At most five values; the format says how many
# it uses. Clobbers: a0-a2, a7, t0, t1.
        .globl  print_fmt
        .type   print_fmt, @function
print_fmt:
        addi    sp, sp, -48                     # 0(sp)..16(sp): the values, in order
        sw      ra, 44(sp)
        sw      s0, 40(sp)
        sw      s1, 36(sp)
        sw      s2, 32(sp)
        sw      a1, 0(sp)
        sw      a2, 4(sp)
        sw      a3, 8(sp)
        sw      a4, 12(sp)
        sw      a5, 16(sp)
        mv      s0, a0                          # s0 walks the format
        mv      s1, a0                          # s1 = the first byte not yet written
        mv      s2, sp                          # s2 = the next value
1:      lbu     t0, 0(s0)
        beqz    t0, 2f
        addi    s0, s0, 1
        li      t1, '%'
        bne     t0, t1, 1b
        lbu     t0, 0(s0)                       # the byte after a %
        li      t1, 'u'
        bne     t0, t1, 1b
        addi    s0, s0, -1
        call    .Lfmt_text                      # the text before the %u
        addi    s0, s0, 2
        mv      s1, s0                          # the text resumes after it
        lw      a0, 0(s2)
        addi    s2, s2, 4
        call    print_udec
        j       1b
2:      call    .Lfmt_text                      # the text after the last number
        lw      s2, 32(sp)
        lw      s1, 36(sp)
        lw      s0, 40(sp)
        lw      ra, 44(sp)
        addi    sp, sp, 48
        ret
        .size   print_fmt, . - print_fmt

# .Lfmt_text: write the format's bytes from s1 up to s0 with one write(), or nothing if there are
# none (a %u at the start or two numbers side by side). A helper of print_fmt only.
# Clobbers: a0-a2, a7.
.Lfmt_text:
        sub     a2, s0, s1
        beqz    a2, 1f
        mv      a1, s1
        li      a0, STDOUT
        tail    sys_write
1:      ret
