// Linux: arch/riscv/mm/context.c: address-space identifiers. Each mm gets an ASID so that switching
// between processes needs no TLB flush: TLB entries are tagged with it. Sv32 has 9 ASID bits; when they
// run out, a new generation starts: flush the whole TLB and hand ASIDs out again.

import type { Kernel } from "../kernel.js";
import type { mm_struct } from "./mm_types.js";

const NUM_ASIDS = 1 << 9;

interface AsidState {
  next: number;
  generation: number;
  owner: Map<number, mm_struct>;
}

const states = new WeakMap<Kernel, AsidState>();

/** Give `mm` an ASID not in use (ASID 0 is never given out: it is what a bare satp uses). */
export function asid_alloc(k: Kernel, mm: mm_struct): void {
  let s = states.get(k);
  if (s === undefined) states.set(k, (s = { next: 1, generation: 0, owner: new Map() }));
  for (let tries = 0; tries < NUM_ASIDS; tries++) {
    if (s.next >= NUM_ASIDS) {
      s.next = 1;
      s.generation++;
    }
    const asid = s.next++;
    if (!s.owner.has(asid)) {
      s.owner.set(asid, mm);
      mm.asid = asid;
      // A recycled ASID may still tag entries of the mm that had it before.
      k.machine.cpu.sfenceVma(undefined, asid);
      return;
    }
  }
  // More live address spaces than ASIDs: share ASID 0 and flush on every switch to it.
  mm.asid = 0;
}

/** Return `mm`'s ASID to the pool (at exit_mmap). */
export function asid_free(k: Kernel, mm: mm_struct): void {
  const s = states.get(k);
  if (s?.owner.get(mm.asid) === mm) s.owner.delete(mm.asid);
}
