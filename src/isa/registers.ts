// Integer register names: x0-x31 and the standard ABI names (RISC-V psABI, "Integer Register Convention").

/** ABI name of each register, indexed by register number; this is what objdump prints. */
export const ABI_NAMES: readonly string[] = [
  "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
  "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
  "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
  "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
];

const BY_NAME = new Map<string, number>();
ABI_NAMES.forEach((name, i) => {
  BY_NAME.set(name, i);
  BY_NAME.set(`x${i}`, i);
});
BY_NAME.set("fp", 8);

/** Register number for a name (`x5`, `t0`, `fp`), or undefined if it names no register. */
export function parseRegister(name: string): number | undefined {
  return BY_NAME.get(name);
}

/** Named registers the assembler and disassembler agree on. */
export const enum Reg {
  Zero = 0,
  Ra = 1,
  Sp = 2,
  T1 = 6,
}
