# sweep.s: a working set larger than RAM, swept front to back. On a machine too small for it, every
# pass sends the pages out to swap and brings them back; the checksum and the final check show that
# not one word was lost or changed on the way.
#
# Usage: sweep [PAGES [PASSES]]   (defaults 384 and 3; PAGES from 1 to 65536, PASSES from 1 to 100000)
#
#   vmos run --mem 512K --swap 4M --stats programs/sweep.s 384
#
# 512K of RAM is 128 frames, and the free-page watermarks (min 32, high 48) and the kernel's own
# pages leave about 80 of them for the program: 384 pages are nearly five times that, so each pass
# is a major fault and a swap-out per page (`swap in ..., out ... pages` in --stats). With the
# default 64M of RAM the same run never swaps, and prints the same lines.
#
# 1. Fill: word w of the buffer (w = page * 1024 + its index in the page) = w * 0x9e3779b1. Every
#    word is written, so a page that came back wrong anywhere in it fails step 3.
# 2. PASSES sweeps, front to back: in every page, one word in 16 (one per 64 bytes) is read, mixed
#    into the checksum, and written back plus 1. Each pass reads and dirties every page, so under
#    pressure every page makes one trip to swap and back per pass.
# 3. Verify, front to back: every word must hold its fill value (plus PASSES for the words the
#    sweeps touched), and is mixed into the checksum too.

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/mman.s"
        .include "lib/args.s"
        .include "lib/format.s"
        .include "lib/buffer.s"

        .equ    DEFAULT_PAGES, 384
        .equ    MAX_PAGES, 65536        # 256 MiB
        .equ    DEFAULT_PASSES, 3
        .equ    MAX_PASSES, 100000
        .equ    HASH, 0x9e3779b1        # 2^32 / golden ratio: spreads w over all 32 bits
        .equ    SWEEP_STRIDE, 64        # bytes between the words a sweep reads and writes

        .section .rodata
args:   .word   msg_usage, 2            # for arg_counts: the usage line, 2 arguments,
        .word   DEFAULT_PAGES, MAX_PAGES        # PAGES: its default and maximum
        .word   DEFAULT_PASSES, MAX_PASSES      # PASSES
msg_usage:      .asciz  "usage: sweep [PAGES [PASSES]], PAGES from 1 to 65536, PASSES from 1 to 100000\n"
fmt_sweep:      .asciz  "sweep: %u pages, %u passes\n"
msg_all:        .asciz  "all "

        .text
        .globl  _start
_start:
        mv      a0, sp
        la      a1, args
        call    arg_counts              # or the usage line, status 2
        mv      s0, a0                  # s0 = PAGES
        mv      s1, a1                  # s1 = PASSES
        call    map_buffer              # s2 = PAGES fresh pages (a0 is still PAGES)
        mv      s2, a0
        slli    t0, s0, PAGE_SHIFT
        add     s3, s2, t0              # s3 = one past the end of the buffer

        # 1. Fill every word.
        li      t0, HASH
        li      t1, 0                   # word w's value, w * HASH, by repeated addition
        mv      t2, s2                  # &word[w]
1:      sw      t1, 0(t2)
        add     t1, t1, t0
        addi    t2, t2, 4
        bltu    t2, s3, 1b

        # 2. The sweeps: read, mix in, write back plus 1, one word per SWEEP_STRIDE bytes.
        li      s4, 0                   # s4 = checksum
        mv      t3, s1                  # passes left
2:      mv      t2, s2
3:      lw      t1, 0(t2)
        slli    t4, s4, 5               # checksum = (checksum rotated left 5) + word: it
        srli    t5, s4, 27              # depends on every value and the order they were read
        or      s4, t4, t5
        add     s4, s4, t1
        addi    t1, t1, 1
        sw      t1, 0(t2)
        addi    t2, t2, SWEEP_STRIDE
        bltu    t2, s3, 3b
        addi    t3, t3, -1
        bnez    t3, 2b

        # 3. Verify every word, mixing it into the checksum too.
        li      t0, HASH
        li      t1, 0                   # word w's fill value
        mv      t2, s2
        li      t6, SWEEP_STRIDE - 1    # the buffer is page aligned: a swept word's address is
4:      lw      t3, 0(t2)               # a multiple of SWEEP_STRIDE
        slli    t4, s4, 5
        srli    t5, s4, 27
        or      s4, t4, t5
        add     s4, s4, t3
        and     t4, t2, t6
        bnez    t4, 5f
        sub     t3, t3, s1              # swept PASSES times: PASSES more than it was filled with
5:      bne     t3, t1, bad
        add     t1, t1, t0
        addi    t2, t2, 4
        bltu    t2, s3, 4b

        la      a0, fmt_sweep
        mv      a1, s0
        mv      a2, s1
        call    print_fmt
        mv      a0, s4
        slli    a1, s0, 10              # PAGES * 1024 words
        la      a2, msg_all
        call    report_verified         # "checksum ...", "all ... words verified", status 0

# A word in the page at t2 is wrong: say which page, and exit with status 1.
bad:
        mv      a0, s2
        mv      a1, t2
        call    report_bad_page
