// The board: RAM, the clock, the TLB and the hart, wired together. The kernel builds one Machine and
// drives it through machine.cpu (run, sfenceVma, clearReservation, readCounter) and machine.ram.

import { Clock } from "./clock.js";
import { Cpu } from "./cpu.js";
import { HostDir } from "./hostdir.js";
import { Ram } from "./ram.js";
import { Tlb } from "./tlb.js";

/** How to build a Machine. */
export interface MachineOptions {
  /** Bytes of RAM: a whole number of 4 KiB pages (see Ram). */
  memBytes: number;
  /** TLB slots: a power of two (see Tlb). */
  tlbEntries: number;
  /** Verify every TLB hit against the page table (--check-tlb); slower, for finding missing sfence.vma. */
  checkTlb: boolean;
  /** A host directory exported to the guest as its file tree (--root); none if omitted. */
  root?: string;
}

/** One single-hart RV32IMA machine with Sv32 and RAM at physical address 0. Throws RangeError for bad options. */
export class Machine {
  readonly ram: Ram;
  readonly clock: Clock;
  readonly tlb: Tlb;
  readonly cpu: Cpu;
  /** The file device (src/hw/hostdir.ts), or null: then the guest's `/` is empty. */
  readonly hostdir: HostDir | null;

  constructor(o: MachineOptions) {
    this.hostdir = o.root === undefined ? null : new HostDir(o.root);
    this.ram = new Ram(o.memBytes);
    this.clock = new Clock();
    this.tlb = new Tlb(o.tlbEntries);
    this.cpu = new Cpu(this.ram, this.clock, this.tlb, { checkTlb: o.checkTlb });
  }
}
