# Directives, expressions and literals.
        .file   "directives.s"
        .ident  "vmos corpus"
        .option norvc
        .option norelax
        .option push
        .option pop
        .equ    FOUR, 4
        .set    EIGHT, FOUR * 2
        ALSO = EIGHT + 1
        .text
        .globl  _start
        .type   _start, @function
_start:
        addi    a0, zero, FOUR + 3 * 2 ; addi a1, zero, (1 + 2) * 3
        addi    a2, zero, 1 + 2 & 3         /* GNU precedence: & binds tighter than + */
        addi    a3, zero, 7 % 4 << 2
        addi    a4, zero, ~0 ^ 5
        addi    a5, zero, -(-8) / 3 | 16
        addi    a6, zero, EIGHT - FOUR
        addi    a7, zero, ALSO
        .align  2
        li      a0, 0x10 >> 2
        .p2align 3
        nop
        .balign 16
        ecall
        .size   _start, . - _start
        .section .rodata
        .align  2
start_ro:
        .ascii  "tab\there\n", "quote\"backslash\\"
        .asciz  "nul", "octal\101\x42"
        .string "x"
        .byte   'a', '\n', '\\', 0x7f, -128, 255
        .half   0xbeef, -1
        .short  1
        .2byte  2
        .word   0xdeadbeef, start_ro, start_data + 4, . - start_ro, end_data - start_data
        .4byte  -1
        .long   3
        .zero   3
        .space  2, 0xaa
        .balign 8, 0x55
        .data
        .type   start_data, @object
start_data:
        .word   1, 2, 3
        .half   4
        .align  3
        .byte   5
end_data:
        .size   start_data, end_data - start_data
        .bss
        .globl  buffer
buffer: .zero   100
        .align  4
big:    .space  4096
