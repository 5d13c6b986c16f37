# swapoff.s: every page comes home. swapoff(2) can switch a swap area off only after it has brought
# back into memory every page that lives there; when RAM cannot hold them, it gives up with ENOMEM
# and the area stays on, holding what did not fit. swapon(2) switches it on again.
#
#   vmos run --mem 512K --swap 4M programs/swapoff.s
#
# 1. Write 192 pages (768 KiB: more than the machine's 512 KiB of RAM) and send every one to swap
#    with vmos_pageout (1025), so SwapFree is exactly 192 pages below SwapTotal.
# 2. swapoff("/dev/vda2"): 192 pages cannot come home to 128 frames: -12 (ENOMEM); still on.
# 3. munmap all but the first 48 pages (their slots are freed), and swapoff again: 0. SwapTotal and
#    SwapFree in /proc/meminfo are 0 now, and every word of the 48 pages is still what was written.
# 4. swapon("/dev/vda2", 0), and one page goes to swap again.
#
# vmos only: vmos_pageout is vmos's, and qemu-user cannot switch the host's swap off (nor should it).
# The path is the name /proc/swaps shows for the area (the guest has no /dev): docs/swap.md.

        .include "lib/sys.s"
        .include "lib/string.s"
        .include "lib/print.s"
        .include "lib/mman.s"

        .equ    SYS_OPENAT, 56
        .equ    SYS_CLOSE, 57
        .equ    AT_FDCWD, -100
        .equ    SYS_SWAPON, 224
        .equ    SYS_SWAPOFF, 225
        .equ    SYS_VMOS_PAGEOUT, 1025
        .equ    PAGES, 192
        .equ    KEEP, 48
        .equ    PATTERN, 0x5a0ff00d     # word at address a = a ^ PATTERN
        .equ    MEMINFO_SIZE, 4096

        .section .rodata
swap_dev:       .asciz  "/dev/vda2"
meminfo_path:   .asciz  "/proc/meminfo"
lbl_total:      .asciz  "\nSwapTotal:"
lbl_free:       .asciz  "\nSwapFree:"
msg_written:    .asciz  "192 pages written, every one sent to swap with vmos_pageout\n"
msg_swapoff:    .asciz  "swapoff(\"/dev/vda2\") = "
msg_swapon:     .asciz  "swapon(\"/dev/vda2\", 0) = "
msg_enomem:     .asciz  " (ENOMEM: 192 pages do not fit in RAM; the area stays on)"
msg_munmap:     .asciz  "munmap of all but the first 48 pages = "
msg_pageout:    .asciz  "vmos_pageout of the first page = "
msg_checked:    .asciz  "48 pages checked: every word is what was written\n"
msg_total:      .asciz  "  SwapTotal "
msg_free:       .asciz  " kB, SwapFree "
msg_kb:         .asciz  " kB\n"
msg_nl:         .asciz  "\n"
err_mmap:       .asciz  "mmap"
err_pageout:    .asciz  "vmos_pageout (run with --swap 4M)"
err_meminfo:    .asciz  "reading /proc/meminfo"
err_lost:       .asciz  "a word changed"

        .bss
        .align  2
meminfo:        .zero   MEMINFO_SIZE

        .text
        .globl  _start
_start:
        li      a0, 0                   # s0 = PAGES pages of private anonymous memory
        li      a1, PAGES * PAGE_SIZE
        li      a2, PROT_READ | PROT_WRITE
        li      a3, MAP_PRIVATE | MAP_ANONYMOUS
        call    sys_mmap_anon
        li      t0, -4096
        bltu    a0, t0, 1f
        mv      a1, a0
        la      a0, err_mmap
        call    die
1:      mv      s0, a0
        mv      t0, s0                  # every word: its own address ^ PATTERN
        li      t1, PAGES * PAGE_SIZE
        add     t1, t1, s0
        li      t2, PATTERN
2:      xor     t3, t0, t2
        sw      t3, 0(t0)
        addi    t0, t0, 4
        bltu    t0, t1, 2b
        li      s1, 0                   # send each page out
3:      slli    a0, s1, PAGE_SHIFT
        add     a0, a0, s0
        call    pageout
        addi    s1, s1, 1
        li      t0, PAGES
        blt     s1, t0, 3b
        la      a0, msg_written
        call    print_str
        call    report_swap

        call    swapoff                 # too much to bring home
        li      t0, -12
        bne     a0, t0, 4f
        la      a0, msg_enomem
        call    print_str
