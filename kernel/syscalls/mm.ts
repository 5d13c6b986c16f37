// System calls of the mm area (issue 4 fills this table).

import type { SyscallTable } from "./types.js";

export const MM_SYSCALLS: SyscallTable = {};
