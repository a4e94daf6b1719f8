#define _GNU_SOURCE
#include "processes.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"
#include "worker.h"

int pidfd_open_compat(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int64_t process_cpu_ms(pid_t pid) {
  char path[64], stat[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t got = fread(stat, 1, sizeof stat - 1, f);
  fclose(f);
  stat[got] = 0;
  char *rp = strrchr(stat, ')');
  unsigned long long utime = 0, stime = 0;
  /* after the command's ')': state, then fields 4..13, then utime (14) and stime (15) */
  if (!rp || sscanf(rp + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return 0;
  long ticks = sysconf(_SC_CLK_TCK);
  return ticks > 0 ? (int64_t)((utime + stime) * 1000 / (unsigned long long)ticks) : 0;
}

static int kill_every_sandbox_process(void *unused) {
  (void)unused;
  kill(-1, SIGKILL);
  return 0;
}

/*
 * As uid 0 with CAP_KILL in our own container, kill(-1) reaches all of them at once and, since
 * fork takes the task list lock that kill(-1) holds, a fork bomb cannot outrun it. In a container
 * shared with the platform (--once under Nuclio), a child of ours that became the sandbox user does
 * the same to that uid's processes alone (never the platform's: another uid), and we sweep our own
 * descendants too: we are their subreaper, so orphans come back to us as children.
 */
void signal_everything(pid_t main_pid) {
  if (we_are_root && serve_mode) {
    kill(-1, SIGKILL);
    return;
  }
  if (may_switch_uid && own_uid) as_sandbox(kill_every_sandbox_process, NULL, REAP_TIMEOUT_MS);
  if (main_pid > 0) {
    kill(-main_pid, SIGKILL);
    kill(main_pid, SIGKILL);
  }
}

void kill_everything(pid_t main_pid) {
  signal_everything(main_pid);
  int64_t deadline = now_ms() + REAP_TIMEOUT_MS;
  for (;;) {
    pid_t p = waitpid(-1, NULL, WNOHANG);
    if (p > 0) continue;
    if (p < 0 && errno == ECHILD) break;
    if (now_ms() > deadline) {
      log_err("some processes did not die in time");
      break;
    }
    if (!(we_are_root && serve_mode)) {
      /* kill the children we have now; their own children come back to us next round */
      DIR *d = opendir("/proc");
      struct dirent *e;
      while (d && (e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        process_stat_t stat;
        pid_t pid = (pid_t)atoi(e->d_name);
        if (read_process_stat(pid, &stat) == 0 && stat.ppid == getpid()) kill(pid, SIGKILL);
      }
      if (d) closedir(d);
    } else {
      kill(-1, SIGKILL);
    }
    usleep(1000);
  }
}

int read_process_stat(pid_t pid, process_stat_t *out) {
  char path[64], stat[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t got = fread(stat, 1, sizeof stat - 1, f);
  fclose(f);
  stat[got] = 0;
  /* the command is between the first '(' and the last ')' (it may hold either); then state, ppid, pgrp, session */
  char *lp = strchr(stat, '('), *rp = strrchr(stat, ')');
  int ppid = 0, sid = 0;
  if (!lp || !rp || rp < lp || sscanf(rp + 2, "%c %d %*d %d", &out->state, &ppid, &sid) != 3) return -1;
  size_t len = (size_t)(rp - lp - 1);
  if (len >= sizeof out->comm) len = sizeof out->comm - 1;
  memcpy(out->comm, lp + 1, len);
  out->comm[len] = 0;
  out->ppid = (pid_t)ppid;
  out->session = (pid_t)sid;
  return 0;
}

/* State (R, S, T, Z…) and session of a process; -1 when it is gone. */
static int process_state(pid_t pid, char *state, pid_t *session) {
  process_stat_t stat;
  if (read_process_stat(pid, &stat) != 0) return -1;
  *state = stat.state;
  *session = stat.session;
  return 0;
}

static int sandbox_owned(pid_t pid) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  int owned = 0;
  while (f && fgets(line, sizeof line, f)) {
    unsigned ruid, euid;
    if (sscanf(line, "Uid: %u %u", &ruid, &euid) == 2) {
      owned = ruid == sandbox_uid || euid == sandbox_uid;
      break;
    }
  }
  if (f) fclose(f);
  return owned;
}

int left_behind(pid_t pid) {
  char state;
  pid_t session, init_session;
  if (pid == 1 || pid == getpid() || !sandbox_owned(pid)) return 0;
  if (process_state(pid, &state, &session) != 0) return 0;
  if (process_state(1, &state, &init_session) != 0) init_session = 1;
  return session != getsid(0) && session != init_session;
}

int each_process(int (*fn)(pid_t pid, void *arg), void *arg) {
  DIR *d = opendir("/proc");
  struct dirent *e;
  int matched = 0;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    if (fn((pid_t)atoi(e->d_name), arg)) matched++;
  }
  if (d) closedir(d);
  return matched;
}

struct left_behind_visit {
  void (*fn)(pid_t pid, char state);
};

static int visit_left_behind(pid_t pid, void *arg) {
  const struct left_behind_visit *visit = arg;
  char state;
  pid_t session;
  if (!left_behind(pid) || process_state(pid, &state, &session) != 0) return 0;
  if (visit->fn) visit->fn(pid, state);
  return 1;
}

/* Calls fn (when given) for every process left behind; returns how many there were. */
static int each_left_behind(void (*fn)(pid_t pid, char state)) {
  struct left_behind_visit visit = {fn};
  return each_process(visit_left_behind, &visit);
}

static int still_running;
static void stop_one(pid_t pid, char state) {
  if (state == 'T' || state == 't' || state == 'Z' || state == 'X') return;
  kill(pid, SIGSTOP);
  still_running++;
}
static void kill_one(pid_t pid, char state) {
  (void)state;
  kill(pid, SIGKILL);
}

int end_left_behind(long budget_ms) {
  int64_t deadline = now_ms() + budget_ms;
  do {
    still_running = 0;
    each_left_behind(stop_one);
  } while (still_running && now_ms() < deadline);
  each_left_behind(kill_one);
  for (;;) {
    /* init reaps them (they were orphaned); we do too, should one be ours */
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    if (each_left_behind(NULL) == 0) return 0;
    if (now_ms() >= deadline) return -1;
    each_left_behind(kill_one);
    usleep(1000);
  }
}
