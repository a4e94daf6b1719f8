/*
 * The sandbox a program runs in: its identity (a uid of its own, no groups, no_new_privs), its
 * rlimits, our syscall filter, and an environment without start-up hooks.
 *
 * Why the proxy stays uid 0 while the program runs as the sandbox user: a supervisor with the same
 * uid as the code it supervises can be signalled, traced or starved by that code. The container
 * keeps only SETUID, SETGID and KILL; the program loses all of them when it changes uid.
 */
#ifndef CODERING_SANDBOX_H
#define CODERING_SANDBOX_H

#include <sys/types.h>

#include "request.h"

extern uid_t sandbox_uid;
/* set when the platform gave us a uid of our own (CODERING_SANDBOX_UID): only then does a process
   limit count this container's processes alone, since the kernel counts a uid host-wide */
extern int own_uid;
extern gid_t sandbox_gid;

/* CAP_SETUID, CAP_SETGID and CAP_KILL are ours (root's, or the binary's file capabilities). */
int has_uid_capabilities(void);
/* In a child: becomes the sandbox user for good, with no capability left (or exits 126). */
void drop_to_sandbox(void);
/* Runs fn in a child with the sandbox identity; past budget_ms it is killed. Returns its status. */
int as_sandbox(int (*fn)(void *), void *arg, long budget_ms);
/* The program's environment: the image's, less the start-up hooks, plus ours. Free the array only. */
char **build_env(const request_t *r);
/* In the child: the program's identity, limits and descriptors, then exec. Never returns. */
void exec_program(char **argv, char **env, int in_fd, int out_fd, int err_fd, int ctl_fd, long cpu_ms, long long file_bytes,
                  long processes) __attribute__((noreturn));

#endif
