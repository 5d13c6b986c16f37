# mprotect.s: changing what a program may do with its memory, moving memory with mremap, and
# throwing pages away with madvise.
#
# mprotect(addr, length, prot) sets the rights of whole pages: PROT_READ, PROT_WRITE, PROT_EXEC, or
# PROT_NONE for none at all. The kernel splits the mapping (VMA) where the rights change and
# rewrites the page-table entries of pages already in memory -- PROT_NONE pages stay in memory,
# merely unreachable, so granting the rights again finds the data where it was.
# mremap(addr, old_length, new_length, MREMAP_MAYMOVE) resizes a mapping; when it cannot grow where
# it is, it moves: the page-table entries go to the new address, so no byte is copied.
# madvise(addr, length, MADV_DONTNEED) says "I no longer need these pages": private anonymous
# memory reads as zeros afterwards.
# Finally the program writes to a read-only page: SIGSEGV (exit status 139).
#
# (Linux's mprotect also fails with ENOMEM when the range has unmapped pages in it; qemu-user,
# whose output this demo must match, does not check that, so the kernel tests do.)
#
# Nothing here prints an address: where mappings land differs between kernels.
#
# Watch it:  vmos run --trace mm,fault,tlb programs/mprotect.s

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/check.s"
        .include "lib/mman.s"

        .equ    ENOMEM, 12
        .equ    EINVAL, 22
        .equ    PAGES, 3

        .section .rodata
msg_map:        .asciz  "mmap of read-write pages: 3 of them hold their numbers"
msg_ro:         .asciz  "mprotect of the middle page to PROT_READ succeeds"
msg_read:       .asciz  "the read-only page can still be read"
msg_none:       .asciz  "mprotect to PROT_NONE and back to PROT_READ|PROT_WRITE keeps the data"
msg_align:      .asciz  "mprotect at an address that is not page aligned fails with EINVAL"
msg_block:      .asciz  "mremap cannot grow the mapping in place over its neighbour: ENOMEM"
msg_move:       .asciz  "mremap with MREMAP_MAYMOVE moves it to a new address"
msg_moved:      .asciz  "the moved pages keep their data, and the new pages read as zero"
msg_gone:       .asciz  "the old address is free now: mmap MAP_FIXED_NOREPLACE there gives zeroed memory"
msg_dontneed:   .asciz  "madvise(MADV_DONTNEED) makes a private page read as zero again"
msg_write:      .asciz  "writing to the read-only page: this process will die of SIGSEGV\n"
msg_alive:      .asciz  "the write to a read-only page succeeded!\n"

        .text
        .globl  _start
_start:
        # s0 = mmap(NULL, 5 pages, rw, private anonymous); pages 0..2 are the mapping this program
        # works with, page 3 is unmapped again at once (a hole), page 4 is a neighbour in the way.
        li      a0, 0
        li      a1, (PAGES + 2) * PAGE_SIZE
        li      a2, PROT_READ | PROT_WRITE
        li      a3, MAP_PRIVATE | MAP_ANONYMOUS
        call    sys_mmap_anon
        mv      s0, a0
        li      a0, PAGES * PAGE_SIZE
        add     a0, s0, a0
        li      a1, PAGE_SIZE
        call    sys_munmap
        li      t0, 0                   # page i holds i + 1
