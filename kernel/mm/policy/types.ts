// The one interface every page-replacement policy implements (one file per policy in this
// directory), shared by the kernel's reclaim (kernel/mm/vmscan.ts, `vmos run --policy NAME`) and the
// trace-driven simulator (`vmos sim`): there is no second implementation of any policy.
//
// A policy keeps its own records of the resident pages it was told about, by key (a number: the
// kernel uses the frame number, the simulator the page number of the reference string), and picks
// a victim when memory must be freed. It learns about use in two ways, as real hardware allows:
//   - access(): every reference, when the host sees every reference (the simulator; the kernel only
//     in the exact-LRU mode, where the MMU records each access at a cost in speed);
//   - host.referenced(): the hardware referenced (A) bit, tested and cleared on request (the kernel
//     walks the reverse map to every PTE of the page, as Linux's page_referenced()).
// Policies that need periodic sampling (aging, WSClock's working-set window) get tick() calls.

/** What a policy may ask the host about a resident page. */
export interface PolicyHost {
  /** Test and clear the page's referenced bit (all of its PTEs' A bits, in the kernel). */
  referenced(key: number): boolean;
  /** Whether the page is dirty: reusing its frame needs a write first (swap or file). */
  dirty(key: number): boolean;
  /** Whether the page is backed by a file (else anonymous or shared memory, backed by swap). */
  file(key: number): boolean;
  /** Time now, for policies that keep ages: simulated cycles (kernel) or references so far (simulator). */
  now(): number;
  /**
   * Optional: start writing the dirty page back (WSClock schedules cleaning this way); dirty() turns
   * false when the write completes (at once in the simulator). Without it, a policy that wants a clean
   * page settles for a dirty one and the host writes it when it takes the frame.
   */
  writeback?(key: number): void;
  /**
   * Optional: a stable name for the page now at `key`, the same every time that page is resident
   * (the kernel, whose keys are frame numbers: e.g. its swap entry or (file, offset), as Linux's
   * shadow entries). Policies that remember evicted pages (CLOCK-Pro) or read the future (OPT) use
   * it; without it the key is the name (the simulator).
   */
  identity?(key: number): number;
  /** Optional: references so far in the recorded reference string (OPT's replay). Without it, now(). */
  position?(): number;
}

/** How a policy instance is set up. */
export interface PolicyOptions {
  /** Frames available to the pages this policy manages (the simulator's memory size). */
  frames: number;
  /** Seed for policies that choose at random. */
  seed: number;
  /** WSClock's working-set window, in the host's time units (now()). */
  tau?: number;
  /**
   * OPT (Belady) only: the whole reference string, known in advance. The kernel records it in a
   * first run and replays the same deterministic run with it (see opt.ts).
   */
  future?: ArrayLike<number>;
}

export interface ReplacementPolicy {
  readonly name: string;
  /** A page became resident (it was just faulted in: the fault is its first reference, not an access()). */
  insert(key: number, host: PolicyHost): void;
  /** The page was referenced (only from hosts that see every reference). */
  access?(key: number, host: PolicyHost): void;
  /**
   * The kernel used the page on a program's behalf (read()/write() through the page cache), where no
   * PTE records the access: Linux's mark_page_accessed(). Only policies with a software referenced
   * flag have it (linux); for the rest the host may simply not call it.
   */
  markAccessed?(key: number, host: PolicyHost): void;
  /** Periodic sampling (every tick of the host's clock). */
  tick?(host: PolicyHost): void;
  /** The page stopped being resident for a reason of its own (unmapped, freed, truncated). */
  remove(key: number): void;
  /**
   * Choose a resident page to evict and forget it as resident (a policy may keep it as history, as
   * CLOCK-Pro's non-resident test pages). Null when it manages no evictable page.
   */
  victim(host: PolicyHost): number | null;
  /** Resident pages it manages. */
  readonly size: number;
}

/** A policy's constructor, as registered in policy/index.ts. */
export type PolicyFactory = (o: PolicyOptions) => ReplacementPolicy;
