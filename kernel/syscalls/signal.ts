// System calls of the signal area (issue 4 fills this table).

import type { SyscallTable } from "./types.js";

export const SIGNAL_SYSCALLS: SyscallTable = {};
