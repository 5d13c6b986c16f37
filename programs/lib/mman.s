# lib/mman.s: the memory-mapping system calls (include/uapi/asm-generic/mman*.h) and their flags.
#
# Like the wrappers in lib/sys.s, each puts its number in a7, makes the call, and returns the raw
# result in a0: an address or 0 on success, -errno (-4095..-1) on failure. Test a returned address
# with an unsigned compare against -4096: everything from there up is an error.
# Needs lib/sys.s (for nothing but its conventions); include it after lib/sys.s.

        .equ    SYS_MUNMAP, 215
        .equ    SYS_MREMAP, 216
        .equ    SYS_MMAP2, 222          # rv32 has mmap2: its offset is in 4096-byte pages
        .equ    SYS_MPROTECT, 226
        .equ    SYS_MADVISE, 233

        .equ    PROT_NONE, 0x0          # mmap / mprotect: the access rights
        .equ    PROT_READ, 0x1
        .equ    PROT_WRITE, 0x2
        .equ    PROT_EXEC, 0x4
        .equ    MAP_SHARED, 0x01        # mmap: shared with children (and other mappings of it)
        .equ    MAP_PRIVATE, 0x02       # ...or private, copy-on-write after fork
        .equ    MAP_FIXED, 0x10         # exactly at addr, replacing what is there
        .equ    MAP_ANONYMOUS, 0x20     # no file: zero-filled memory
        .equ    MAP_POPULATE, 0x8000    # fault every page in now
        .equ    MAP_FIXED_NOREPLACE, 0x100000 # exactly at addr, or EEXIST if something is there
        .equ    MREMAP_MAYMOVE, 1       # mremap may move the mapping to grow it
        .equ    MADV_DONTNEED, 4        # madvise: drop these pages (private ones read zero again)

        .text

# sys_mmap_anon(a0 = addr, a1 = length, a2 = prot, a3 = flags) -> a0 = address or -errno.
# mmap2 of anonymous memory: a3 should include MAP_ANONYMOUS; fd is -1, the offset 0.
# Clobbers: a4, a5, a7.
        .globl  sys_mmap_anon
        .type   sys_mmap_anon, @function
sys_mmap_anon:
        li      a4, -1
        li      a5, 0
        li      a7, SYS_MMAP2
        ecall
        ret
        .size   sys_mmap_anon, . - sys_mmap_anon

# sys_munmap(a0 = addr, a1 = length) -> a0 = 0 or -errno. Clobbers: a7.
        .globl  sys_munmap
        .type   sys_munmap, @function
sys_munmap:
        li      a7, SYS_MUNMAP
        ecall
        ret
        .size   sys_munmap, . - sys_munmap

# sys_mprotect(a0 = addr, a1 = length, a2 = prot) -> a0 = 0 or -errno. Clobbers: a7.
        .globl  sys_mprotect
        .type   sys_mprotect, @function
sys_mprotect:
        li      a7, SYS_MPROTECT
        ecall
        ret
        .size   sys_mprotect, . - sys_mprotect

# sys_mremap(a0 = addr, a1 = old length, a2 = new length, a3 = flags) -> a0 = the mapping's
# address afterwards, or -errno. (No MREMAP_FIXED: the fifth argument is 0.) Clobbers: a4, a7.
        .globl  sys_mremap
        .type   sys_mremap, @function
sys_mremap:
        li      a4, 0
        li      a7, SYS_MREMAP
        ecall
        ret
        .size   sys_mremap, . - sys_mremap

# sys_madvise(a0 = addr, a1 = length, a2 = advice) -> a0 = 0 or -errno. Clobbers: a7.
        .globl  sys_madvise
        .type   sys_madvise, @function
sys_madvise:
        li      a7, SYS_MADVISE
        ecall
        ret
        .size   sys_madvise, . - sys_madvise

# Mapping files (see programs/cat-mmap.s and docs/mmap-vs-read.md), and vmos's own look at a page.

# sys_mmap(a0 = addr, a1 = length, a2 = prot, a3 = flags, a4 = fd, a5 = offset in 4096-byte
# pages) -> a0 = address or -errno: mmap2 with all six arguments, e.g. a file opened at fd.
# Clobbers: a7.
        .globl  sys_mmap
        .type   sys_mmap, @function
sys_mmap:
        li      a7, SYS_MMAP2
        ecall
        ret
        .size   sys_mmap, . - sys_mmap

# vmos_page_info(vaddr, out) (vmos only: Linux and qemu return -ENOSYS): what backs one address,
# as a 32-byte struct (kernel/mm/page_info.ts, docs/syscalls.md). The offsets and flag bits:
        .equ    SYS_VMOS_PAGE_INFO, 1024
        .equ    PI_PFN, 0               # u32 frame number
        .equ    PI_FLAGS, 4             # u32 PI_* bits
        .equ    PI_MAPCOUNT, 8          # u32 PTEs that map the frame, in all processes
        .equ    PI_REFCOUNT, 12         # u32 references to the frame
        .equ    PAGE_INFO_SIZE, 32
        .equ    PI_PRESENT, 1 << 0
        .equ    PI_WRITE, 1 << 1
        .equ    PI_DIRTY, 1 << 2
        .equ    PI_ANON, 1 << 5
        .equ    PI_FILE, 1 << 7
        .equ    PI_READ, 1 << 8
        .equ    PI_EXEC, 1 << 9
