# cat-mmap.s: copy files to standard output by mapping each one and writing it out in one call.
#
# Usage: cat-mmap FILE...
#
# For each file: its size from lseek(fd, 0, SEEK_END), then mmap(NULL, size, PROT_READ,
# MAP_PRIVATE, fd, 0) and a single write(STDOUT, mapping, size). The program itself never touches
# the bytes: the kernel's write reads them from the mapping, and each page it meets for the first
# time faults in from the page cache (do_read_fault maps the cached frame; no copy into the
# program). Compare cat-read.s, which copies every byte into its buffer with read().
#
# Watch it:  vmos run --stats programs/cat-mmap.s programs/data/pages.txt
#            vmos run --trace fault,mm programs/cat-mmap.s programs/data/pages.txt > /dev/null

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/mman.s"

        .section .rodata
msg_usage:      .asciz  "usage: cat-mmap FILE...\n"
msg_open:       .asciz  "cat-mmap: cannot open a file"
msg_seek:       .asciz  "cat-mmap: cannot find the size of a file"
msg_mmap:       .asciz  "cat-mmap: cannot map a file"
msg_write:      .asciz  "cat-mmap: write failed"

        .text
        .globl  _start
_start:
        lw      s0, 0(sp)               # s0 = argc
        addi    s1, sp, 4               # s1 = argv
        li      t0, 1
        bne     s0, t0, 1f
        la      a0, msg_usage           # a mapping needs a file: standard input will not do
        call    eprint_str
        li      a0, 1
        call    sys_exit
1:      li      s2, 1                   # s2 = i, the argument being copied
2:      bge     s2, s0, 4f
        slli    t0, s2, 2
        add     t0, s1, t0
        lw      a0, 0(t0)               # s3 = open(argv[i], O_RDONLY)
        li      a1, O_RDONLY
        li      a2, 0
        call    sys_open
        mv      s3, a0
        la      a0, msg_open
        mv      a1, s3
        bltz    s3, fail
        mv      a0, s3                  # s4 = the size
        li      a1, 0
        li      a2, SEEK_END
        call    sys_lseek
        mv      s4, a0
        la      a0, msg_seek
        mv      a1, s4
        bltz    s4, fail
        beqz    s4, 3f                  # an empty file: nothing to map (length 0 is EINVAL)
        li      a0, 0                   # s5 = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0)
        mv      a1, s4
        li      a2, PROT_READ
        li      a3, MAP_PRIVATE
        mv      a4, s3
        li      a5, 0
        call    sys_mmap
        mv      s5, a0
        la      a0, msg_mmap
        mv      a1, s5
        li      t0, -4096
        bgeu    s5, t0, fail
        li      a0, STDOUT              # the whole file in one write
        mv      a1, s5
        mv      a2, s4
        call    write_all
        mv      a1, a0
        la      a0, msg_write
        bltz    a1, fail
        mv      a0, s5
        mv      a1, s4
        call    sys_munmap
3:      mv      a0, s3
        call    sys_close
        addi    s2, s2, 1
        j       2b
4:      li      a0, 0
        call    sys_exit

fail:   call    die                     # a0 = message, a1 = -errno
