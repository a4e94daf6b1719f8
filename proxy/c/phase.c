#define _GNU_SOURCE
#include "phase.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "input.h"
#include "prewarm.h"
#include "processes.h"
#include "result.h"
#include "sandbox.h"
#include "stream.h"
#include "worker.h"

/* A phase's process once started, however it was: what supervision needs of it. */
typedef struct {
  pid_t pid;
  int out, err;     /* read ends of its stdout and stderr */
  int stdin_writer; /* a pipe we feed its stdin through from the poll loop, or -1 */
  int64_t start;    /* when its wall time started */
  int64_t boot_cpu_ms; /* CPU it used before the request (a prewarmed interpreter's start) */
} started_t;

/* Reads what is there: 1 = read some, 0 = end of file (or broken), -1 = nothing right now. */
static int drain(int fd, buffer_t *b, size_t *total, size_t cap, int *limited) {
  char chunk[65536];
  ssize_t n = read(fd, chunk, sizeof chunk);
  if (n < 0) return errno == EAGAIN || errno == EINTR ? -1 : 0;
  if (n == 0) return 0;
  size_t room = cap > *total ? cap - *total : 0;
  size_t keep = (size_t)n < room ? (size_t)n : room;
  buf_append(b, chunk, keep);
  stream_output(b, chunk, keep);
  *total += (size_t)n;
  if ((size_t)n > keep) {
    b->truncated = 1;
    *limited = 1;
  }
  return 1;
}

/* Hands the program to the interpreter that waits on fd 3: `main NUL arg NUL arg…`, then EOF. */
static started_t start_prewarmed(const request_t *r, prewarmed_t *pw) {
  size_t len = strlen(r->main_file) + 1;
  for (int i = 0; i < r->nargs; i++) len += strlen(r->args[i]) + 1;
  char *msg = xmalloc(len);
  size_t off = 0;
  memcpy(msg + off, r->main_file, strlen(r->main_file) + 1);
  off += strlen(r->main_file) + 1;
  for (int i = 0; i < r->nargs; i++) {
    memcpy(msg + off, r->args[i], strlen(r->args[i]) + 1);
    off += strlen(r->args[i]) + 1;
  }
  started_t s = {.pid = pw->pid, .out = pw->out, .err = pw->err, .boot_cpu_ms = pw->boot_cpu_ms};
  s.start = now_ms();
  /* the interpreter is blocked reading fd 3: it drains the pipe as we write */
  size_t sent = 0;
  while (sent < len - 1) {
    ssize_t w = write(pw->ctl, msg + sent, len - 1 - sent);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    sent += (size_t)w;
  }
  free(msg);
  close(pw->ctl);
  /* its stdin is a pipe we feed from the poll loop: it started before the request had one */
  s.stdin_writer = pw->in;
  fcntl(s.stdin_writer, F_SETFL, O_NONBLOCK);
  if (r->stdin_len == 0 && !r->interactive) {
    close(s.stdin_writer);
    s.stdin_writer = -1;
  }
  return s;
}

/* Starts `runtime.sh <phase>` afresh; its stdin is a memfd that already holds the request's. */
static started_t start_cold(const request_t *r, const char *phase) {
  int is_run = strcmp(phase, "run") == 0;
  int po[2], pe[2];
  if (pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0) die_internal("pipe: %s", strerror(errno));
  /* an interactive program's stdin is a pipe we feed from the poll loop, as a prewarmed one's */
  int stdin_writer = -1;
  int stdin_fd = is_run && r->interactive ? stream_stdin_pipe(&stdin_writer) : (int)syscall(SYS_memfd_create, "stdin", 0);
  if (stdin_fd < 0) die_internal("memfd_create: %s", strerror(errno));
  if (is_run && r->stdin_len && stdin_writer < 0) {
    size_t off = 0;
    while (off < r->stdin_len) {
      ssize_t w = write(stdin_fd, r->stdin_data + off, r->stdin_len - off);
      if (w <= 0) die_internal("writing stdin: %s", strerror(errno));
      off += (size_t)w;
    }
    lseek(stdin_fd, 0, SEEK_SET);
  }
  char **env = build_env(r);
  char *argv[MAX_ARGS + 4];
  int a = 0;
  argv[a++] = "/bin/sh";
  argv[a++] = RUNTIME_SCRIPT;
  argv[a++] = (char *)phase;
  if (is_run)
    for (int i = 0; i < r->nargs; i++) argv[a++] = r->args[i];
  argv[a] = NULL;

  started_t s = {.out = po[0], .err = pe[0], .stdin_writer = stdin_writer};
  s.start = now_ms();
  s.pid = fork();
  if (s.pid < 0) die_internal("fork: %s", strerror(errno));
  /* a compiler's output is ours to allow, not the program's: only the tmpfs bounds it */
  if (s.pid == 0)
    exec_program(argv, env, stdin_fd, po[1], pe[1], -1, is_run ? r->cpu_ms : r->compile_wall_ms, is_run ? r->file_bytes : 0,
                 is_run ? r->processes : 0);
  free(env);
  close(po[1]);
  close(pe[1]);
  close(stdin_fd);
  return s;
}

/*
 * Supervises a started phase until it ends, its wall time runs out, it writes too much, or the
 * caller cancels or goes away; then ends every process it left and says what it used.
 */