4:      la      a0, msg_nl
        call    print_str
        call    report_swap_total

        la      a0, msg_munmap          # keep KEEP pages, and swapoff again
        call    print_str
        li      a0, KEEP * PAGE_SIZE
        add     a0, a0, s0
        li      a1, (PAGES - KEEP) * PAGE_SIZE
        call    sys_munmap
        call    print_dec
        la      a0, msg_nl
        call    print_str
        call    swapoff
        la      a0, msg_nl
        call    print_str
        call    report_swap
        call    check_pages

        la      a0, msg_swapon          # and on again: pages can leave memory once more
        call    print_str
        la      a0, swap_dev
        li      a1, 0
        li      a7, SYS_SWAPON
        ecall
        call    print_dec
        la      a0, msg_nl
        call    print_str
        call    report_swap
        la      a0, msg_pageout
        call    print_str
        mv      a0, s0
        call    pageout
        call    print_dec
        la      a0, msg_nl
        call    print_str
        call    report_swap
        call    check_pages
        li      a0, 0
        call    sys_exit

# pageout(a0 = address): vmos_pageout(address); dies unless it returns 0. Returns 0.
pageout:
        li      a7, SYS_VMOS_PAGEOUT
        ecall
        beqz    a0, 1f
        mv      a1, a0
        la      a0, err_pageout
        call    die
1:      ret

# swapoff() -> a0 = swapoff("/dev/vda2"), printed as `swapoff("/dev/vda2") = N` (no newline).
# Clobbers a1, a2, a7, t0, t1.
swapoff:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        la      a0, msg_swapoff
        call    print_str
        la      a0, swap_dev
        li      a7, SYS_SWAPOFF
        ecall
        sw      a0, 8(sp)
        call    print_dec
        lw      a0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# check_pages(): every word of the first KEEP pages still holds its address ^ PATTERN, or die.
check_pages:
        mv      t0, s0
        li      t1, KEEP * PAGE_SIZE
        add     t1, t1, s0
        li      t2, PATTERN
1:      lw      t3, 0(t0)
        xor     t3, t3, t2
        bne     t3, t0, 2f
        addi    t0, t0, 4
        bltu    t0, t1, 1b
        la      a0, msg_checked
        tail    print_str
2:      la      a0, err_lost
        li      a1, 0
        call    die

# report_swap(): print "  SwapTotal N kB, SwapFree M kB" from /proc/meminfo.
# report_swap_total(): print "  SwapTotal N kB" only. Both clobber s2, a*, t*.
report_swap_total:
        li      a0, 0
        j       1f
report_swap:
        li      a0, 1
1:      addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      a0, 8(sp)               # whether to print SwapFree
        call    read_meminfo
        la      a0, msg_total
        call    print_str
        la      a0, lbl_total
        call    meminfo_value
        call    print_dec
        lw      t0, 8(sp)
        beqz    t0, 2f
        la      a0, msg_free
        call    print_str
        la      a0, lbl_free
        call    meminfo_value
        call    print_dec
2:      la      a0, msg_kb
        call    print_str
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# read_meminfo(): /proc/meminfo into `meminfo`, NUL-terminated, or die. Clobbers s2, a*, t*.
read_meminfo:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        li      a0, AT_FDCWD
        la      a1, meminfo_path
        li      a2, 0
        li      a3, 0
        li      a7, SYS_OPENAT
        ecall
        bltz    a0, 1f
        mv      s2, a0
        la      a1, meminfo
        li      a2, MEMINFO_SIZE - 1
        call    sys_read
        blez    a0, 1f
        la      t0, meminfo
        add     t0, t0, a0
        sb      zero, 0(t0)
        mv      a0, s2
        li      a7, SYS_CLOSE
        ecall
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
1:      mv      a1, a0
        la      a0, err_meminfo
        call    die

# meminfo_value(a0 = "\nLabel:") -> a0 = the number after the first place `meminfo` holds the
# label (every label but the first line's follows a newline), 0 if it holds none. Clobbers t0-t4.
meminfo_value:
        la      t0, meminfo             # t0 = where the label might start
1:      lbu     t1, 0(t0)
        beqz    t1, 5f                  # the end: no such label
        mv      t2, t0
        mv      t3, a0
2:      lbu     t4, 0(t3)               # does the text at t0 start with the label?
        beqz    t4, 3f
        lbu     t1, 0(t2)
        bne     t1, t4, 4f
        addi    t2, t2, 1
        addi    t3, t3, 1
        j       2b
3:      lbu     t1, 0(t2)               # yes: the spaces, then the number
        li      t4, ' '
        bne     t1, t4, 6f
        addi    t2, t2, 1
        j       3b
4:      addi    t0, t0, 1
        j       1b
5:      li      a0, 0
        ret
6:      mv      a0, t2
        tail    atoi
