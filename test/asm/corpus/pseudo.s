# Every pseudo-instruction form GNU as accepts that vmos supports.
        .equ    BIG, 0x12345678
        .equ    SMALL, -5
        .text
        .globl _start
_start:
        nop
        li      a0, 0
        li      a0, 2047
        li      a0, -2048
        li      a0, 2048
        li      a0, 0x1000
        li      a0, 0x12345678
        li      a0, BIG
        li      a0, SMALL
        li      a0, -1
        li      a0, 0xffffffff
        li      a0, 0x80000000
        li      a0, 0x7fffffff
        li      a0, 0xfffff800
        li      a0, 0x7ffff800
        li      a0, 'A'
        la      a1, message
        lla     a2, message
        mv      a3, a4
        not     a5, a6
        neg     a7, s0
        seqz    s1, s2
        snez    s3, s4
        sltz    s5, s6
        sgtz    s7, s8
1:      beqz    a0, 1b
        bnez    a1, 1f
        blez    a2, 1b
1:      bgez    a3, 1b
        bltz    a4, 2f
        bgtz    a5, 2f
        bgt     a0, a1, 2f
        ble     a2, a3, 2f
        bgtu    a4, a5, _start
2:      bleu    a6, a7, _start
        j       2b
        jal     helper
        jr      t0
        jalr    t1
        jalr    a1, a2
        jalr    a1, a2, 4
        ret
        call    helper
        call    t0, helper
        tail    helper
        lb      a0, message
        lh      a1, message
        lw      a2, counter
        lbu     a3, message
        lhu     a4, message
        sb      a0, counter, t0
        sh      a1, counter, t1
        sw      a2, counter, t2
        rdcycle a0
        rdtime  a1
        rdinstret a2
        rdcycleh a3
        rdtimeh a4
        rdinstreth a5
        csrr    a6, cycle
        csrr    a7, 0xc02
        csrw    cycle, a0
        csrs    time, a1
        csrc    instret, a2
        csrwi   cycle, 1
        csrsi   time, 2
        csrci   instret, 3
        fence
        lui     a0, %hi(message)
        addi    a0, a0, %lo(message)
        lw      a1, %lo(counter)(a0)
        sw      a1, %lo(counter)(a0)
.Lpc:   auipc   a0, %pcrel_hi(counter)
        lw      a0, %pcrel_lo(.Lpc)(a0)
helper:
        ret
        .section .rodata
message:
        .string "pseudo"
        .data
counter:
        .word   42
