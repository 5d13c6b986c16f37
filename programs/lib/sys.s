# lib/sys.s: Linux riscv32 system-call numbers and thin wrappers.
#
# Every system call works the same way: the call number goes in a7, up to six arguments in
# a0..a5, and `ecall` traps into the kernel. The result comes back in a0. On failure most calls
# return a negative errno (-4095..-1) in a0; there is no separate error flag. (C's libc turns that
# into -1 and sets errno; these wrappers hand you the raw kernel result.)
#
# riscv32 uses the "asm-generic" numbering and has only the 64-bit-time calls: there is no open
# (use openat), no fork or wait4 (clone, waitid) and no clock_gettime (clock_gettime64).
#
# Include this file before any other lib/ file: they call these wrappers and use these numbers.
# It defines no _start; lib/ files never include each other (the assembler has no include
# guards), so a program includes each lib file it needs exactly once.

        .equ    SYS_READ, 63
        .equ    SYS_WRITE, 64
        .equ    SYS_EXIT, 93            # ends this thread only
        .equ    SYS_EXIT_GROUP, 94      # ends the whole process: what C's exit() does
        .equ    SYS_UNAME, 160
        .equ    SYS_GETPID, 172
        .equ    SYS_WAITID, 95
        .equ    SYS_BRK, 214
        .equ    SYS_CLONE, 220
        .equ    SYS_GETRANDOM, 278
        .equ    SYS_CLOCK_GETTIME64, 403
        .equ    SYS_SHMGET, 194         # System V shared memory (see programs/shm.s)
        .equ    SYS_SHMCTL, 195
        .equ    SYS_SHMAT, 196
        .equ    SYS_SHMDT, 197

        .equ    SIGCHLD, 17
        .equ    P_ALL, 0                # waitid: any child
        .equ    WEXITED, 4              # waitid: report children that have exited
        .equ    SI_STATUS, 20           # offset of si_status in the 32-bit siginfo waitid fills

        .equ    STDIN, 0
        .equ    STDOUT, 1
        .equ    STDERR, 2

        .equ    PAGE_SHIFT, 12
        .equ    PAGE_SIZE, 1 << PAGE_SHIFT    # 4096

        .text

# sys_write(a0 = fd, a1 = buf, a2 = len) -> a0 = bytes written, or -errno.
# Clobbers: a7 (and whatever the kernel returns in a0).
        .globl  sys_write
        .type   sys_write, @function
sys_write:
        li      a7, SYS_WRITE
        ecall
        ret
        .size   sys_write, . - sys_write

# sys_read(a0 = fd, a1 = buf, a2 = len) -> a0 = bytes read (0 at end of file), or -errno.
# Clobbers: a7.
        .globl  sys_read
        .type   sys_read, @function
sys_read:
        li      a7, SYS_READ
        ecall
        ret
        .size   sys_read, . - sys_read

# sys_exit(a0 = status): ends the process with exit_group; never returns.
# Only the low 8 bits of the status reach the parent (a shell shows status & 0xff).
        .globl  sys_exit
        .type   sys_exit, @function
sys_exit:
        li      a7, SYS_EXIT_GROUP
        ecall
        ebreak                          # not reached; if it were, trap instead of running on
        .size   sys_exit, . - sys_exit

# sys_brk(a0 = addr) -> a0 = the program break after the call.
# brk never returns -errno: on success the result is addr, on failure it is the OLD break,
# so a caller must compare the result with what it asked for. brk(0) always "fails" and is
# therefore the standard way to ask for the current break. Clobbers: a7.
        .globl  sys_brk
        .type   sys_brk, @function
sys_brk:
        li      a7, SYS_BRK
        ecall
        ret
        .size   sys_brk, . - sys_brk

# sys_getpid() -> a0 = this process's id (always > 0). Clobbers: a7.
        .globl  sys_getpid
        .type   sys_getpid, @function
sys_getpid:
        li      a7, SYS_GETPID
        ecall
        ret
        .size   sys_getpid, . - sys_getpid

# sys_fork() -> a0 = the child's pid in the parent, 0 in the child, or -errno. rv32 Linux has no
# fork call: it is clone(SIGCHLD, 0, 0, 0, 0) (riscv's argument order is CLONE_BACKWARDS: flags,
# newsp, parent_tid, tls, child_tid). Clobbers: a1-a4, a7.
        .globl  sys_fork
        .type   sys_fork, @function
sys_fork:
        li      a0, SIGCHLD
        li      a1, 0
        li      a2, 0
        li      a3, 0
        li      a4, 0
        li      a7, SYS_CLONE
        ecall
        ret
        .size   sys_fork, . - sys_fork