1:      slli    t1, t0, PAGE_SHIFT
        add     t1, t1, s0
        addi    t2, t0, 1
        sw      t2, 0(t1)
        addi    t0, t0, 1
        li      t2, PAGES
        blt     t0, t2, 1b
        mv      a0, s0
        li      a1, PAGES
        call    holds_numbers
        la      a1, msg_map
        call    check

        li      a0, PAGE_SIZE           # the middle page becomes read-only
        add     a0, s0, a0
        li      a1, PAGE_SIZE
        li      a2, PROT_READ
        call    sys_mprotect
        seqz    a0, a0
        la      a1, msg_ro
        call    check
        li      t0, PAGE_SIZE
        add     t0, s0, t0
        lw      a0, 0(t0)
        addi    a0, a0, -2
        seqz    a0, a0
        la      a1, msg_read
        call    check

        mv      a0, s0                  # all three pages: PROT_NONE, then rw again
        li      a1, PAGES * PAGE_SIZE
        li      a2, PROT_NONE
        call    sys_mprotect
        mv      s2, a0
        mv      a0, s0
        li      a1, PAGES * PAGE_SIZE
        li      a2, PROT_READ | PROT_WRITE
        call    sys_mprotect
        or      s2, s2, a0
        mv      a0, s0
        li      a1, PAGES
        call    holds_numbers
        seqz    t0, s2
        and     a0, a0, t0
        la      a1, msg_none
        call    check

        addi    a0, s0, 8
        li      a1, PAGE_SIZE
        li      a2, PROT_READ
        call    sys_mprotect
        addi    a0, a0, EINVAL
        seqz    a0, a0
        la      a1, msg_align
        call    check

        mv      a0, s0                  # grow from 3 to 5 pages where it is: page 4 is in the way
        li      a1, PAGES * PAGE_SIZE
        li      a2, (PAGES + 2) * PAGE_SIZE
        li      a3, 0
        call    sys_mremap
        addi    a0, a0, ENOMEM
        seqz    a0, a0
        la      a1, msg_block
        call    check

        mv      a0, s0                  # s3 = mremap(..., MREMAP_MAYMOVE): somewhere else
        li      a1, PAGES * PAGE_SIZE
        li      a2, (PAGES + 2) * PAGE_SIZE
        li      a3, MREMAP_MAYMOVE
        call    sys_mremap
        mv      s3, a0
        li      t0, -4096
        sltu    t0, s3, t0
        sub     t1, s3, s0
        snez    t1, t1
        and     a0, t0, t1
        la      a1, msg_move
        call    check
        mv      a0, s3
        li      a1, PAGES
        call    holds_numbers
        li      t0, (PAGES + 1) * PAGE_SIZE
        add     t0, s3, t0
        lw      t0, 0(t0)               # the last of the 5 pages is new
        seqz    t0, t0
        and     a0, a0, t0
        la      a1, msg_moved
        call    check

        mv      a0, s0                  # nothing is at s0 any more, so MAP_FIXED_NOREPLACE
        li      a1, PAGES * PAGE_SIZE   # (which fails with EEXIST over a mapping) maps there
        li      a2, PROT_READ | PROT_WRITE
        li      a3, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE
        call    sys_mmap_anon
        sub     a0, a0, s0
        lw      t0, 0(s0)               # and what is there is new: zeros
        or      a0, a0, t0
        seqz    a0, a0
        la      a1, msg_gone
        call    check

        li      t0, 77                  # MADV_DONTNEED on the moved mapping's first page
        sw      t0, 0(s3)
        mv      a0, s3
        li      a1, PAGE_SIZE
        li      a2, MADV_DONTNEED
        call    sys_madvise
        lw      t0, 0(s3)
        or      a0, a0, t0
        seqz    a0, a0
        la      a1, msg_dontneed
        call    check

        mv      a0, s3                  # make the moved mapping read-only, then write to it
        li      a1, PAGE_SIZE
        li      a2, PROT_READ
        call    sys_mprotect
        la      a0, msg_write
        call    print_str
        li      t0, 5
        sw      t0, 0(s3)               # the fault: the page is read-only
        la      a0, msg_alive           # not reached
        call    print_str
        li      a0, 1
        call    sys_exit

# holds_numbers(a0 = start, a1 = n) -> a0 = 1 if the first word of page i holds i + 1 for
# i = 0..n-1, else 0. A leaf. Clobbers: t0-t2.
holds_numbers:
        li      t0, 0
1:      slli    t1, t0, PAGE_SHIFT
        add     t1, t1, a0
        lw      t1, 0(t1)
        addi    t2, t0, 1
        bne     t1, t2, 2f
        addi    t0, t0, 1
        blt     t0, a1, 1b
        li      a0, 1
        ret
2:      li      a0, 0
        ret
