# compute.s: a compute-bound benchmark, the sieve of Eratosthenes.
#
# Usage: compute [N [ROUNDS]]    sieve 2..N (default 100000) ROUNDS times (default 64).
#
# The sieve keeps one byte per number, 1 = "may be prime". For each prime p up to sqrt(N) it
# clears every multiple of p from p*p on (smaller multiples were cleared by smaller primes).
# What is left are the primes. The 100 KiB table is only 25 pages, all touched in the first
# round, so after that the run is pure instruction execution: loads, stores, adds and branches,
# no page faults and almost no system calls. It prints the prime count (9592 below 100000) and
# the sum of the primes, so a wrong sieve shows.
#
# The defaults execute about 100 million instructions; that makes it a benchmark for the
# emulator's instruction loop (compare instructions per second with and without vmos's MMU).

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/malloc.s"

        .equ    DEFAULT_N, 100000
        .equ    DEFAULT_ROUNDS, 64
        .equ    MAX_N, 100000000        # a 100 MB table

        .section .rodata
msg_usage:      .asciz  "usage: compute [N [rounds]], N from 2 to 100000000, rounds >= 1\n"
msg_nomem:      .asciz  "malloc failed\n"
msg_primes:     .asciz  "primes up to "
msg_colon:      .asciz  ": "
msg_sum:        .asciz  "sum of those primes: "
msg_rounds:     .asciz  "rounds: "

        .text
        .globl  _start
_start:
        mv      s2, sp                  # the initial stack: argc, argv[]
        mv      a0, s2                  # s0 = N: argv[1], or DEFAULT_N
        li      a1, 1
        li      a2, DEFAULT_N
        call    arg_int
        mv      s0, a0
        mv      a0, s2                  # s1 = rounds: argv[2], or DEFAULT_ROUNDS
        li      a1, 2
        li      a2, DEFAULT_ROUNDS
        call    arg_int
        mv      s1, a0
        la      a0, msg_usage
        li      t0, 2
        blt     s0, t0, .Lfail
        li      t0, MAX_N
        bgt     s0, t0, .Lfail
        blez    s1, .Lfail

        addi    a0, s0, 1               # flags[0..N]
        call    malloc
        mv      s2, a0                  # s2 = flags
        la      a0, msg_nomem
        beqz    s2, .Lfail

        mv      s3, s1                  # s3 = rounds left
2:      mv      a0, s2
        mv      a1, s0
        call    sieve
        mv      s4, a0                  # s4 = number of primes
        mv      s5, a1                  # s5 = their sum
        addi    s3, s3, -1
        bnez    s3, 2b

        la      a0, msg_primes
        call    print_str
        mv      a0, s0
        call    print_dec
        la      a0, msg_colon
        call    print_str
        mv      a0, s4
        call    print_dec
        call    print_nl
        la      a0, msg_sum
        call    print_str
        mv      a0, s5
        call    print_udec              # may exceed 2^31 for large N (it wraps at 2^32)
        call    print_nl
        la      a0, msg_rounds
        call    print_str
        mv      a0, s1
        call    print_dec
        call    print_nl
        li      a0, 0
        call    sys_exit

# Print the message at a0 and exit with status 1.
.Lfail:
        call    print_str
        li      a0, 1
        call    sys_exit

# sieve(a0 = flags, a1 = N) -> a0 = how many primes are <= N, a1 = their sum (mod 2^32).
# flags must have N + 1 bytes; it is overwritten. Clobbers: t0-t4, a2.
        .type   sieve, @function
sieve:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        mv      s0, a0                  # s0 = flags
        mv      s1, a1                  # s1 = N
        addi    a2, a1, 1               # memset(flags, 1, N + 1)
        li      a1, 1
        call    memset
        sb      zero, 0(s0)             # 0 and 1 are not prime
        sb      zero, 1(s0)

        # Cross out: for p = 2, 3, ... while p*p <= N: if flags[p], clear p*p, p*p + p, ...
        li      t0, 2                   # t0 = p
1:      mul     t1, t0, t0              # t1 = p*p (no overflow: N <= 10^8, so p <= 10^4)
        bgt     t1, s1, 4f
        add     t2, s0, t0
        lbu     t2, 0(t2)
        beqz    t2, 3f                  # p was crossed out: its multiples already are
        add     t1, s0, t1              # t1 = &flags[p*p]
        add     t2, s0, s1              # t2 = &flags[N]
2:      sb      zero, 0(t1)             # the inner loop: 3 instructions per crossed-out number
        add     t1, t1, t0
        bleu    t1, t2, 2b
3:      addi    t0, t0, 1
        j       1b

        # Count and add up what is left.
4:      li      a0, 0                   # count
        li      a1, 0                   # sum
        li      t0, 2                   # t0 = i
        add     t1, s0, t0              # t1 = &flags[i]
5:      lbu     t2, 0(t1)
        beqz    t2, 6f
        addi    a0, a0, 1
        add     a1, a1, t0
6:      addi    t0, t0, 1
        addi    t1, t1, 1
        ble     t0, s1, 5b

        lw      s1, 4(sp)
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
        .size   sieve, . - sieve
