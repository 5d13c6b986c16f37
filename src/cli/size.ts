// Sizes on the command line: `64M`, `512K`, `1G` or plain bytes.

import { CliError } from "./errors.js";

const UNITS: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** Bytes in `text` (`64M`...), or a CliError naming `option` and what is wrong. */
export function parseSize(text: string, option: string): number {
  const m = /^(\d+)([KMG]?)(i?B)?$/i.exec(text.trim());
  if (m === null) throw new CliError(`vmos: ${option} ${text}: not a size (examples: 64M, 512K, 1G)`);
  return Number(m[1]) * UNITS[m[2]!.toUpperCase()]!;
}

/** A positive whole number from the command line. */
export function parseCount(text: string, option: string, min = 1): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) throw new CliError(`vmos: ${option} ${text}: expected a whole number >= ${min}`);
  return Number(text);
}
