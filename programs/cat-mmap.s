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
        .include "lib/file.s"

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
2:      bge     s2, s0, 3f
        slli    t0, s2, 2
        add     t0, s1, t0
        lw      a0, 0(t0)               # s3 = open(argv[i], O_RDONLY)
        li      a1, O_RDONLY
        li      a2, 0
        la      a3, msg_open
        call    open_or_die
        mv      s3, a0
        la      a1, msg_seek            # s4 = the size
        call    file_size
        mv      s4, a0
        mv      a0, s3                  # s5 = the whole file, mapped (0 for an empty one)
        mv      a1, s4
        la      a2, msg_mmap
        call    map_file
        mv      s5, a0
        li      a0, STDOUT              # the whole file in one write (nothing for an empty one)
        mv      a1, s5
        mv      a2, s4
        call    write_all
        la      a1, msg_write
        call    or_die
        mv      a0, s5
        mv      a1, s4
        call    unmap_file
        mv      a0, s3
        call    sys_close
        addi    s2, s2, 1
        j       2b
3:      li      a0, 0
        call    sys_exit
