#define _GNU_SOURCE
#include "syscall-filter.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

/*
 * The filter answers ENOSYS ("this kernel does not have it") to calls no student program needs
 * and that widen the kernel's surface: io_uring, memfd_secret, userfaultfd, perf, bpf, keyrings,
 * namespaces and mounts, file handles, another process's descriptors. Runtimes that probe for
 * io_uring (libuv in node) fall back to ordinary calls, as on an older kernel.
 */
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter 426
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register 427
#endif
#ifndef __NR_open_tree
#define __NR_open_tree 428
#endif
#ifndef __NR_move_mount
#define __NR_move_mount 429
#endif
#ifndef __NR_fsopen
#define __NR_fsopen 430
#endif
#ifndef __NR_fsconfig
#define __NR_fsconfig 431
#endif
#ifndef __NR_fsmount
#define __NR_fsmount 432
#endif
#ifndef __NR_fspick
#define __NR_fspick 433
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd 438
#endif
#ifndef __NR_process_madvise
#define __NR_process_madvise 440
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif
#ifndef __NR_memfd_secret
#define __NR_memfd_secret 447
#endif

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#define X32_SYSCALL_BIT 0x40000000u
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "codering-proxy: no seccomp architecture for this target"
#endif

static const unsigned denied_syscalls[] = {
    __NR_io_uring_setup, __NR_io_uring_enter, __NR_io_uring_register, __NR_memfd_secret, __NR_userfaultfd,
    __NR_perf_event_open, __NR_bpf, __NR_keyctl, __NR_add_key, __NR_request_key, __NR_unshare, __NR_setns,
    __NR_mount, __NR_umount2, __NR_pivot_root, __NR_open_tree, __NR_move_mount, __NR_fsopen, __NR_fsconfig,
    __NR_fsmount, __NR_fspick, __NR_mount_setattr, __NR_open_by_handle_at, __NR_name_to_handle_at,
    __NR_fanotify_init, __NR_pidfd_getfd, __NR_process_madvise, __NR_kexec_load, __NR_init_module,
    __NR_finit_module, __NR_delete_module,
};
#define N_DENIED (sizeof denied_syscalls / sizeof denied_syscalls[0])

int install_syscall_filter(void) {
  struct sock_filter prog[N_DENIED + 8];
  size_t n = 0;
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
  /* another ABI (i386 through int 0x80) numbers its calls otherwise: none of it for a program */
  prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 1, 0);
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#ifdef X32_SYSCALL_BIT
  prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1);
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
#endif
  /* each denied call jumps to the ENOSYS return after the final ALLOW */
  for (size_t i = 0; i < N_DENIED; i++)
    prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, denied_syscalls[i], (unsigned char)(N_DENIED - i), 0);
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  struct sock_fprog fprog = {.len = (unsigned short)n, .filter = prog};
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) == 0 ? 0 : -1;
}