# sys_waitid_any(a0 = info, 128 bytes) -> a0 = 0 or -errno: waitid(P_ALL, 0, info, WEXITED, 0)
# sleeps until some child has exited and reaps it. rv32 Linux has no wait4: the pid is in
# info->si_pid (offset 12) and the exit status in info->si_status (SI_STATUS). Clobbers: a1-a4, a7.
        .globl  sys_waitid_any
        .type   sys_waitid_any, @function
sys_waitid_any:
        mv      a2, a0
        li      a0, P_ALL
        li      a1, 0
        li      a3, WEXITED
        li      a4, 0
        li      a7, SYS_WAITID
        ecall
        ret
        .size   sys_waitid_any, . - sys_waitid_any

# Descriptors and pipes (see programs/pipe.s and docs/pipes.md). rv32 Linux has no pipe or dup2:
# use pipe2(fds, 0) and dup3(old, new, 0).
        .equ    SYS_DUP, 23
        .equ    SYS_DUP3, 24
        .equ    SYS_FCNTL64, 25
        .equ    SYS_PIPE2, 59
        .equ    SYS_READV, 65
        .equ    SYS_WRITEV, 66
        .equ    O_NONBLOCK, 0x800       # 0o4000
        .equ    O_CLOEXEC, 0x80000      # 0o2000000

# Files (see programs/cat-read.s, programs/cat-mmap.s and docs/page-cache.md). rv32 Linux has no
# open or lseek: open is openat(AT_FDCWD, ...) and lseek is llseek, whose 64-bit result comes back
# through memory. The flags are asm-generic's octal values, written here in hex.
        .equ    SYS_OPENAT, 56
        .equ    SYS_CLOSE, 57
        .equ    SYS_LLSEEK, 62
        .equ    AT_FDCWD, -100          # openat: a relative name starts at the working directory
        .equ    O_RDONLY, 0x0
        .equ    O_WRONLY, 0x1
        .equ    O_RDWR, 0x2
        .equ    O_CREAT, 0x40           # 0o100: create the file if it does not exist
        .equ    O_TRUNC, 0x200          # 0o1000: cut an existing file to length 0
        .equ    O_APPEND, 0x400         # 0o2000: every write goes to the end
        .equ    SEEK_SET, 0
        .equ    SEEK_CUR, 1
        .equ    SEEK_END, 2

# sys_open(a0 = path, a1 = flags, a2 = mode) -> a0 = a new descriptor, or -errno. It is
# openat(AT_FDCWD, path, flags, mode); mode (e.g. 0644) only matters when O_CREAT creates the file.
# Clobbers: a1-a3, a7.
        .globl  sys_open
        .type   sys_open, @function
sys_open:
        mv      a3, a2
        mv      a2, a1
        mv      a1, a0
        li      a0, AT_FDCWD
        li      a7, SYS_OPENAT
        ecall
        ret
        .size   sys_open, . - sys_open

# sys_close(a0 = fd) -> a0 = 0 or -errno. Clobbers: a7.
        .globl  sys_close
        .type   sys_close, @function
sys_close:
        li      a7, SYS_CLOSE
        ecall
        ret
        .size   sys_close, . - sys_close

# sys_lseek(a0 = fd, a1 = offset, a2 = whence) -> a0 = the new position, or -errno.
# llseek(fd, offset_high, offset_low, &result, whence) with the signed 32-bit offset widened to
# 64 bits; the result's low word is returned, so positions must stay below 2 GiB. lseek(fd, 0,
# SEEK_END) is the size of the file. Clobbers: a1-a4, a7.
        .globl  sys_lseek
        .type   sys_lseek, @function
sys_lseek:
        addi    sp, sp, -16             # the 8-byte loff_t result lives at 0(sp)
        mv      a4, a2                  # whence
        mv      a2, a1                  # offset_low
        srai    a1, a1, 31              # offset_high: the sign, widened
        mv      a3, sp
        li      a7, SYS_LLSEEK
        ecall
        bnez    a0, 1f                  # -errno
        lw      a0, 0(sp)
1:      addi    sp, sp, 16
        ret
        .size   sys_lseek, . - sys_lseek

# write_all(a0 = fd, a1 = buf, a2 = len) -> a0 = len, or -errno. write() may write less than asked
# (a pipe, a full disk, a signal); this calls it again for the rest until all of it is written.
# A write of 0 bytes when some are left is returned as it is (0), rather than retried forever.
# Clobbers: a1-a3, a7, t0, t1.
        .globl  write_all
        .type   write_all, @function
write_all:
        mv      t0, a0                  # fd
        mv      t1, a2                  # len: the result
        mv      a3, a2                  # bytes still to write
1:      beqz    a3, 2f
        mv      a0, t0
        mv      a2, a3
        li      a7, SYS_WRITE
        ecall
        blez    a0, 3f                  # -errno, or nothing written
        add     a1, a1, a0
        sub     a3, a3, a0
        j       1b
2:      mv      a0, t1
3:      ret
        .size   write_all, . - write_all
