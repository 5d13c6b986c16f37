# mmap.s: asking the kernel for memory with mmap, sharing it with a child, and giving it back.
#
# mmap2(addr, length, prot, flags, fd, offset) creates a new mapping (a VMA) and returns its
# address. With MAP_ANONYMOUS there is no file behind it: the memory starts as zeros, and, as with
# brk, no page is really allocated until it is touched. addr 0 lets the kernel choose: Linux
# places mappings top-down, each new one just below the previous one (below mmap_base, under the
# stack). The two kinds of anonymous memory differ only after fork:
#   MAP_PRIVATE  the child gets a copy-on-write copy: its writes stay its own;
#   MAP_SHARED   parent and child map the same frames: each sees what the other writes.
# munmap(addr, length) removes any page-aligned part of a mapping; touching it afterwards is a
# SIGSEGV, which ends this program (exit status 128 + 11 = 139).
#
# Errors come back as -errno in a0 (-4095..-1); nothing here prints an address, because where
# mappings land differs between kernels (and Linux randomises it).
#
# Watch it:  vmos run --trace mm,fault programs/mmap.s

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/check.s"
        .include "lib/mman.s"

        .equ    EINVAL, 22
        .equ    PAGES, 3

        .section .rodata
msg_map:        .asciz  "mmap of 3 private anonymous pages succeeds"
msg_zero:       .asciz  "new anonymous memory reads as zero"
msg_keep:       .asciz  "it keeps what is written to it"
msg_shared:     .asciz  "mmap of a shared anonymous page succeeds"
msg_below:      .asciz  "it is placed right below the first mapping (top-down)"
msg_len0:       .asciz  "mmap with length 0 fails with EINVAL"
msg_fixed:      .asciz  "MAP_FIXED at an address that is not page aligned fails with EINVAL"
msg_child:      .asciz  "child: writes 2 into the shared page and into the private page\n"
msg_sees:       .asciz  "parent: sees the child's write in the shared page"
msg_own:        .asciz  "parent: still has its own value in the private page"
msg_munmap:     .asciz  "munmap of the middle page succeeds"
msg_keep2:      .asciz  "the pages on either side keep their contents"
msg_badun:      .asciz  "munmap at an address that is not page aligned fails with EINVAL"
msg_touch:      .asciz  "touching the unmapped page: this process will die of SIGSEGV\n"
msg_alive:      .asciz  "the unmapped page could still be read!\n"

        .bss
        .align  2
info:   .zero   128                     # siginfo for waitid

        .text
        .globl  _start
_start:
        li      a0, 0                   # s0 = mmap(NULL, 3 pages, rw, private anonymous)
        li      a1, PAGES * PAGE_SIZE
        li      a2, PROT_READ | PROT_WRITE
        li      a3, MAP_PRIVATE | MAP_ANONYMOUS
        call    sys_mmap_anon
        mv      s0, a0
        li      t0, -4096               # -4095..-1 is an error, anything else an address
        sltu    a0, s0, t0
        la      a1, msg_map
        call    check

        lw      t0, 0(s0)               # every word of the three pages is 0
        li      t1, PAGE_SIZE
        add     t1, t1, s0
        lw      t1, 0(t1)
        li      t2, 2 * PAGE_SIZE
        add     t2, t2, s0
        lw      t2, 100(t2)
        or      t0, t0, t1
        or      a0, t0, t2
        seqz    a0, a0
        la      a1, msg_zero
        call    check

        li      t0, 0                   # page i gets 100 + i in its first word
