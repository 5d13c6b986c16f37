# wc-mmap.s: count the lines, words and bytes of a file, as wc does, by mapping it.
#
# Usage: wc-mmap FILE      prints "lines words bytes FILE" the way GNU wc does for one file: each
#                          count right-aligned to the width of the byte count.
#
# No read() at all. The size comes from lseek(fd, 0, SEEK_END); mmap(NULL, size, PROT_READ,
# MAP_PRIVATE, fd, 0) makes the file appear in the address space; the descriptor can be closed at
# once (the mapping holds the file open). Then the loop reads the bytes where they are: the first
# load from each page faults, and the kernel maps the page-cache frame that holds that page of the
# file (do_read_fault), read-only. No byte is copied. mmap of length 0 is EINVAL, so an empty file
# is counted without one.
#
# A line is counted at each newline; a word is a run of bytes that are not white space (space,
# \t \n \v \f \r), as in the C locale.
#
# Watch it:  vmos run --stats --trace fault programs/wc-mmap.s programs/data/pages.txt

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/mman.s"
        .include "lib/file.s"

        .section .rodata
msg_usage:      .asciz  "usage: wc-mmap FILE\n"
msg_open:       .asciz  "wc-mmap: cannot open the file"
msg_seek:       .asciz  "wc-mmap: cannot find the size of the file"
msg_mmap:       .asciz  "wc-mmap: cannot map the file"

        .text
        .globl  _start
_start:
        lw      a0, 0(sp)               # argc
        li      a1, 2
        la      a2, msg_usage
        call    expect_argc
        lw      s0, 8(sp)               # s0 = argv[1], the file's name

        mv      a0, s0                  # s1 = open(name, O_RDONLY)
        li      a1, O_RDONLY
        li      a2, 0
        la      a3, msg_open
        call    open_or_die
        mv      s1, a0
        la      a1, msg_seek            # s2 = the size: the position of the end
        call    file_size
        mv      s2, a0
        mv      a0, s1                  # s3 = the file, mapped (0 for an empty file)
        mv      a1, s2
        la      a2, msg_mmap
        call    map_file
        mv      s3, a0
        mv      a0, s1                  # the mapping keeps the file; the descriptor can go
        call    sys_close

        # The count: s4 = lines, s5 = words; t2 = 1 while inside a word.
        li      s4, 0
        li      s5, 0
        li      t2, 0
        mv      t0, s3                  # the next byte
        add     t1, s3, s2              # the end of the file
2:      beq     t0, t1, 5f
        lbu     t3, 0(t0)
        addi    t0, t0, 1
        li      t4, '\n'
        bne     t3, t4, 3f
        addi    s4, s4, 1
3:      li      t4, ' '
        beq     t3, t4, 4f
        addi    t4, t3, -'\t'           # \t \n \v \f \r are 9..13
        sltiu   t4, t4, 5
        bnez    t4, 4f
        bnez    t2, 2b                  # a byte inside a word
        li      t2, 1                   # the first byte of a word
        addi    s5, s5, 1
        j       2b
4:      li      t2, 0                   # white space ends a word
        j       2b

5:      mv      a0, s3
        mv      a1, s2
        call    unmap_file

        mv      a0, s2                  # s6 = the width: the digits of the byte count
        call    digits
        mv      s6, a0
        mv      a0, s4
        call    print_padded
        li      a0, ' '
        call    print_char
        mv      a0, s5
        call    print_padded
        li      a0, ' '
        call    print_char
        mv      a0, s2
        call    print_padded
        li      a0, ' '
        call    print_char
        mv      a0, s0
        call    print_str
        call    print_nl
        li      a0, 0
        call    sys_exit

# digits(a0 = n) -> a0 = the number of decimal digits of n (1 for 0). A leaf. Clobbers: t0, t1.
digits:
        li      t0, 1
        li      t1, 10
1:      divu    a0, a0, t1
        beqz    a0, 2f
        addi    t0, t0, 1
        j       1b
2:      mv      a0, t0
        ret

# print_padded(a0 = n): print n right-aligned in s6 columns. Clobbers: a0-a2, a7, t0, t1, s7, s8.
print_padded:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        mv      s7, a0
        call    digits
        sub     s8, s6, a0              # the spaces in front
1:      blez    s8, 2f
        li      a0, ' '
        call    print_char
        addi    s8, s8, -1
        j       1b
2:      mv      a0, s7
        call    print_udec
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
