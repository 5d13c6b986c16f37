// A binary heap of page keys that knows where each key is, so that a key's priority can change in
// place (update) and any key can leave (remove) in O(log n). The policies that rank every resident
// page by a number (OPT by next use, LFU and MFU by count, aging by register) keep their pages here
// instead of scanning all of them at every fault. The ranking is the policy's: `before(a, b)` says
// whether a should be evicted before b, reading the policy's own per-key records.

export class KeyHeap {
  private readonly keys: number[] = [];
  private readonly index = new Map<number, number>(); // key -> position in keys

  constructor(private readonly before: (a: number, b: number) => boolean) {}

  get size(): number {
    return this.keys.length;
  }

  has(key: number): boolean {
    return this.index.has(key);
  }

  /** Add `key` (not yet in the heap), ranked by `before` as it stands now. */
  push(key: number): void {
    if (this.index.has(key)) throw new Error(`KeyHeap: key ${key} is already in the heap`);
    this.keys.push(key);
    this.index.set(key, this.keys.length - 1);
    this.up(this.keys.length - 1);
  }

  /** The key to evict first, or undefined when empty. */
  peek(): number | undefined {
    return this.keys[0];
  }

  /** Remove and return the key to evict first, or undefined when empty. */
  pop(): number | undefined {
    const top = this.keys[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Take `key` out; false when it was not there. */
  remove(key: number): boolean {
    const i = this.index.get(key);
    if (i === undefined) return false;
    const last = this.keys.pop()!;
    this.index.delete(key);
    if (i < this.keys.length) {
      this.keys[i] = last;
      this.index.set(last, i);
      this.update(last);
    }
    return true;
  }

  /** Re-rank `key` after its record changed. */
  update(key: number): void {
    const i = this.index.get(key);
    if (i !== undefined) this.down(this.up(i));
  }

  /** Empty the heap and refill it with `keys` (O(n)), after the records of many keys changed. */
  rebuild(keys: Iterable<number>): void {
    this.keys.length = 0;
    this.index.clear();
    for (const k of keys) {
      this.index.set(k, this.keys.length);
      this.keys.push(k);
    }
    for (let i = (this.keys.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private up(i: number): number {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(this.keys[i]!, this.keys[parent]!)) break;
      this.swap(i, parent);
      i = parent;
    }
    return i;
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let first = i;
      if (l < this.keys.length && this.before(this.keys[l]!, this.keys[first]!)) first = l;
      if (r < this.keys.length && this.before(this.keys[r]!, this.keys[first]!)) first = r;
      if (first === i) return;
      this.swap(i, first);
      i = first;
    }
  }

  private swap(i: number, j: number): void {
    const a = this.keys[i]!;
    const b = this.keys[j]!;
    this.keys[i] = b;
    this.keys[j] = a;
    this.index.set(b, i);
    this.index.set(a, j);
  }
}