1:      slli    t1, t0, PAGE_SHIFT
        add     t1, t1, s0
        addi    t2, t0, 100
        sw      t2, 0(t1)
        addi    t0, t0, 1
        li      t2, PAGES
        blt     t0, t2, 1b
        li      a0, 100                 # a0 = 1 if page i holds 100 + i, for i = 0..2
        call    holds_pattern
        la      a1, msg_keep
        call    check

        li      a0, 0                   # s1 = mmap(NULL, 1 page, rw, shared anonymous)
        li      a1, PAGE_SIZE
        li      a2, PROT_READ | PROT_WRITE
        li      a3, MAP_SHARED | MAP_ANONYMOUS
        call    sys_mmap_anon
        mv      s1, a0
        li      t0, -4096
        sltu    a0, s1, t0
        la      a1, msg_shared
        call    check
        li      t0, PAGE_SIZE
        add     t0, s1, t0
        sub     a0, t0, s0
        seqz    a0, a0                  # it ends exactly where the first one starts
        la      a1, msg_below
        call    check

        li      a0, 0                   # length 0
        li      a1, 0
        li      a2, PROT_READ
        li      a3, MAP_PRIVATE | MAP_ANONYMOUS
        call    sys_mmap_anon
        addi    a0, a0, EINVAL
        seqz    a0, a0
        la      a1, msg_len0
        call    check

        addi    a0, s0, 8               # MAP_FIXED needs a page-aligned address
        li      a1, PAGE_SIZE
        li      a2, PROT_READ
        li      a3, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED
        call    sys_mmap_anon
        addi    a0, a0, EINVAL
        seqz    a0, a0
        la      a1, msg_fixed
        call    check

        # fork: both processes have the shared page (s1) and the first private page (s0) mapped.
        li      t0, 1
        sw      t0, 0(s1)
        sw      t0, 0(s0)
        call    sys_fork
        bnez    a0, parent
        la      a0, msg_child           # the child
        call    print_str
        li      t0, 2
        sw      t0, 0(s1)
        sw      t0, 0(s0)
        li      a0, 0
        call    sys_exit

parent:
        la      a0, info                # wait until the child is done
        call    sys_waitid_any
        lw      a0, 0(s1)
        addi    a0, a0, -2
        seqz    a0, a0
        la      a1, msg_sees
        call    check
        lw      a0, 0(s0)
        addi    a0, a0, -1
        seqz    a0, a0
        la      a1, msg_own
        call    check
        li      t0, 100                 # restore page 0's pattern value
        sw      t0, 0(s0)

        li      a0, PAGE_SIZE           # munmap(s0 + 1 page, 1 page): a hole in the middle
        add     a0, s0, a0
        li      a1, PAGE_SIZE
        call    sys_munmap
        seqz    a0, a0
        la      a1, msg_munmap
        call    check
        lw      t0, 0(s0)               # pages 0 and 2 are still there
        li      t1, 2 * PAGE_SIZE
        add     t1, t1, s0
        lw      t1, 0(t1)
        addi    t0, t0, -100
        addi    t1, t1, -102
        or      a0, t0, t1
        seqz    a0, a0
        la      a1, msg_keep2
        call    check

        addi    a0, s0, 8
        li      a1, PAGE_SIZE
        call    sys_munmap
        addi    a0, a0, EINVAL
        seqz    a0, a0
        la      a1, msg_badun
        call    check

        la      a0, msg_touch
        call    print_str
        li      t0, PAGE_SIZE
        add     t0, s0, t0
        lw      t0, 0(t0)               # the fault: nothing is mapped here any more
        la      a0, msg_alive           # not reached
        call    print_str
        li      a0, 1
        call    sys_exit

# holds_pattern(a0 = first) -> a0 = 1 if the first word of page i of s0 holds first + i for every
# page, else 0. A leaf. Clobbers: t0-t3.
holds_pattern:
        li      t0, 0
1:      slli    t1, t0, PAGE_SHIFT
        add     t1, t1, s0
        lw      t1, 0(t1)
        add     t2, a0, t0
        bne     t1, t2, 2f
        addi    t0, t0, 1
        li      t3, PAGES
        blt     t0, t3, 1b
        li      a0, 1
        ret
2:      li      a0, 0
        ret
