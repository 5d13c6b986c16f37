# maps.s: print this process's memory map, /proc/self/maps, after growing the heap.
#
# Each line of /proc/PID/maps is one VMA (a vm_area_struct): a range of addresses the kernel has
# promised, with its permissions (r, w, x, and p for private or s for shared), the file offset it
# maps, the file's device and inode, and a name:
#
#   00010000-00011000 r-xp 00000000 fe:00 885169     /maps      .text: the code, from file offset 0
#   00011000-00012000 r--p 00001000 fe:00 885169     /maps      .rodata: the path below
#   00012000-00013000 rw-p 00002000 fe:00 885169     /maps      .data: private, copied when written
#   00013000-00017000 rw-p 00000000 00:00 0          [heap]     .bss (1 page), then 3 pages of brk
#   97c00000-97c01000 r-xp 00000000 00:00 0          [vdso]     where signal handlers return through
#   9fbdf000-9fc00000 rw-p 00000000 00:00 0          [stack]    argv and envp, plus 128 KiB of room
#
# (as `vmos run ./maps`, whose program is /maps to the guest; vmos makes up the inode number from
# the name, and "fe:00" is the disk it pretends the program is on.)
#
# Nothing here has to be in memory: a VMA is only a promise, and pages arrive when touched (see
# demand.s). /proc/self/smaps shows, per VMA, how much of it is really resident.
#
# vmos's output differs from qemu-riscv32's (which shows the host's layout and pads names to column
# 73), so this demo's expected output is vmos's alone.

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"

        .equ    SYS_OPENAT, 56
        .equ    SYS_CLOSE, 57
        .equ    AT_FDCWD, -100          # "relative to the current directory"
        .equ    O_RDONLY, 0
        .equ    HEAP_PAGES, 3
        .equ    BUFSIZE, 4096

        .section .rodata
path:           .asciz  "/proc/self/maps"
msg_failed:     .asciz  "cannot open /proc/self/maps\n"

        .data
counter:        .word   1               # initialised data: the file-backed rw-p VMA

        .bss
        .align  4
buf:            .zero   BUFSIZE         # bss: anonymous memory right after the data

        .text
        .globl  _start
_start:
        # Grow the heap by HEAP_PAGES pages and write to each, so [heap] is more than the bss.
        li      a0, 0
        call    sys_brk                 # a0 = the current break (the end of the bss)
        mv      s0, a0
        li      t0, HEAP_PAGES * PAGE_SIZE
        add     a0, s0, t0
        call    sys_brk
        li      t0, 0
1:      slli    t1, t0, PAGE_SHIFT
        add     t1, t1, s0
        sw      t0, 0(t1)
        addi    t0, t0, 1
        li      t1, HEAP_PAGES
        blt     t0, t1, 1b
        la      t0, counter             # and write to .data, making a private copy of its page
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)

        # fd = openat(AT_FDCWD, "/proc/self/maps", O_RDONLY, 0)
        li      a0, AT_FDCWD
        la      a1, path
        li      a2, O_RDONLY
        li      a3, 0
        li      a7, SYS_OPENAT
        ecall
        bltz    a0, .Lfailed
        mv      s1, a0

        # Copy the file to stdout, a buffer at a time, until read returns 0 (end of file).
2:      mv      a0, s1
        la      a1, buf
        li      a2, BUFSIZE
        call    sys_read
        blez    a0, 3f
        mv      a2, a0
        li      a0, STDOUT
        la      a1, buf
        call    sys_write
        j       2b
3:      mv      a0, s1
        li      a7, SYS_CLOSE
        ecall
        li      a0, 0
        call    sys_exit

.Lfailed:
        la      a0, msg_failed
        call    print_str
        li      a0, 1
        call    sys_exit
