# meminfo.s: what writing memory costs the machine, read from /proc/meminfo.
#
# /proc/meminfo is the kernel's account of all RAM: MemFree (frames nobody uses), AnonPages (frames
# holding processes' anonymous memory: heap, stack, bss), PageTables (frames holding page tables)...
# This program reads it, grows its heap by 256 pages with brk, reads it again (growing the heap
# promises memory but takes no frame), then writes one word in each new page and reads it a third
# time. Each first write is a page fault that takes one frame: MemFree falls by 1024 kB and
# AnonPages rises by as much. The heap stays below 4 MiB, inside the range the program's first page
# table already covers, so PageTables does not change.
#
# The kernel builds the file's text when it is opened, so each openat takes a snapshot. The buffers
# the program reads into are written once first, so using them costs no frame between snapshots.
#
# vmos only: under qemu-riscv32, /proc/meminfo is the host's, which changes on its own.

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"

        .equ    SYS_OPENAT, 56
        .equ    SYS_CLOSE, 57
        .equ    AT_FDCWD, -100
        .equ    PAGES, 256
        .equ    BUFSIZE, 4096

        .section .rodata
path:           .asciz  "/proc/meminfo"
lbl_free:       .asciz  "MemFree:"
lbl_anon:       .asciz  "AnonPages:"
lbl_tables:     .asciz  "PageTables:"
msg_brk:        .asciz  "after brk grew the heap by 256 pages (nothing written yet):\n"
msg_write:      .asciz  "after writing one word in each of those pages:\n"
msg_free:       .asciz  "  MemFree    "
msg_anon:       .asciz  "  AnonPages  "
msg_tables:     .asciz  "  PageTables "
msg_kb:         .asciz  " kB\n"
msg_failed:     .asciz  "cannot read /proc/meminfo\n"

        .bss
        .align  12
buf:            .zero   BUFSIZE
        .align  2
before:         .zero   12              # MemFree, AnonPages, PageTables at the first snapshot

        .text
        .globl  _start
_start:
        la      t0, buf                 # take the frames of buf and before now, before the
        sw      zero, 0(t0)             # first snapshot, so that filling them in costs nothing
        la      t0, before              # between snapshots
        sw      zero, 0(t0)
        la      a0, before
        call    snapshot                # before = the three values now

        li      a0, 0                   # grow the heap by PAGES pages (s0 = where they start)
        call    sys_brk
        mv      s0, a0
        li      t0, PAGES * PAGE_SIZE
        add     a0, s0, t0
        call    sys_brk
        la      a0, msg_brk
        call    print_str
        call    report

        li      t0, 0                   # write one word in each new page: one fault, one frame each
1:      slli    t1, t0, PAGE_SHIFT
        add     t1, t1, s0
        sw      t0, 0(t1)
        addi    t0, t0, 1
        li      t1, PAGES
        blt     t0, t1, 1b
        la      a0, msg_write
        call    print_str
        call    report
        li      a0, 0
        call    sys_exit

# report(): take a snapshot and print how each value moved since `before`. Clobbers s1-s2, a*, t*.
report:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        mv      a0, sp                  # now = 0(sp), 4(sp), 8(sp)
        call    snapshot
        la      s1, before
        li      s2, 0
1:      la      t0, labels
        slli    t1, s2, 2
        add     t0, t0, t1
        lw      a0, 0(t0)               # "  MemFree    "...
        call    print_str
        slli    t1, s2, 2
        add     t0, sp, t1
        lw      a0, 0(t0)               # now - before
        add     t1, s1, t1
        lw      t1, 0(t1)
        sub     a0, a0, t1
        bltz    a0, 2f
        sw      a0, 16(sp)
        li      a0, '+'
        call    print_char
        lw      a0, 16(sp)
2:      call    print_dec
        la      a0, msg_kb
        call    print_str
        addi    s2, s2, 1
        li      t0, 3
        blt     s2, t0, 1b
        lw      ra, 28(sp)
        addi    sp, sp, 32
        ret

# snapshot(a0 = out): read /proc/meminfo into buf and store MemFree, AnonPages, PageTables (kB)
# at out[0], out[1], out[2]. Exits with status 1 if the file cannot be read.
snapshot:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        mv      s0, a0
        li      a0, AT_FDCWD            # fd = openat(AT_FDCWD, "/proc/meminfo", O_RDONLY, 0)
        la      a1, path
        li      a2, 0
        li      a3, 0
        li      a7, SYS_OPENAT
        ecall
        bltz    a0, .Lfailed
        sw      a0, 4(sp)
        la      a1, buf                 # one read gets it all: the file is about 1 KiB
        li      a2, BUFSIZE - 1
        call    sys_read
        blez    a0, .Lfailed
        la      t0, buf                 # end the text with a NUL
        add     t0, t0, a0
        sb      zero, 0(t0)
        lw      a0, 4(sp)
        li      a7, SYS_CLOSE
        ecall
        la      a0, lbl_free
        call    find_kb
        sw      a0, 0(s0)
        la      a0, lbl_anon
        call    find_kb
        sw      a0, 4(s0)
        la      a0, lbl_tables
        call    find_kb
        sw      a0, 8(s0)
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# find_kb(a0 = label) -> a0 = the number on the line of buf that starts with label (0 if none).
# Each line is "Label:   <spaces> 12345 kB". Clobbers t0-t4, a1.
find_kb:
        la      t0, buf                 # t0 = start of the current line
1:      mv      t1, t0                  # compare the line's start with the label
        mv      t2, a0
2:      lbu     t3, 0(t2)
        beqz    t3, 4f                  # the whole label matched
        lbu     t4, 0(t1)
        bne     t3, t4, 3f
        addi    t1, t1, 1
        addi    t2, t2, 1
        j       2b
3:      lbu     t4, 0(t0)               # no: go to the next line
        beqz    t4, 6f
        addi    t0, t0, 1
        li      t3, '\n'
        bne     t4, t3, 3b
        j       1b
4:      lbu     t4, 0(t1)               # skip the spaces, then read the digits
        li      t3, ' '
        bne     t4, t3, 5f
        addi    t1, t1, 1
        j       4b
5:      mv      a0, t1
        tail    atoi
6:      li      a0, 0
        ret

.Lfailed:
        la      a0, msg_failed
        call    print_str
        li      a0, 1
        call    sys_exit

        .section .rodata
        .align  2
labels:         .word   msg_free, msg_anon, msg_tables
