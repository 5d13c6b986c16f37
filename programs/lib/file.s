# lib/file.s: the steps every file demo takes before its real work -- check its arguments, open a
# file, find its size, map it -- each of which ends the program the way a command-line tool does
# when it cannot go on: a usage line, or "MESSAGE: errno N" when a system call fails (die, in
# lib/print.s), on standard error and with status 1.
#
# The caller passes MESSAGE, so each program still names itself and what failed
# ("cp-mmap: cannot open SOURCE"). Like lib/print.s's routines these clobber only caller-saved
# registers (s0-s11, sp and ra are preserved).
#
# Needs lib/sys.s, lib/string.s, lib/print.s and lib/mman.s, included before this file.

        .text

# expect_argc(a0 = argc, a1 = the argc wanted, a2 = usage message): return if they are equal;
# otherwise print the usage message on standard error and exit with status 1. Clobbers: a0-a2, a7, t0, t1.
        .globl  expect_argc
        .type   expect_argc, @function
expect_argc:
        bne     a0, a1, 1f
        ret
1:      mv      a0, a2
        call    eprint_str
        li      a0, 1
        call    sys_exit
        .size   expect_argc, . - expect_argc

# or_die(a0 = a system call's result, a1 = message) -> a0 = the result, unless it is -errno
# (-4095..-1, as Linux returns errors): then die(message, -errno), which does not return.
# The "or die" of Perl's `open(...) or die`. Clobbers: t0, t1.
        .globl  or_die
        .type   or_die, @function
or_die:
        li      t0, -4096
        bgeu    a0, t0, 1f              # an unsigned compare: a mapping's address may look negative
        ret
1:      mv      t0, a0
        mv      a0, a1
        mv      a1, t0
        tail    die
        .size   or_die, . - or_die

# open_or_die(a0 = path, a1 = flags, a2 = mode, a3 = message) -> a0 = a new descriptor:
# open(path, flags, mode), or die(message, -errno). Clobbers: a1-a3, a7, t0, t1.
        .globl  open_or_die
        .type   open_or_die, @function
open_or_die:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      a3, 8(sp)               # the message: sys_open clobbers a3
        call    sys_open
        lw      a1, 8(sp)
        call    or_die
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
        .size   open_or_die, . - open_or_die

# file_size(a0 = fd, a1 = message) -> a0 = the size of the file open at fd: the position of its
# end, lseek(fd, 0, SEEK_END), which leaves the file's position there. die(message, -errno) if
# the file cannot seek (a /proc file, a pipe). Clobbers: a1-a4, a7, t0, t1.
        .globl  file_size
        .type   file_size, @function
file_size:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      a1, 8(sp)
        li      a1, 0
        li      a2, SEEK_END
        call    sys_lseek
        lw      a1, 8(sp)
        call    or_die
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
        .size   file_size, . - file_size

# map_file(a0 = fd, a1 = size, a2 = message) -> a0 = the address of the whole file mapped
# read-only and private, mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0); or 0 for an empty file,
# which is not mapped at all (mmap of length 0 is EINVAL). The mapping holds the file open: fd may
# be closed at once. die(message, -errno) if mmap fails. Clobbers: a1-a5, a7, t0, t1.
        .globl  map_file
        .type   map_file, @function
map_file:
        beqz    a1, 1f
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      a2, 8(sp)
        mv      a4, a0                  # fd
        li      a0, 0                   # the kernel picks the address
        li      a2, PROT_READ
        li      a3, MAP_PRIVATE
        li      a5, 0                   # from the file's first page
        call    sys_mmap
        lw      a1, 8(sp)
        call    or_die
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
1:      li      a0, 0
        ret
        .size   map_file, . - map_file

# unmap_file(a0 = address, a1 = size): undo map_file; nothing for an empty file (address 0).
# Clobbers: a7, t1.
        .globl  unmap_file
        .type   unmap_file, @function
unmap_file:
        beqz    a0, 1f
        tail    sys_munmap
1:      ret
        .size   unmap_file, . - unmap_file
