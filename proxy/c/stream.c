#define _GNU_SOURCE
#include "stream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "result.h"
#include "worker.h"

/* What a program's stdin may have queued and not read yet; the API sends far less (CODERING_MAX_STDIN_BYTES). */
#define MAX_QUEUED_STDIN (16u * 1024u * 1024u)
/* A line of ours on stdin (`cancel`, `stdin-eof`, `stdin <length>`) is short: longer is a broken caller. */
#define MAX_INPUT_LINE 64

/* The buffers of the phase whose output streams (compared, never read): none outside a streamed run. */
static const buffer_t *streamed_out, *streamed_err;
/* Its frames' prefixes: which stream, and whose output (the compiler's or the program's). */
static const char *out_prefix, *err_prefix;

/* The interactive stdin of the request being answered. */
static struct {
  buffer_t queue; /* bytes for the program's stdin not written yet, from queue_off on */
  size_t queue_off;
  int in_frame;      /* inside a `stdin` frame: frame_left payload bytes, then its '\n', still to come */
  size_t frame_left;
  int eof;    /* `stdin-eof` came: the program's stdin closes once the queue is written */
  int closed; /* the program's stdin is closed: what comes now is dropped */
} feed = {.queue = {.limit = MAX_QUEUED_STDIN}};

void stream_phase_begin(const request_t *r, const char *phase, const buffer_t *out, const buffer_t *err) {
  /* the compiler's output streams too (a slow compile shows its warnings as they come), said apart */
  int compile = strcmp(phase, "compile") == 0;
  int on = serve_mode && r->stream && (compile || strcmp(phase, "run") == 0);
  streamed_out = on ? out : NULL;
  streamed_err = on ? err : NULL;
  out_prefix = compile ? "{\"stream\":\"stdout\",\"phase\":\"compile\",\"data\":\"" : "{\"stream\":\"stdout\",\"phase\":\"run\",\"data\":\"";
  err_prefix = compile ? "{\"stream\":\"stderr\",\"phase\":\"compile\",\"data\":\"" : "{\"stream\":\"stderr\",\"phase\":\"run\",\"data\":\"";
}

void stream_output(const buffer_t *b, const char *data, size_t n) {
  if (n == 0 || b == NULL || (b != streamed_out && b != streamed_err)) return;
  buffer_t json;
  buf_init(&json, SIZE_MAX);
  buf_puts(&json, b == streamed_out ? out_prefix : err_prefix);
  buf_base64(&json, data, n);
  buf_puts(&json, "\"}");
  emit_frame(&json);
  buf_free(&json);
}

int stream_stdin_pipe(int *writer) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) die_internal("pipe: %s", strerror(errno));
  fcntl(p[1], F_SETFL, O_NONBLOCK);
  *writer = p[1];
  return p[0];
}

static void queue_append(const char *data, size_t n) {
  if (feed.closed) return;
  if (feed.queue_off == feed.queue.len) feed.queue_off = feed.queue.len = 0;
  if (buf_append(&feed.queue, data, n) > 0) log_err("interactive stdin: more than %u bytes queued, the rest dropped", MAX_QUEUED_STDIN);
}

/* The `stdin <length>` of a frame: its length, or -1. */
static long long frame_length(const char *line) {
  if (strncmp(line, "stdin ", 6) != 0 || line[6] == 0) return -1;
  long long v = 0;
  for (const char *p = line + 6; *p; p++) {
    if (*p < '0' || *p > '9' || p - line > 6 + 12) return -1;
    v = v * 10 + (*p - '0');
  }
  return v;
}

int stream_input_ready(void) {
  const char *data;
  size_t have = input_buffered(&data);
  if (feed.in_frame) return have > 0;
  return memchr(data, '\n', have) != NULL;
}

input_event_t stream_input_during_run(int readable) {
  int open = readable ? input_read_more() : 1;
  for (;;) {
    const char *data;
    size_t have = input_buffered(&data);
    if (have == 0) break;
    if (feed.in_frame) {
      if (feed.frame_left > 0) {
        size_t take = have < feed.frame_left ? have : feed.frame_left;
        queue_append(data, take);
        input_consume(take);
        feed.frame_left -= take;
        continue;
      }
      feed.in_frame = 0;
      input_consume(1);
      if (data[0] != '\n') {
        log_err("a stdin frame not followed by a newline");
        return INPUT_CLOSED;
      }
      continue;
    }
    const char *nl = memchr(data, '\n', have);
    if (!nl) {
      if (have < MAX_INPUT_LINE) break;
      log_err("a line longer than %d bytes on stdin during a run", MAX_INPUT_LINE);
      return INPUT_CLOSED;
    }
    char line[MAX_INPUT_LINE];
    size_t len = (size_t)(nl - data);
    if (len >= sizeof line) len = sizeof line - 1;
    memcpy(line, data, len);
    line[len] = 0;
    input_consume((size_t)(nl - data) + 1);
    if (strcmp(line, "cancel") == 0) return INPUT_CANCEL;
    if (strcmp(line, "stdin-eof") == 0) {
      feed.eof = 1;
      continue;
    }
    long long n = frame_length(line);
    if (n < 0) {
      log_err("unexpected line on stdin during a run: %s", line);
      return INPUT_CLOSED;
    }
    feed.in_frame = 1;
    feed.frame_left = (size_t)n;
  }
  return open ? INPUT_NOTHING : INPUT_CLOSED;
}

int stream_stdin_wanted(const request_t *r, size_t sent) {
  if (sent < r->stdin_len || !r->interactive) return 1;
  return feed.queue_off < feed.queue.len || feed.eof;
}

int stream_stdin_write(int fd, const request_t *r, size_t *sent, short revents) {
  ssize_t w = 0;
  if (*sent < r->stdin_len) {
    w = write(fd, r->stdin_data + *sent, r->stdin_len - *sent);
    if (w > 0) *sent += (size_t)w;
  } else if (feed.queue_off < feed.queue.len) {
    w = write(fd, feed.queue.data + feed.queue_off, feed.queue.len - feed.queue_off);
    if (w > 0) feed.queue_off += (size_t)w;
  }
  /* the program closed its stdin (EPIPE), or all is given: either way, no more to give */
  int broken = (w < 0 && errno != EAGAIN && errno != EINTR) || (revents & (POLLERR | POLLHUP));
  int given = *sent >= r->stdin_len && (!r->interactive || (feed.eof && feed.queue_off >= feed.queue.len));
  if (broken || given) feed.closed = 1;
  return broken || given;
}

/* Reads and drops n bytes of stdin (fewer at EOF). */
static void skip_input(size_t n) {
  char scratch[4096];
  while (n > 0) {
    size_t take = n < sizeof scratch ? n : sizeof scratch;
    if (read_exact(scratch, take) < 0) return;
    n -= take;
  }
}

void stream_between_requests(void) {
  /* the frame the last program did not wait for: the rest of its payload and its newline are on their way */
  if (feed.in_frame) skip_input(feed.frame_left + 1);
  buf_free(&feed.queue);
  feed.queue_off = 0;
  feed.in_frame = 0;
  feed.frame_left = 0;
  feed.eof = 0;
  feed.closed = 0;
}

int stream_skip_late_input(const char *line) {
  if (strcmp(line, "stdin-eof") == 0) return 1;
  long long n = frame_length(line);
  if (n < 0) return 0;
  skip_input((size_t)n + 1);
  return 1;
}
