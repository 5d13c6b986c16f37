// Linux names of the asm-generic (riscv32) system call numbers, for traces and for reporting a call
// vmos does not implement. Source: include/uapi/asm-generic/unistd.h (Linux 5.15), rv32 subset.

export const SYSCALL_NAMES: Readonly<Record<number, string>> = {
  17: "getcwd", 19: "eventfd2", 20: "epoll_create1", 21: "epoll_ctl", 22: "epoll_pwait", 23: "dup", 24: "dup3",
  25: "fcntl64", 29: "ioctl", 32: "flock", 33: "mknodat", 34: "mkdirat", 35: "unlinkat", 36: "symlinkat",
  37: "linkat", 43: "statfs64", 44: "fstatfs64", 45: "truncate64", 46: "ftruncate64",
  47: "fallocate", 48: "faccessat", 49: "chdir", 50: "fchdir", 51: "chroot", 52: "fchmod", 53: "fchmodat",
  54: "fchownat", 55: "fchown", 56: "openat", 57: "close", 58: "vhangup", 59: "pipe2", 61: "getdents64",
  62: "llseek", 63: "read", 64: "write", 65: "readv", 66: "writev", 67: "pread64", 68: "pwrite64",
  69: "preadv", 70: "pwritev", 71: "sendfile64", 74: "signalfd4", 75: "vmsplice", 76: "splice", 77: "tee",
  78: "readlinkat", 81: "sync", 82: "fsync", 83: "fdatasync", 84: "sync_file_range", 85: "timerfd_create",
  89: "acct", 90: "capget", 91: "capset", 92: "personality", 93: "exit", 94: "exit_group", 95: "waitid",
  96: "set_tid_address", 97: "unshare", 99: "set_robust_list", 100: "get_robust_list", 102: "getitimer",
  103: "setitimer", 104: "kexec_load", 105: "init_module", 106: "delete_module", 107: "timer_create",
  109: "timer_getoverrun", 111: "timer_delete", 116: "syslog", 117: "ptrace", 118: "sched_setparam",
  119: "sched_setscheduler", 120: "sched_getscheduler", 121: "sched_getparam", 122: "sched_setaffinity",
  123: "sched_getaffinity", 124: "sched_yield", 125: "sched_get_priority_max", 126: "sched_get_priority_min",
  128: "restart_syscall", 129: "kill", 130: "tkill", 131: "tgkill", 132: "sigaltstack", 133: "rt_sigsuspend",
  134: "rt_sigaction", 135: "rt_sigprocmask", 136: "rt_sigpending", 138: "rt_sigqueueinfo", 139: "rt_sigreturn",
  140: "setpriority", 141: "getpriority", 142: "reboot", 143: "setregid", 144: "setgid", 145: "setreuid",
  146: "setuid", 147: "setresuid", 148: "getresuid", 149: "setresgid", 150: "getresgid", 151: "setfsuid",
  152: "setfsgid", 153: "times", 154: "setpgid", 155: "getpgid", 156: "getsid", 157: "setsid",
  158: "getgroups", 159: "setgroups", 160: "uname", 161: "sethostname", 162: "setdomainname", 165: "getrusage",
  166: "umask", 167: "prctl", 168: "getcpu", 172: "getpid", 173: "getppid", 174: "getuid", 175: "geteuid",
  176: "getgid", 177: "getegid", 178: "gettid", 179: "sysinfo", 180: "mq_open", 186: "msgget", 187: "msgctl",
  188: "msgrcv", 189: "msgsnd", 190: "semget", 191: "semctl", 193: "semop", 194: "shmget", 195: "shmctl",
  196: "shmat", 197: "shmdt", 198: "socket", 199: "socketpair", 200: "bind", 201: "listen", 202: "accept",
  203: "connect", 204: "getsockname", 205: "getpeername", 206: "sendto", 207: "recvfrom", 208: "setsockopt",
  209: "getsockopt", 210: "shutdown", 211: "sendmsg", 212: "recvmsg", 213: "readahead", 214: "brk",
  215: "munmap", 216: "mremap", 217: "add_key", 218: "request_key", 219: "keyctl", 220: "clone", 221: "execve",
  222: "mmap2", 223: "fadvise64_64", 224: "swapon", 225: "swapoff", 226: "mprotect", 227: "msync", 228: "mlock",
  229: "munlock", 230: "mlockall", 231: "munlockall", 232: "mincore", 233: "madvise", 234: "remap_file_pages",
  235: "mbind", 236: "get_mempolicy", 237: "set_mempolicy", 238: "migrate_pages", 239: "move_pages",
  240: "rt_tgsigqueueinfo", 241: "perf_event_open", 242: "accept4", 259: "riscv_flush_icache", 261: "prlimit64",
  262: "fanotify_init", 263: "fanotify_mark", 264: "name_to_handle_at", 265: "open_by_handle_at",
  267: "syncfs", 268: "setns", 269: "sendmmsg", 270: "process_vm_readv", 271: "process_vm_writev",
  272: "kcmp", 273: "finit_module", 274: "sched_setattr", 275: "sched_getattr", 276: "renameat2",
  277: "seccomp", 278: "getrandom", 279: "memfd_create", 280: "bpf", 281: "execveat", 282: "userfaultfd",
  283: "membarrier", 284: "mlock2", 285: "copy_file_range", 286: "preadv2", 287: "pwritev2",
  288: "pkey_mprotect", 289: "pkey_alloc", 290: "pkey_free", 291: "statx", 293: "rseq", 294: "kexec_file_load",
  403: "clock_gettime64", 404: "clock_settime64", 405: "clock_adjtime64", 406: "clock_getres_time64",
  407: "clock_nanosleep_time64", 408: "timer_gettime64", 409: "timer_settime64", 410: "timerfd_gettime64",
  411: "timerfd_settime64", 412: "utimensat_time64", 413: "pselect6_time64", 414: "ppoll_time64",
  416: "io_pgetevents_time64", 417: "recvmmsg_time64", 418: "mq_timedsend_time64",
  419: "mq_timedreceive_time64", 420: "semtimedop_time64", 421: "rt_sigtimedwait_time64",
  422: "futex_time64", 423: "sched_rr_get_interval_time64", 424: "pidfd_send_signal", 425: "io_uring_setup",
  426: "io_uring_enter", 427: "io_uring_register", 428: "open_tree", 429: "move_mount", 430: "fsopen",
  431: "fsconfig", 432: "fsmount", 433: "fspick", 434: "pidfd_open", 435: "clone3", 436: "close_range",
  437: "openat2", 438: "pidfd_getfd", 439: "faccessat2", 440: "process_madvise", 441: "epoll_pwait2",
  442: "mount_setattr", 443: "quotactl_fd", 444: "landlock_create_ruleset", 445: "landlock_add_rule",
  446: "landlock_restrict_self", 447: "memfd_secret", 448: "process_mrelease",
  // vmos's own, above Linux's range (kernel/mm/page_info.ts).
  1024: "vmos_page_info", 1025: "vmos_pageout",
};

/**
 * Numbers students reach for from other architectures or older docs that rv32 Linux does not have
 * (asm-generic guards them with __ARCH_WANT_TIME32_SYSCALLS, __ARCH_WANT_NEW_STAT or
 * __ARCH_WANT_RENAMEAT, which riscv does not define), and what to use instead.
 */
export const NOT_ON_RV32: Readonly<Record<number, string>> = {
  38: "renameat: riscv has only renameat2 (276); flags 0 is the same call",
  79: "fstatat: rv32 has no stat family, use statx (291)",
  80: "fstat: rv32 has no stat family, use statx (291)",
  98: "futex: use futex_time64 (422)",
  101: "nanosleep: use clock_nanosleep_time64 (407)",
  113: "clock_gettime: use clock_gettime64 (403)",
  115: "clock_nanosleep: use clock_nanosleep_time64 (407)",
  163: "getrlimit: use prlimit64 (261)",
  164: "setrlimit: use prlimit64 (261)",
  169: "gettimeofday: use clock_gettime64 (403)",
  260: "wait4: use waitid (95)",
};
