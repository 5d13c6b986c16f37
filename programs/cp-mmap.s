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
        .include "lib/file.s"

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
        la      a1, msg_seek            # s4 = the size of SOURCE
        call    file_size
        mv      s4, a0
        mv      a0, s2                  # s5 = SOURCE, mapped (0 for an empty file)
        mv      a1, s4
        la      a2, msg_mmap
        call    map_file
        mv      s5, a0
        mv      a0, s2                  # the mapping keeps SOURCE; its descriptor can go
        call    sys_close

        mv      a0, s1                  # s3 = open(DEST, O_WRONLY | O_CREAT | O_TRUNC, 0644)
        li      a1, O_WRONLY | O_CREAT | O_TRUNC
        li      a2, 0644
        la      a3, msg_create
        call    open_or_die
        mv      s3, a0
        mv      a0, s3                  # the whole file in one write (nothing for an empty one)
        mv      a1, s5
        mv      a2, s4
        call    write_all
        la      a1, msg_write
        call    or_die
        mv      a0, s3
        call    sys_close
        mv      a0, s5
        mv      a1, s4
        call    unmap_file

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
