// The VMA rbtree by hand: balance after known insertion orders, the three kinds of erase, the stack
// guard gap in the free-space search, and validate_mm_rb() catching each kind of corruption.

import { describe, expect, it } from "vitest";
import { KernelBug } from "../../../kernel/bug.js";
import { RB_BLACK, RB_RED, rb_erase, rb_insert_color, rb_link_node, rb_validate, type rb_node, type rb_root as rb_tree } from "../../../kernel/mm/rbtree.js";
import {
  STACK_GUARD_GAP, VM_ACCOUNT, VM_DATA_DEFAULT_FLAGS, VM_DONTCOPY, VM_GROWSDOWN, VM_LOCKED, VM_MAYEXEC, VM_MAYREAD,
  VM_MAYSHARE, VM_MAYWRITE, VM_MERGEABLE, VM_NORESERVE, VM_READ, VM_SHARED, VM_STACK, VM_STACK_FLAGS, VM_WRITE,
  VM_EXEC, vm_area_struct, vm_end_gap, vm_start_gap, vma_compute_gap, vma_pages,
} from "../../../kernel/mm/vma.js";
import {
  find_vma, find_vma_intersection, find_vma_prev, rb_first_vma, rb_next_vma, unmapped_area, unmapped_area_topdown,
  validate_mm_rb, vma_bounds_changed, vma_link, vma_unlink, type VmaOwner,
} from "../../../kernel/mm/vma_tree.js";

const PAGE = 0x1000;
const MiB = 0x10_0000;
const ENOMEM = -12;

function new_mm(): VmaOwner {
  return { mm_rb: { rb_node: null }, mmap: null, map_count: 0, highest_vm_end: 0 };
}

/** Link a VMA [start, end) with `flags` into mm and return it. */
function map(mm: VmaOwner, start: number, end: number, flags = VM_READ | VM_WRITE): vm_area_struct {
  const vma = new vm_area_struct(mm, start, end, flags, start / PAGE);
  vma_link(mm, vma);
  return vma;
}

/** VMA i of a test layout: one page at (2i+1) pages, so every VMA has a one-page gap below it. */
const slot = (i: number): [number, number] => [(2 * i + 1) * PAGE, (2 * i + 2) * PAGE];

function height(node: vm_area_struct | null): number {
  return node === null ? 0 : 1 + Math.max(height(node.rb_left), height(node.rb_right));
}

function in_order(mm: VmaOwner): vm_area_struct[] {
  const out: vm_area_struct[] = [];
  for (let v = rb_first_vma(mm); v !== null; v = rb_next_vma(v)) out.push(v);
  return out;
}

describe("vm_flags and the per-VMA helpers", () => {
  it("use Linux 5.15's values", () => {
    expect([VM_READ, VM_WRITE, VM_EXEC, VM_SHARED, VM_MAYREAD, VM_MAYWRITE, VM_MAYEXEC, VM_MAYSHARE, VM_GROWSDOWN])
      .toEqual([0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x100]);
    expect([VM_LOCKED, VM_DONTCOPY, VM_ACCOUNT, VM_NORESERVE, VM_MERGEABLE]).toEqual([0x2000, 0x20000, 0x100000, 0x200000, 0x80000000]);
    expect(VM_STACK).toBe(VM_GROWSDOWN);
    expect(VM_DATA_DEFAULT_FLAGS).toBe(0x73); // rw-, may rwx: riscv's VM_DATA_FLAGS_NON_EXEC
    expect(VM_STACK_FLAGS).toBe(0x100173);
    expect(STACK_GUARD_GAP).toBe(MiB);
  });

  it("put a stack's guard gap below it, clamped at address 0", () => {
    const mm = new_mm();
    const stack = new vm_area_struct(mm, 0x40_0000, 0x50_0000, VM_READ | VM_WRITE | VM_GROWSDOWN, 0);
    expect([vm_start_gap(stack), vm_end_gap(stack), vma_pages(stack)]).toEqual([0x30_0000, 0x50_0000, 256]);
    const low = new vm_area_struct(mm, 0x8_0000, 0x9_0000, VM_GROWSDOWN, 0);
    expect(vm_start_gap(low)).toBe(0);
    const heap = new vm_area_struct(mm, 0x8_0000, 0x9_0000, VM_READ | VM_WRITE, 0);
    expect(vm_start_gap(heap)).toBe(0x8_0000);
  });
});

