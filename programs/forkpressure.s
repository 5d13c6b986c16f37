# forkpressure.s: fork when memory is already short, and copy-on-write into swap and back.
#
# Usage: forkpressure [K [PAGES]]   (defaults 3 and 128; K from 1 to 16, PAGES from 1 to 65536)
#
#   vmos run --mem 512K --swap 4M --stats programs/forkpressure.s 3 128
#
# The parent fills PAGES pages, then forks K children. Right after fork every child shares all of
# them with the parent, copy-on-write; then each child
#   1. checks that it sees the parent's data, every word;
#   2. writes its own data over every word: each page's first write copies it (do_wp_page), so
#      together the children need K more copies of the buffer;
#   3. checks its own data, every word, and exits with 0 (or 1 or 2: the step that found a word
#      wrong).
# With the suggested command line the parent's 128 pages already fill most of 512K of RAM before
# the fork, so some of them are in swap when the children start (a swap entry in the parent's page
# table is shared at fork too), and the children's 384 copies go to swap and back while the
# children run in turns. The parent waits for each child in the order it forked them (waitid
# P_PID), so the lines it prints are the same whatever order they finished in, and at last checks
# that its own pages never changed. A child the OOM killer took shows as "killed by signal 9".

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/mman.s"
        .include "lib/args.s"
        .include "lib/format.s"
        .include "lib/children.s"
        .include "lib/buffer.s"

        .equ    DEFAULT_K, 3
        .equ    MAX_K, 16
        .equ    DEFAULT_PAGES, 128
        .equ    MAX_PAGES, 65536                # 256 MiB
        .equ    HASH, 0x9e3779b1                # word w of process c's data: (w * HASH) ^ (c * SALT)
        .equ    SALT, 0x01010101                # (the parent is c = 0, the children 1..K)

        .section .rodata
args:   .word   msg_usage, 2                    # for arg_counts: the usage line, 2 arguments,
        .word   DEFAULT_K, MAX_K                # K: its default and maximum
        .word   DEFAULT_PAGES, MAX_PAGES        # PAGES
msg_usage:      .asciz  "usage: forkpressure [K [PAGES]], K from 1 to 16, PAGES from 1 to 65536\n"
fmt_forking:    .asciz  "parent: filled %u pages, forking %u children\n"
msg_ok:         .asciz  ": saw the parent's data, wrote and verified its own copy\n"
fmt_unchanged:  .asciz  "parent: all its words unchanged: %u words\n"
fmt_changed:    .asciz  "parent: words changed: %u words\n"

        .bss
        .align  2
pids:   .zero   4 * MAX_K                       # the children's pids, in fork order

        .text
        .globl  _start
_start:
        mv      a0, sp
        la      a1, args
        call    arg_counts                      # or the usage line, status 2
        mv      s0, a0                          # s0 = K
        mv      s1, a1                          # s1 = PAGES
        mv      a0, s1
        call    map_buffer
        mv      s2, a0                          # s2 = the buffer, PAGES fresh pages
        slli    s3, s1, 10                      # s3 = the buffer's words

        li      a0, 0                           # the parent's data: c = 0
        call    fill
        la      a0, fmt_forking
        mv      a1, s1
        mv      a2, s0
        call    print_fmt

        mv      a0, s0                          # fork the K children
        la      a1, pids
        call    fork_children                   # a0 = 0 here, c in child c
        bnez    a0, child
        mv      a0, s0                          # reap them in fork order, a line for each
        la      a1, pids
        la      a2, msg_ok                      # what a child that exited with 0 did
        call    report_children

        li      a0, 0                           # the parent's own pages: nobody wrote them since
        call    check
        bnez    a0, changed
        la      a0, fmt_unchanged
        mv      a1, s3
        call    print_fmt
        li      a0, 0
        call    sys_exit
changed:
        mv      a1, a0
        la      a0, fmt_changed
        call    print_fmt
        li      a0, 1
        call    sys_exit

# Child c (a0): the parent's data, then its own, each checked word by word; exit with 0 if all
# was right, else 1 or 2, the step that found a word wrong.
child:
        mv      s4, a0                          # s4 = c
        li      a0, 0
        call    check
        li      s7, 1
        bnez    a0, 5f
        mv      a0, s4
        call    fill
        mv      a0, s4
        call    check
        li      s7, 2
        bnez    a0, 5f
        li      s7, 0
5:      mv      a0, s7
        call    sys_exit

# fill(a0 = c): word w of the buffer at s2 (s3 words) = (w * HASH) ^ (c * SALT).
# Clobbers: t0-t4.
fill:
        li      t0, SALT
        mul     t0, t0, a0                      # t0 = c * SALT
        li      t1, HASH
        li      t2, 0                           # w * HASH, by repeated addition
        slli    t3, s3, 2
        add     t3, s2, t3                      # t3 = one past the end
        mv      t4, s2
6:      xor     a0, t2, t0
        sw      a0, 0(t4)
        add     t2, t2, t1
        addi    t4, t4, 4
        bltu    t4, t3, 6b
        ret

# check(a0 = c) -> a0 = how many words of the buffer at s2 (s3 words) differ from fill(c)'s.
# Clobbers: t0-t5.
check:
        li      t0, SALT
        mul     t0, t0, a0
        li      t1, HASH
        li      t2, 0
        slli    t3, s3, 2
        add     t3, s2, t3
        mv      t4, s2
        li      a0, 0
7:      lw      t5, 0(t4)
        xor     t5, t5, t0
        beq     t5, t2, 8f
        addi    a0, a0, 1
8:      add     t2, t2, t1
        addi    t4, t4, 4
        bltu    t4, t3, 7b
        ret
