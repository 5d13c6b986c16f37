# readvsmmap.s: add up the bytes of a file with read() and with mmap, and time both.
#
# Usage: readvsmmap FILE          pass 1 read(), pass 2 read(), pass 3 mmap
#        readvsmmap FILE read     pass 1 read(), pass 2 read()
#        readvsmmap FILE mmap     pass 1 mmap,   pass 2 mmap
#
# Each pass opens the file, adds up all its bytes, and closes it; both methods run the same loop
# (sum_bytes) over the same bytes, so what differs is how the bytes reach the program:
#   read()  4 KiB at a time into buf: one system call and one 4 KiB copy (filemap_read) per page;
#   mmap    the file's page-cache frames are mapped read-only: one page fault per page, no copy.
# On vmos the first pass of a run finds the file outside the page cache and pays for reading it
# from the device (COST.filePage per page); the later passes find it cached.
#
# Standard output gets each pass's byte count and sum (the same under qemu-riscv32 and vmos, and
# the same for both methods). Standard error gets the cycles each pass took, measured with
# rdcycle: simulated cycles on vmos (deterministic), host-dependent under qemu.
#
# Watch it:  vmos run --stats programs/readvsmmap.s programs/data/pages.txt
#            vmos run --stats programs/readvsmmap.s programs/data/pages.txt mmap
# docs/mmap-vs-read.md explains the figures.

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/mman.s"
        .include "lib/file.s"

        .equ    BUF_SIZE, 4096
        .equ    METHOD_READ, 0
        .equ    METHOD_MMAP, 1

        .section .rodata
msg_usage:      .asciz  "usage: readvsmmap FILE [read|mmap]\n"
msg_open:       .asciz  "readvsmmap: cannot open the file"
msg_read:       .asciz  "readvsmmap: read failed"
msg_seek:       .asciz  "readvsmmap: cannot find the size of the file"
msg_mmap:       .asciz  "readvsmmap: cannot map the file"
msg_pass:       .asciz  "pass "
msg_byread:     .asciz  ", read(): "
msg_bymmap:     .asciz  ", mmap: "
msg_bytes:      .asciz  " bytes, sum "
msg_cycles:     .asciz  " cycles\n"
word_read:      .asciz  "read"
word_mmap:      .asciz  "mmap"

        .bss
        .align  12
buf:    .zero   BUF_SIZE

        .text
        .globl  _start
_start:
        lw      s0, 0(sp)               # argc
        addi    t0, s0, -2
        li      t1, 1
        bgtu    t0, t1, usage           # argc must be 2 or 3
        lw      s1, 8(sp)               # s1 = FILE
        # s2 = the method of each pass, one byte per pass, first pass lowest; s3 = passes.
        li      s2, METHOD_READ | (METHOD_READ << 8) | (METHOD_MMAP << 16)
        li      s3, 3
        li      t0, 3
        bne     s0, t0, 2f
        lw      s4, 12(sp)              # argv[2]: one method, twice
        mv      a0, s4
        la      a1, word_read
        call    strcmp
        li      s2, METHOD_READ | (METHOD_READ << 8)
        li      s3, 2
        beqz    a0, 2f
        mv      a0, s4
        la      a1, word_mmap
        call    strcmp
        li      s2, METHOD_MMAP | (METHOD_MMAP << 8)
        bnez    a0, usage

2:      li      s4, 1                   # s4 = the pass number
3:      bgt     s4, s3, 5f
        andi    s5, s2, 0xff            # s5 = this pass's method
        srli    s2, s2, 8
        rdcycle s6                      # s6 = the cycle counter before
        mv      a0, s1
        bnez    s5, 4f
        call    sum_read                # a0 = sum, a1 = bytes
        j       6f
4:      call    sum_mmap
6:      rdcycle t0
        sub     s6, t0, s6              # s6 = the cycles this pass took
        mv      s7, a0                  # s7 = the sum
        mv      s8, a1                  # s8 = the bytes

        call    print_pass_name         # "pass N, read(): BYTES bytes, sum SUM" on stdout
        mv      a0, s8
        call    print_udec
        la      a0, msg_bytes
        call    print_str
        mv      a0, s7
        call    print_udec
        call    print_nl
        la      a0, msg_pass            # "pass N, read(): CYCLES cycles" on stderr
        call    eprint_str
        mv      a0, s4
        call    eprint_udec
        la      a0, msg_byread
        beqz    s5, 7f
        la      a0, msg_bymmap
7:      call    eprint_str
        mv      a0, s6
        call    eprint_udec
        la      a0, msg_cycles
        call    eprint_str
        addi    s4, s4, 1
        j       3b
5:      li      a0, 0
        call    sys_exit

usage:  la      a0, msg_usage
        call    eprint_str
        li      a0, 1
        call    sys_exit

# print_pass_name(): print "pass N, read(): " or "pass N, mmap: " for pass s4 with method s5.
# Clobbers what print_str does.
print_pass_name:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        la      a0, msg_pass
        call    print_str
        mv      a0, s4
        call    print_udec
        la      a0, msg_byread
        beqz    s5, 1f
        la      a0, msg_bymmap
1:      call    print_str
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# sum_read(a0 = name) -> a0 = the sum of the file's bytes, a1 = its size: open, read() 4 KiB at a
# time into buf, add up each chunk, close. Clobbers: a2-a7, t0-t3, s9, s10, s11.
sum_read:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        li      a1, O_RDONLY
        li      a2, 0
        la      a3, msg_open
        call    open_or_die
        mv      s9, a0                  # s9 = fd
        li      s10, 0                  # s10 = sum
        li      s11, 0                  # s11 = bytes
1:      mv      a0, s9
        la      a1, buf
        li      a2, BUF_SIZE
        call    sys_read
        la      a1, msg_read
        call    or_die
        beqz    a0, 2f                  # the end of the file
        add     s11, s11, a0
        mv      a1, a0
        la      a0, buf
        call    sum_bytes
        add     s10, s10, a0
        j       1b
2:      mv      a0, s9
        call    sys_close
        mv      a0, s10
        mv      a1, s11
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# sum_mmap(a0 = name) -> a0 = the sum of the file's bytes, a1 = its size: open, find the size,
# map the whole file, add up the mapping, unmap it, close the descriptor.
# Clobbers: a2-a7, t0-t3, s9, s10, s11.
sum_mmap:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        li      a1, O_RDONLY
        li      a2, 0
        la      a3, msg_open
        call    open_or_die
        mv      s9, a0                  # s9 = fd
        la      a1, msg_seek
        call    file_size
        mv      s11, a0                 # s11 = bytes
        mv      a0, s9
        mv      a1, s11
        la      a2, msg_mmap
        call    map_file                # 0 for an empty file, which is not mapped
        mv      s10, a0                 # s10 = the address, then the sum
        beqz    s11, 1f                 # an empty file: its sum is 0
        mv      a1, s11
        call    sum_bytes
        mv      t0, s10
        mv      s10, a0
        mv      a0, t0
        mv      a1, s11
        call    unmap_file
1:      mv      a0, s9
        call    sys_close
        mv      a0, s10
        mv      a1, s11
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# sum_bytes(a0 = p, a1 = n) -> a0 = the sum of the n bytes at p, as unsigned values (n > 0).
# The one loop both methods share: 4 instructions per byte. A leaf. Clobbers: a1, t0, t1.
sum_bytes:
        add     a1, a0, a1              # the end
        li      t0, 0
1:      lbu     t1, 0(a0)
        add     t0, t0, t1
        addi    a0, a0, 1
        bne     a0, a1, 1b
        mv      a0, t0
        ret
