# memory.s: a memory-bound benchmark: strided reads and writes over a large heap buffer.
#
# Usage: memory [MiB]    use a buffer of MiB mebibytes (default 8 = 2048 pages, at most 256).
#
# 1. Fill: word i = i * 0x9e3779b1, front to back. Every 1024th store is the first touch of a
#    page, so the fill takes one page fault per page.
# 2. Three strided passes: start at word 0 and step STRIDE = 1031 words (4124 bytes, just over a
#    page) each time, wrapping around the end. 1031 is prime and the buffer's MiB * 2^18 words
#    (MiB <= 256) have no factor 1031, so the walk visits every word once per pass, and each access
#    lands on a different page from the one before: the worst case for a TLB, which caches
#    translations of recently used pages. Each visit mixes the word into a checksum and stores
#    it back plus 1.
# 3. Verify: every word must now be i * 0x9e3779b1 + 3.
#
# With the defaults it executes about 100 million instructions, 80 million of them in the strided
# loop, where 2 of every 13 are a load or a store to a different page from the previous access
# (compare compute.s, whose 25 pages stay in any TLB).

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/malloc.s"

        .equ    DEFAULT_MIB, 8
        .equ    MAX_MIB, 256            # keep STRIDE coprime with the word count (see above)
        .equ    PASSES, 3
        .equ    STRIDE, 1031            # in words
        .equ    HASH, 0x9e3779b1        # 2^32 / golden ratio: spreads i over all 32 bits

        .section .rodata
msg_usage:      .asciz  "usage: memory [MiB], MiB from 1 to 256\n"
msg_nomem:      .asciz  "malloc failed\n"
msg_bad:        .asciz  "a word did not hold the value written to it\n"
msg_buffer:     .asciz  "buffer MiB: "
msg_passes:     .asciz  "strided passes: "
msg_checksum:   .asciz  "checksum "
msg_verified:   .asciz  "all words verified\n"

        .text
        .globl  _start
_start:
        mv      a0, sp                  # s0 = MiB: argv[1], or DEFAULT_MIB
        li      a1, 1
        li      a2, DEFAULT_MIB
        call    arg_int
        mv      s0, a0
        la      a0, msg_usage
        blez    s0, .Lfail
        li      t0, MAX_MIB
        bgt     s0, t0, .Lfail

        slli    s2, s0, 18              # s2 = W, the number of words (2^18 words per MiB)
        slli    a0, s2, 2
        call    malloc
        mv      s1, a0                  # s1 = the buffer
        la      a0, msg_nomem
        beqz    s1, .Lfail
        slli    t0, s2, 2
        add     s3, s1, t0              # s3 = one past the end of the buffer

        # 1. Fill.
        li      t0, HASH
        li      t1, 0                   # value: i * HASH, by repeated addition
        mv      t2, s1                  # address of word i
2:      sw      t1, 0(t2)
        add     t1, t1, t0
        addi    t2, t2, 4
        bltu    t2, s3, 2b

        # 2. Strided read-modify-write passes.
        li      s4, 0                   # s4 = checksum
        li      s5, PASSES              # s5 = passes left
        li      t3, STRIDE
3:      li      t0, 0                   # t0 = word index
        mv      t4, s2                  # t4 = visits left in this pass
4:      slli    t1, t0, 2
        add     t1, s1, t1              # t1 = &word[index]
        lw      t2, 0(t1)
        slli    t5, s4, 5               # checksum = (checksum rotated left 5) + word: it
        srli    t6, s4, 27              # depends on the order of the visits, and the rotation
        or      s4, t5, t6              # lets every bit reach every other bit
        add     s4, s4, t2
        addi    t2, t2, 1
        sw      t2, 0(t1)
        add     t0, t0, t3              # index = (index + STRIDE) mod W
        bltu    t0, s2, 5f
        sub     t0, t0, s2
5:      addi    t4, t4, -1
        bnez    t4, 4b
        addi    s5, s5, -1
        bnez    s5, 3b

        # 3. Verify, front to back: each word was incremented once per pass.
        li      t0, HASH
        li      t1, PASSES              # expected value of word 0
        mv      t2, s1
        la      a0, msg_bad             # for .Lfail
6:      lw      t3, 0(t2)
        bne     t3, t1, .Lfail
        add     t1, t1, t0
        addi    t2, t2, 4
        bltu    t2, s3, 6b

        la      a0, msg_buffer
        call    print_str
        mv      a0, s0
        call    print_dec
        call    print_nl
        la      a0, msg_passes
        call    print_str
        li      a0, PASSES
        call    print_dec
        call    print_nl
        la      a0, msg_checksum
        call    print_str
        mv      a0, s4
        call    print_hex
        call    print_nl
        la      a0, msg_verified
        call    print_str
        li      a0, 0
        call    sys_exit

# Print the message at a0 and exit with status 1.
.Lfail:
        call    print_str
        li      a0, 1
        call    sys_exit
