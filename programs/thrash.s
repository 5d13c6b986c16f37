# thrash.s: the degree of multiprogramming, as a program. `vmos experiment thrash` boots one machine
# per K with this as init.
#
# Usage: thrash [K [W [ROUNDS]]]   (defaults 1, 64, 20)
# Forks K children; each runs thrash_worker (programs/lib/thrash-worker.s): ROUNDS passes over W
# pages of its own anonymous memory. The parent waits for all of them and prints "workers K done".
# Every child does the same fixed amount of work, so the run's user time grows with K while the
# total time shows what paging costs: once K*W pages exceed RAM, the workers take turns evicting
# each other's pages and the CPU mostly waits for the swap disk (see docs/thrashing.md).

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/malloc.s"
        .include "lib/args.s"
        .include "lib/format.s"
        .include "lib/children.s"
        .include "lib/thrash-worker.s"

        .section .rodata
args:   .word   msg_usage, 3                    # for arg_counts: the usage line, 3 arguments,
        .word   1, 64                           # K: default 1, at most 64
        .word   64, ARG_UNLIMITED               # W: default 64
        .word   20, ARG_UNLIMITED               # ROUNDS: default 20
msg_usage:      .asciz  "usage: thrash [K [W [ROUNDS]]], K from 1 to 64, W and ROUNDS at least 1\n"
fmt_done:       .asciz  "workers %u done\n"

        .text
        .globl  _start
_start:
        mv      a0, sp
        la      a1, args
        call    arg_counts                      # a0 = K, a1 = W, a2 = ROUNDS, or the usage line
        mv      s0, a0                          # s0 = K
        call    thrash_workers                  # fork the K workers, wait for them all
        la      a0, fmt_done
        mv      a1, s0
        call    print_fmt
        li      a0, 0
        call    sys_exit
