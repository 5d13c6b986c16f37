# thrash-worker.s: the worker of programs/thrash.s, one process's share of a thrashing experiment.
# Included by thrash.s (it has no _start of its own): every child thrash.s forks calls it.
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
