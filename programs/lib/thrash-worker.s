# thrash-worker.s: the worker of programs/thrash.s, one process's share of a thrashing experiment,
# and the parent's side: forking K of them and waiting for them all. Included by thrash.s and
# mlock.s (it has no _start of its own). Needs lib/sys.s, lib/string.s, lib/print.s, lib/malloc.s
# and lib/children.s, included before this file.
#
# thrash_worker(a0 = W pages, a1 = ROUNDS) -> a0 = 0, or 1 if the memory could not be had.
# Takes W pages of anonymous memory (malloc, i.e. brk) and makes ROUNDS passes over them; each pass
# adds 1 to 16 words of every page (one per 256 bytes), so a pass is some computing per page, not
# just a touch. Its working set is W pages: while they all fit in RAM the passes run at CPU speed;
# when they do not, every page comes back from swap in every pass (a major fault each).
# Clobbers: t0-t3, a0-a2; keeps s registers.

        .equ    WORDS_STRIDE, 256               # bytes between the words a pass adds to

        .text
        .globl  thrash_worker
        .type   thrash_worker, @function
thrash_worker:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        sw      s2, 0(sp)
        mv      s0, a0                          # s0 = W
        mv      s2, a1                          # s2 = rounds left
        addi    a0, s0, 1                       # one page more, to start at a page boundary
        slli    a0, a0, PAGE_SHIFT
        call    malloc
        beqz    a0, .Lworker_nomem
        li      t0, PAGE_SIZE - 1
        add     a0, a0, t0
        srli    a0, a0, PAGE_SHIFT
        slli    s1, a0, PAGE_SHIFT              # s1 = the first whole page
        slli    t2, s0, PAGE_SHIFT
        add     t2, s1, t2                      # t2 = end of the W pages
.Lworker_round:
        beqz    s2, .Lworker_done
        mv      t0, s1                          # t0 walks every word the pass touches
.Lworker_word:
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        addi    t0, t0, WORDS_STRIDE
        bltu    t0, t2, .Lworker_word
        addi    s2, s2, -1
        j       .Lworker_round
.Lworker_done:
        li      a0, 0
        j       .Lworker_out
.Lworker_nomem:
        li      a0, 1
.Lworker_out:
        lw      s2, 0(sp)
        lw      s1, 4(sp)
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
        .size   thrash_worker, . - thrash_worker

# thrash_workers(a0 = K, a1 = W, a2 = ROUNDS) -> a0 = how many workers failed: forks K children
# (fork_children), each of which runs thrash_worker(W, ROUNDS) and exits with its result, then
# waits until all K have ended, in whatever order (wait_children). A worker fails if it exits with
# a status other than 0 or a signal kills it. Clobbers: a1-a4, a7, t0.
        .globl  thrash_workers
        .type   thrash_workers, @function
thrash_workers:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s1, 8(sp)
        sw      s2, 4(sp)
        sw      a0, 0(sp)                       # K
        mv      s1, a1                          # s1 = W, s2 = ROUNDS: what each child needs
        mv      s2, a2
        li      a1, 0                           # no pids: wait_children takes them in any order
        call    fork_children
        bnez    a0, 1f
        lw      a0, 0(sp)
        call    wait_children
        lw      s2, 4(sp)
        lw      s1, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
1:      mv      a0, s1                          # in each child: thrash_worker(W, ROUNDS), then exit
        mv      a1, s2
        call    thrash_worker
        call    sys_exit
        .size   thrash_workers, . - thrash_workers
