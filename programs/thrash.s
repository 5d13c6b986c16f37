# thrash.s: the degree of multiprogramming, as a program. `vmos experiment thrash` boots one machine
# per K with this as init.
#
# Usage: thrash [K [W [ROUNDS]]]   (defaults 1, 64, 20)
# Forks K children; each runs thrash_worker (programs/thrash-worker.s): ROUNDS passes over W pages
# of its own anonymous memory. The parent waits for all of them and prints "workers K done".
# Every child does the same fixed amount of work, so the run's user time grows with K while the
# total time shows what paging costs: once K*W pages exceed RAM, the workers take turns evicting
# each other's pages and the CPU mostly waits for the swap disk (see docs/thrashing.md).

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/malloc.s"
        .include "lib/thrash-worker.s"

        .section .rodata
msg_usage:      .asciz  "usage: thrash [K [W [ROUNDS]]], K from 1 to 64, W and ROUNDS at least 1\n"
msg_fork:       .asciz  "fork failed"
msg_wait:       .asciz  "waitid failed"
msg_workers:    .asciz  "workers "
msg_done:       .asciz  " done\n"

        .bss
        .align  2
info:   .zero   128                             # the siginfo waitid fills

        .text
        .globl  _start
_start:
        mv      s3, sp                          # s3 = the initial stack (argc, argv)
        mv      a0, s3
        li      a1, 1
        li      a2, 1
        call    arg_int
        mv      s0, a0                          # s0 = K
        mv      a0, s3
        li      a1, 2
        li      a2, 64
        call    arg_int
        mv      s1, a0                          # s1 = W
        mv      a0, s3
        li      a1, 3
        li      a2, 20
        call    arg_int
        mv      s2, a0                          # s2 = ROUNDS
        blez    s0, usage
        li      t0, 64
        bgt     s0, t0, usage
        blez    s1, usage
        blez    s2, usage
        mv      s4, s0                          # s4 = children still to fork
fork_one:
        call    sys_fork
        bltz    a0, fork_failed
        beqz    a0, child
        addi    s4, s4, -1
        bnez    s4, fork_one
        mv      s4, s0                          # s4 = children still to reap
wait_one:
        la      a0, info
        call    sys_waitid_any
        bnez    a0, wait_failed
        addi    s4, s4, -1
        bnez    s4, wait_one
        la      a0, msg_workers
        call    print_str
        mv      a0, s0
        call    print_udec
        la      a0, msg_done
        call    print_str
        li      a0, 0
        call    sys_exit
child:
        mv      a0, s1
        mv      a1, s2
        call    thrash_worker
        call    sys_exit
usage:
        la      a0, msg_usage
        call    print_str
        li      a0, 2
        call    sys_exit
fork_failed:
        mv      a1, a0
        la      a0, msg_fork
        call    die
wait_failed:
        mv      a1, a0
        la      a0, msg_wait
        call    die
