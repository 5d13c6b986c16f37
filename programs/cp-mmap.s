# cp-mmap.s: copy one file to another by mapping the source and writing the mapping out, and say
# so as cp -v does.
#
# Usage: cp-mmap SOURCE DEST      DEST is created (mode 0644) or emptied first (O_TRUNC).
#
# One copy instead of cp-read.s's two: SOURCE is mapped (MAP_PRIVATE, PROT_READ), and a single
# write(dest, mapping, size) copies from the mapped page-cache frames of SOURCE straight into
# page-cache pages of DEST, faulting SOURCE's pages in as it goes. The program's own memory never
# holds a copy of the data. DEST's pages are dirty until writeback (docs/msync.md).
#
# Watch it:  vmos run --trace fault,mm programs/cp-mmap.s programs/data/pages.txt copy.tmp

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/mman.s"

        .section .rodata
msg_usage:      .asciz  "usage: cp-mmap SOURCE DEST\n"
msg_open:       .asciz  "cp-mmap: cannot open SOURCE"
msg_seek:       .asciz  "cp-mmap: cannot find the size of SOURCE"
msg_mmap:       .asciz  "cp-mmap: cannot map SOURCE"
msg_create:     .asciz  "cp-mmap: cannot create DEST"
msg_write:      .asciz  "cp-mmap: write failed"
msg_arrow:      .asciz  "' -> '"

        .text
        .globl  _start
_start:
        lw      t0, 0(sp)               # argc
        li      t1, 3
        beq     t0, t1, 1f
        la      a0, msg_usage
        call    eprint_str
        li      a0, 1
        call    sys_exit
1:      lw      s0, 8(sp)               # s0 = SOURCE
        lw      s1, 12(sp)              # s1 = DEST

        mv      a0, s0                  # s2 = open(SOURCE, O_RDONLY)
        li      a1, O_RDONLY
        li      a2, 0
        call    sys_open
        mv      s2, a0
        la      a0, msg_open
        mv      a1, s2
        bltz    s2, fail
        mv      a0, s2                  # s4 = the size of SOURCE
        li      a1, 0
        li      a2, SEEK_END
        call    sys_lseek
        mv      s4, a0
        la      a0, msg_seek
        mv      a1, s4
        bltz    s4, fail
        li      s5, 0                   # s5 = the mapping (none for an empty file)
        beqz    s4, 2f
        li      a0, 0                   # mmap(NULL, size, PROT_READ, MAP_PRIVATE, source, 0)
        mv      a1, s4
        li      a2, PROT_READ
        li      a3, MAP_PRIVATE
        mv      a4, s2
        li      a5, 0
        call    sys_mmap
        mv      s5, a0
        la      a0, msg_mmap
        mv      a1, s5
        li      t0, -4096
        bgeu    s5, t0, fail
2:      mv      a0, s2                  # the mapping keeps SOURCE; its descriptor can go
        call    sys_close

        mv      a0, s1                  # s3 = open(DEST, O_WRONLY | O_CREAT | O_TRUNC, 0644)
        li      a1, O_WRONLY | O_CREAT | O_TRUNC
        li      a2, 0644
        call    sys_open
        mv      s3, a0
        la      a0, msg_create
        mv      a1, s3
        bltz    s3, fail
        mv      a0, s3                  # the whole file in one write (nothing for an empty one)
        mv      a1, s5
        mv      a2, s4
        call    write_all
        mv      a1, a0
        la      a0, msg_write
        bltz    a1, fail
        mv      a0, s3
        call    sys_close
        beqz    s5, 3f
        mv      a0, s5
        mv      a1, s4
        call    sys_munmap

3:      li      a0, '\''                # 'SOURCE' -> 'DEST'
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

fail:   call    die                     # a0 = message, a1 = -errno
