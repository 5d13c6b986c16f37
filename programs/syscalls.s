# syscalls.s: a tour of simple system calls, and what happens with a number the kernel lacks.
#
# Each call: number in a7, arguments in a0..a5, ecall, result in a0 (>= 0 or -errno).
# The program prints only facts that are the same on every machine (not the pid, the time or the
# random bytes themselves), so its output is the same under qemu-riscv32 and under vmos.

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"

        .equ    CLOCK_MONOTONIC, 1      # a clock that never jumps backwards (unlike the wall clock)
        .equ    UTSNAME_FIELD, 65       # struct utsname: six char[65] fields, sysname first
        .equ    UTSNAME_SIZE, 6 * UTSNAME_FIELD
        .equ    RANDOM_BYTES, 16
        .equ    SYS_UNKNOWN, 999        # no such system call on any Linux

        .section .rodata
msg_pid:        .asciz  "pid ok\n"
msg_bad_pid:    .asciz  "getpid did not return a positive number\n"
msg_sysname:    .asciz  "uname sysname: "
msg_bad_uname:  .asciz  "uname failed\n"
msg_clock:      .asciz  "clock ok\n"
msg_bad_clock:  .asciz  "clock_gettime64 failed or went backwards\n"
msg_random:     .asciz  "random ok\n"
msg_bad_random: .asciz  "getrandom did not fill 16 bytes\n"
msg_unknown:    .asciz  "syscall 999 returned "

        .bss
        .balign 8
utsname:        .zero   UTSNAME_SIZE
        .balign 8
# struct __kernel_timespec { int64 tv_sec; int64 tv_nsec; }: 16 bytes. On little-endian rv32 a
# 64-bit field is two words, the low word first. These are the 64-bit-time calls, which is why
# the rv32 number is clock_gettime64 (403) rather than clock_gettime (113, only on 64-bit).
time1:          .zero   16
time2:          .zero   16
random:         .zero   RANDOM_BYTES

        .text
        .globl  _start
_start:
        # getpid(): always > 0 (pid 0 is the idle task, never a user process).
        call    sys_getpid
        la      a1, msg_bad_pid
        blez    a0, .Lfail
        la      a0, msg_pid
        call    print_str

        # uname(&buf) -> 0, and buf.sysname is "Linux" (vmos says so too: it runs Linux programs).
        la      a0, utsname
        li      a7, SYS_UNAME
        ecall
        la      a1, msg_bad_uname
        bnez    a0, .Lfail
        la      a0, msg_sysname
        call    print_str
        la      a0, utsname             # sysname is the first field, NUL-terminated
        call    print_str
        call    print_nl

        # clock_gettime64(CLOCK_MONOTONIC, &t) twice: the second time must not be earlier.
        li      a0, CLOCK_MONOTONIC
        la      a1, time1
        li      a7, SYS_CLOCK_GETTIME64
        ecall
        mv      s0, a0
        li      a0, CLOCK_MONOTONIC
        la      a1, time2
        li      a7, SYS_CLOCK_GETTIME64
        ecall
        or      s0, s0, a0              # both must return 0
        la      a1, msg_bad_clock
        bnez    s0, .Lfail
        la      a0, time1
        la      a1, time2
        call    timespec_le
        la      a1, msg_bad_clock
        beqz    a0, .Lfail
        la      a0, msg_clock
        call    print_str

        # getrandom(buf, 16, flags 0) -> the number of bytes filled: 16.
        la      a0, random
        li      a1, RANDOM_BYTES
        li      a2, 0
        li      a7, SYS_GETRANDOM
        ecall
        li      t0, RANDOM_BYTES
        la      a1, msg_bad_random
        bne     a0, t0, .Lfail
        la      a0, msg_random
        call    print_str

        # A number with no system call behind it: the kernel returns -ENOSYS (-38). The process
        # is not killed; it is up to the program (or its C library) to cope.
        li      a7, SYS_UNKNOWN
        ecall
        mv      s0, a0
        la      a0, msg_unknown
        call    print_str
        mv      a0, s0
        call    print_dec
        call    print_nl

        li      a0, 0
        call    sys_exit

# Print the message at a1 and exit with status 1.
.Lfail:
        mv      a0, a1
        call    print_str
        li      a0, 1
        call    sys_exit

# timespec_le(a0 = &t1, a1 = &t2) -> a0 = 1 if t1 <= t2, else 0. Compares tv_sec (its high word,
# then its low word) and then tv_nsec (always below 10^9, so its low word is enough).
# Leaf function. Clobbers: t0, t1.
timespec_le:
        lw      t0, 4(a0)               # tv_sec, high words
        lw      t1, 4(a1)
        blt     t0, t1, 1f
        bgt     t0, t1, 2f
        lw      t0, 0(a0)               # tv_sec, low words (unsigned)
        lw      t1, 0(a1)
        bltu    t0, t1, 1f
        bgtu    t0, t1, 2f
        lw      t0, 8(a0)               # tv_nsec
        lw      t1, 8(a1)
        bgtu    t0, t1, 2f
1:      li      a0, 1
        ret
2:      li      a0, 0
        ret