describe("VMA tree shape", () => {
  for (const [name, order] of [
    ["ascending", (n: number) => Array.from({ length: n }, (_, i) => i)],
    ["descending", (n: number) => Array.from({ length: n }, (_, i) => n - 1 - i)],
    ["zig-zag from both ends", (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? i / 2 : n - 1 - (i - 1) / 2))],
  ] as const) {
    it(`stays balanced when 1000 VMAs are linked in ${name} order`, () => {
      const mm = new_mm();
      const n = 1000;
      for (const i of order(n)) {
        map(mm, ...slot(i));
        expect(validate_mm_rb(mm)).toBeNull();
      }
      expect(mm.map_count).toBe(n);
      expect(height(mm.mm_rb.rb_node)).toBeLessThanOrEqual(2 * Math.log2(n + 1));
      expect(in_order(mm).map((v) => v.vm_start)).toEqual(Array.from({ length: n }, (_, i) => slot(i)[0]));
      // Unlinking every other one, then the rest, keeps it valid and balanced all the way down.
      for (const v of in_order(mm).filter((_, i) => i % 2 === 1)) vma_unlink(mm, v);
      expect(validate_mm_rb(mm)).toBeNull();
      expect(height(mm.mm_rb.rb_node)).toBeLessThanOrEqual(2 * Math.log2(mm.map_count + 1));
      while (mm.mmap !== null) {
        vma_unlink(mm, mm.mmap);
        expect(validate_mm_rb(mm)).toBeNull();
      }
      expect([mm.map_count, mm.highest_vm_end, mm.mm_rb.rb_node]).toEqual([0, 0, null]);
    });
  }

  it("erases the root, a leaf and an inner node with two children", () => {
    const mm = new_mm();
    const vmas = Array.from({ length: 31 }, (_, i) => map(mm, ...slot(i)));
    const kinds = {
      root: (v: vm_area_struct) => v === mm.mm_rb.rb_node,
      leaf: (v: vm_area_struct) => v.rb_left === null && v.rb_right === null,
      "two-children": (v: vm_area_struct) => v !== mm.mm_rb.rb_node && v.rb_left !== null && v.rb_right !== null,
    };
    let left = [...vmas];
    for (const [kind, is] of Object.entries(kinds)) {
      const victim = left.find(is);
      expect(victim, kind).toBeDefined();
      vma_unlink(mm, victim!);
      left = left.filter((v) => v !== victim);
      expect(validate_mm_rb(mm), `after erasing a ${kind}`).toBeNull();
      expect(in_order(mm)).toEqual(left);
      expect(find_vma(mm, victim!.vm_start)).toBe(left.find((v) => v.vm_end > victim!.vm_start) ?? null);
      expect([victim!.rb_parent, victim!.rb_left, victim!.rb_right, victim!.vm_next, victim!.vm_prev]).toEqual([null, null, null, null, null]);
    }
    expect(mm.map_count).toBe(28);
  });
});

describe("find_vma and friends", () => {
  it("return the first VMA ending above the address, its predecessor, and intersections", () => {
    const mm = new_mm();
    expect(find_vma(mm, 0)).toBeNull();
    expect(find_vma_prev(mm, 0)).toEqual({ vma: null, prev: null });
    const a = map(mm, 0x1_0000, 0x2_0000);
    const b = map(mm, 0x5_0000, 0x6_0000);
    expect(find_vma(mm, 0)).toBe(a);
    expect(find_vma(mm, 0x1_ffff)).toBe(a);
    expect(find_vma(mm, 0x2_0000)).toBe(b); // in the hole: the VMA above
    expect(find_vma(mm, 0x6_0000)).toBeNull();
    expect(find_vma_prev(mm, 0x3_0000)).toEqual({ vma: b, prev: a });
    expect(find_vma_prev(mm, 0x7_0000)).toEqual({ vma: null, prev: b }); // above everything: the last
    expect(find_vma_intersection(mm, 0x2_0000, 0x5_0000)).toBeNull();
    expect(find_vma_intersection(mm, 0x2_0000, 0x5_1000)).toBe(b);
  });
});

