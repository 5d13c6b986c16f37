// Every page-replacement policy by its --policy name, for the kernel (`vmos run --policy NAME`) and
// the simulator (`vmos sim --policy NAME`). The order is the order of `vmos sim --compare`'s columns:
// Linux's default, the FIFO family, the clocks, the counters, the two yardsticks.

import { aging } from "./aging.js";
import { clockPro } from "./clock-pro.js";
import { clock } from "./clock.js";
import { enhancedClock } from "./enhanced-clock.js";
import { fifo } from "./fifo.js";
import { lfu } from "./lfu.js";
import { linux } from "./linux.js";
import { lru } from "./lru.js";
import { mfu } from "./mfu.js";
import { opt } from "./opt.js";
import { random } from "./random.js";
import { secondChance } from "./second-chance.js";
import type { PolicyFactory } from "./types.js";
import { wsclock } from "./wsclock.js";

export const POLICIES: Record<string, PolicyFactory> = {
  linux,
  fifo,
  "second-chance": secondChance,
  clock,
  "enhanced-clock": enhancedClock,
  wsclock,
  "clock-pro": clockPro,
  lru,
  aging,
  lfu,
  mfu,
  random,
  opt,
};

/** The policy names, in POLICIES' order. */
export const policyNames: readonly string[] = Object.keys(POLICIES);

