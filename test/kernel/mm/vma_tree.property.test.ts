// The VMA rbtree against a model: a sorted array of ranges. Random sequences of link, unlink and
// bounds changes; after every step the tree's invariants hold and every query agrees with a
// brute-force answer computed from the array.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KernelBug } from "../../../kernel/bug.js";
import { STACK_GUARD_GAP, VM_GROWSDOWN, VM_READ, VM_WRITE, vm_area_struct } from "../../../kernel/mm/vma.js";
import {
  find_vma, find_vma_intersection, find_vma_prev, rb_first_vma, rb_last_vma, rb_next_vma, rb_prev_vma,
  unmapped_area, unmapped_area_topdown, validate_mm_rb, vma_bounds_changed, vma_link, vma_unlink,
  type VmaOwner, type vm_unmapped_area_info,
} from "../../../kernel/mm/vma_tree.js";

const PAGE = 0x1000;
/** 8 MiB of address space, so the 1 MiB stack guard gap (256 pages) often matters. */
const SPACE_PAGES = 2048;
const ENOMEM = -12;

type Op =
  | { kind: "link"; page: number; pages: number; growsdown: boolean }
  | { kind: "unlink"; pick: number }
  | { kind: "resize"; pick: number; a: number; b: number };
interface Step {
  op: Op;
  probes: number[];
  query: Query;
  /** A second query, its limits put at a gap's edges: `pick` chooses the gap, `nudge` pages off. */
  edge: { pick: number; nudge_low: number; nudge_high: number };
}
type Query = vm_unmapped_area_info & { align_mask: number; align_offset: number };

/** Operations; `max_pages` bounds a new VMA's size, `link_weight` how often linking is tried. */
function ops(max_pages: number, link_weight: number): fc.Arbitrary<Op> {
  return fc.oneof(
    { weight: link_weight, arbitrary: fc.record({
      kind: fc.constant("link" as const),
      page: fc.nat(SPACE_PAGES - 1),
      pages: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: max_pages })),
      growsdown: fc.boolean(),
    }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("unlink" as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("resize" as const), pick: fc.nat(), a: fc.nat(), b: fc.nat() }) },
  );
}

const query = fc.record({
  length: fc.integer({ min: 1, max: 400 }).map((p) => p * PAGE),
  low_limit: fc.nat(SPACE_PAGES).map((p) => p * PAGE),
  span: fc.oneof(fc.nat(SPACE_PAGES + 300).map((p) => p * PAGE), fc.constant(2 ** 32)),
  align_mask: fc.constantFrom(0, 0x1000, 0x3000, 0xf000, 0x3f000),
  align_offset: fc.nat(0xff).map((p) => p * PAGE),
}).map(({ span, ...q }) => ({ ...q, high_limit: Math.min(q.low_limit + span, 2 ** 32) }));

function steps(max_pages: number, link_weight: number, length: { minLength: number; maxLength: number }): fc.Arbitrary<Step[]> {
  const step = fc.record({
    op: ops(max_pages, link_weight),
    probes: fc.array(fc.nat(SPACE_PAGES * PAGE + 2 * PAGE), { maxLength: 4 }),
    query,
    edge: fc.record({ pick: fc.nat(), nudge_low: fc.integer({ min: -1, max: 1 }), nudge_high: fc.integer({ min: -1, max: 1 }) }),
  });
  return fc.array(step, length);
}

function new_mm(): VmaOwner {
  return { mm_rb: { rb_node: null }, mmap: null, map_count: 0, highest_vm_end: 0 };
}

// ---- Brute-force answers from the sorted array ----------------------------------------------------

function model_find(model: vm_area_struct[], addr: number): vm_area_struct | null {
  return model.find((v) => v.vm_end > addr) ?? null;
}

const start_gap = (v: vm_area_struct): number =>
  v.vm_flags & VM_GROWSDOWN ? Math.max(0, v.vm_start - STACK_GUARD_GAP) : v.vm_start;

/** Every free gap [start, end) in address order, the last one open-ended. */
function model_gaps(model: vm_area_struct[]): { start: number; end: number }[] {
  const gaps = model.map((v, i) => ({ start: i > 0 ? model[i - 1]!.vm_end : 0, end: start_gap(v) }));
  gaps.push({ start: model.length > 0 ? model[model.length - 1]!.vm_end : 0, end: Infinity });
  return gaps;
}

/**
 * Linux's contract: the first gap (lowest, or highest for top-down) whose part inside
 * [low_limit, high_limit) holds length + align_mask bytes; the range goes at its bottom (top),
 * moved to the alignment.
 */
function model_unmapped_area(model: vm_area_struct[], q: Query, topdown: boolean): number {
  const need = q.length + q.align_mask;
  const gaps = model_gaps(model);
  if (topdown) gaps.reverse();
  for (const gap of gaps) {
    const lo = Math.max(gap.start, q.low_limit);
    const hi = Math.min(gap.end, q.high_limit);
    if (hi - lo < need) continue;
    if (!topdown) return lo + (((q.align_offset - lo) & q.align_mask) >>> 0);
    const top = hi - q.length;
    return top - (((top - q.align_offset) & q.align_mask) >>> 0);
  }
  return ENOMEM;
}

// ---- The checks after each step -------------------------------------------------------------------

