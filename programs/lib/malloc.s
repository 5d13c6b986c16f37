# lib/malloc.s: a bump allocator on top of brk.
#
# The "program break" is the end of the heap: the kernel maps the pages between the heap's start
# (just after .bss) and the break. Moving the break up with brk() hands the program fresh memory;
# the kernel gives it physical pages only when each page is first touched (demand paging), and
# they read as zero.
#
# This allocator never reuses memory: malloc moves the break up by the (rounded) request and
# free does nothing. That is enough for programs that allocate and exit, and it makes every
# allocation visible as a brk() call in a system-call trace.
#
# Needs lib/sys.s (sys_brk), included before this file.

        .bss
        .balign 4
.Lbrk_current:                          # our idea of the break; 0 until the first sbrk
        .zero   4

        .text

# sbrk(a0 = incr) -> a0 = the OLD break, i.e. the start of the incr new bytes; or -1 on failure.
# incr is signed: a negative incr gives memory back to the kernel. The first call asks the
# kernel for the current break with brk(0); after that, sbrk(0) needs no system call.
# Clobbers: a0, a7, t0.
        .globl  sbrk
        .type   sbrk, @function
sbrk:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)               # s0 = old break
        sw      s1, 4(sp)               # s1 = the break we ask for
        mv      s1, a0
        lw      s0, .Lbrk_current
        bnez    s0, 1f
        li      a0, 0                   # first call: brk(0) returns the current break
        call    sys_brk
        mv      s0, a0
        sw      s0, .Lbrk_current, t0
1:      mv      a0, s0
        beqz    s1, .Lsbrk_out          # sbrk(0): just report the break, no system call
        add     a0, s0, s1              # the new break...
        bltz    s1, 2f
        bltu    a0, s0, .Lsbrk_fail     # ...must not wrap past 2^32 when growing
        j       3f
2:      bgtu    a0, s0, .Lsbrk_fail     # ...or below 0 when shrinking
3:      mv      s1, a0
        call    sys_brk
        bne     a0, s1, .Lsbrk_fail     # brk returns the OLD break when it fails, never -errno
        sw      a0, .Lbrk_current, t0
        mv      a0, s0
        j       .Lsbrk_out
.Lsbrk_fail:
        li      a0, -1
.Lsbrk_out:
        lw      s1, 4(sp)
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
        .size   sbrk, . - sbrk

# malloc(a0 = n) -> a0 = address of n fresh bytes, 8-byte aligned; or 0 if the kernel refused
# (or n >= 2 GiB). The memory is NOT guaranteed to be zero (it is the first time round, since
# this allocator never reuses memory and fresh pages are zero). Clobbers: a0, a7, t0, t1.
        .globl  malloc
        .type   malloc, @function
malloc:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)               # s0 = n rounded up to a multiple of 8
        bltz    a0, .Lmalloc_fail       # n >= 2^31: no 32-bit process can have that much
        addi    s0, a0, 7
        andi    s0, s0, -8
        li      a0, 0
        call    sbrk                    # sbrk(0): the current break, where our block could start
        li      t0, -1
        beq     a0, t0, .Lmalloc_fail
        addi    t1, a0, 7               # round the start up to 8 too, if the break is not
        andi    t1, t1, -8
        sub     t1, t1, a0              # padding (0..7 bytes)
        add     a0, s0, t1
        call    sbrk
        li      t0, -1
        beq     a0, t0, .Lmalloc_fail
        addi    a0, a0, 7               # skip the padding
        andi    a0, a0, -8
        j       .Lmalloc_out
.Lmalloc_fail:
        li      a0, 0
.Lmalloc_out:
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
        .size   malloc, . - malloc

# free(a0 = p): does nothing. A bump allocator cannot give back a block in the middle of the
# heap; the memory returns to the kernel when the process exits. Clobbers: nothing.
        .globl  free
        .type   free, @function
free:
        ret
        .size   free, . - free
