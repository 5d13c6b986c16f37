# pipe.s: a pipe between two processes. The parent writes LINES lines (100 KiB, more than the 64 KiB
# a pipe holds) into a pipe, 16 at a time with writev; its child reads until end of file and prints
# how many bytes and lines came through. Whenever the pipe is full the writer sleeps until the reader
# makes room, and whenever it is empty the reader sleeps until data comes.
#
# After fork both processes have both ends. Each closes the end it does not use: the child sees end
# of file only when no write end is open anywhere, its own copy included.
# Watch the two take turns with:  vmos run --trace sched,syscall programs/pipe.s

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"

        .equ    LINES, 3200                 # a multiple of BATCH
        .equ    BATCH, 16                   # lines per writev

        .section .rodata
line:   .ascii  "all work and no play makes jack\n"   # 32 bytes
        .equ    LINE_LEN, . - line
msg_child:      .asciz  "child: read "
msg_bytes:      .asciz  " bytes, "
msg_lines:      .asciz  " lines\n"
msg_parent:     .asciz  "parent: wrote "
msg_wrote:      .asciz  " bytes\n"
msg_fail:       .asciz  "pipe.s: a system call failed\n"

        .data
        .align  2
fds:    .word   0, 0                    # pipe2 fills in: fds[0] the read end, fds[1] the write end
iov:    .word   line, LINE_LEN, line, LINE_LEN, line, LINE_LEN, line, LINE_LEN   # BATCH struct iovec
        .word   line, LINE_LEN, line, LINE_LEN, line, LINE_LEN, line, LINE_LEN   # {base, len}, all
        .word   line, LINE_LEN, line, LINE_LEN, line, LINE_LEN, line, LINE_LEN   # the same line
        .word   line, LINE_LEN, line, LINE_LEN, line, LINE_LEN, line, LINE_LEN

        .bss
        .align  2
info:   .zero   128                     # the siginfo waitid fills
buf:    .zero   4096

        .text
        .globl  _start
_start:
        la      a0, fds
        li      a1, 0                   # flags: none (O_CLOEXEC, O_NONBLOCK, O_DIRECT are the choices)
        li      a7, SYS_PIPE2
        ecall
        bnez    a0, fail
        la      t0, fds
        lw      s0, 0(t0)               # s0: read end
        lw      s1, 4(t0)               # s1: write end
        call    sys_fork
        bltz    a0, fail
        beqz    a0, child

parent:
        mv      a0, s0                  # the parent only writes
        li      a7, SYS_CLOSE
        ecall
        li      s2, LINES / BATCH       # s2: batches still to write
        li      s3, 0                   # s3: bytes written
write_batch:
        mv      a0, s1
        la      a1, iov
        li      a2, BATCH
        li      a7, SYS_WRITEV          # 512 bytes <= PIPE_BUF: one write, never split, never short
        ecall
        bltz    a0, fail
        add     s3, s3, a0
        addi    s2, s2, -1
        bnez    s2, write_batch
        mv      a0, s1                  # closing the last write end is the child's end of file
        li      a7, SYS_CLOSE
        ecall
        la      a0, info
        call    sys_waitid_any          # the child prints first: wait for it
        bnez    a0, fail
        la      a0, msg_parent
        call    print_str
        mv      a0, s3
        call    print_udec
        la      a0, msg_wrote
        call    print_str
        la      t0, info
        lw      a0, SI_STATUS(t0)       # the child's exit status
        call    sys_exit

child:
        mv      a0, s1                  # the child only reads
        li      a7, SYS_CLOSE
        ecall
        li      s2, 0                   # s2: bytes read
        li      s3, 0                   # s3: newlines seen
read_more:
        mv      a0, s0
        la      a1, buf
        li      a2, 4096
        call    sys_read                # whatever is in the pipe, up to 4096 bytes; 0 at EOF
        bltz    a0, fail
        beqz    a0, report
        add     s2, s2, a0
        la      t0, buf
        add     t1, t0, a0
count:
        lbu     t2, 0(t0)
        addi    t2, t2, -'\n'
        seqz    t2, t2
        add     s3, s3, t2
        addi    t0, t0, 1
        bne     t0, t1, count
        j       read_more
report:
        la      a0, msg_child
        call    print_str
        mv      a0, s2
        call    print_udec
        la      a0, msg_bytes
        call    print_str
        mv      a0, s3
        call    print_udec
        la      a0, msg_lines
        call    print_str
        li      a0, 0
        call    sys_exit

fail:
        la      a0, msg_fail
        call    print_str
        li      a0, 1
        call    sys_exit
