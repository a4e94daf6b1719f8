/*
 * The processes a program starts: watching one (pidfd), what CPU it used, and ending them all,
 * double-forked daemons included.
 */
#ifndef CODERING_PROCESSES_H
#define CODERING_PROCESSES_H

#include <stdint.h>
#include <sys/types.h>

#define REAP_TIMEOUT_MS 3000

/* What the proxy reads of /proc/<pid>/stat. */
typedef struct {
  char comm[32];
  char state; /* R, S, D, T, Z… */
  pid_t ppid;
  pid_t session;
} process_stat_t;

/* Fills out from /proc/<pid>/stat; -1 when the process is gone. */
int read_process_stat(pid_t pid, process_stat_t *out);
/* pidfd_open(2) without needing glibc's wrapper (2.36): bullseye has 2.31. */
int pidfd_open_compat(pid_t pid);
/* CPU time a process has used so far (clock-tick resolution), from /proc/<pid>/stat. */
int64_t process_cpu_ms(pid_t pid);
/* Sends SIGKILL to every process the program may have left; returns at once. */
void signal_everything(pid_t main_pid);
/* Kills and reaps every process the program left (at most REAP_TIMEOUT_MS). */
void kill_everything(pid_t main_pid);
/* Calls fn for every process we can see (in /proc); returns how many times fn answered non-zero. */
int each_process(int (*fn)(pid_t pid, void *arg), void *arg);
/*
 * In a container shared with the platform (--once: Nuclio's processor forks us per event), a process
 * the sandbox user left behind: one of its processes outside the platform's sessions, ours and PID 1's
 * (tini, the processor and the handler that became us live there). A program never can: it starts in
 * a session of its own, and setsid() only ever makes new ones. So the test holds when the platform
 * runs as the sandbox user too (a non-root pod).
 */
int left_behind(pid_t pid);
/*
 * Ends every process left_behind() names, within budget_ms: stopped pass after pass until none runs
 * (a stopped process forks no more, so a fork bomb can't outrun it; kill(-1) would reach the platform
 * when it shares our uid), then killed, then awaited until init has reaped them. 0 when none is left.
 */
int end_left_behind(long budget_ms);

#endif
