/*
 * A seccomp filter of ours, on top of the engine's. Filters stack: whatever the platform applies
 * (Docker's default profile, Kubernetes' RuntimeDefault) stays, and every program we start also
 * gets this one, on every platform.
 */
#ifndef CODERING_SYSCALL_FILTER_H
#define CODERING_SYSCALL_FILTER_H

/* Installs the filter in the calling process (after no_new_privs); -1 if the kernel refuses. */
int install_syscall_filter(void);

#endif
