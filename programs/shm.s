# shm.s: two processes count into one System V shared memory segment.
#
# The parent creates a segment (shmget), attaches it (shmat) and forks: the child inherits the
# attach, so both processes map the same frame. Each adds 1 to a counter in it N times with
# amoadd.w, an atomic read-modify-write, so no increment is lost even when both really run at once
# (under qemu they do). The child exits, which detaches its copy; the parent waits for it, prints
# the total, 2 * N, and how many attaches are left (shmctl IPC_STAT: shm_nattch), then detaches and
# removes the segment (IPC_RMID), which gives its memory back.
#
# Watch it:  vmos run --trace fault programs/shm.s     (both processes fault in the same shmem page)

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"

        .equ    N, 100000
        .equ    IPC_PRIVATE, 0          # a new segment with no key
        .equ    IPC_CREAT, 01000
        .equ    IPC_RMID, 0
        .equ    IPC_STAT, 2
        .equ    SHM_NATTCH, 72          # offset of shm_nattch in riscv32's struct shmid64_ds

        .section .rodata
msg_total:      .asciz  "counter: "
msg_nattch:     .asciz  "attaches left after the child exited: "
msg_failed:     .asciz  "a shm call failed\n"

        .bss
        .align  2
ds:     .zero   84                      # struct shmid64_ds
info:   .zero   128                     # the siginfo waitid fills

        .text
        .globl  _start
_start:
        li      a0, IPC_PRIVATE         # s0 = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600)
        li      a1, 4096
        li      a2, IPC_CREAT | 0600
        li      a7, SYS_SHMGET
        ecall
        bltz    a0, failed
        mv      s0, a0
        li      a1, 0                   # s1 = shmat(s0, NULL, 0): the kernel picks the address
        li      a2, 0
        li      a7, SYS_SHMAT
        ecall
        li      t0, -4095               # -errno is -4095..-1; an address may look negative too
        bgeu    a0, t0, failed
        mv      s1, a0

        call    sys_fork
        mv      s2, a0                  # s2 = the child's pid, or 0 in the child
        li      t0, N                   # both processes: N atomic increments of the counter
        li      t1, 1
1:      amoadd.w zero, t1, (s1)
        addi    t0, t0, -1
        bnez    t0, 1b
        bnez    s2, parent
        li      a0, 0                   # the child is done: exiting detaches it
        call    sys_exit

parent:
        la      a0, info
        call    sys_waitid_any
        la      a0, msg_total
        call    print_str
        lw      a0, 0(s1)
        call    print_udec
        call    print_nl
        mv      a0, s0                  # shmctl(s0, IPC_STAT, &ds)
        li      a1, IPC_STAT
        la      a2, ds
        li      a7, SYS_SHMCTL
        ecall
        bnez    a0, failed
        la      a0, msg_nattch
        call    print_str
        la      t0, ds
        lw      a0, SHM_NATTCH(t0)
        call    print_udec
        call    print_nl
        mv      a0, s1                  # shmdt(s1); shmctl(s0, IPC_RMID, NULL)
        li      a7, SYS_SHMDT
        ecall
        bnez    a0, failed
        mv      a0, s0
        li      a1, IPC_RMID
        li      a2, 0
        li      a7, SYS_SHMCTL
        ecall
        bnez    a0, failed
        li      a0, 0
        call    sys_exit

failed:
        la      a0, msg_failed
        call    print_str
        li      a0, 1
        call    sys_exit