describe("free-space search", () => {
  it("keeps the 1 MiB guard gap below a GROWSDOWN VMA out of every gap", () => {
    const mm = new_mm();
    map(mm, 1 * MiB, 2 * MiB);
    const stack = map(mm, 4 * MiB, 5 * MiB, VM_READ | VM_WRITE | VM_GROWSDOWN);
    expect(vma_compute_gap(stack)).toBe(1 * MiB); // [2 MiB, 3 MiB): the guard takes [3 MiB, 4 MiB)
    const info = { low_limit: PAGE, high_limit: 4 * MiB };
    expect(unmapped_area_topdown(mm, { ...info, length: 1 * MiB })).toBe(2 * MiB);
    expect(unmapped_area(mm, { ...info, length: 1 * MiB })).toBe(2 * MiB);
    expect(unmapped_area_topdown(mm, { ...info, length: 1 * MiB + PAGE })).toBe(ENOMEM); // [4 KiB, 1 MiB) is too small too
    expect(unmapped_area(mm, { ...info, length: PAGE })).toBe(PAGE);
    // Without VM_GROWSDOWN the same layout has a 2 MiB gap.
    stack.vm_flags = VM_READ | VM_WRITE;
    vma_bounds_changed(mm, stack);
    expect(unmapped_area_topdown(mm, { ...info, length: 2 * MiB })).toBe(2 * MiB);
  });

  it("gives a stack just above another VMA no gap at all", () => {
    const mm = new_mm();
    map(mm, 1 * MiB, 2 * MiB);
    const stack = map(mm, 2 * MiB + PAGE, 3 * MiB, VM_READ | VM_WRITE | VM_GROWSDOWN);
    expect(vma_compute_gap(stack)).toBe(0);
    expect(validate_mm_rb(mm)).toBeNull();
  });

  it("places the first anonymous mmap just under mmap_base, as rv32 Linux does", () => {
    const mm = new_mm();
    map(mm, 0x1_0000, 0x1_2000, VM_READ | VM_EXEC); // text
    map(mm, 0x9fbd_f000, 0x9fc0_0000, VM_STACK_FLAGS); // the stack at STACK_TOP
    const mmap_base = 0x97c0_0000;
    expect(unmapped_area_topdown(mm, { length: PAGE, low_limit: PAGE, high_limit: mmap_base })).toBe(0x97bf_f000);
    map(mm, 0x97bf_f000, mmap_base);
    expect(unmapped_area_topdown(mm, { length: 0x3000, low_limit: PAGE, high_limit: mmap_base })).toBe(0x97bf_c000);
    expect(unmapped_area(mm, { length: PAGE, low_limit: 0x3555_5000, high_limit: 0x9fc0_0000 })).toBe(0x3555_5000);
  });

  it("aligns the start to align_offset modulo align_mask + 1", () => {
    const mm = new_mm();
    const info = { length: 0x2000, low_limit: 0x1_0000, high_limit: 0x10_0000, align_mask: 0xf000, align_offset: 0x3000 };
    expect(unmapped_area_topdown(mm, info)).toBe(0xf_3000);
    expect(unmapped_area(mm, info)).toBe(0x1_3000);
    map(mm, 0x1_0000, 0x1_4000); // now 0x13000 is taken
    expect(unmapped_area(mm, info)).toBe(0x2_3000);
  });

  it("uses a gap only if the range also ends below high_limit and starts above low_limit", () => {
    const mm = new_mm();
    map(mm, 0x1_0000, 0x2_0000);
    map(mm, 0x3_0000, 0x4_0000); // the gap [0x20000, 0x30000) between them
    const q = { length: 0x3000, low_limit: 0x1_0000, high_limit: 0x2_2000 };
    expect(unmapped_area(mm, q)).toBe(ENOMEM); // [0x20000, 0x23000) would end past 0x22000
    expect(unmapped_area_topdown(mm, q)).toBe(ENOMEM);
    expect(unmapped_area(mm, { ...q, high_limit: 0x2_3000 })).toBe(0x2_0000);
    const r = { length: 0x3000, low_limit: 0x2_e000, high_limit: 0x5_0000 };
    expect(unmapped_area_topdown(mm, r)).toBe(0x4_d000); // above the VMAs, at the top
    expect(unmapped_area_topdown(mm, { ...r, high_limit: 0x4_2000 })).toBe(ENOMEM); // [0x2d000, 0x30000) starts too low
    expect(unmapped_area_topdown(mm, { ...r, low_limit: 0x2_d000, high_limit: 0x4_2000 })).toBe(0x2_d000);
  });

  it("answers -ENOMEM when the limits cannot hold the length", () => {
    const mm = new_mm();
    expect(unmapped_area(mm, { length: 0x2000, low_limit: 0x1000, high_limit: 0x2000 })).toBe(ENOMEM);
    expect(unmapped_area_topdown(mm, { length: 0x2000, low_limit: 0x1000, high_limit: 0x2000 })).toBe(ENOMEM);
    expect(unmapped_area_topdown(mm, { length: 0x1000, low_limit: 0x1000, high_limit: 0x2000 })).toBe(0x1000);
  });
});

