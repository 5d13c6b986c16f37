// System calls of the fs area (issue 4 fills this table).

import type { SyscallTable } from "./types.js";

export const FS_SYSCALLS: SyscallTable = {};
