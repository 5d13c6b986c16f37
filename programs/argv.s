# argv.s: what the kernel hands a new program on its stack.
#
# A Linux program starts at _start with no arguments in registers. Instead, execve() builds the
# "initial process stack" and points sp at it (16-byte aligned). On riscv32 every slot is 4 bytes:
#
#     sp + 0                  argc                      number of arguments, >= 1 by convention
#     sp + 4                  argv[0]                   pointer to the program's name
#     sp + 4 + 4*i            argv[i]                   pointer to the i-th argument string
#     sp + 4 + 4*argc         NULL                      argv ends with a NULL pointer
#     sp + 8 + 4*argc         envp[0] ... envp[n-1]     "NAME=value" strings, same shape
#                             NULL
#                             auxv: (type, value) pairs, word by word, ending with (AT_NULL = 0, 0)
#     ...higher up            the strings themselves, and 16 random bytes (AT_RANDOM)
#
# The auxiliary vector (auxv) is how the kernel tells the C library facts about the machine and
# the executable: AT_PAGESZ (6) is the page size, AT_PHDR (3) where the program headers are,
# AT_ENTRY (9) the entry point, AT_RANDOM (25) a pointer to the random bytes, and so on.
#
# This program prints argc, every argv[i], and the page size from auxv. It does NOT print the
# environment or any pointer: those depend on the host and on where things were loaded, and the
# output must be the same under qemu-riscv32 and under vmos.
#
# Try: vmos asm argv.s -o argv && qemu-riscv32 ./argv one "two words" 3

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"

        .equ    AT_NULL, 0
        .equ    AT_PAGESZ, 6

        .section .rodata
msg_argc:       .asciz  "argc = "
msg_argv:       .asciz  "argv["
msg_equals:     .asciz  "] = "
msg_null:       .asciz  "] = NULL (the end of argv)\n"
msg_pagesz:     .asciz  "auxv AT_PAGESZ = "
msg_no_pagesz:  .asciz  "auxv has no AT_PAGESZ\n"
msg_not_null:   .asciz  "argv[argc] is not NULL\n"

        .text
        .globl  _start
_start:
        lw      s0, 0(sp)               # s0 = argc
        addi    s1, sp, 4               # s1 = argv, the address of argv[0]

        la      a0, msg_argc
        call    print_str
        mv      a0, s0
        call    print_dec
        call    print_nl

        # argv[0] .. argv[argc-1]: each slot holds a pointer to a NUL-terminated string.
        li      s2, 0                   # s2 = i
1:      bge     s2, s0, 2f
        la      a0, msg_argv
        call    print_str
        mv      a0, s2
        call    print_dec
        la      a0, msg_equals
        call    print_str
        slli    t0, s2, 2               # &argv[i] = argv + 4*i
        add     t0, s1, t0
        lw      a0, 0(t0)
        call    print_str
        call    print_nl
        addi    s2, s2, 1
        j       1b

        # argv[argc] is a NULL pointer: C programs may loop "while (*argv)" instead of using argc.
2:      slli    t0, s0, 2
        add     s3, s1, t0              # s3 = &argv[argc]
        lw      t0, 0(s3)
        la      a0, msg_not_null
        bnez    t0, 5f                  # not NULL: this stack is not what Linux builds
        la      a0, msg_argv
        call    print_str
        mv      a0, s0
        call    print_dec
        la      a0, msg_null
        call    print_str

        # envp starts right after argv's NULL; skip it, up to and including its own NULL.
        addi    s3, s3, 4               # s3 = &envp[0]
3:      lw      t0, 0(s3)
        addi    s3, s3, 4
        bnez    t0, 3b                  # s3 = &auxv[0] once we have passed envp's NULL

        # auxv: pairs of words (type, value), until type AT_NULL.
4:      lw      t0, 0(s3)               # type
        li      t1, AT_PAGESZ
        beq     t0, t1, 6f
        addi    s3, s3, 8
        bnez    t0, 4b                  # AT_NULL ends auxv: there was no AT_PAGESZ
        la      a0, msg_no_pagesz
5:      call    print_str               # a0 = what went wrong
        li      a0, 1
        call    sys_exit

6:      la      a0, msg_pagesz
        call    print_str
        lw      a0, 4(s3)               # the value of the (AT_PAGESZ, value) pair
        call    print_dec
        call    print_nl
        li      a0, 0
        call    sys_exit
