// Simulated time. The machine is a 1 GHz single-hart board: one cycle per retired instruction, plus
// the extra costs in COST for the things a real machine spends time on. Nothing in src/hw reads the
// host's clock: runs are deterministic, and a program's `rdcycle` gives the same value every time.
// docs/machine.md explains each COST figure.

/** Simulated CPU frequency: cycles per second of simulated time (a 1 GHz machine). */
export const CYCLES_PER_SECOND = 1_000_000_000;
/** Rate of the `time` CSR, in ticks per second (QEMU virt's timebase-frequency, 10 MHz). */
export const TIMEBASE_HZ = 10_000_000;
/** Cycles per `time` tick. */
export const CYCLES_PER_TICK = CYCLES_PER_SECOND / TIMEBASE_HZ;

/**
 * Extra cycles, beyond one per instruction, that an event costs. Who charges each one:
 * - the CPU charges `tlbWalk` for every page-table walk and `trapEntry` for every trap it reports;
 * - the kernel charges the rest when it does the work (`zeroPage` in Ram.zeroFrame's callers,
 *   `copyPage` around Ram.copyFrame, `diskPage` per page of swap I/O, `filePage` per page of file I/O), and `trapEntry` for a
 *   budget exit it treats as a timer interrupt.
 */
export const COST = {
  /** A TLB miss: two PTE reads, which usually hit in the data cache (~15 cycles each). */
  tlbWalk: 30,
  /** Trap entry and return: the hart's switch to S-mode plus saving and restoring 31 registers. */
  trapEntry: 100,
  /** Zeroing a 4 KiB frame: 4096 bytes at ~10 bytes per cycle (10 GB/s memory bandwidth). */
  zeroPage: 400,
  /** Copying a 4 KiB frame: a read and a write of every byte, twice the cost of zeroing. */
  copyPage: 800,
  /** Reading or writing one 4 KiB page on the swap disk: 5 ms, a hard disk's seek + rotation. */
  diskPage: 5_000_000,
  /**
   * Reading or writing one 4 KiB page of a file on the host-directory device (src/hw/hostdir.ts):
   * 100 us, an SSD's page read through virtio. A page-cache hit costs none of it.
   */
  filePage: 100_000,
} as const;

/** The `time` CSR value after `cycles` cycles: whole 10 MHz ticks. */
export function timeOf(cycles: number): number {
  return Math.floor(cycles / CYCLES_PER_TICK);
}

/**
 * The machine's cycle counter. `cycles` is exact up to 2^53 (about 104 days at 1 GHz).
 * While Cpu.run is executing, the cycles of the instructions it has retired so far are held in the
 * CPU and added when run returns; read the guest-visible value with Cpu.readCounter.
 */
export class Clock {
  cycles = 0;

  /** Add `n` cycles (a non-negative integer) of simulated time. */
  advance(n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`Clock.advance(${n}): cycles must be a non-negative integer`);
    this.cycles += n;
  }
}
