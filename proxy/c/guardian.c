/*
 * Nuclio's eventTimeout SIGKILLs the handler, that is the proxy, and nothing else: the program would
 * live on (sleeping, holding memory) until the next event's proxy ends it. So in --once a guardian
 * process waits on a pipe whose only writer is us. If we die, however we die, the kernel closes our
 * end and the guardian reads EOF: it becomes the sandbox user and kill(-1)s every process of that uid
 * at once (a fork bomb can't outrun it; the platform's processes are another uid's). If we end
 * normally we write one byte first and it leaves without killing.
 *
 * The guardian is not our child (a double fork before we become a subreaper: it is init's), so our
 * reaping and our sweeps of children never meet it. A guardian woken by its proxy's death could in
 * theory be slower than the next event: so a proxy waits, briefly, for no other guardian to be awake
 * before it starts its own and runs anything.
 */
#define _GNU_SOURCE
#include "guardian.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "processes.h"
#include "sandbox.h"
#include "worker.h"

#define GUARDIAN_NAME "codering-guard"
/* How long a proxy waits for another event's guardian to finish its kill(-1). */
#define GUARDIAN_WAIT_MS 2000

static int guardian_fd = -1;

/* A guardian of another event that woke (its proxy died) and has not finished. */
static int guardian_awake(pid_t pid, void *unused) {
  (void)unused;
  process_stat_t stat;
  if (read_process_stat(pid, &stat) != 0 || strcmp(stat.comm, GUARDIAN_NAME) != 0) return 0;
  /* asleep on its pipe: its proxy is alive (another event of a pod with several workers); a zombie is done */
  return stat.state == 'R' || stat.state == 'D';
}

static void guard(int fd) {
  prctl(PR_SET_NAME, GUARDIAN_NAME);
  /* nothing of ours but the pipe: holding our stdout would keep the platform waiting for its end */
  for (int other = 0; other < 1024; other++) {
    if (other != fd) close(other);
  }
  char byte;
  ssize_t got;
  while ((got = read(fd, &byte, 1)) < 0 && errno == EINTR) {
  }
  if (got == 1) _exit(0);
  drop_to_sandbox();
  kill(-1, SIGKILL);
  _exit(0);
}

void start_guardian(void) {
  if (!may_switch_uid || !own_uid) return; /* kill(-1) as our own uid would reach the platform */
  int64_t deadline = now_ms() + GUARDIAN_WAIT_MS;
  while (each_process(guardian_awake, NULL) > 0 && now_ms() < deadline) usleep(1000);
  int p[2];
  /* close-on-exec: the program never holds our end, so only our death or our byte wakes it */
  if (pipe2(p, O_CLOEXEC) != 0) return;
  pid_t pid = fork();
  if (pid == 0) {
    close(p[1]);
    if (fork() == 0) guard(p[0]);
    _exit(0);
  }
  close(p[0]);
  if (pid < 0) {
    close(p[1]);
    return;
  }
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
  }
  guardian_fd = p[1];
}

void stop_guardian(void) {
  if (guardian_fd < 0) return;
  while (write(guardian_fd, "", 1) < 0 && errno == EINTR) {
  }
  close(guardian_fd);
  guardian_fd = -1;
}
