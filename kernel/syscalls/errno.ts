// Linux errno values (include/uapi/asm-generic/errno-base.h, errno.h). Syscalls return -errno in a0.
export const EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8, EBADF = 9;
export const ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17;
export const ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, EMFILE = 24, ENOTTY = 25, EFBIG = 27, ENOSPC = 28, ESPIPE = 29;
export const EPIPE = 32, ERANGE = 34, ENAMETOOLONG = 36, ENOSYS = 38, EOVERFLOW = 75;
