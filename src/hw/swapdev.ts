// The board's swap disk: a block device of 4 KiB slots, the one place a swapped-out page's bytes
// live. It is backed by memory (an ArrayBuffer) or by a file on the host (`vmos run --swap-file`),
// which is created, or truncated, to the device's size. The kernel (kernel/mm/page_io.ts) moves whole
// pages: read(slot, into) and write(slot, from).
//
// Time is simulated, as everywhere on the board: a page read or written takes `latency` cycles
// (COST.diskPage, 5 ms: a hard disk's seek and rotation) and the disk serves one request at a time,
// in the order they arrive. A request that finds the disk busy waits for the ones before it:
//
//     completion = max(now, busy_until) + latency;     busy_until = completion
//
// The bytes move at once (the model has no reordering, so nothing can observe the difference); what
// the caller gets back is the cycle at which the request completes, and waiting for that cycle is the
// kernel's business (a task sleeps, or a write is left to finish on its own). Imports nothing from
// kernel/.

import * as fs from "node:fs";
import { COST, type Clock } from "./clock.js";

/** Bytes per slot: one Sv32 page. */
export const SWAP_SLOT_SIZE = 4096;

/** How to build a SwapDevice. */
export interface SwapDeviceOptions {
  /** Size in bytes: a whole number of slots, at least two (slot 0 is the swap header's). */
  bytes: number;
  /** A host file to hold the slots (created or truncated to `bytes`); in memory if omitted. */
  file?: string;
  /** Cycles one page read or write takes; COST.diskPage (5 ms) if omitted. A whole number >= 0. */
  latencyCycles?: number;
}

/** What the device has done, for --stats and tests. */
export interface SwapDeviceStats {
  reads: number;
  writes: number;
  /** Cycles requests spent waiting for the disk to finish earlier ones. */
  queuedCycles: number;
}

/** One swap disk. Throws RangeError for bad options, and the host's error if the file cannot be made. */
export class SwapDevice {
  /** Slots on the device (its size / 4096). */
  readonly slots: number;
  readonly bytes: number;
  /** The host file behind it, or null for a memory-backed device. */
  readonly path: string | null;
  /** Cycles per page transferred. */
  readonly latency: number;
  /** The cycle at which the disk finishes the last request it was given (0: idle since boot). */
  busy_until = 0;
  readonly stats: SwapDeviceStats = { reads: 0, writes: 0, queuedCycles: 0 };
  private readonly mem: Uint8Array | null;
  private fd: number | null;

  constructor(private readonly clock: Clock, o: SwapDeviceOptions) {
    const { bytes } = o;
    if (!Number.isInteger(bytes) || bytes < 2 * SWAP_SLOT_SIZE || bytes % SWAP_SLOT_SIZE !== 0 || bytes > 2 ** 40) {
      throw new RangeError(`swap size ${bytes} must be a whole number of ${SWAP_SLOT_SIZE}-byte slots, at least 2`);
    }
    const latency = o.latencyCycles ?? COST.diskPage;
    if (!Number.isInteger(latency) || latency < 0) throw new RangeError(`swap latency ${latency} must be a whole number of cycles >= 0`);
    this.bytes = bytes;
    this.slots = bytes / SWAP_SLOT_SIZE;
    this.latency = latency;
    this.path = o.file ?? null;
    if (o.file === undefined) {
      this.mem = new Uint8Array(bytes);
      this.fd = null;
    } else {
      this.mem = null;
      this.fd = fs.openSync(o.file, "w+");
      try {
        fs.ftruncateSync(this.fd, bytes);
      } catch (err) {
        fs.closeSync(this.fd);
        throw err;
      }
    }
  }

  /** When a request given now completes, and the disk is busy until then. */
  private submit(): number {
    const now = this.clock.cycles;
    const start = Math.max(now, this.busy_until);
    this.stats.queuedCycles += start - now;
    this.busy_until = start + this.latency;
    return this.busy_until;
  }

  private checkSlot(slot: number, buf: Uint8Array): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.slots) throw new RangeError(`swap slot ${slot} is outside the device (0..${this.slots - 1})`);
    if (buf.length !== SWAP_SLOT_SIZE) throw new RangeError(`swap I/O moves whole ${SWAP_SLOT_SIZE}-byte pages, not ${buf.length} bytes`);
    if (this.mem === null && this.fd === null) throw new Error(`swap device ${this.path} is closed`);
  }

  /** Read slot `slot` into `into` (4096 bytes). Returns the cycle at which the read completes. */
  read(slot: number, into: Uint8Array): number {
    this.checkSlot(slot, into);
    if (this.mem !== null) into.set(this.mem.subarray(slot * SWAP_SLOT_SIZE, (slot + 1) * SWAP_SLOT_SIZE));
    else {
      const n = fs.readSync(this.fd!, into, 0, SWAP_SLOT_SIZE, slot * SWAP_SLOT_SIZE);
      if (n < SWAP_SLOT_SIZE) into.fill(0, n); // the host file shrank under us: read zeros, as a hole
    }
    this.stats.reads++;
    return this.submit();
  }

  /** Write `from` (4096 bytes) to slot `slot`. Returns the cycle at which the write completes. */
  write(slot: number, from: Uint8Array): number {
    this.checkSlot(slot, from);
    if (this.mem !== null) this.mem.set(from, slot * SWAP_SLOT_SIZE);
    else fs.writeSync(this.fd!, from, 0, SWAP_SLOT_SIZE, slot * SWAP_SLOT_SIZE);
    this.stats.writes++;
    return this.submit();
  }

  /** Let go of the host file; reads and writes throw afterwards. A memory-backed device has nothing to let go of. */
  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
