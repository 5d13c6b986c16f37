// The trace-driven simulator: one replacement policy (the kernel's own module, kernel/mm/policy/)
// over a reference string with F frames. It plays the hardware and the kernel around the policy:
// every reference sets the page's R bit (and M on a write), as the MMU sets a PTE's A and D bits; a
// reference to a non-resident page is a fault, which takes a free frame or asks the policy for a
// victim (written back first if dirty) and makes the page resident with R set. Policies that want
// every reference get access() on each hit (the fault itself is insert()); policies that sample get
// tick() every `tickEvery` references. Time, host.now(), is the number of references so far, which
// is also OPT's position in the string it is given as its future.

import { POLICIES } from "../../kernel/mm/policy/index.js";
import type { PolicyHost, ReplacementPolicy } from "../../kernel/mm/policy/types.js";
import type { RefString } from "./refs.js";

export interface SimOptions {
  policy: string;
  frames: number;
  /** Random's seed (default 0). */
  seed?: number;
  /** References between two tick() calls (default tickEvery(frames)). */
  tickEvery?: number;
  /** WSClock's window in references (default: the number of frames). */
  tau?: number;
}

/**
 * References per tick unless asked otherwise: frames / 8, so that aging's 8-bit registers remember
 * about as many references as memory holds pages (and at least one reference per tick).
 */
export function tickEvery(frames: number): number {
  return Math.max(1, Math.ceil(frames / 8));
}

/** What happened at one reference (only built when someone observes). */
export interface AccessRecord {
  /** Position in the string, from 0. */
  index: number;
  page: number;
  write: boolean;
  hit: boolean;
  /** The page evicted to make room, or null. */
  evicted: number | null;
  /** Frame -> page after the reference (-1: free), as the textbooks draw it. */
  frames: readonly number[];
}

export interface SimSummary {
  policy: string;
  frames: number;
  references: number;
  faults: number;
  hits: number;
  /** hits / references (0 for an empty string). */
  hitRate: number;
  /** Dirty pages written out: at eviction, or cleaned early (WSClock's scheduled writes). */
  writebacks: number;
}

/**
 * Run `o.policy` over `refs` with `o.frames` frames; `observe` sees every reference. Throws Error
 * for an unknown policy name and for a policy that breaks its contract (a victim that is not
 * resident, none when memory is full); the CLI checks names before calling.
 */
export function simulate(refs: RefString, o: SimOptions, observe?: (r: AccessRecord) => void): SimSummary {
  const factory = POLICIES[o.policy];
  if (factory === undefined) throw new Error(`simulate: unknown policy '${o.policy}'`);
  if (!(o.frames >= 1)) throw new Error(`simulate: frames must be at least 1, not ${o.frames}`);
  const tick = o.tickEvery ?? tickEvery(o.frames);
  const { pages, writes, fileBacked } = refs;
  const resident = new Uint8Array(refs.ids);
  const R = new Uint8Array(refs.ids);
  const D = new Uint8Array(refs.ids);
  const frameOf = new Int32Array(refs.ids);
  const contents = new Int32Array(o.frames).fill(-1);
  let now = 0;
  let used = 0;
  let faults = 0;
  let writebacks = 0;

  const host: PolicyHost = {
    referenced(key) {
      const r = R[key];
      R[key] = 0;
      return r === 1;
    },
    dirty: (key) => D[key] === 1,
    file: (key) => fileBacked !== undefined && fileBacked[key] === 1,
    now: () => now,
    writeback(key) {
      if (D[key] === 1) writebacks++;
      D[key] = 0;
    },
  };
  const policy: ReplacementPolicy = factory({ frames: o.frames, seed: o.seed ?? 0, tau: o.tau, future: pages });
  const hasAccess = policy.access !== undefined;
  const hasTick = policy.tick !== undefined;

  for (let i = 0; i < pages.length; i++) {
    now = i;
    if (hasTick && i > 0 && i % tick === 0) policy.tick!(host);
    const p = pages[i]!;
    const w = writes !== undefined ? writes[i]! : 0;
    let evicted = -1;
    const hit = resident[p] === 1;
    if (hit) {
      R[p] = 1;
      if (w) D[p] = 1;
      if (hasAccess) policy.access!(p, host);
    } else {
      faults++;
      let frame: number;
      if (used < o.frames) frame = used++;
      else {
        evicted = evict(policy, host, resident);
        if (D[evicted] === 1) writebacks++;
        resident[evicted] = R[evicted] = D[evicted] = 0;
        frame = frameOf[evicted]!;
      }
      resident[p] = 1;
      R[p] = 1;
      D[p] = w;
      frameOf[p] = frame;
      contents[frame] = p;
      policy.insert(p, host);
    }
    if (observe !== undefined) {
      observe({ index: i, page: p, write: w === 1, hit, evicted: evicted < 0 ? null : evicted, frames: Array.from(contents) });
    }
  }
  if (policy.size !== used) throw new Error(`simulate: ${o.policy} manages ${policy.size} pages, but ${used} are resident`);
  const hits = pages.length - faults;
  const hitRate = pages.length ? hits / pages.length : 0;
  return { policy: o.policy, frames: o.frames, references: pages.length, faults, hits, hitRate, writebacks };
}

function evict(policy: ReplacementPolicy, host: PolicyHost, resident: Uint8Array): number {
  const v = policy.victim(host);
  if (v === null) throw new Error(`simulate: ${policy.name} found no victim with memory full`);
  if (resident[v] !== 1) throw new Error(`simulate: ${policy.name} chose page ${v}, which is not resident`);
  return v;
}

/** Every policy in `policies` at every frame count in `frames`: rows by frame count, columns by policy. */
export function compare(
  refs: RefString,
  policies: readonly string[],
  frames: readonly number[],
  o: Omit<SimOptions, "policy" | "frames"> = {},
): SimSummary[][] {
  return frames.map((f) => policies.map((policy) => simulate(refs, { ...o, policy, frames: f })));
}

export interface Anomaly {
  policy: string;
  /** More frames, more faults: faults(framesAfter) > faults(framesBefore) with framesAfter > framesBefore. */
  framesBefore: number;
  faultsBefore: number;
  framesAfter: number;
  faultsAfter: number;
}

/** Belady's anomalies in a compare() table: each place where a policy faults more with more frames. */
export function anomalies(table: readonly SimSummary[][]): Anomaly[] {
  const found: Anomaly[] = [];
  for (let r = 1; r < table.length; r++) {
    table[r]!.forEach((after, c) => {
      const before = table[r - 1]![c]!;
      if (after.frames > before.frames && after.faults > before.faults) {
        found.push({
          policy: after.policy,
          framesBefore: before.frames,
          faultsBefore: before.faults,
          framesAfter: after.frames,
          faultsAfter: after.faults,
        });
      }
    });
  }
  return found;
}
