# cp-read.s: copy one file to another with read() and write(), and say so as cp -v does.
#
# Usage: cp-read SOURCE DEST      DEST is created (mode 0644) or emptied first (O_TRUNC).
#
# Two copies per 4 KiB: read() copies a page-cache page of SOURCE into buf, and write() copies buf
# into a page-cache page of DEST and marks that page dirty. Nothing reaches DEST's file yet: the
# dirty pages are written back later, by the flusher or at the latest when the machine shuts down
# (docs/msync.md). Compare cp-mmap.s, which maps SOURCE and so skips the first copy.
#
# Watch it:  vmos run --trace mm programs/cp-read.s programs/data/pages.txt copy.tmp

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/mman.s"
        .include "lib/file.s"

        .equ    BUF_SIZE, 4096

        .section .rodata
msg_usage:      .asciz  "usage: cp-read SOURCE DEST\n"
msg_open:       .asciz  "cp-read: cannot open SOURCE"
msg_create:     .asciz  "cp-read: cannot create DEST"
msg_read:       .asciz  "cp-read: read failed"
msg_write:      .asciz  "cp-read: write failed"
msg_arrow:      .asciz  "' -> '"

        .bss
        .align  12
buf:    .zero   BUF_SIZE

        .text
        .globl  _start
_start:
        lw      a0, 0(sp)               # argc
        li      a1, 3
        la      a2, msg_usage
        call    expect_argc
        lw      s0, 8(sp)               # s0 = SOURCE
        lw      s1, 12(sp)              # s1 = DEST

        mv      a0, s0                  # s2 = open(SOURCE, O_RDONLY)
        li      a1, O_RDONLY
        li      a2, 0
        la      a3, msg_open
        call    open_or_die
        mv      s2, a0
        mv      a0, s1                  # s3 = open(DEST, O_WRONLY | O_CREAT | O_TRUNC, 0644)
        li      a1, O_WRONLY | O_CREAT | O_TRUNC
        li      a2, 0644
        la      a3, msg_create
        call    open_or_die
        mv      s3, a0

2:      mv      a0, s2                  # n = read(source, buf, BUF_SIZE)
        la      a1, buf
        li      a2, BUF_SIZE
        call    sys_read
        la      a1, msg_read
        call    or_die
        beqz    a0, 3f                  # the end of SOURCE
        mv      a2, a0                  # write_all(dest, buf, n)
        mv      a0, s3
        la      a1, buf
        call    write_all
        la      a1, msg_write
        call    or_die
        j       2b

3:      mv      a0, s2
        call    sys_close
        mv      a0, s3
        call    sys_close
        li      a0, '\''                # 'SOURCE' -> 'DEST'
        call    print_char
        mv      a0, s0
        call    print_str
        la      a0, msg_arrow
        call    print_str
        mv      a0, s1
        call    print_str
        li      a0, '\''
        call    print_char
        call    print_nl
        li      a0, 0
        call    sys_exit
