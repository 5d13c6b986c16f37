# cat-read.s: copy files to standard output with read() and write(), as cat does.
#
# Usage: cat-read [FILE...]     each FILE in turn; with none, standard input.
#
# The classic loop: read(fd, buf, 4096) until it returns 0 (the end of the file), writing out what
# each call returned. Every read() is a system call and a copy: filemap_read() finds the page in
# the page cache (reading it from the device first if it is not there: a cache miss) and copies the
# bytes into buf. Compare cat-mmap.s, which maps the file and copies nothing.
#
# Watch it:  vmos run --stats programs/cat-read.s programs/data/pages.txt
#            vmos run --trace syscall,mm programs/cat-read.s programs/data/pages.txt > /dev/null

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/mman.s"
        .include "lib/file.s"

        .equ    BUF_SIZE, 4096

        .section .rodata
msg_open:       .asciz  "cat-read: cannot open a file"
msg_read:       .asciz  "cat-read: read failed"
msg_write:      .asciz  "cat-read: write failed"

        .bss
        .align  12
buf:    .zero   BUF_SIZE

        .text
        .globl  _start
_start:
        lw      s0, 0(sp)               # s0 = argc
        addi    s1, sp, 4               # s1 = argv
        li      t0, 1
        bne     s0, t0, 1f
        li      a0, STDIN               # no file: standard input
        call    copy_fd
        j       3f
1:      li      s2, 1                   # s2 = i, the argument being copied
2:      bge     s2, s0, 3f
        slli    t0, s2, 2
        add     t0, s1, t0
        lw      a0, 0(t0)               # s3 = open(argv[i], O_RDONLY)
        li      a1, O_RDONLY
        li      a2, 0
        la      a3, msg_open
        call    open_or_die
        mv      s3, a0
        call    copy_fd
        mv      a0, s3
        call    sys_close
        addi    s2, s2, 1
        j       2b
3:      li      a0, 0
        call    sys_exit

# copy_fd(a0 = fd): copy everything fd has to standard output, 4 KiB at a time.
# Clobbers: a0-a3, a7, t0, t1, s4.
copy_fd:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        mv      s4, a0
1:      mv      a0, s4                  # n = read(fd, buf, BUF_SIZE)
        la      a1, buf
        li      a2, BUF_SIZE
        call    sys_read
        la      a1, msg_read
        call    or_die
        beqz    a0, 2f                  # 0: the end of the file
        mv      a2, a0                  # write_all(STDOUT, buf, n)
        li      a0, STDOUT
        la      a1, buf
        call    write_all
        la      a1, msg_write
        call    or_die
        j       1b
2:      lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
