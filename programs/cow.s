# cow.s: copy-on-write after fork, seen from the program's side.
#
# The parent writes a pattern into PAGES pages, then forks. Right after fork, parent and child share
# every one of those frames: the kernel write-protected the PTEs in both. The child then writes to
# half of the pages: each first write faults, and the kernel copies just that page for the child
# (do_wp_page -> wp_page_copy). The parent's pages keep its values; when the parent then writes,
# its pages are no longer shared (the child exited), so the kernel reuses them (wp_page_reuse).
#
# Watch it:  vmos run --stats --trace fault programs/cow.s

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"

        .equ    PAGES, 16
        .equ    PAGE, 4096

        .section .rodata
msg_child:      .asciz  "child: sees the parent's data, then writes half of the pages\n"
msg_parent:     .asciz  "parent: its pages are unchanged by the child's writes\n"
msg_status:     .asciz  "parent: child exited with "
msg_wrong:      .asciz  "a page held the wrong value\n"

        .bss
        .align  12
buf:    .zero   PAGES * PAGE
        .align  2
info:   .zero   128

        .text
        .globl  _start
_start:
        la      s0, buf                 # the parent writes i into the first word of page i
        li      t0, 0
1:      slli    t1, t0, 12
        add     t1, t1, s0
        sw      t0, 0(t1)
        addi    t0, t0, 1
        li      t2, PAGES
        blt     t0, t2, 1b

        call    sys_fork
        bnez    a0, parent

        la      a0, msg_child           # the child
        call    print_str
        li      t0, 0                   # it reads every page (still shared: no faults)...
2:      slli    t1, t0, 12
        add     t1, t1, s0
        lw      t2, 0(t1)
        bne     t2, t0, wrong
        addi    t0, t0, 1
        li      t3, PAGES
        blt     t0, t3, 2b
        li      t0, 0                   # ...and writes 1000 + i to the even pages (one COW each)
3:      slli    t1, t0, 12
        add     t1, t1, s0
        addi    t2, t0, 1000
        sw      t2, 0(t1)
        addi    t0, t0, 2
        li      t3, PAGES
        blt     t0, t3, 3b
        li      a0, 0
        call    sys_exit

parent:
        la      a0, info                # wait for the child to exit
        call    sys_waitid_any
        li      t0, 0                   # the parent's pages still hold i
4:      slli    t1, t0, 12
        add     t1, t1, s0
        lw      t2, 0(t1)
        bne     t2, t0, wrong
        addi    t2, t2, 1               # and it writes them again (reuse: nobody shares them now)
        sw      t2, 0(t1)
        addi    t0, t0, 1
        li      t3, PAGES
        blt     t0, t3, 4b
        la      a0, msg_parent
        call    print_str
        la      a0, msg_status
        call    print_str
        la      t0, info
        lw      a0, SI_STATUS(t0)
        call    print_udec
        call    print_nl
        li      a0, 0
        call    sys_exit

wrong:
        la      a0, msg_wrong
        call    print_str
        li      a0, 1
        call    sys_exit
