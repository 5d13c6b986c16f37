# stack.s: deep recursion grows the stack across many pages.
#
# The stack starts near the top of the user address space and grows DOWN: each call below
# subtracts FRAME bytes from sp. At execve() Linux makes the stack VMA (virtual memory area) just
# big enough for the arguments plus 128 KiB, and gives it physical pages only as they are touched,
# like any other memory. When sp runs below the VMA, the page-fault handler sees that the address
# is just below a VM_GROWSDOWN area and extends the stack (up to RLIMIT_STACK, 8 MiB by default)
# instead of sending SIGSEGV. With 256-byte frames, every 16 calls use up one more 4 KiB page.
#
# Usage: stack [N]    recurse N levels deep (default 10000 = about 2.5 MiB, at most 20000).
# sum(n) = n + sum(n - 1) computes 1 + 2 + ... + N the slow way, and each frame keeps a copy of
# its n at the far end of its frame, which it checks on the way back up: that proves no frame
# overwrote another (and that the pages the stack grew into kept their contents).

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"

        .equ    DEFAULT_DEPTH, 10000
        .equ    MAX_DEPTH, 20000        # 20001 frames * 256 bytes = 5 MiB, well under 8 MiB
        .equ    FRAME, 256              # a multiple of 16: sp stays 16-byte aligned

        .section .rodata
msg_usage:      .asciz  "usage: stack [depth], depth from 0 to 20000\n"
msg_depth:      .asciz  "depth "
msg_sum:        .asciz  "sum 1..depth = "
msg_intact:     .asciz  "all frames intact\n"
msg_corrupt:    .asciz  "a frame was overwritten!\n"

        .bss
        .balign 4
corrupted:      .zero   4               # frames whose copy of n changed (should stay 0)

        .text
        .globl  _start
_start:
        mv      a0, sp                  # s0 = N: argv[1], or DEFAULT_DEPTH
        li      a1, 1
        li      a2, DEFAULT_DEPTH
        call    arg_int
        mv      s0, a0
        bltz    s0, .Lusage
        li      t0, MAX_DEPTH
        bgt     s0, t0, .Lusage

        mv      a0, s0
        call    sum
        mv      s1, a0                  # s1 = 1 + 2 + ... + N

        la      a0, msg_depth
        call    print_str
        mv      a0, s0
        call    print_dec
        call    print_nl
        la      a0, msg_sum
        call    print_str
        mv      a0, s1
        call    print_dec
        call    print_nl
        lw      t0, corrupted
        la      a0, msg_intact
        beqz    t0, 2f
        la      a0, msg_corrupt
2:      call    print_str
        lw      a0, corrupted
        snez    a0, a0                  # exit status 1 if any frame was corrupted
        call    sys_exit

.Lusage:
        la      a0, msg_usage
        call    print_str
        li      a0, 1
        call    sys_exit

# sum(a0 = n) -> a0 = 0 + 1 + ... + n, by recursion, using FRAME bytes of stack per level:
#   FRAME-4(sp) ra    FRAME-8(sp) n    0(sp) n again, at the lowest address of the frame
# The rest of the frame is unused padding: it stands for a function's local arrays.
# Clobbers: t0 (and what the recursive calls clobber).
        .type   sum, @function
sum:
        addi    sp, sp, -FRAME
        sw      ra, FRAME-4(sp)
        sw      a0, FRAME-8(sp)
        sw      a0, 0(sp)               # the frame's lowest word: the first touch of a new page
        beqz    a0, 2f                  # sum(0) = 0
        addi    a0, a0, -1
        call    sum                     # a0 = sum(n - 1)
        lw      t0, FRAME-8(sp)
        add     a0, a0, t0              # n + sum(n - 1)
2:      lw      t0, 0(sp)
        lw      t1, FRAME-8(sp)
        beq     t0, t1, 3f
        lw      t0, corrupted           # count a frame whose two copies of n disagree
        addi    t0, t0, 1
        sw      t0, corrupted, t1
3:      lw      ra, FRAME-4(sp)
        addi    sp, sp, FRAME
        ret
        .size   sum, . - sum
