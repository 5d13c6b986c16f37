# randomaccess.s: random reads and writes all over a large anonymous buffer, then every one undone.
# A sweep (sweep.s) lets the kernel guess what comes next; random accesses do not: on a machine too
# small for the buffer, most of them find their page out in swap, whatever the replacement policy.
#
# Usage: randomaccess [PAGES [ACCESSES]]   (defaults 256 and 4096; PAGES from 1 to 65536,
#                                           ACCESSES from 1 to 100000000)
#
#   vmos run --mem 512K --swap 4M --stats programs/randomaccess.s 384 2000
#
# The random numbers come from xorshift32 (Marsaglia 2003: x ^= x << 13; x ^= x >> 17;
# x ^= x << 5) started from a fixed seed, so every run makes the same accesses, here and on Linux.
#
# 1. Write: ACCESSES numbers r; each adds r to word (r mod W) of the buffer (W = PAGES * 1024 words,
#    all zero at first, as fresh anonymous memory is).
# 2. Undo: the same numbers again, from the same seed, each subtracting r from the same word.
# 3. Verify: every word must be 0 again; a page lost or changed in between leaves some word
#    that is not. Every value read in 1 and 2 was mixed into the checksum, in order.

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/mman.s"
        .include "lib/args.s"
        .include "lib/format.s"
        .include "lib/buffer.s"

        .equ    DEFAULT_PAGES, 256
        .equ    MAX_PAGES, 65536        # 256 MiB
        .equ    DEFAULT_ACCESSES, 4096
        .equ    MAX_ACCESSES, 100000000
        .equ    SEED, 2463534242        # Marsaglia's example seed (any nonzero one would do)

        .section .rodata
args:   .word   msg_usage, 2            # for arg_counts: the usage line, 2 arguments,
        .word   DEFAULT_PAGES, MAX_PAGES        # PAGES: its default and maximum
        .word   DEFAULT_ACCESSES, MAX_ACCESSES  # ACCESSES
msg_usage:      .asciz  "usage: randomaccess [PAGES [ACCESSES]], PAGES from 1 to 65536, ACCESSES from 1 to 100000000\n"
fmt_head:       .asciz  "randomaccess: %u pages, %u random words written and undone (xorshift32, seed 2463534242)\n"
msg_zero:       .asciz  "every word back to 0: "

        .text
        .globl  _start
_start:
        mv      a0, sp
        la      a1, args
        call    arg_counts              # or the usage line, status 2
        mv      s0, a0                  # s0 = PAGES
        mv      s1, a1                  # s1 = ACCESSES
        call    map_buffer              # s2 = PAGES fresh zero pages (a0 is still PAGES)
        mv      s2, a0
        slli    s3, s0, 10              # s3 = W, the buffer's words
        li      s4, 0                   # s4 = checksum

        # 1. and 2.: the same ACCESSES numbers twice; s6 = +1 the first time (add), -1 the second
        # (subtract).
        li      s6, 1
1:      li      t0, SEED                # t0 = x, the generator's state
        mv      t6, s1                  # accesses left
2:      slli    t1, t0, 13              # x = xorshift32(x)
        xor     t0, t0, t1
        srli    t1, t0, 17
        xor     t0, t0, t1
        slli    t1, t0, 5
        xor     t0, t0, t1
        remu    t1, t0, s3              # t1 = the word this number picks
        slli    t1, t1, 2
        add     t1, s2, t1
        lw      t2, 0(t1)
        slli    t3, s4, 5               # checksum = (checksum rotated left 5) + value read
        srli    t4, s4, 27
        or      s4, t3, t4
        add     s4, s4, t2
        mul     t3, t0, s6              # +x or -x
        add     t2, t2, t3
        sw      t2, 0(t1)
        addi    t6, t6, -1
        bnez    t6, 2b
        li      t0, -1
        beq     s6, t0, 3f
        mv      s6, t0
        j       1b

        # 3. Every word is 0 again.
3:      mv      t1, s2
        slli    t0, s3, 2
        add     t0, s2, t0              # one past the end
4:      lw      t2, 0(t1)
        bnez    t2, bad
        addi    t1, t1, 4
        bltu    t1, t0, 4b

        la      a0, fmt_head
        mv      a1, s0
        mv      a2, s1
        call    print_fmt
        mv      a0, s4
        mv      a1, s3
        la      a2, msg_zero
        call    report_verified         # "checksum ...", "every word back to 0: ... words verified", status 0

# A word in the page at t1 is not 0: say which page, and exit with status 1.
bad:
        mv      a0, s2
        mv      a1, t1
        call    report_bad_page
