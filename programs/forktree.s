# forktree.s: a tree of processes. Each process forks two children until the tree is DEPTH levels
# deep, waits for both (waitid: rv32 Linux has no wait4), and exits with the number of processes in
# its subtree, which its parent reads from si_status. The root prints the total: 2^DEPTH - 1.
#
# fork is clone(SIGCHLD, 0, 0, 0, 0) on riscv (see sys_fork in lib/sys.s).
# Watch the scheduler and copy-on-write at work with:  vmos run --trace sched,fault programs/forktree.s

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"

        .equ    DEPTH, 4

        .section .rodata
msg_total:      .asciz  "processes in the tree: "
msg_bad:        .asciz  "waitid failed\n"

        .bss
        .align  2
info:   .zero   128                     # the siginfo waitid fills

        .text
        .globl  _start
_start:
        li      s0, 1                   # s0: this process's level (the root is level 1)
node:
        li      s1, 1                   # s1: processes in this subtree, so far just this one
        li      t0, DEPTH
        bge     s0, t0, leaf
        li      s2, 2                   # s2: children still to fork
fork_one:
        call    sys_fork
        bnez    a0, forked
        addi    s0, s0, 1               # the child: one level deeper, start over
        j       node
forked:
        addi    s2, s2, -1
        bnez    s2, fork_one
        li      s2, 2                   # now reap both children, adding up their subtrees
wait_one:
        la      a0, info
        call    sys_waitid_any
        bnez    a0, wait_failed
        la      t0, info
        lw      t1, SI_STATUS(t0)
        add     s1, s1, t1
        addi    s2, s2, -1
        bnez    s2, wait_one
leaf:
        li      t0, 1
        bne     s0, t0, done            # not the root: report the count through the exit status
        la      a0, msg_total
        call    print_str
        mv      a0, s1
        call    print_udec
        call    print_nl
        li      s1, 0
done:
        mv      a0, s1
        call    sys_exit

wait_failed:
        la      a0, msg_bad
        call    print_str
        li      a0, 1
        call    sys_exit
