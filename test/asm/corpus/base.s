# Every RV32I, M, A and Zicsr instruction in its canonical form, with edge-case operands.
        .text
        .globl _start
_start:
        lui     a0, 0
        lui     x31, 0xfffff
        auipc   t0, 0x12345
        jal     ra, _start
        jal     x0, forward
        jalr    ra, 0(a0)
        jalr    x0, -2048(sp)
        jalr    t1, 2047(t2)
forward:
        beq     a0, a1, _start
        bne     x1, x2, forward
        blt     s0, s1, far
        bge     a2, a3, forward
        bltu    t3, t4, _start
        bgeu    t5, t6, far
        lb      a0, -1(sp)
        lh      a1, 2(sp)
        lw      a2, 2047(gp)
        lbu     a3, -2048(tp)
        lhu     a4, 0(fp)
        sb      a5, 1(s0)
        sh      a6, -2(s1)
        sw      a7, 2047(s2)
        sw      zero, -2048(s3)
        addi    s4, s5, -2048
        slti    s6, s7, 2047
        sltiu   s8, s9, 1
        xori    s10, s11, -1
        ori     t3, t4, 0x7ff
        andi    t5, t6, 0xff
        slli    a0, a1, 0
        slli    a0, a1, 31
        srli    a2, a3, 17
        srai    a4, a5, 31
        add     a0, a1, a2
        sub     x0, x31, x15
        sll     a3, a4, a5
        slt     a6, a7, s2
        sltu    s3, s4, s5
        xor     s6, s7, s8
        srl     s9, s10, s11
        sra     t3, t4, t5
        or      t6, ra, sp
        and     gp, tp, t0
        fence   iorw, iorw
        fence   r, w
        fence   io, rw
        ecall
        ebreak
        mul     a0, a1, a2
        mulh    a3, a4, a5
        mulhsu  a6, a7, s0
        mulhu   s1, s2, s3
        div     s4, s5, s6
        divu    s7, s8, s9
        rem     s10, s11, t3
        remu    t4, t5, t6
        lr.w    a0, (a1)
        lr.w.aq a0, (a1)
        lr.w.aqrl a0, (a1)
        sc.w    a2, a3, (a4)
        sc.w.rl a2, a3, (a4)
        amoswap.w a0, a1, (a2)
        amoadd.w.aq a0, a1, (a2)
        amoxor.w.rl a0, a1, (a2)
        amoand.w.aqrl a0, a1, (a2)
        amoor.w a0, a1, (a2)
        amomin.w a0, a1, (a2)
        amomax.w a0, a1, 0(a2)
        amominu.w a0, a1, (a2)
        amomaxu.w a0, a1, (a2)
        csrrw   a0, cycle, a1
        csrrs   a0, time, zero
        csrrc   a0, instret, a1
        csrrwi  a0, cycleh, 0
        csrrsi  a0, timeh, 31
        csrrci  a0, instreth, 7
        csrrs   a0, 0xc00, x0
        .zero   2000
far:
        nop
