#define _GNU_SOURCE
#include "prewarm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "processes.h"
#include "sandbox.h"
#include "worker.h"

static prewarmed_t warm;
int prewarm_enabled;
/* the next interpreter is started with the last request's limits: most requests use the defaults */
static long next_cpu_ms = 5000;
static long long next_file_bytes = 16LL * 1024 * 1024;
static long next_processes = 0;

void start_prewarm(void) {
  if (!prewarm_enabled || warm.pid > 0) return;
  int ctl[2], in_p[2], po[2], pe[2];
  if (pipe2(ctl, O_CLOEXEC) != 0) return;
  if (pipe2(in_p, O_CLOEXEC) != 0 || pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0) {
    log_err("prewarm: pipe: %s", strerror(errno));
    prewarm_enabled = 0;
    return;
  }
  char **env = build_env(NULL);
  char *argv[] = {"/bin/sh", RUNTIME_SCRIPT, "prewarm", NULL};
  pid_t pid = fork();
  if (pid < 0) {
    free(env);
    return;
  }
  if (pid == 0) exec_program(argv, env, in_p[0], po[1], pe[1], ctl[0], next_cpu_ms, next_file_bytes, next_processes);
  free(env);
  close(ctl[0]);
  close(in_p[0]);
  close(po[1]);
  close(pe[1]);
  warm = (prewarmed_t){.pid = pid, .ctl = ctl[1], .in = in_p[1], .out = po[0], .err = pe[0],
                       .cpu_s = (next_cpu_ms + 999) / 1000, .file_bytes = next_file_bytes, .processes = next_processes};
}

static void close_prewarmed(prewarmed_t *p) {
  close(p->ctl);
  close(p->in);
  close(p->out);
  close(p->err);
}

/* Also disables prewarm if the interpreter died idle: its runtime.sh can't prewarm. */
int take_prewarmed(const request_t *r, prewarmed_t *taken) {
  next_cpu_ms = r->cpu_ms;
  next_file_bytes = r->file_bytes;
  next_processes = r->processes;
  if (warm.pid <= 0) return 0;
  *taken = warm;
  warm.pid = 0;
  if (waitpid(taken->pid, NULL, WNOHANG) != 0) {
    log_err("prewarm: the interpreter ended before any request: prewarm disabled");
    prewarm_enabled = 0;
    close_prewarmed(taken);
    return 0;
  }
  if (taken->cpu_s == (r->cpu_ms + 999) / 1000 && taken->file_bytes == r->file_bytes && taken->processes == r->processes) {
    /* the interpreter's own start is not the program's CPU time */
    taken->boot_cpu_ms = process_cpu_ms(taken->pid);
    return 1;
  }
  kill(taken->pid, SIGKILL);
  waitpid(taken->pid, NULL, 0);
  close_prewarmed(taken);
  return 0;
}

void discard_prewarmed(void) {
  if (warm.pid > 0) {
    kill(warm.pid, SIGKILL);
    waitpid(warm.pid, NULL, 0);
    close_prewarmed(&warm);
    warm.pid = 0;
  }
}
