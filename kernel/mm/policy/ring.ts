// The clock face shared by CLOCK, Enhanced CLOCK and WSClock: a circular array of slots, each
// holding one resident page's key (or nothing), and a hand that sweeps it. A policy keeps its
// per-page state (a soft referenced bit, a time of last use) in its own arrays indexed by slot.
//
// As in the textbook clock, the page that replaces a victim goes into the victim's slot, just behind
// the hand, so it waits a whole turn before the hand looks at it again. Slots freed for other reasons
// (remove()) are reused next; the ring grows at the end when every slot is taken.

export const EMPTY = -1;

export class ClockRing {
  /** Slot -> resident key, or EMPTY. */
  readonly keys: number[] = [];
  /** The slot the hand points at. */
  hand = 0;
  private readonly slotOf = new Map<number, number>();
  private readonly freeSlots: number[] = [];
  /** The slot evictAtHand() emptied last: the next insert goes there. */
  private lastEvicted = -1;

  /** Pages in the ring. */
  get size(): number {
    return this.slotOf.size;
  }

  /** The slot holding `key`, or undefined. */
  slot(key: number): number | undefined {
    return this.slotOf.get(key);
  }

  /** Put `key` (not yet in the ring) into a free slot and return the slot. */
  place(key: number): number {
    if (this.slotOf.has(key)) throw new Error(`ClockRing: key ${key} is already resident`);
    let s: number;
    if (this.lastEvicted >= 0 && this.keys[this.lastEvicted] === EMPTY) s = this.lastEvicted;
    else {
      // Entries of freeSlots may be stale (a slot refilled through lastEvicted): skip the taken ones.
      do s = this.freeSlots.pop() ?? this.keys.length;
      while (s < this.keys.length && this.keys[s] !== EMPTY);
    }
    this.lastEvicted = -1;
    this.keys[s] = key;
    this.slotOf.set(key, s);
    return s;
  }

  /** Forget `key` (it left for a reason of its own); its slot becomes free. False if absent. */
  remove(key: number): boolean {
    const s = this.slotOf.get(key);
    if (s === undefined) return false;
    this.empty(s);
    this.freeSlots.push(s);
    return true;
  }

  /** Evict the page under the hand and advance the hand; the next place() reuses this slot. */
  evictAtHand(): number {
    const key = this.keys[this.hand]!;
    if (key === EMPTY) throw new Error("ClockRing: no page under the hand");
    this.empty(this.hand);
    this.freeSlots.push(this.hand);
    this.lastEvicted = this.hand;
    this.advance();
    return key;
  }

  /** Move the hand to the first page at or after it (the ring must hold a page). */
  seekPage(): void {
    if (this.size === 0) throw new Error("ClockRing: empty");
    while (this.keys[this.hand] === EMPTY) this.advance();
  }

  /** Move the hand one slot clockwise. */
  advance(): void {
    this.hand = this.hand + 1 >= this.keys.length ? 0 : this.hand + 1;
  }

  private empty(s: number): void {
    this.slotOf.delete(this.keys[s]!);
    this.keys[s] = EMPTY;
  }
}
