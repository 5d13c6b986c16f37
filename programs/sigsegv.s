# sigsegv.s: catching SIGSEGV, fixing the cause, and retrying the access: user-level virtual memory.
#
# A store to a read-only page faults. The kernel finds the page's VMA does not allow writing and
# sends SIGSEGV with si_code SEGV_ACCERR ("access error": mapped, but not like this) and si_addr
# = the faulting address. Usually that kills. But a process may handle SIGSEGV like any signal,
# and the saved context in the signal frame has pc = the faulting store itself. So a handler that
# makes the page writable (mprotect) and returns sends the process back to the store, which now
# succeeds, and the program never notices. Garbage collectors, distributed shared memory and
# copy-on-write checkpointing all use this trick to learn which pages a program writes.
#
# This program maps one page read-only (mmap2), installs a SIGSEGV handler, and stores into the
# page. The handler prints what the kernel told it, calls mprotect(page, PROT_READ | PROT_WRITE)
# and returns; the store is executed again and lands.

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"

        .equ    SYS_RT_SIGACTION, 134
        .equ    SYS_MMAP2, 222
        .equ    SYS_MPROTECT, 226
        .equ    SIGSEGV, 11
        .equ    SA_SIGINFO, 0x4
        .equ    SEGV_ACCERR, 2
        .equ    PROT_READ, 0x1
        .equ    PROT_WRITE, 0x2
        .equ    MAP_PRIVATE, 0x02
        .equ    MAP_ANONYMOUS, 0x20

        .data
        .align  2
# struct sigaction (riscv: sa_handler, sa_flags, 64-bit sa_mask; no sa_restorer). The mask is
# empty, and a zero word follows it: qemu-user 7.2 wrongly reads riscv32's mask at offset 12.
act:    .word   on_segv, SA_SIGINFO, 0, 0, 0
page:   .word   0                       # the page's address
faults: .word   0                       # how many times the handler ran

        .section .rodata
msg_mapped:     .asciz  "mapped one page read-only; it reads as "
msg_store:      .asciz  "storing 42 into it...\n"
msg_signal:     .asciz  "  SIGSEGV handler: si_code "
msg_accerr:     .asciz  " (SEGV_ACCERR), si_addr = page + "
msg_fixing:     .asciz  "  mprotect(page, PROT_READ | PROT_WRITE), then return to retry the store\n"
msg_landed:     .asciz  "the store went through: the word now reads "
msg_faults:     .asciz  "the handler ran "
msg_times:      .asciz  " time(s)\n"
msg_fail:       .asciz  "a system call failed\n"

        .text
        .globl  _start
_start:
        li      a0, 0                   # mmap2(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
        li      a1, PAGE_SIZE
        li      a2, PROT_READ
        li      a3, MAP_PRIVATE | MAP_ANONYMOUS
        li      a4, -1
        li      a5, 0
        li      a7, SYS_MMAP2
        ecall
        li      t0, -4096
        bgeu    a0, t0, .Lfail          # -4095..-1: an errno
        mv      s0, a0
        la      t0, page
        sw      s0, 0(t0)

        la      a0, msg_mapped
        call    print_str
        lw      a0, 16(s0)              # reading is allowed: a fresh anonymous page is zeros
        call    print_udec
        call    print_nl

        li      a0, SIGSEGV             # rt_sigaction(SIGSEGV, &act, NULL, 8)
        la      a1, act
        li      a2, 0
        li      a3, 8
        li      a7, SYS_RT_SIGACTION
        ecall
        bnez    a0, .Lfail

        la      a0, msg_store
        call    print_str
        li      t0, 42
        sw      t0, 16(s0)              # faults; after the handler, runs again and succeeds

        la      a0, msg_landed
        call    print_str
        lw      a0, 16(s0)
        call    print_udec
        call    print_nl
        la      a0, msg_faults
        call    print_str
        la      t0, faults
        lw      a0, 0(t0)
        call    print_udec
        la      a0, msg_times
        call    print_str
        li      a0, 0
        call    sys_exit

.Lfail: la      a0, msg_fail
        call    print_str
        li      a0, 1
        call    sys_exit

# on_segv(a0 = SIGSEGV, a1 = siginfo_t *, a2 = ucontext_t *). siginfo_t on riscv32: si_code at
# 8, si_addr at 12. Registers need not be preserved: rt_sigreturn restores them all.
on_segv:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s1, 8(sp)
        sw      s2, 4(sp)
        mv      s1, a1
        la      t0, faults
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)

        la      a0, msg_signal
        call    print_str
        lw      a0, 8(s1)               # si_code
        call    print_udec
        la      a0, msg_accerr
        call    print_str
        lw      s2, 12(s1)              # si_addr: the exact byte the store wanted
        la      t0, page
        lw      t0, 0(t0)
        sub     a0, s2, t0
        call    print_udec
        call    print_nl

        la      a0, msg_fixing
        call    print_str
        srli    a0, s2, PAGE_SHIFT      # mprotect(si_addr rounded down to its page, 4096, rw)
        slli    a0, a0, PAGE_SHIFT
        li      a1, PAGE_SIZE
        li      a2, PROT_READ | PROT_WRITE
        li      a7, SYS_MPROTECT
        ecall
        bnez    a0, .Lfail

        lw      s2, 4(sp)
        lw      s1, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret                             # rt_sigreturn: back to the store, which now succeeds
