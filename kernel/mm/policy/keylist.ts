// A doubly-linked list of page keys with O(1) insert, remove and move by key: the queue of FIFO and
// Second Chance, the recency list of LRU, and Linux's four LRU lists. The head is the newest end
// (where Linux's list_add puts a page), the tail the oldest (where reclaim looks first).
//
// One node object per key, allocated when the key enters the list: lists change on page faults and
// reclaim, not on every memory reference.

interface Node {
  key: number;
  prev: Node;
  next: Node;
}

export class KeyList {
  /** A circular list through a sentinel: sentinel.next is the head, sentinel.prev the tail. */
  private readonly sentinel: Node;
  private readonly nodes = new Map<number, Node>();

  constructor() {
    const s = { key: -1 } as Node;
    s.prev = s;
    s.next = s;
    this.sentinel = s;
  }

  get size(): number {
    return this.nodes.size;
  }

  has(key: number): boolean {
    return this.nodes.has(key);
  }

  /** Add `key` at the head (newest end). The key must not be in the list. */
  pushHead(key: number): void {
    this.link(this.newNode(key), this.sentinel, this.sentinel.next);
  }

  /** Add `key` at the tail (oldest end). The key must not be in the list. */
  pushTail(key: number): void {
    this.link(this.newNode(key), this.sentinel.prev, this.sentinel);
  }

  /** Take `key` out of the list; false when it was not there. */
  remove(key: number): boolean {
    const n = this.nodes.get(key);
    if (n === undefined) return false;
    this.unlink(n);
    this.nodes.delete(key);
    return true;
  }

  /** Move `key`, which must be in the list, to the head. */
  moveToHead(key: number): void {
    const n = this.node(key);
    this.unlink(n);
    this.link(n, this.sentinel, this.sentinel.next);
  }

  /** The key at the tail (oldest), or undefined when the list is empty. */
  tail(): number | undefined {
    return this.sentinel.prev === this.sentinel ? undefined : this.sentinel.prev.key;
  }

  /** The key at the head (newest), or undefined when the list is empty. */
  head(): number | undefined {
    return this.sentinel.next === this.sentinel ? undefined : this.sentinel.next.key;
  }

  /** Remove and return the tail's key, or undefined when the list is empty. */
  popTail(): number | undefined {
    const key = this.tail();
    if (key !== undefined) this.remove(key);
    return key;
  }

  /** The keys from head (newest) to tail (oldest). */
  *keys(): IterableIterator<number> {
    for (let n = this.sentinel.next; n !== this.sentinel; n = n.next) yield n.key;
  }

  private node(key: number): Node {
    const n = this.nodes.get(key);
    if (n === undefined) throw new Error(`KeyList: key ${key} is not in the list`);
    return n;
  }

  private newNode(key: number): Node {
    if (this.nodes.has(key)) throw new Error(`KeyList: key ${key} is already in the list`);
    const n = { key } as Node;
    this.nodes.set(key, n);
    return n;
  }

  private link(n: Node, prev: Node, next: Node): void {
    n.prev = prev;
    n.next = next;
    prev.next = n;
    next.prev = n;
  }

  private unlink(n: Node): void {
    n.prev.next = n.next;
    n.next.prev = n.prev;
  }
}