describe("misuse is a kernel bug", () => {
  it("refuses an overlapping, an empty, an unaligned and an already linked VMA", () => {
    const mm = new_mm();
    const a = map(mm, 0x1_0000, 0x2_0000);
    expect(() => map(mm, 0x1_f000, 0x3_0000)).toThrow(KernelBug);
    expect(() => map(mm, 0x3_0000, 0x3_0000)).toThrow(KernelBug);
    expect(() => map(mm, 0x3_0800, 0x4_0000)).toThrow(KernelBug);
    expect(() => vma_link(mm, a)).toThrow(KernelBug);
    expect(() => vma_link(new_mm(), new vm_area_struct(mm, 0x1000, 0x2000, 0, 0))).toThrow(KernelBug);
    expect(validate_mm_rb(mm)).toBeNull();
    expect(mm.map_count).toBe(1);
  });

  it("refuses bounds that run into a neighbour, and unlinking what is not linked", () => {
    const mm = new_mm();
    const a = map(mm, 0x1_0000, 0x2_0000);
    const b = map(mm, 0x3_0000, 0x4_0000, VM_READ | VM_WRITE | VM_GROWSDOWN);
    b.vm_start = 0x2_0000; // growing down to touch a is allowed (expand_downwards checks the guard gap)
    vma_bounds_changed(mm, b);
    expect(validate_mm_rb(mm)).toBeNull();
    a.vm_end = 0x2_1000;
    expect(() => vma_bounds_changed(mm, a)).toThrow(KernelBug);
    a.vm_end = 0x2_0000;
    vma_unlink(mm, a);
    expect(() => vma_unlink(mm, a)).toThrow(KernelBug);
  });
});

