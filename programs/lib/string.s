# lib/string.s: the C string and memory routines a program needs first.
#
# All are leaf functions (they call nothing), so they need no stack frame and touch only
# their argument registers and t0..t2. Like C's, they trust their arguments: a bad pointer
# faults. Needs no other lib file.

        .text

# strlen(a0 = s) -> a0 = number of bytes before the terminating NUL.
# Clobbers: t0, t1.
        .globl  strlen
        .type   strlen, @function
strlen:
        mv      t0, a0                  # t0 walks the string; a0 remembers the start
1:      lbu     t1, 0(t0)
        beqz    t1, 2f
        addi    t0, t0, 1
        j       1b
2:      sub     a0, t0, a0
        ret
        .size   strlen, . - strlen

# memset(a0 = dst, a1 = byte, a2 = n) -> a0 = dst. Stores the low byte of a1 into n bytes.
# Clobbers: t0, t1.
        .globl  memset
        .type   memset, @function
memset:
        mv      t0, a0
        add     t1, a0, a2              # t1 = one past the end
1:      bgeu    t0, t1, 2f
        sb      a1, 0(t0)
        addi    t0, t0, 1
        j       1b
2:      ret
        .size   memset, . - memset

# memcpy(a0 = dst, a1 = src, a2 = n) -> a0 = dst. Copies n bytes, front to back; the regions
# must not overlap (that is memmove's job). Clobbers: t0, t1, t2, a1.
        .globl  memcpy
        .type   memcpy, @function
memcpy:
        mv      t0, a0
        add     t1, a0, a2              # t1 = one past the end of dst
1:      bgeu    t0, t1, 2f
        lbu     t2, 0(a1)
        sb      t2, 0(t0)
        addi    a1, a1, 1
        addi    t0, t0, 1
        j       1b
2:      ret
        .size   memcpy, . - memcpy

# strcmp(a0 = s1, a1 = s2) -> a0 < 0, 0 or > 0 as s1 sorts before, equal to or after s2.
# Bytes compare as unsigned, as C requires; the result is the difference of the first pair
# that differs. Clobbers: t0, t1, a1.
        .globl  strcmp
        .type   strcmp, @function
strcmp:
1:      lbu     t0, 0(a0)
        lbu     t1, 0(a1)
        bne     t0, t1, 2f
        beqz    t0, 2f                  # both ended together: equal (t0 - t1 = 0)
        addi    a0, a0, 1
        addi    a1, a1, 1
        j       1b
2:      sub     a0, t0, t1
        ret
        .size   strcmp, . - strcmp

# atoi(a0 = s) -> a0 = the decimal number at the start of s, e.g. a command-line argument.
# An optional '-' makes it negative; parsing stops at the first byte that is not a digit
# (so "" and "abc" give 0). Overflow wraps, as in most C libraries. Clobbers: t0, t1, t2, t3.
        .globl  atoi
        .type   atoi, @function
atoi:
        li      t2, 0                   # t2 = 1 if negative
        lbu     t0, 0(a0)
        li      t1, '-'
        bne     t0, t1, 1f
        li      t2, 1
        addi    a0, a0, 1
1:      mv      t1, a0                  # t1 walks the digits
        li      a0, 0                   # a0 accumulates the value
        li      t3, 10
2:      lbu     t0, 0(t1)
        addi    t0, t0, -'0'
        bgeu    t0, t3, 3f              # unsigned: a byte below '0' wraps to a huge value, so
        mul     a0, a0, t3              # this one test rejects both ends of '0'..'9'
        add     a0, a0, t0
        addi    t1, t1, 1
        j       2b
3:      beqz    t2, 4f
        neg     a0, a0
4:      ret
        .size   atoi, . - atoi

# arg_int(a0 = sp as it was at _start, a1 = i, a2 = default) -> a0 = atoi(argv[i]) if the program
# got at least i + 1 arguments (argv[0] included), else default. The initial stack holds argc at
# sp and argv[i] at sp + 4 + 4*i (see argv.s). Clobbers: t0, t1, t2, t3, a1, a2.
        .globl  arg_int
        .type   arg_int, @function
arg_int:
        lw      t0, 0(a0)               # argc
        bgt     t0, a1, 1f
        mv      a0, a2                  # not given: the default
        ret
1:      slli    a1, a1, 2
        add     a0, a0, a1
        lw      a0, 4(a0)               # argv[i]
        tail    atoi
        .size   arg_int, . - arg_int
