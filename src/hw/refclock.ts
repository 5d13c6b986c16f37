// The reference clock: the textbook's hardware for exact LRU (Silberschatz, Operating System
// Concepts, §10.4.4, "counters"): a logical clock that ticks on every memory reference and is copied
// into a time-of-use register of the frame referenced. Real MMUs do not have it, because it costs a
// memory write per access; this board has it as an option that is off unless the kernel switches
// it on (Cpu.setReferenceClock), because while it is on every fetch, load and store takes the
// load/store unit's slow path: the TLB's fast-path tags stay empty, as with --check-tlb.
//
// What counts as a reference is page-granular: the page an access touches, with consecutive
// references to the same page (same address space, same virtual page) counted once. While the clock
// is on, the CPU also re-translates the fetch page after every data access, so a loop's code page
// shows up between the data pages it touches (fetch C, load D, fetch C, ...), as it would in a
// hardware trace of the bus.
//
// `time` is the number of references so far (Denning's process virtual time, for all processes
// together). `lastUse[pfn]` is the time of the frame's last reference (0: never since the clock
// started). `onReference`, when set, sees each reference as it is counted (the kernel records the
// reference string through it).

export class ReferenceClock {
  /** References counted so far. */
  time = 0;
  /** Per frame: `time` at its last reference, 0 if none. */
  readonly lastUse: Float64Array;
  /**
   * Called with each reference counted: the TLB key (`asid << 20 | vpn`) and the frame. Null: none
   * (the default).
   */
  onReference: ((key: number, pfn: number) => void) | null = null;
  /** The TLB key of the last reference counted, so that a repeat is not counted again. */
  private lastKey = -1;

  constructor(frames: number) {
    this.lastUse = new Float64Array(frames);
  }

  /** An access to the page `key` (`asid << 20 | vpn`), held in frame `pfn`. */
  reference(key: number, pfn: number): void {
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.time++;
      if (this.onReference !== null) this.onReference(key, pfn);
    }
    this.lastUse[pfn] = this.time;
  }
}