describe("validate_mm_rb", () => {
  /** A valid tree of 20 VMAs, then `corrupt` applied to it. */
  function corrupted(corrupt: (mm: VmaOwner, vmas: vm_area_struct[]) => void): string | null {
    const mm = new_mm();
    const vmas = Array.from({ length: 20 }, (_, i) => map(mm, ...slot(i)));
    expect(validate_mm_rb(mm)).toBeNull();
    corrupt(mm, vmas);
    return validate_mm_rb(mm);
  }

  it("reports a broken colour", () => {
    expect(corrupted((mm) => { mm.mm_rb.rb_node!.rb_color = RB_RED; })).toMatch(/root .* is not black/);
    const black_leaf = (vmas: vm_area_struct[]) => vmas.find((v) => v.rb_left === null && v.rb_right === null && v.rb_color === RB_BLACK)!;
    expect(corrupted((_, vmas) => { black_leaf(vmas).rb_color = RB_RED; })).toMatch(/black heights .* differ|red .* has a red child/);
    const red = (vmas: vm_area_struct[]) => vmas.find((v) => v.rb_color === RB_RED && v.rb_left !== null)!;
    expect(corrupted((_, vmas) => { red(vmas).rb_left!.rb_color = RB_RED; })).toMatch(/red .* has a red child|black heights/);
  });

  it("reports a wrong rb_subtree_gap", () => {
    expect(corrupted((mm) => { mm.mm_rb.rb_node!.rb_subtree_gap += PAGE; })).toMatch(/rb_subtree_gap of .* should be/);
    expect(corrupted((_, vmas) => { vmas[7]!.rb_subtree_gap = 0; })).toMatch(/rb_subtree_gap/);
  });

  it("reports VMAs out of order or overlapping", () => {
    expect(corrupted((_, vmas) => { vmas[5]!.vm_start = vmas[3]!.vm_start; })).toMatch(/out of order or overlaps/);
    expect(corrupted((_, vmas) => { vmas[5]!.vm_end += 2 * PAGE; })).toMatch(/out of order or overlaps/);
    expect(corrupted((_, vmas) => { vmas[5]!.vm_end = vmas[5]!.vm_start; })).toMatch(/empty or inverted/);
  });

  it("reports bounds changed in place without vma_bounds_changed()", () => {
    expect(corrupted((_, vmas) => { vmas[5]!.vm_start -= PAGE; })).toMatch(/stale tree keys: .*vma_bounds_changed/);
  });

  it("reports a list that disagrees with the tree, a wrong count, a wrong highest_vm_end, a bad parent link", () => {
    expect(corrupted((_, vmas) => { vmas[4]!.vm_next = vmas[6]!; })).toMatch(/mm->mmap/);
    expect(corrupted((_, vmas) => { vmas[4]!.vm_prev = null; })).toMatch(/wrong vm_prev/);
    expect(corrupted((mm) => { mm.map_count++; })).toMatch(/map_count is 21 but the tree holds 20/);
    expect(corrupted((mm) => { mm.highest_vm_end = 0; })).toMatch(/highest_vm_end/);
    expect(corrupted((mm) => { mm.mm_rb.rb_node!.rb_left!.rb_parent = null; })).toMatch(/wrong rb_parent/);
  });
});

describe("the generic rbtree", () => {
  interface num_node extends rb_node<num_node> { key: number }

  it("also works without augmented values", () => {
    const root: rb_tree<num_node> = { rb_node: null };
    const nodes = new Map<number, num_node>();
    const insert = (key: number) => {
      const node: num_node = { key, rb_parent: null, rb_left: null, rb_right: null, rb_color: RB_BLACK };
      let parent: num_node | null = null;
      let dir: "rb_left" | "rb_right" = "rb_left";
      for (let n = root.rb_node; n !== null; n = n[dir]) {
        parent = n;
        dir = key < n.key ? "rb_left" : "rb_right";
      }
      rb_link_node(root, node, parent, dir);
      rb_insert_color(node, root);
      nodes.set(key, node);
    };
    const keys = Array.from({ length: 200 }, (_, i) => (i * 37) % 200);
    keys.forEach(insert);
    for (const key of keys.filter((k) => k % 3 === 0)) {
      rb_erase(nodes.get(key)!, root);
      nodes.delete(key);
    }
    const out: num_node[] = [];
    expect(rb_validate(root, out, (n) => `node ${n.key}`)).toBeNull();
    expect(out.map((n) => n.key)).toEqual([...nodes.keys()].sort((a, b) => a - b));
  });
});
