        .text
        .globl  compute, shared_word
compute:
        addi    a0, a0, 1
        ret
local_only:
        j       local_only
        .data
        .align  2
shared_word:
        .word   compute
        .section .rodata
        .string "lib"
        .bss
        .zero   10
