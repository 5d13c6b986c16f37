# segfault.s: a store to an address that is not mapped kills the process.
#
# Address 0 is never mapped in a Linux process (mmap_min_addr keeps the lowest pages free),
# precisely so that NULL-pointer bugs fault instead of corrupting memory. The store below makes
# the MMU raise a store page fault; the kernel's fault handler finds no VMA (virtual memory area)
# covering the address, so it cannot fix the fault and sends the process SIGSEGV. Nothing
# handles that signal, so the process dies, and the shell reports exit status 128 + 11 = 139.
#
# The message is printed BEFORE the fault with a write() system call, which the kernel completes
# at once: there is no user-space buffer that the crash could lose.

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"

        .section .rodata
msg_before:     .asciz  "storing to address 0: this process will die of SIGSEGV\n"
msg_after:      .asciz  "the store did not fault!\n"

        .text
        .globl  _start
_start:
        la      a0, msg_before
        call    print_str

        li      t0, 0
        sw      t0, 0(t0)               # *(int *)0 = 0: the fault

        # Never reached: the kernel does not return to a process that it killed.
        la      a0, msg_after
        call    print_str
        li      a0, 1
        call    sys_exit
