# lib/print.s: printing strings and numbers on standard output.
#
# Each routine makes exactly ONE write() call, so a system-call trace shows one write per print:
# a number is first formatted into a small buffer on the routine's own stack frame, a string is
# written from where it is. Nothing is kept between calls: output appears at once and needs no
# flushing before exit (or before a crash).
#
# Needs lib/sys.s (sys_write, STDOUT) and lib/string.s (strlen), included before this file.
# None of these routines returns a useful value. Each lists the registers it clobbers; as the
# calling convention allows, they are all caller-saved (s0-s11, sp and ra are preserved).

        .text

# print_str(a0 = s): write the NUL-terminated string s (without the NUL).
# Clobbers: a0-a2, a7, t0, t1.
        .globl  print_str
        .type   print_str, @function
print_str:
        addi    sp, sp, -16             # the stack stays 16-byte aligned
        sw      ra, 12(sp)
        sw      a0, 8(sp)               # s survives the call to strlen here
        call    strlen
        mv      a2, a0                  # length
        lw      a1, 8(sp)               # buffer
        li      a0, STDOUT
        call    sys_write
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
        .size   print_str, . - print_str

# print_char(a0 = c): write the single byte c. Clobbers: a0-a2, a7.
        .globl  print_char
        .type   print_char, @function
print_char:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sb      a0, 0(sp)               # the one-byte buffer is on the stack
        li      a0, STDOUT
        mv      a1, sp
        li      a2, 1
        call    sys_write
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
        .size   print_char, . - print_char

# print_nl(): write a newline. Clobbers: a0-a2, a7.
        .globl  print_nl
        .type   print_nl, @function
print_nl:
        li      a0, '\n'
        tail    print_char              # print_char returns straight to our caller
        .size   print_nl, . - print_nl

# The number printers below share one 32-byte frame layout:
#   28(sp) ra    24(sp) the argument    0(sp)..15(sp) the text, built from the right
# and one epilogue, .Lprint_emit, which writes the text from a0 up to 16(sp) and returns.
        .equ    .Lbuf_end, 16

# print_udec(a0 = n): write n as an unsigned decimal number (0 .. 4294967295).
# Clobbers: a0-a2, a7, t0, t1.
        .globl  print_udec
        .type   print_udec, @function
print_udec:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        addi    a1, sp, .Lbuf_end
        call    .Lformat_udec           # a0 = first digit
        j       .Lprint_emit
        .size   print_udec, . - print_udec

# print_dec(a0 = n): write n as a signed decimal number (-2147483648 .. 2147483647).
# Clobbers: a0-a2, a7, t0, t1.
        .globl  print_dec
        .type   print_dec, @function
print_dec:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      a0, 24(sp)
        bgez    a0, 1f
        neg     a0, a0                  # the magnitude, read as UNSIGNED: -(-2^31) wraps to
1:      addi    a1, sp, .Lbuf_end       # 0x80000000, which is exactly 2^31, so INT_MIN is right
        call    .Lformat_udec
        lw      t0, 24(sp)
        bgez    t0, .Lprint_emit
        addi    a0, a0, -1              # prepend the sign
        li      t0, '-'
        sb      t0, 0(a0)
        j       .Lprint_emit
        .size   print_dec, . - print_dec

# print_hex(a0 = n): write n as "0x" and exactly 8 lowercase hex digits, like printf("%#010x").
# Clobbers: a0-a2, a7, t0-t2.
        .globl  print_hex
        .type   print_hex, @function
print_hex:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        addi    t0, sp, 10              # t0 = one past the last digit; text is 0(sp)..9(sp)
        li      t2, 10
1:      addi    t0, t0, -1
        andi    t1, a0, 0xf             # lowest nibble
        srli    a0, a0, 4
        bltu    t1, t2, 2f
        addi    t1, t1, 'a' - 10 - '0'  # 10..15 -> 'a'..'f' (with the '0' added below)
2:      addi    t1, t1, '0'
        sb      t1, 0(t0)
        addi    t1, sp, 2
        bne     t0, t1, 1b              # 8 digits fill 2(sp)..9(sp)
        li      t1, '0'
        sb      t1, 0(sp)
        li      t1, 'x'
        sb      t1, 1(sp)
        mv      a0, sp
        addi    a1, sp, 10
        j       .Lprint_emit_to
        .size   print_hex, . - print_hex

# Shared epilogue of the number printers (jumped to, not called): write the text from a0 to
# a1 (or to .Lbuf_end(sp) when entered at .Lprint_emit), pop the 32-byte frame and return.
.Lprint_emit:
        addi    a1, sp, .Lbuf_end
.Lprint_emit_to:
        sub     a2, a1, a0              # length
        mv      a1, a0                  # buffer
        li      a0, STDOUT
        call    sys_write
        lw      ra, 28(sp)
        addi    sp, sp, 32
        ret

# .Lformat_udec(a0 = n, a1 = end of buffer) -> a0 = address of the first digit.
# Writes the decimal digits of unsigned n backwards, ending just before a1 (at most 10 bytes).
# A leaf helper for this file only. Clobbers: t0, t1, a1.
.Lformat_udec:
        li      t1, 10
1:      remu    t0, a0, t1              # lowest digit
        divu    a0, a0, t1
        addi    t0, t0, '0'
        addi    a1, a1, -1
        sb      t0, 0(a1)
        bnez    a0, 1b                  # do-while: 0 still prints one digit
        mv      a0, a1
        ret

# Standard error: diagnostics, and figures that differ from machine to machine (cycle counts),
# which a comparison of standard output with another machine's must not see.

# eprint_str(a0 = s): write the NUL-terminated string s on standard error.
# Clobbers: a0-a2, a7, t0, t1.
        .globl  eprint_str
        .type   eprint_str, @function
eprint_str:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      a0, 8(sp)
        call    strlen
        mv      a2, a0
        lw      a1, 8(sp)
        li      a0, STDERR
        call    sys_write
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
        .size   eprint_str, . - eprint_str

# eprint_udec(a0 = n): write n as an unsigned decimal number on standard error.
# Clobbers: a0-a2, a7, t0, t1.
        .globl  eprint_udec
        .type   eprint_udec, @function
eprint_udec:
        addi    sp, sp, -32             # print_udec's frame layout
        sw      ra, 28(sp)
        addi    a1, sp, .Lbuf_end
        call    .Lformat_udec           # a0 = first digit
        addi    a2, sp, .Lbuf_end
        sub     a2, a2, a0              # length
        mv      a1, a0
        li      a0, STDERR
        call    sys_write
        lw      ra, 28(sp)
        addi    sp, sp, 32
        ret
        .size   eprint_udec, . - eprint_udec

# die(a0 = message, a1 = -errno): print "message: errno N" on standard error and exit with
# status 1, as a command-line tool does when a system call fails. Never returns.
        .globl  die
        .type   die, @function
die:
        neg     s11, a1                 # s11 = errno: nothing after this returns to the caller
        call    eprint_str
        la      a0, .Ldie_errno
        call    eprint_str
        mv      a0, s11
        call    eprint_udec
        la      a0, .Ldie_nl
        call    eprint_str
        li      a0, 1
        call    sys_exit
        .size   die, . - die

        .section .rodata
.Ldie_errno:    .asciz  ": errno "
.Ldie_nl:       .asciz  "\n"
        .text
