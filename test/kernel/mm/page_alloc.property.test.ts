// The buddy allocator against a model that is obviously right: a bitmap of free frames.
// Random sequences of alloc_pages / get_page / __free_pages on RAM sizes that are often not powers of
// two; after every step the allocator must agree with the model, and after freeing everything it must
// be back to its boot layout (full coalescing).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_ORDER, __free_pages, alloc_pages, check_buddy, mem_init, nr_free_pages, type zone,
} from "../../../kernel/mm/page_alloc.js";
import { get_page, type page } from "../../../kernel/mm/page.js";

type Op =
  | { kind: "alloc"; order: number }
  | { kind: "get"; pick: number }   // take another reference on a live block
  | { kind: "put"; pick: number };  // drop one reference on a live block

const order = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 2 }), weight: 6 },
  { arbitrary: fc.integer({ min: 0, max: MAX_ORDER }), weight: 1 }, // MAX_ORDER itself must fail
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: order.map((o) => ({ kind: "alloc" as const, order: o })), weight: 5 },
  { arbitrary: fc.nat().map((n) => ({ kind: "get" as const, pick: n })), weight: 1 },
  { arbitrary: fc.nat().map((n) => ({ kind: "put" as const, pick: n })), weight: 5 },
);
const frames = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 2100 }));

interface Live { p: page; order: number; refs: number }

/** Whether the model has an aligned run of 2^order free frames inside RAM. */
function modelHasBlock(free: Uint8Array, order: number): boolean {
  const n = 1 << order;
  for (let start = 0; start + n <= free.length; start += n) {
    let i = 0;
    while (i < n && free[start + i]) i++;
    if (i === n) return true;
  }
  return false;
}

/** The free lists as sorted pfn sets per order: the boot layout is what full coalescing must restore. */
function layout(z: zone): number[][] {
  return z.free_area.map((area) => {
    const pfns: number[] = [];
    for (let p = area.free_list; p !== null; p = p.lru_next) pfns.push(p.pfn);
    return pfns.sort((a, b) => a - b);
  });
}

function run(nr: number, ops: Op[], freeOrder: number[]): void {
  const z = mem_init(nr).zone;
  const free = new Uint8Array(nr).fill(1);
  let nrFree = nr;
  const live: Live[] = [];
  const put = (i: number): void => {
    const b = live[i]!;
    __free_pages(z, b.p, b.order);
    if (--b.refs > 0) return;
    for (let k = 0; k < 1 << b.order; k++) free[b.p.pfn + k] = 1;
    nrFree += 1 << b.order;
    live.splice(i, 1);
  };
  const check = (): void => {
    expect(check_buddy(z)).toBeNull();
    expect(nr_free_pages(z)).toBe(nrFree);
  };
  for (const o of ops) {
    if (o.kind === "alloc") {
      const p = alloc_pages(z, o.order);
      if (p === null) {
        // Fully coalesced free lists fail exactly when no aligned free run of that size exists.
        expect(o.order >= MAX_ORDER || !modelHasBlock(free, o.order)).toBe(true);
      } else {
        const n = 1 << o.order;
        expect(p.pfn % n).toBe(0);
        expect(p.pfn + n).toBeLessThanOrEqual(nr);
        for (let k = 0; k < n; k++) {
          expect(free[p.pfn + k]).toBe(1); // not overlapping any live block
          free[p.pfn + k] = 0;
        }
        expect(p._refcount).toBe(1);
        nrFree -= n;
        live.push({ p, order: o.order, refs: 1 });
      }
    } else if (live.length > 0) {
      const i = o.pick % live.length;
      if (o.kind === "get") {
        get_page(live[i]!.p);
        live[i]!.refs++;
      } else {
        put(i);
      }
    }
    check();
  }
  // Free everything left, in a random order, dropping every reference.
  for (const pick of freeOrder) {
    if (live.length === 0) break;
    put(pick % live.length);
  }
  while (live.length > 0) put(live.length - 1);
  check();
  expect(nrFree).toBe(nr);
  expect(layout(z)).toEqual(layout(mem_init(nr).zone));
  expect(z.pgfree - nr).toBe(z.pgalloc); // boot frees count in pgfree
}

describe("buddy allocator against a free-frame bitmap", () => {
  it("agrees with the model after every step and coalesces fully at the end", () => {
    fc.assert(
      fc.property(frames, fc.array(op, { maxLength: 150 }), fc.array(fc.nat(), { maxLength: 60 }), run),
      { numRuns: 200 },
    );
  });

  it("survives filling RAM completely with single pages and emptying it in random order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.array(fc.nat(), { maxLength: 300 }), (nr, freeOrder) => {
        run(nr, Array.from({ length: nr + 1 }, () => ({ kind: "alloc" as const, order: 0 })), freeOrder);
      }),
      { numRuns: 50 },
    );
  });
});
