/*
 * The processes a program starts: watching one (pidfd), what CPU it used, and ending them all,
 * double-forked daemons included.
 */
#ifndef CODERING_PROCESSES_H
#define CODERING_PROCESSES_H

#include <stdint.h>
#include <sys/types.h>

#define REAP_TIMEOUT_MS 3000

/* pidfd_open(2) without needing glibc's wrapper (2.36): bullseye has 2.31. */
int pidfd_open_compat(pid_t pid);
/* CPU time a process has used so far (clock-tick resolution), from /proc/<pid>/stat. */
int64_t process_cpu_ms(pid_t pid);
/* Sends SIGKILL to every process the program may have left; returns at once. */
void signal_everything(pid_t main_pid);
/* Kills and reaps every process the program left (at most REAP_TIMEOUT_MS). */
void kill_everything(pid_t main_pid);

#endif
