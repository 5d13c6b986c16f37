# libtest.s: the lib/ routines on their edge cases, one printed line per case.
#
# Not a demo of the kernel but a regression test of the library the demos rely on: its expected
# output (test/programs/expected/libtest.stdout) is what a correct library prints, so a change
# that breaks, say, print_dec of the most negative number shows up as a diff.

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/malloc.s"

        .section .rodata
str_hello:      .asciz  "hello"
str_help:       .asciz  "help"
str_int_min:    .asciz  "-2147483648"
str_123abc:     .asciz  "123abc"
str_empty:      .asciz  ""
msg_dec:        .asciz  "print_dec: "
msg_udec:       .asciz  "print_udec: "
msg_hex:        .asciz  "print_hex: "
msg_char:       .asciz  "print_char: "
msg_strlen:     .asciz  "strlen(\"hello\") = "
msg_strcmp1:    .asciz  "strcmp(\"hello\", \"help\") = "
msg_strcmp2:    .asciz  "strcmp(\"help\", \"hello\") = "
msg_strcmp3:    .asciz  "strcmp(\"hello\", \"hello\") = "
msg_atoi1:      .asciz  "atoi(\"-2147483648\") = "
msg_atoi2:      .asciz  "atoi(\"123abc\") = "
msg_atoi3:      .asciz  "atoi(\"\") = "
msg_copy:       .asciz  "memset + memcpy of 99 bytes, strlen of the copy = "
msg_align:      .asciz  "malloc(13) and malloc(100) are 8-byte aligned, 16 bytes apart: "
msg_huge:       .asciz  "malloc(-5) = "
msg_sep:        .asciz  " "

        .text
        .globl  _start
_start:
        # print_dec: zero, the extremes, and -1.
        la      a0, msg_dec
        call    print_str
        li      a0, 0
        call    print_dec
        call    print_space
        li      a0, 0x7fffffff
        call    print_dec
        call    print_space
        li      a0, 0x80000000          # INT_MIN: has no positive counterpart in 32 bits
        call    print_dec
        call    print_space
        li      a0, -1
        call    print_dec
        call    print_nl

        la      a0, msg_udec
        call    print_str
        li      a0, 0
        call    print_udec
        call    print_space
        li      a0, -1                  # 0xffffffff: the largest unsigned number
        call    print_udec
        call    print_nl

        la      a0, msg_hex
        call    print_str
        li      a0, 0
        call    print_hex
        call    print_space
        li      a0, 0xdeadbeef
        call    print_hex
        call    print_space
        li      a0, 0x01234567
        call    print_hex
        call    print_nl

        la      a0, msg_char
        call    print_str
        li      a0, '*'
        call    print_char
        call    print_nl

        la      a0, msg_strlen
        call    print_str
        la      a0, str_hello
        call    strlen
        call    print_dec
        call    print_nl

        # strcmp: the difference of the first differing bytes, 'l' - 'p' = -4.
        la      a0, msg_strcmp1
        call    print_str
        la      a0, str_hello
        la      a1, str_help
        call    strcmp
        call    print_dec
        call    print_nl
        la      a0, msg_strcmp2
        call    print_str
        la      a0, str_help
        la      a1, str_hello
        call    strcmp
        call    print_dec
        call    print_nl
        la      a0, msg_strcmp3
        call    print_str
        la      a0, str_hello
        la      a1, str_hello
        call    strcmp
        call    print_dec
        call    print_nl

        la      a0, msg_atoi1
        call    print_str
        la      a0, str_int_min
        call    atoi
        call    print_dec
        call    print_nl
        la      a0, msg_atoi2
        call    print_str
        la      a0, str_123abc
        call    atoi
        call    print_dec
        call    print_nl
        la      a0, msg_atoi3
        call    print_str
        la      a0, str_empty
        call    atoi
        call    print_dec
        call    print_nl

        # malloc: two blocks, 8-byte aligned; 13 rounds up to 16, so the second follows at +16.
        la      a0, msg_align
        call    print_str
        li      a0, 13
        call    malloc
        mv      s0, a0
        li      a0, 100
        call    malloc
        mv      s1, a0
        sub     t0, s1, s0
        addi    t0, t0, -16             # 0 if 16 apart
        or      t1, s0, s1
        andi    t1, t1, 7               # 0 if both aligned
        or      a0, t0, t1
        seqz    a0, a0                  # 1 = yes
        call    print_dec
        call    print_nl

        # memset 99 'A's and a NUL into the 100-byte block, copy it into a new block, measure it.
        la      a0, msg_copy
        call    print_str
        mv      a0, s1
        li      a1, 'A'
        li      a2, 99
        call    memset
        sb      zero, 99(s1)
        li      a0, 100
        call    malloc
        mv      s2, a0
        mv      a1, s1
        li      a2, 100
        call    memcpy
        mv      a0, s2
        call    strlen
        call    print_dec
        call    print_nl

        # A request no 32-bit process can satisfy (-5 = 4 GiB - 5) fails without asking the
        # kernel. (Whether the kernel grants, say, 1.5 GiB depends on the kernel and the machine,
        # so that is not tested here.)
        la      a0, msg_huge
        call    print_str
        li      a0, -5
        call    malloc
        call    print_dec
        call    print_nl

        li      a0, 0
        call    sys_exit

print_space:
        li      a0, ' '
        tail    print_char