function check(mm: VmaOwner, model: vm_area_struct[], s: Step): void {
  expect(validate_mm_rb(mm)).toBeNull();

  const forward: vm_area_struct[] = [];
  for (let v = rb_first_vma(mm); v !== null; v = rb_next_vma(v)) forward.push(v);
  const backward: vm_area_struct[] = [];
  for (let v = rb_last_vma(mm); v !== null; v = rb_prev_vma(v)) backward.unshift(v);
  const listed: vm_area_struct[] = [];
  for (let v = mm.mmap; v !== null; v = v.vm_next) listed.push(v);
  expect_same_vmas(forward, model, "rb_first_vma/rb_next_vma");
  expect_same_vmas(backward, model, "rb_last_vma/rb_prev_vma");
  expect_same_vmas(listed, model, "mm->mmap");

  const addrs = [0, ...s.probes];
  for (const v of model) addrs.push(v.vm_start - 1, v.vm_start, v.vm_end - 1, v.vm_end);
  for (const addr of addrs) {
    if (addr < 0) continue;
    const want = model_find(model, addr);
    const want_prev = want !== null ? (model[model.indexOf(want) - 1] ?? null) : (model[model.length - 1] ?? null);
    const got = find_vma_prev(mm, addr);
    const end = addr + PAGE;
    // (Plain comparisons, not expect(): VMAs are cyclic graphs, and this runs a million times.)
    if (find_vma(mm, addr) !== want) expect.fail(`find_vma(${addr.toString(16)})`);
    if (got.vma !== want || got.prev !== want_prev) expect.fail(`find_vma_prev(${addr.toString(16)})`);
    if (find_vma_intersection(mm, addr, end) !== (want !== null && want.vm_start < end ? want : null)) {
      expect.fail(`find_vma_intersection(${addr.toString(16)}, ${end.toString(16)})`);
    }
  }

  // The edge query: a gap of exactly the length wanted, give or take a page at either end.
  const gaps = model_gaps(model);
  const gap = gaps[s.edge.pick % gaps.length]!;
  const edge: Query = { ...s.query, align_mask: 0, low_limit: Math.max(0, gap.start + s.edge.nudge_low * PAGE) };
  edge.high_limit = Math.min(gap.end + s.edge.nudge_high * PAGE, 2 ** 32);
  edge.length = Math.max(PAGE, edge.high_limit - edge.low_limit - (s.edge.pick % 2) * PAGE);
  for (const q of [s.query, edge]) check_unmapped_area(mm, model, q);
}

function check_unmapped_area(mm: VmaOwner, model: vm_area_struct[], q: Query): void {
  for (const topdown of [false, true]) {
    const got = topdown ? unmapped_area_topdown(mm, q) : unmapped_area(mm, q);
    expect(got, `${topdown ? "unmapped_area_topdown" : "unmapped_area"}(${JSON.stringify(q)})`)
      .toBe(model_unmapped_area(model, q, topdown));
    if (got === ENOMEM) continue;
    // Independently of the model: inside the limits, aligned, overlapping no VMA, and below the
    // guard gap of the VMA just above (Linux checks a guard gap only against the VMA below it).
    const end = got + q.length;
    expect(got >= q.low_limit && end <= q.high_limit).toBe(true);
    expect((got - q.align_offset) & q.align_mask).toBe(0);
    expect(model.some((v) => v.vm_start < end && got < v.vm_end)).toBe(false);
    const above = model.find((v) => v.vm_start >= end);
    if (above !== undefined) expect(end <= start_gap(above)).toBe(true);
  }
}

function expect_same_vmas(got: vm_area_struct[], want: vm_area_struct[], what: string): void {
  if (got.length !== want.length || got.some((v, i) => v !== want[i])) {
    expect.fail(`${what} gives ${got.length} VMAs, not the model's ${want.length} in order`);
  }
}

function apply(mm: VmaOwner, model: vm_area_struct[], op: Op): void {
  switch (op.kind) {
    case "link": {
      const start = op.page * PAGE;
      const end = Math.min(op.page + op.pages, SPACE_PAGES) * PAGE;
      const vma = new vm_area_struct(mm, start, end, VM_READ | VM_WRITE | (op.growsdown ? VM_GROWSDOWN : 0), op.page);
      if (model.some((v) => v.vm_start < end && start < v.vm_end)) {
        expect(() => vma_link(mm, vma)).toThrow(KernelBug); // and the tree is left as it was
        return;
      }
      vma_link(mm, vma);
      model.push(vma);
      model.sort((x, y) => x.vm_start - y.vm_start);
      return;
    }
    case "unlink": {
      if (model.length === 0) return;
      const [vma] = model.splice(op.pick % model.length, 1);
      vma_unlink(mm, vma!);
      return;
    }
    case "resize": {
      // New bounds anywhere in the free space around the VMA (touching the neighbours is allowed).
      if (model.length === 0) return;
      const i = op.pick % model.length;
      const vma = model[i]!;
      const lo = i > 0 ? model[i - 1]!.vm_end / PAGE : 0;
      const hi = i + 1 < model.length ? model[i + 1]!.vm_start / PAGE : SPACE_PAGES;
      const a = lo + (op.a % (hi - lo + 1));
      const b = lo + (op.b % (hi - lo + 1));
      if (a === b) return;
      vma.vm_start = Math.min(a, b) * PAGE;
      vma.vm_end = Math.max(a, b) * PAGE;
      vma_bounds_changed(mm, vma);
      return;
    }
  }
}

function run(steps: Step[]): void {
  const mm = new_mm();
  const model: vm_area_struct[] = [];
  for (const s of steps) {
    apply(mm, model, s.op);
    check(mm, model, s);
  }
}

describe("VMA tree against a sorted-array model", () => {
  it("keeps every invariant and answers every query like the model, after every step", () => {
    fc.assert(fc.property(steps(300, 3, { minLength: 0, maxLength: 80 }), run), { numRuns: 300 });
  });

  it("does so for long sequences of small VMAs, building trees of 100 to 250", () => {
    fc.assert(fc.property(steps(4, 12, { minLength: 400, maxLength: 500 }), run), { numRuns: 10 });
  });
});
