// Broken kernel invariants. Linux: include/asm-generic/bug.h BUG(), BUG_ON().
// A KernelBug is always vmos's fault, never the guest's: a guest that misbehaves gets a signal or an
// error code, and the kernel keeps running. Throwing stops the run, and the CLI reports it as a vmos bug.

/** A broken kernel invariant: a vmos bug, never a guest's fault. The CLI reports it as such. */
export class KernelBug extends Error {
  override name = "KernelBug";
}

/**
 * Linux's BUG(): the kernel reached a state it must never be in. Always throws KernelBug(msg).
 * Use it behind an `if` when the message needs formatting, so the hot path builds no string.
 */
export function BUG(msg: string): never {
  throw new KernelBug(msg);
}

/** Linux's BUG_ON: throw KernelBug(msg) when cond holds. `msg` should be a constant string. */
export function BUG_ON(cond: boolean, msg: string): void {
  if (cond) throw new KernelBug(msg);
}
