# mlock.s: a buffer locked in memory with mlock stays there while other processes thrash.
#
# Usage: mlock [K [W [ROUNDS]]]   (defaults 2, 128, 4; K from 1 to 64, W and ROUNDS at least 1)
#
#   vmos run --mem 512K --swap 4M --stats programs/mlock.s 2 128 4
#
# The parent fills LOCKED = 16 pages (64 KiB, within the smallest usual RLIMIT_MEMLOCK, so Linux
# lets an unprivileged user lock them too) and locks them with mlock(). Then it forks K workers;
# each runs thrash_worker (programs/lib/thrash-worker.s): ROUNDS passes over W pages of its own.
# With the suggested command line, K * W = 256 pages do not fit in 512K of RAM beside everything
# else, so the workers push each other's pages out to swap all the time, while the parent sleeps
# in waitid without touching its buffer. Reclaim never takes a locked page (Linux keeps them on
# the unevictable list), so afterwards:
#
# - mincore(), which only looks and never faults a page in, still finds all 16 pages resident;
# - every word still holds what the parent wrote.
#
# The workers do not touch the locked buffer: after fork they map its pages too, copy-on-write
# (a child does not inherit the lock), and a page one locked mapping maps is not reclaimed from
# the others either.

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/malloc.s"
        .include "lib/args.s"
        .include "lib/format.s"
        .include "lib/children.s"
        .include "lib/thrash-worker.s"

        .equ    SYS_MLOCK, 228
        .equ    SYS_MINCORE, 232
        .equ    LOCKED, 16                      # pages
        .equ    LOCKED_WORDS, LOCKED * 1024
        .equ    HASH, 0x9e3779b1                # word i holds i * HASH + 1

        .section .rodata
args:   .word   msg_usage, 3                    # for arg_counts: the usage line, 3 arguments,
        .word   2, 64                           # K: default 2, at most 64
        .word   128, ARG_UNLIMITED              # W: default 128
        .word   4, ARG_UNLIMITED                # ROUNDS: default 4
msg_usage:      .asciz  "usage: mlock [K [W [ROUNDS]]], K from 1 to 64, W and ROUNDS at least 1\n"
msg_mlock:      .asciz  "mlock failed"
msg_mincore:    .asciz  "mincore failed"
msg_locked:     .asciz  "locked 16 pages (64 KiB) with mlock\n"
msg_before:     .asciz  "resident before the workers: "
msg_after:      .asciz  "resident after the workers: "
msg_of:         .asciz  " of 16 pages\n"
fmt_workers:    .asciz  "workers %u done, each %u passes over %u pages; failed: %u\n"
fmt_intact:     .asciz  "locked buffer intact: %u words verified\n"
fmt_bad:        .asciz  "locked buffer changed: %u words wrong\n"

        .bss
        .align  12
locked: .zero   LOCKED * PAGE_SIZE              # the locked buffer, page aligned
vec:    .zero   LOCKED                          # mincore's answer: one byte per page

        .text
        .globl  _start
_start:
        mv      a0, sp
        la      a1, args
        call    arg_counts                      # or the usage line, status 2
        mv      s0, a0                          # s0 = K
        mv      s1, a1                          # s1 = W
        mv      s2, a2                          # s2 = ROUNDS

        la      t0, locked                      # fill: word i = i * HASH + 1
        li      t1, 1
        li      t2, HASH
        li      t3, LOCKED_WORDS
1:      sw      t1, 0(t0)
        add     t1, t1, t2
        addi    t0, t0, 4
        addi    t3, t3, -1
        bnez    t3, 1b

        la      a0, locked                      # mlock(locked, 64 KiB)
        li      a1, LOCKED * PAGE_SIZE
        li      a7, SYS_MLOCK
        ecall
        bnez    a0, mlock_failed
        la      a0, msg_locked
        call    print_str
        la      a0, msg_before
        call    print_str
        call    resident
        call    print_udec
        la      a0, msg_of
        call    print_str

        mv      a0, s0                          # the K workers; s3 = how many failed
        mv      a1, s1
        mv      a2, s2
        call    thrash_workers
        mv      s3, a0
        la      a0, fmt_workers                 # "workers K done, each ROUNDS passes over W pages; failed: F"
        mv      a1, s0
        mv      a2, s2
        mv      a3, s1
        mv      a4, s3
        call    print_fmt

        la      a0, msg_after                   # mincore first: reading the words would bring
        call    print_str                       # a swapped-out page back
        call    resident
        call    print_udec
        la      a0, msg_of
        call    print_str

        la      t0, locked                      # s4 = words that do not hold i * HASH + 1
        li      t1, 1
        li      t2, HASH
        li      t3, LOCKED_WORDS
        li      s4, 0
2:      lw      t4, 0(t0)
        beq     t4, t1, 3f
        addi    s4, s4, 1
3:      add     t1, t1, t2
        addi    t0, t0, 4
        addi    t3, t3, -1
        bnez    t3, 2b
        bnez    s4, changed
        la      a0, fmt_intact
        li      a1, LOCKED_WORDS
        call    print_fmt
        li      a0, 0
        call    sys_exit
changed:
        la      a0, fmt_bad
        mv      a1, s4
        call    print_fmt
        li      a0, 1
        call    sys_exit

# resident() -> a0 = how many of the locked buffer's pages mincore() finds in memory (dies if
# mincore fails). Clobbers: a1, a2, a7, t0-t2.
resident:
        la      a0, locked
        li      a1, LOCKED * PAGE_SIZE
        la      a2, vec
        li      a7, SYS_MINCORE
        ecall
        bnez    a0, mincore_failed
        la      t0, vec
        li      t1, LOCKED
        li      a0, 0
4:      lbu     t2, 0(t0)
        andi    t2, t2, 1                       # bit 0: resident; the others are reserved
        add     a0, a0, t2
        addi    t0, t0, 1
        addi    t1, t1, -1
        bnez    t1, 4b
        ret

mlock_failed:                                   # e.g. EPERM or ENOMEM (RLIMIT_MEMLOCK), as Linux says
        mv      a1, a0
        la      a0, msg_mlock
        call    die
mincore_failed:
        mv      a1, a0
        la      a0, msg_mincore
        call    die