static void supervise(const request_t *r, started_t *s, long wall_ms, phase_t *out) {
  int pfd = pidfd_open_compat(s->pid);
  if (pfd < 0) die_internal("pidfd_open: %s", strerror(errno));
  fcntl(s->out, F_SETFL, O_NONBLOCK);
  fcntl(s->err, F_SETFL, O_NONBLOCK);

  size_t total = 0, stdin_sent = 0;
  int out_open = 1, err_open = 1, child_done = 0;
  int64_t deadline = s->start + wall_ms;
  while (!child_done) {
    struct pollfd fds[5];
    int nf = 0, io = -1, ie = -1, ic = -1, iw = -1;
    fds[nf] = (struct pollfd){.fd = pfd, .events = POLLIN};
    nf++;
    if (out_open) io = nf, fds[nf++] = (struct pollfd){.fd = s->out, .events = POLLIN};
    if (err_open) ie = nf, fds[nf++] = (struct pollfd){.fd = s->err, .events = POLLIN};
    if (serve_mode && !input_eof()) ic = nf, fds[nf++] = (struct pollfd){.fd = 0, .events = POLLIN};
    if (s->stdin_writer >= 0 && stream_stdin_wanted(r, stdin_sent)) iw = nf, fds[nf++] = (struct pollfd){.fd = s->stdin_writer, .events = POLLOUT};
    int64_t left = deadline - now_ms();
    if (left <= 0) {
      out->timed_out = 1;
      break;
    }
    /* an interactive run's input may be buffered already (it came with the request): no wait for it */
    int buffered = ic >= 0 && r->interactive && stream_input_ready();
    int ready = poll(fds, (nfds_t)nf, buffered ? 0 : (int)left);
    if (ready < 0 && errno != EINTR) die_internal("poll: %s", strerror(errno));
    if (ready <= 0 && !buffered) continue;
    if (io >= 0 && fds[io].revents) out_open = drain(s->out, &out->out, &total, (size_t)r->output_bytes, &out->output_limited) != 0;
    if (ie >= 0 && fds[ie].revents) err_open = drain(s->err, &out->err, &total, (size_t)r->output_bytes, &out->output_limited) != 0;
    if (out->output_limited) break;
    if (iw >= 0 && fds[iw].revents && stream_stdin_write(s->stdin_writer, r, &stdin_sent, fds[iw].revents)) {
      close(s->stdin_writer);
      s->stdin_writer = -1;
    }
    if (ic >= 0 && (fds[ic].revents || buffered)) {
      input_event_t event = r->interactive ? stream_input_during_run(fds[ic].revents != 0) : input_during_run();
      if (event == INPUT_CLOSED) {
        out->input_closed = 1;
        break;
      }
      if (event == INPUT_CANCEL) {
        out->cancelled = 1;
        break;
      }
    }
    if (fds[0].revents) child_done = 1;
  }
  if (!child_done) signal_everything(s->pid);
  struct rusage ru;
  int status = 0;
  memset(&ru, 0, sizeof ru);
  while (wait4(s->pid, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  out->wall_ms = now_ms() - s->start;
  /* what the program wrote just before it ended is still in the pipes */
  while (out_open && !out->output_limited && drain(s->out, &out->out, &total, (size_t)r->output_bytes, &out->output_limited) == 1) {
  }
  while (err_open && !out->output_limited && drain(s->err, &out->err, &total, (size_t)r->output_bytes, &out->output_limited) == 1) {
  }
  close(s->out);
  close(s->err);
  close(pfd);
  if (s->stdin_writer >= 0) close(s->stdin_writer);
  kill_everything(s->pid);
  out->cpu_ms = (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
  out->cpu_ms = out->cpu_ms > s->boot_cpu_ms ? out->cpu_ms - s->boot_cpu_ms : 0;
  out->max_rss_bytes = (long long)ru.ru_maxrss * 1024;
  if (WIFEXITED(status)) {
    out->exited = 1;
    out->exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    out->signal = WTERMSIG(status);
  }
}

void run_phase(const request_t *r, const char *phase, long wall_ms, phase_t *out) {
  memset(out, 0, sizeof *out);
  buf_init(&out->out, (size_t)r->output_bytes);
  buf_init(&out->err, (size_t)r->output_bytes);
  stream_phase_begin(r, phase, &out->out, &out->err);
  /* only `run` can use a prewarmed interpreter: a compiler never waits for a request. Nor can a
     streamed run: its program must start with the output buffering runtime.sh gives a streamed run
     (CODERING_STREAM, sandbox.c), which an interpreter started before the request could not know; and
     an interactive run also because a prewarmed python takes its whole stdin before the program
     starts (so that it reads it as a cold run reads its memfd), where an interactive stdin ends only
     when the client says */
  prewarmed_t pw;
  int streamed = r->stream || r->interactive;
  int may_prewarm = strcmp(phase, "run") == 0 && !streamed;
  /* the one left waiting goes now: the proof after the run admits no process, and the next starts then */
  if (strcmp(phase, "run") == 0 && streamed) discard_prewarmed();
  started_t started = may_prewarm && take_prewarmed(r, &pw) ? start_prewarmed(r, &pw) : start_cold(r, phase);
  supervise(r, &started, wall_ms, out);
}
