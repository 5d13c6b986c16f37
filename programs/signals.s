# signals.s: a signal handler, the blocked mask, and death by a signal.
#
# A signal interrupts a process between two instructions. If the process installed a handler
# (rt_sigaction), the kernel saves every register in a "signal frame" on the user stack and jumps
# to the handler, with a0 = the signal, a1 = a siginfo_t (who sent it and why), a2 = the saved
# context. The handler is an ordinary function: its `ret` goes to a two-instruction trampoline
# the kernel maps into every process (`li a7, 139; ecall`, the rt_sigreturn system call), and
# rt_sigreturn puts all registers back, so the interrupted code carries on as if nothing happened.
#
# A process can block a signal (rt_sigprocmask): the signal then stays pending until unblocked,
# and is delivered on the way out of the system call that unblocks it. Without a handler, most
# signals kill: SIGUSR1's default action is to terminate, and a shell shows status 128 + 10.
#
# This program installs a handler for SIGUSR1 with SA_RESETHAND (run it once, then go back to
# the default), blocks SIGUSR1 and sends it to itself (nothing happens), unblocks it (the handler
# runs), and sends it again: now the default action ends the process.

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"

        .equ    SYS_KILL, 129
        .equ    SYS_RT_SIGACTION, 134
        .equ    SYS_RT_SIGPROCMASK, 135
        .equ    SIGUSR1, 10
        .equ    SA_SIGINFO, 0x4
        .equ    SA_RESETHAND, 0x80000000
        .equ    SIG_BLOCK, 0
        .equ    SIG_UNBLOCK, 1
        .equ    SIGSET_SIZE, 8          # sigset_t: 64 bits, one per signal

        .data
        .align  2
# struct sigaction as riscv Linux lays it out: sa_handler, sa_flags, sa_mask (64 bits); riscv
# has no sa_restorer. The mask is empty, and one more zero word follows: qemu-user 7.2 wrongly
# reads riscv32's mask from offset 12, and with zeros there both read "block nothing".
act:    .word   on_usr1, SA_SIGINFO | SA_RESETHAND, 0, 0, 0
usr1:   .word   1 << (SIGUSR1 - 1), 0   # a sigset_t holding SIGUSR1: bit (signal - 1)
calls:  .word   0                       # how many times the handler ran

        .section .rodata
msg_install:    .asciz  "installing a handler for SIGUSR1 (run once: SA_RESETHAND)\n"
msg_block:      .asciz  "blocking SIGUSR1, then sending it to myself\n"
msg_calls:      .asciz  "handler calls so far: "
msg_unblock:    .asciz  "unblocking SIGUSR1: the pending signal is delivered now\n"
msg_handler:    .asciz  "  in the handler: signal "
msg_code:       .asciz  ", si_code "
msg_self:       .asciz  ", sent by this very process\n"
msg_other:      .asciz  ", sent by another process\n"
msg_back:       .asciz  "back in _start, where the signal interrupted it\n"
msg_again:      .asciz  "sending SIGUSR1 again: its action is the default now, which terminates\n"
msg_alive:      .asciz  "still alive?!\n"

        .text
        .globl  _start
_start:
        la      a0, msg_install
        call    print_str
        li      a0, SIGUSR1             # rt_sigaction(SIGUSR1, &act, NULL, sizeof(sigset_t))
        la      a1, act
        li      a2, 0
        li      a3, SIGSET_SIZE
        li      a7, SYS_RT_SIGACTION
        ecall
        bnez    a0, .Lfail

        la      a0, msg_block
        call    print_str
        li      a0, SIG_BLOCK           # rt_sigprocmask(SIG_BLOCK, &usr1, NULL, 8)
        la      a1, usr1
        li      a2, 0
        li      a3, SIGSET_SIZE
        li      a7, SYS_RT_SIGPROCMASK
        ecall
        call    raise_usr1
        call    print_calls             # 0: the signal waits, blocked

        la      a0, msg_unblock
        call    print_str
        li      a0, SIG_UNBLOCK         # the handler runs before this call returns to us
        la      a1, usr1
        li      a2, 0
        li      a3, SIGSET_SIZE
        li      a7, SYS_RT_SIGPROCMASK
        ecall
        la      a0, msg_back
        call    print_str
        call    print_calls             # 1

        la      a0, msg_again
        call    print_str
        call    raise_usr1              # never returns: SIGUSR1 kills us (status 138)
        la      a0, msg_alive
        call    print_str
.Lfail: li      a0, 1
        call    sys_exit

# raise_usr1(): kill(getpid(), SIGUSR1). Clobbers a0, a1, a7.
raise_usr1:
        li      a7, SYS_GETPID
        ecall
        li      a1, SIGUSR1
        li      a7, SYS_KILL
        ecall
        ret

# print_calls(): "handler calls so far: N". Clobbers what print_* clobber.
print_calls:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        la      a0, msg_calls
        call    print_str
        la      t0, calls
        lw      a0, 0(t0)
        call    print_udec
        call    print_nl
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# on_usr1(a0 = signal, a1 = siginfo_t *, a2 = ucontext_t *): the handler. It may use any
# register: the kernel restores them all when it returns. siginfo_t on riscv32: si_signo at 0,
# si_errno at 4, si_code at 8 (SI_USER = 0 for kill), si_pid at 12 (the sender).
on_usr1:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        mv      s0, a0
        mv      s1, a1
        la      a0, msg_handler
        call    print_str
        mv      a0, s0
        call    print_udec
        la      a0, msg_code
        call    print_str
        lw      a0, 8(s1)
        call    print_dec
        call    sys_getpid              # a0 = our pid
        lw      t0, 12(s1)              # si_pid
        mv      t1, a0
        la      a0, msg_self
        beq     t0, t1, 1f
        la      a0, msg_other
1:      call    print_str
        la      t0, calls
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        lw      s1, 4(sp)
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret                             # to the trampoline, then rt_sigreturn
