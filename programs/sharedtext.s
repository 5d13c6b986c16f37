# sharedtext.s: after fork, parent and child run their instructions from the same frame.
#
# A program's text is a private, read-only mapping of its executable file: its PTEs point at the
# file's page-cache frames, the same for everyone who maps the file. fork copies those PTEs
# (copy_page_range), never the frames: text is never written, so copy-on-write never has a
# reason to copy it. Each process asks the kernel what backs the address of its own _start with
# vmos_page_info (system call 1024, vmos only), and the two answers name the same frame.
#
# The child's answer reaches the parent through a shared anonymous page. Nothing here prints a
# frame number (they depend on the memory size); the checks compare them.
#
# vmos only: Linux has no system call 1024 (qemu-riscv32 returns -ENOSYS), so this program's
# expected output comes from vmos (test/programs/vmos-demos.test.ts).
#
# Watch it:  vmos run --trace fault programs/sharedtext.s

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/check.s"
        .include "lib/mman.s"

        .section .rodata
msg_prun:       .asciz  "parent: running\n"
msg_crun:       .asciz  "child: running\n"
msg_pfile:      .asciz  "parent: _start is in a page of the program's file, mapped read-only and executable"
msg_ponce:      .asciz  "parent: one page table maps that frame"
msg_csame:      .asciz  "child: its _start is in the same frame as the parent's"
msg_ctwice:     .asciz  "child: two page tables map that frame now, the parent's and the child's"
msg_psame:      .asciz  "parent: the child reported the same frame: the text was shared, not copied"
msg_pagain:     .asciz  "parent: with the child gone, one page table maps the frame again"

        .bss
        .align  2
info:   .zero   PAGE_INFO_SIZE          # struct vmos_page_info
wait_info:
        .zero   128                     # siginfo for waitid

        .text
        .globl  _start
_start:
        la      a0, msg_prun
        call    print_str
        call    text_info               # s1 = the frame of the parent's _start
        lw      s1, PI_PFN(s0)
        lw      t0, PI_FLAGS(s0)        # present, a file page, readable and executable, not writable
        li      t1, PI_PRESENT | PI_FILE | PI_READ | PI_EXEC | PI_WRITE | PI_ANON
        and     t0, t0, t1
        addi    a0, t0, -(PI_PRESENT | PI_FILE | PI_READ | PI_EXEC)
        seqz    a0, a0
        la      a1, msg_pfile
        call    check
        lw      a0, PI_MAPCOUNT(s0)
        addi    a0, a0, -1
        seqz    a0, a0
        la      a1, msg_ponce
        call    check

        li      a0, 0                   # s2 = a shared page for the child's answer
        li      a1, PAGE_SIZE
        li      a2, PROT_READ | PROT_WRITE
        li      a3, MAP_SHARED | MAP_ANONYMOUS
        call    sys_mmap_anon
        mv      s2, a0

        call    sys_fork
        bnez    a0, parent

        la      a0, msg_crun            # the child
        call    print_str
        call    text_info
        lw      t0, PI_PFN(s0)
        sw      t0, 0(s2)               # tell the parent
        sub     a0, t0, s1              # s1 is the parent's answer, inherited through fork
        seqz    a0, a0
        la      a1, msg_csame
        call    check
        lw      a0, PI_MAPCOUNT(s0)
        addi    a0, a0, -2
        seqz    a0, a0
        la      a1, msg_ctwice
        call    check
        li      a0, 0
        call    sys_exit

parent:
        la      a0, wait_info           # wait until the child has answered and exited
        call    sys_waitid_any
        call    text_info
        lw      t0, PI_PFN(s0)
        lw      t1, 0(s2)
        sub     t0, t0, t1
        sub     t1, s1, t1
        or      a0, t0, t1              # the child's frame = the parent's, before and after
        seqz    a0, a0
        la      a1, msg_psame
        call    check
        lw      a0, PI_MAPCOUNT(s0)
        addi    a0, a0, -1
        seqz    a0, a0
        la      a1, msg_pagain
        call    check
        li      a0, 0
        call    sys_exit

# text_info() -> s0 = info, filled by vmos_page_info(_start, info). Exits with status 1 if the
# call fails (for instance -ENOSYS: not on vmos). Clobbers: a0, a1, a7.
text_info:
        la      s0, info
        la      a0, _start
        mv      a1, s0
        li      a7, SYS_VMOS_PAGE_INFO
        ecall
        bnez    a0, 1f
        ret
1:      mv      a1, a0
        la      a0, msg_nosys
        call    die
        .section .rodata
msg_nosys:      .asciz  "sharedtext: vmos_page_info failed (this program needs vmos)"
        .text
