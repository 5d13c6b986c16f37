// Exception causes the CPU reports (the `scause` codes of the RISC-V privileged spec, table
// "Supervisor cause register (scause) values after trap"). Only the ones a U-mode RV32IMA program can
// raise exist here: vmos has no interrupts (the scheduler's quantum is the run budget instead).

/** Why Cpu.run stopped with Exit.Trap; the value is the scause code. */
export const enum Cause {
  InstructionMisaligned = 0,
  InstructionAccessFault = 1,
  IllegalInstruction = 2,
  Breakpoint = 3,
  LoadMisaligned = 4,
  LoadAccessFault = 5,
  StoreMisaligned = 6,
  StoreAccessFault = 7,
  EcallFromU = 8,
  InstructionPageFault = 12,
  LoadPageFault = 13,
  StorePageFault = 15,
}

const NAMES: Record<number, string> = {
  0: "instruction address misaligned",
  1: "instruction access fault",
  2: "illegal instruction",
  3: "breakpoint",
  4: "load address misaligned",
  5: "load access fault",
  6: "store/AMO address misaligned",
  7: "store/AMO access fault",
  8: "environment call from U-mode",
  12: "instruction page fault",
  13: "load page fault",
  15: "store/AMO page fault",
};

/** The privileged spec's name for a cause code ("load page fault"), or "cause N" for unknown codes. */
export function causeName(cause: number): string {
  return NAMES[cause] ?? `cause ${cause}`;
}

/** True for the three page-fault causes (12, 13, 15), the ones Linux's do_page_fault handles. */
export function isPageFault(cause: number): boolean {
  return cause === Cause.InstructionPageFault || cause === Cause.LoadPageFault || cause === Cause.StorePageFault;
}
