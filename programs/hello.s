# hello.s: the smallest complete vmos program.
# write(1, msg, len) then exit(0), using Linux riscv32 system calls:
# the call number goes in a7, arguments in a0..a2, and `ecall` enters the kernel.

        .section .rodata
msg:
        .ascii  "Hello from vmos!\n"
        .equ    msg_len, . - msg    # defined before use, so `li` sees a constant

        .text
        .globl  _start
_start:
        li      a0, 1               # fd 1: standard output
        la      a1, msg             # buffer
        li      a2, msg_len         # byte count
        li      a7, 64              # write
        ecall

        li      a0, 0               # exit status
        li      a7, 93              # exit
        ecall
