// The board: RAM, the clock, the TLB and the hart, wired together. The kernel builds one Machine and
// drives it through machine.cpu (run, sfenceVma, clearReservation, readCounter) and machine.ram.

import { Clock } from "./clock.js";
import { Cpu } from "./cpu.js";
import { HostDir } from "./hostdir.js";
import { Ram } from "./ram.js";
import { ReferenceClock } from "./refclock.js";
import { SwapDevice } from "./swapdev.js";
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
  /** Export `root` read-only: every change the guest tries is -EROFS. */
  readOnlyRoot?: boolean;
  /** Bytes of swap disk (--swap): a whole number of 4 KiB slots, at least 2; none if omitted or 0. */
  swapBytes?: number;
  /** A host file to back the swap disk (--swap-file), created or truncated; in memory if omitted. */
  swapFile?: string;
  /** Cycles per page read or written on the swap disk (--swap-latency); COST.diskPage if omitted. */
  swapLatencyCycles?: number;
}

/** One single-hart RV32IMA machine with Sv32 and RAM at physical address 0. Throws RangeError for bad options. */
export class Machine {
  readonly ram: Ram;
  readonly clock: Clock;
  readonly tlb: Tlb;
  readonly cpu: Cpu;
  /** The reference clock (refclock.ts): off until the kernel switches it on with cpu.setReferenceClock. */
  readonly refs: ReferenceClock;
  /** The file device (src/hw/hostdir.ts), or null: then the guest's `/` is empty. */
  readonly hostdir: HostDir | null;
  /** The swap disk (src/hw/swapdev.ts), or null: then the kernel has no swap, as a fresh Linux box. */
  readonly swap: SwapDevice | null;

  constructor(o: MachineOptions) {
    this.hostdir = o.root === undefined ? null : new HostDir(o.root, o.readOnlyRoot ?? false);
    this.ram = new Ram(o.memBytes);
    this.clock = new Clock();
    this.swap = o.swapBytes === undefined || o.swapBytes === 0 ? null
      : new SwapDevice(this.clock, { bytes: o.swapBytes, file: o.swapFile, latencyCycles: o.swapLatencyCycles });
    this.tlb = new Tlb(o.tlbEntries);
    this.cpu = new Cpu(this.ram, this.clock, this.tlb, { checkTlb: o.checkTlb });
    this.refs = new ReferenceClock(this.ram.frames);
  }
}
