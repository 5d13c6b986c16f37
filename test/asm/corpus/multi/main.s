# Two files: main calls a function and reads data defined in the other file.
        .text
        .globl  _start
_start:
        call    compute
        la      a1, shared_word
        lw      a0, 0(a1)
        li      a7, 93
        ecall
local_only:
        j       local_only
        .data
        .byte   7
        .section .rodata
        .string "main"
