// Guest code for the reclaim tests (reclaim-*.test.ts): touching pages to make memory short, and
// writing and checking whole pages of a recognisable pattern.

/**
 * Write one word to each of `pages` pages from the address in `reg`, `passes` times over (a second
 * pass brings swapped-out pages back). Clobbers t0-t3.
 */
export const touch = (reg: string, pages: number, passes = 1): string => `  li t3, ${passes}
0: mv t0, ${reg}
  li t1, ${pages}
1: sw t1, 0(t0)
  li t2, 4096
  add t0, t0, t2
  addi t1, t1, -1
  bnez t1, 1b
  addi t3, t3, -1
  bnez t3, 0b
`;

/**
 * Go over `pages` whole pages from s1, where word j of page i should be (i * 0x10001) ^
 * (j * 0x9e3779b9) ^ `salt`: "fill" writes them; "check" leaves in a0 how many differ.
 * Clobbers t0-t5, s2.
 */
export const pageWords = (mode: "fill" | "check", pages: number, salt = 0): string => `  mv t0, s1
  li s2, 0
  li a0, 0
1: li t1, 0
2: li t2, 0x9e3779b9
  mul t2, t2, t1
  li t3, 0x10001
  mul t3, t3, s2
  xor t2, t2, t3
  li t4, ${salt}
  xor t2, t2, t4
${mode === "fill" ? "  sw t2, 0(t0)\n" : "  lw t5, 0(t0)\n  beq t2, t5, 3f\n  addi a0, a0, 1\n"}3: addi t0, t0, 4
  addi t1, t1, 1
  li t4, 1024
  bne t1, t4, 2b
  addi s2, s2, 1
  li t4, ${pages}
  bne s2, t4, 1b
`;
