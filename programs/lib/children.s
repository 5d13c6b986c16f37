# lib/children.s: forking K children, and waiting for them.
#
# fork_children is fork() for K children at once: it returns 0 in the parent, once all K are
# forked, and c (1..K) in child c, which goes on from the call with its parent's registers, as
# after fork(). Then the parent reaps them: wait_children in whatever order they end, counting the
# ones that failed, or report_children in the order they were forked, with one line each: "child
# c" and how it ended, the same whatever order they finished in. A fork or waitid that fails ends
# the program as a command-line tool does: "fork failed: errno N" or "waitid failed: errno N" on
# standard error (die, lib/print.s), status 1.
#
# Needs lib/sys.s, lib/string.s and lib/print.s, included before this file. Like lib/print.s's
# routines these clobber only caller-saved registers (s0-s11, sp and ra are preserved).

        .equ    P_PID, 1                        # waitid: the child whose pid is given
        .equ    SI_CODE, 8                      # offset of si_code in the siginfo waitid fills
        .equ    CLD_EXITED, 1                   # si_code of a child that exited (else a signal killed it)

        .section .rodata
.Lchildren_fork:        .asciz  "fork failed"
.Lchildren_wait:        .asciz  "waitid failed"
.Lchildren_child:       .asciz  "child "
.Lchildren_status:      .asciz  ": exited with status "
.Lchildren_killed:      .asciz  ": killed by signal "

        .bss
        .align  2
.Lchildren_info:        .zero   128             # the siginfo waitid fills

        .text

# fork_children(a0 = K, a1 = pids, or 0) -> a0 = 0 in the parent, c in child c (1..K).
# Forks K >= 1 children, one after another; each child returns at once, with c. The parent
# stores child c's pid in pids[c - 1] (pids: K words) unless pids is 0, and returns when all K
# are forked. Clobbers: a1-a4, a7, t0.
        .globl  fork_children
        .type   fork_children, @function
fork_children:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        sw      a0, 0(sp)                       # K
        li      s0, 1                           # s0 = c, the child being forked
        mv      s1, a1                          # s1 = &pids[c - 1], or 0
1:      call    sys_fork
        bltz    a0, 4f
        beqz    a0, 3f
        beqz    s1, 2f
        sw      a0, 0(s1)
        addi    s1, s1, 4
2:      addi    s0, s0, 1
        lw      t0, 0(sp)
        ble     s0, t0, 1b
        li      a0, 0                           # the parent, when all K are forked
        j       .Lfork_children_out
3:      mv      a0, s0                          # child c
.Lfork_children_out:
        lw      s1, 4(sp)
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
4:      mv      a1, a0
        la      a0, .Lchildren_fork
        call    die
        .size   fork_children, . - fork_children

# wait_children(a0 = K) -> a0 = how many of them did not exit with status 0 (one a signal killed
# counts too). Reaps K children in whatever order they end (waitid P_ALL): the caller must have
# exactly K. Clobbers: a1-a4, a7, t0.
        .globl  wait_children
        .type   wait_children, @function
wait_children:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        mv      s0, a0                          # s0 = children still to reap
        li      s1, 0                           # s1 = children that failed
1:      la      a0, .Lchildren_info
        call    sys_waitid_any
        bnez    a0, .Lchildren_wait_failed
        la      t0, .Lchildren_info
        lw      t0, SI_STATUS(t0)               # the exit status, or the signal that killed it
        snez    t0, t0
        add     s1, s1, t0
        addi    s0, s0, -1
        bnez    s0, 1b
        mv      a0, s1
        lw      s1, 4(sp)
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
        .size   wait_children, . - wait_children

# report_children(a0 = K, a1 = pids, a2 = ok): wait for the K children whose pids are pids[0] ..
# pids[K - 1], in that order (waitid P_PID), and print one line for child c (1..K) as each is
# reaped: "child c" and then ok (the caller's text, its newline included) if it exited with
# status 0, else ": exited with status N\n" or ": killed by signal N\n". Clobbers: a0-a4, a7, t0-t2.
        .globl  report_children
        .type   report_children, @function
report_children:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      s0, 24(sp)
        sw      s1, 20(sp)
        sw      s2, 16(sp)
        sw      a0, 0(sp)                       # K
        li      s0, 1                           # s0 = c
        mv      s1, a1                          # s1 = &pids[c - 1]
        mv      s2, a2                          # s2 = ok
1:      li      a0, P_PID                       # waitid(P_PID, pids[c - 1], &info, WEXITED, NULL)
        lw      a1, 0(s1)
        la      a2, .Lchildren_info
        li      a3, WEXITED
        li      a4, 0
        li      a7, SYS_WAITID
        ecall
        bnez    a0, .Lchildren_wait_failed
        la      a0, .Lchildren_child
        call    print_str
        mv      a0, s0
        call    print_udec
        la      t0, .Lchildren_info
        lw      t1, SI_CODE(t0)
        lw      t2, SI_STATUS(t0)               # the exit status, or the signal that killed it
        la      a0, .Lchildren_killed
        li      t0, CLD_EXITED
        bne     t1, t0, 2f
        la      a0, .Lchildren_status
        bnez    t2, 2f
        mv      a0, s2                          # exited with 0
        call    print_str
        j       3f
2:      call    print_str                       # ": exited with status N" or ": killed by signal N"
        la      t0, .Lchildren_info
        lw      a0, SI_STATUS(t0)
        call    print_udec
        call    print_nl
3:      addi    s1, s1, 4
        addi    s0, s0, 1
        lw      t0, 0(sp)
        ble     s0, t0, 1b
        lw      s2, 16(sp)
        lw      s1, 20(sp)
        lw      s0, 24(sp)
        lw      ra, 28(sp)
        addi    sp, sp, 32
        ret
        .size   report_children, . - report_children

# Shared by wait_children and report_children (jumped to, with a0 = -errno): never returns.
.Lchildren_wait_failed:
        mv      a1, a0
        la      a0, .Lchildren_wait
        call    die
