# lib/args.s: a program's command-line arguments, when they are counts with defaults and limits.
#
# The demos that take sizes ("thrash [K [W [ROUNDS]]]", "sweep [PAGES [PASSES]]") describe their
# arguments with a small table in .rodata, and arg_counts reads them all in one call: each one
# given is atoi'd (lib/string.s's arg_int), each one left out takes its default, and a value out of
# range ends the program with its usage line, on standard output and with status 2. The table:
#
#   args:   .word   msg_usage, 2                    # the usage line; how many arguments (1 to 3)
#           .word   DEFAULT_PAGES, MAX_PAGES        # argv[1]: its default and its maximum
#           .word   DEFAULT_PASSES, ARG_UNLIMITED   # argv[2]: ... (ARG_UNLIMITED: just at least 1)
#
# Needs lib/sys.s, lib/string.s and lib/print.s, included before this file. Like lib/print.s's
# routines, arg_counts clobbers only caller-saved registers (s0-s11, sp and ra are preserved).

        .equ    ARG_UNLIMITED, 0x7fffffff       # an argument's maximum when it has none: any count

        .text

# arg_counts(a0 = sp as it was at _start, a1 = the table) -> a0, a1, a2 = argv[1], argv[2],
# argv[3] (as many as the table describes; the other registers hold nothing useful).
# Every argument must be a count from 1 to its maximum, compared signed, so a negative number, 0
# or a word that is not a number ("abc" reads as 0) fails; the first one that fails prints the
# table's usage line on standard output and exits with status 2 (never returns). Arguments past
# the table's are not looked at. Clobbers: t0-t3.
        .globl  arg_counts
        .type   arg_counts, @function
arg_counts:
        addi    sp, sp, -32                     # 0(sp), 4(sp), 8(sp): the values read so far
        sw      ra, 28(sp)
        sw      s0, 24(sp)
        sw      s1, 20(sp)
        sw      a0, 16(sp)                      # the initial stack (argc, argv)
        mv      s0, a1                          # s0 = the table
        li      s1, 1                           # s1 = i, the argument being read
1:      lw      t0, 4(s0)                       # how many arguments the table describes
        bgt     s1, t0, 2f
        slli    t0, s1, 3
        add     t0, s0, t0                      # t0 = argument i's entry, at 8 * i in the table
        lw      a2, 0(t0)                       # its default
        lw      t0, 4(t0)
        sw      t0, 12(sp)                      # its maximum, kept past arg_int
        lw      a0, 16(sp)
        mv      a1, s1
        call    arg_int                         # a0 = argv[i], or the default
        blez    a0, .Largs_usage
        lw      t0, 12(sp)
        bgt     a0, t0, .Largs_usage
        slli    t0, s1, 2
        add     t0, sp, t0
        sw      a0, -4(t0)                      # value i at 4 * (i - 1)(sp)
        addi    s1, s1, 1
        j       1b
2:      lw      a0, 0(sp)
        lw      a1, 4(sp)
        lw      a2, 8(sp)
        lw      s1, 20(sp)
        lw      s0, 24(sp)
        lw      ra, 28(sp)
        addi    sp, sp, 32
        ret
.Largs_usage:                                   # not a count in range: the usage line, status 2
        lw      a0, 0(s0)
        call    print_str
        li      a0, 2
        call    sys_exit
        .size   arg_counts, . - arg_counts
